"""Whole builds of the tiny fixture: pages exist, a broken export changes nothing, output is
deterministic, private columns never reach output/, and data cannot inject markup."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from factory import ROWS, copy_rows, write_export
from test_ingest import rewrite_header

from clearbuild.build import build
from clearbuild.filegate import images
from clearbuild.ingest import StructuralError
from clearbuild.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = ["<script>alert(1)</script>", "${alert(1)}", "\"'><img src=x onerror=alert(1)>",
            "`;alert(1);//", "</script><script>alert(1)</script>"]


def tree_hash(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("site")
    export = write_export(base / "export")
    result = build(output=base / "out", data=export, quiet=True)
    return result


def test_every_project_and_district_has_a_page(site):
    from clearbuild import config

    out = site.output
    for p in ROWS["projects"]:
        assert (out / "projects" / p["project_id"] / "index.html").is_file()
        assert (out / "en" / "projects" / p["project_id"] / "index.html").is_file()
    for code in config.districts({}):
        assert (out / "districts" / code / "index.html").is_file()
    assert (out / "index.html").is_file()


def test_project_page_shows_what_supervisors_see(site):
    html = (site.output / "projects/P-0001/index.html").read_text(encoding="utf-8")
    for expected in ["강남대로 보도 정비공사", "1,300,000,000원", "한빛건설(주)", "푸른전기 주식회사",
                     "안전난간 보강 필요", "+13.6%", "김감리", "class=\"overdue\"",
                     "progress-chart", "media/photos/PH-1.jpg"]:
        assert expected in html, expected
    # wages are listed first in the payments summary: unpaid wages are what it exists to stop
    assert html.index("노무비(임금)") < html.index("<td>하도급사</td>")


def test_private_values_never_reach_output(site):
    secrets = {r[c.name] for name, t in TABLES.items() for c in t.columns if not c.public
               for r in ROWS.get(name, []) if r.get(c.name)}
    assert "SECRET-NOTE-XYZ" in secrets
    for path in site.output.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".js", ".json", ".csv", ".xml", ".txt"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for s in secrets:
                assert s not in text, (s, path)


def test_links_are_relative(site):
    html = (site.output / "projects/P-0001/index.html").read_text(encoding="utf-8")
    assert 'href="/' not in html and 'src="/' not in html


def test_structural_error_leaves_output_unchanged(tmp_path, export):
    out = tmp_path / "out"
    build(output=out, data=export, quiet=True)
    before = tree_hash(out)
    rewrite_header(export / "projects.csv", "name", None)
    with pytest.raises(StructuralError, match="projects.*'name'"):
        build(output=out, data=export, quiet=True)
    assert tree_hash(out) == before
    assert not list(tmp_path.glob(".build-*"))


def test_invoke_build_fails_with_one_line(tmp_path, export):
    rewrite_header(export / "projects.csv", "name", None)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("old site")
    proc = subprocess.run([sys.executable, "-m", "invoke", "build", "--data", str(export),
                           "--output", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "projects" in lines[0] and "name" in lines[0]
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_build_is_deterministic(tmp_path, export):
    a = build(output=tmp_path / "a", data=export, quiet=True)
    b = build(output=tmp_path / "b", data=export, quiet=True)
    assert tree_hash(a.output) == tree_hash(b.output)


def payload_rows() -> dict[str, list[dict[str, str]]]:
    """Every free-text field of the fixture carries a script payload."""
    rows = copy_rows()
    for name, table in TABLES.items():
        for i, r in enumerate(rows.get(name, [])):
            for c in table.columns:
                # a disqualification reason on the winner would be a different (refused) row
                blank_means = c.name == "disqualified_reason" and not r.get(c.name)
                if c.type == "str" and c.name != "approvals" and not blank_means:
                    r[c.name] = (r.get(c.name) or "x") + PAYLOADS[i % len(PAYLOADS)]
    return rows


def test_script_payloads_are_escaped(tmp_path):
    export = write_export(tmp_path / "export", payload_rows())
    result = build(output=tmp_path / "out", data=export, quiet=True)
    assert result.refused == 0
    for path in result.output.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html, path
        assert "<img src=x onerror" not in html, path


def test_photos_are_published_under_their_id_not_their_file_name(tmp_path):
    """A file name from the export ('#' in it cut the image's URL short; a person's name in it
    was published) never reaches a URL or a file name in output/."""
    rows = copy_rows()
    name = "photos/김철수 현장 #1.JPG"
    rows["photos"][0]["file"] = name
    export = write_export(tmp_path / "export", rows)
    (export / "photos" / "PH-1.jpg").rename(export / name)
    result = build(output=tmp_path / "out", data=export, quiet=True)
    photo_id = rows["photos"][0]["photo_id"]
    published = result.output / "media" / "photos" / f"{photo_id}.jpg"
    # rebuilt from its pixels (clearbuild.filegate.images; docs/security.md): no EXIF can follow
    assert published.read_bytes() == images.clean((export / name).read_bytes(), ".jpg")
    page = (result.output / "projects" / rows["photos"][0]["project_id"] / "index.html").read_text("utf-8")
    assert f'src="../../media/photos/{photo_id}.jpg"' in page
    assert not any("김철수" in str(p) for p in result.output.rglob("*"))
    for path in result.output.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".csv", ".json", ".js"}:
            assert "김철수".encode() not in path.read_bytes(), path
    assert f"media/photos/{photo_id}.jpg" in (result.output / "data" / "photos.csv").read_text("utf-8-sig")
