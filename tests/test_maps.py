"""cb_maps without Pelican or a browser: no CDN, deterministic output, record text only inside
JSON (escaped so it cannot close its <script>), self-registering data files, safe links."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from cb_maps import data, maps_for, on_generator_init, skeleton
from cb_maps.render import Maps
from cb_maps.settings import Settings

from clearbuild import buildcontext

ROOT = Path(__file__).resolve().parent.parent
EVIL = "${alert(1)}</script><script>alert(1)</script>`\"' <!--<script> & \u2028"
BLOCK = re.compile(r'<script type="application/json" id="cbmap-([\w-]+)-config">(.*?)</script>', re.S)


def maps(**settings) -> Maps:
    return maps_for({"THEME_STATIC_DIR": "static", **settings})


def marker(i: int = 1, **extra) -> dict:
    return {"id": f"P-{i}", "lat": 37.5 + i / 1000, "lon": 127.0, "title": EVIL,
            "url": f"projects/P-{i}/index.html", "status": "in_progress", "district": "11230",
            "agency": EVIL, **extra}


def config_of(html: str) -> dict:
    (_, text), = BLOCK.findall(html)
    return json.loads(text)


def outside_json(html: str) -> str:
    return BLOCK.sub("", html)


def test_no_cdn_and_only_relative_vendored_assets():
    html = str(maps().map("home", [marker()], "../../"))
    assert not re.search(r"https?://", html)
    srcs = [s for s in re.findall(r'(?:src|href)="([^"]+)"', html) if not s.startswith("#")]  # in-page: skip link
    assert srcs and all(s.startswith("../../static/") for s in srcs)
    for s in srcs:  # every asset the fragment names is shipped in the theme (or written by us)
        rel = s.removeprefix("../../static/")
        assert (ROOT / "theme" / "static" / rel).exists() or rel.startswith("geo/"), rel


def test_folium_own_asset_lists_point_at_vendored_files():
    page = skeleton.full_page(maps().opts, root="../")
    assert not re.search(r"https?://", page.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    assert '<script src="../static/vendor/leaflet/leaflet.js"></script>' in page
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()


def test_vendored_files_carry_their_licences():
    vendor = ROOT / "theme" / "static" / "vendor"
    for lib in ("leaflet", "leaflet.markercluster"):
        assert "Permission is hereby granted" in (vendor / lib / "LICENSE").read_text() or \
            "BSD" in (vendor / lib / "LICENSE").read_text()


def test_tile_url_is_the_only_url_when_configured():
    html = str(maps(CB_MAPS_TILES="https://tiles.example.org/{z}/{x}/{y}.png",
                    CB_MAPS_TILES_ATTRIBUTION="© example").map("home", [marker()], ""))
    assert re.findall(r"https?://[^\"]+", html) == ["https://tiles.example.org/{z}/{x}/{y}.png"]
    with pytest.raises(ValueError, match="CB_MAPS_TILES_ATTRIBUTION"):
        maps(CB_MAPS_TILES="https://t.example/{z}/{x}/{y}.png")


def test_same_input_gives_byte_identical_html_and_no_random_ids():
    first = str(maps().map("home", [marker(1), marker(2)], "../"))
    skeleton.skeleton.cache_clear()
    again = Maps(Settings.from_pelican({"THEME_STATIC_DIR": "static"}))
    second = str(again.map("home", [marker(1), marker(2)], "../"))
    assert first == second
    assert not re.search(r"[0-9a-f]{32}", first)
    assert "var map_home = L.map(" in first and "cbmapslot" not in first


def test_two_maps_on_a_page_do_not_share_names():
    m = maps()
    a, b = str(m.map("projects-map", [], "")), str(m.map("district-map", [], "", assets=False))
    assert "var map_projects_map" in a and "var map_district_map" in b
    assert "leaflet.js" not in b


def test_payloads_stay_inside_the_json_block_escaped():
    html = str(maps().map("home", [marker()], "", fields=[("agency", "<b>기관</b>")]))
    rest = outside_json(html)
    for needle in ("alert", "${", "`", "기관", "P-1", "11230"):
        assert needle not in rest, needle  # the folium script and the markup carry no data
    (_, raw), = BLOCK.findall(html)
    assert "<" not in raw and ">" not in raw and "&" not in raw and "\u2028" not in raw
    cfg = json.loads(raw)
    rec = dict(zip(cfg["markers"]["cols"], cfg["markers"]["rows"][0], strict=True))
    assert rec["title"] == EVIL and rec["agency"] == EVIL
    assert cfg["fields"] == [["agency", "<b>기관</b>"]]


def test_data_file_registers_itself_and_survives_payloads(tmp_path):
    desc = data.write_data_file(tmp_path, "static/mapdata/companies-11230.js", "companies-11230",
                                [marker(1), marker(2), {"id": "C-3", "lat": None, "lon": 1, "title": "x"}])
    assert desc == {"key": "companies-11230", "src": "static/mapdata/companies-11230.js",
                    "label": "companies-11230", "count": 2, "bounds": [[37.501, 127.0], [37.502, 127.0]],
                    "bytes": desc["bytes"]}
    text = (tmp_path / desc["src"]).read_text(encoding="utf-8")
    assert "</script" not in text.lower() and "<" not in text
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is needed to evaluate the data file")
    out = subprocess.run([node, "-e", "const window = {}; eval(require('fs').readFileSync(process.argv[1], "
                          "'utf8')); process.stdout.write(JSON.stringify(window.CB_MAPDATA))",
                          str(tmp_path / desc["src"])], capture_output=True, text=True, check=True).stdout
    got = json.loads(out)["companies-11230"]
    assert [dict(zip(got["cols"], r, strict=True))["title"] for r in got["rows"]] == [EVIL, EVIL]


def test_unchanged_data_file_is_not_rewritten(tmp_path):
    data.write_data_file(tmp_path, "d/a.js", "a", [marker()])
    path = tmp_path / "d" / "a.js"
    before = path.stat().st_mtime_ns
    data.write_data_file(tmp_path, "d/a.js", "a", [marker()])
    assert path.stat().st_mtime_ns == before


@pytest.mark.parametrize("url,kept", [
    ("projects/P-1/index.html", True), ("https://example.org/x", True), ("HTTP://EXAMPLE.ORG", True),
    ("javascript:alert(1)", False), ("\x01javascript:alert(1)", False), (" javascript:alert(1)", False),
    ("//evil.example/x", False), ("/abs/path", False), ("data:text/html,x", False),
    ('projects/x" onmouseover="alert(1)', False), ("https://x.org/\"><script>", False), ("", False),
])
def test_links_from_data_are_relative_or_http(url, kept):
    assert (data.safe_url(url) == url) is kept


def test_markers_without_coordinates_or_with_numpy_and_nan_values():
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    enc = data.encode_markers([
        {"id": np.int64(7), "lat": np.float64(37.5), "lon": 127.0, "title": "a", "budget": np.int64(5),
         "flag": np.bool_(True), "when": pd.Timestamp("2026-01-02"), "gap": pd.NA, "nat": pd.NaT},
        {"id": "b", "lat": math.nan, "lon": 127.0, "title": "no place"},
        {"id": "c", "lat": "37.5", "lon": None, "title": "no place either"},
    ])
    assert [r[0] for r in enc["rows"]] == ["7"]
    row = dict(zip(enc["cols"], enc["rows"][0], strict=True))
    assert row["budget"] == 5 and row["flag"] is True and row["gap"] is None and row["nat"] is None
    assert row["when"].startswith("2026-01-02")
    json.dumps(enc, allow_nan=False)


@pytest.mark.parametrize("call,message", [
    (lambda m: m.map("bad id!", [], ""), "map id"),
    (lambda m: m.map("home", [], "/abs/"), "root"),
    (lambda m: m.map("home", [{"lat": 1, "lon": 2}], ""), "has no id"),
    (lambda m: m.map("home", [{"id": "1", "lat": 1, "lon": 2, "Bad-Key": 1}], ""), "marker field"),
    (lambda m: m.map("home", [], "", height="1px;background:url(x)"), "height"),
    (lambda m: m.map("home", [], "", bounds=[1, 2]), "bounds"),
    (lambda m: m.external("c", [{"key": "a", "src": "../x.js"}], ""), "data file path"),
    (lambda m: m.external("c", [{"key": "a b", "src": "x.js"}], ""), "data key"),
    (lambda m: m.external("c", [{"key": "a", "src": "x.js"}], "", initial="b"), "initial"),
])
def test_bad_calls_fail_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call(maps())


def test_external_map_references_data_files_but_inlines_no_markers():
    html = str(maps().external("company-map", [{"key": "companies-11230", "src": "static/m/c.js",
                                                "label": "강남구", "count": 3}], "../"))
    cfg = config_of(html)
    assert "markers" not in cfg and cfg["datasets"][0]["src"] == "static/m/c.js"
    assert cfg["root"] == "../"


def test_point_map_shows_the_district_and_an_svg_fallback():
    html = str(maps().point_map("project-map", marker(), "../../"))
    cfg = config_of(html)
    assert cfg["highlight"] == "11230" and cfg["view"] == {} and cfg["cluster"] is None
    assert '<noscript><svg class="cbminimap"' in html and "minimap/11230.svg" in html
    assert str(maps().point_map("project-map", {**marker(), "lat": None}, "")) == ""


def test_minimap_escapes_its_label_and_places_the_dot_inside_the_frame():
    svg = str(maps().minimap(37.5665, 126.978, "../", district="11020", label=EVIL))
    assert "<script" not in svg and "&lt;/script&gt;" in svg
    cx, cy = (float(v) for v in re.search(r'cx="([\d.]+)" cy="([\d.]+)"', svg).groups())
    assert 0 < cx < 320 and 0 < cy < 300
    assert str(maps().minimap(None, 127, "")) == ""


def test_district_lookup_and_bounds():
    m = maps()
    assert m.district_at(37.5609, 126.986) == "11020"  # Myeongdong, Jung-gu
    assert m.district_at(37.5172, 127.0473) == "11230"  # Gangnam-gu office
    assert m.district_at(35.1, 129.0) is None  # Busan
    (s, w), (n, e) = m.district_bounds("11230")
    assert s < 37.5172 < n and w < 127.0473 < e
    assert m.district_bounds("99999") is None


def test_static_files_register_boundaries(tmp_path):
    written = maps().write_static(tmp_path)
    assert "static/geo/districts.js" in written and "static/geo/minimap/all.svg" in written
    text = (tmp_path / "static/geo/districts.js").read_text(encoding="utf-8")
    assert text.startswith('window.CB_GEO=window.CB_GEO||{};window.CB_GEO["districts"]={')
    geo = json.loads(text.split("]=", 1)[1].rstrip(";\n"))
    assert len(geo["features"]) == 25
    assert len(written) == 1 + 25 + 1


def test_plugin_adds_jinja_globals_and_context_callables(tmp_path):
    env = jinja2.Environment(autoescape=True)
    gen = SimpleNamespace(settings={"THEME_STATIC_DIR": "static"}, env=env, context={},
                          output_path=str(tmp_path))
    on_generator_init(gen)
    html = env.from_string("{{ cb_map('home', markers, root) }}").render(markers=[marker()], root="../")
    assert '<div class="cbmap cbmap-projects" id="cbmap-home"' in html  # Markup: not escaped
    assert config_of(html)["markers"]["rows"][0][3] == EVIL
    desc = buildcontext.of(gen.context).maps["write_data_file"]("static/mapdata/x.js", "x", [marker()])
    assert (tmp_path / "static/mapdata/x.js").exists() and desc["count"] == 1
