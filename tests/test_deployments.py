"""Partner deployments (deployments/<city>/): each builds from its own settings in its own
languages, with no Korean interface text, its own currency format and its boundaries' credit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clearbuild import deployments
from clearbuild.build import build

TINY = {"projects": 8, "contracts": 40, "companies": 20, "apartments": 2, "apartment_documents": 6}
HANGUL = re.compile(r"[\uac00-\ud7a3]")
CITIES = {"kyiv": ("uk", "грн", "OpenStreetMap contributors"),
          "danang": ("vi", "₫", "On First (CC0)")}


@pytest.fixture(scope="module", params=sorted(CITIES))
def city(request, tmp_path_factory):
    name = request.param
    base = tmp_path_factory.mktemp(name)
    export = deployments.demo(name, sizes=TINY, out=base / "2026-11-20")
    build(output=base / "out", data=export, settings_file=deployments.settings_file(name), quiet=True)
    return name, export, base / "out"


def test_deployments_are_listed():
    assert {"kyiv", "danang"} <= set(deployments.names())
    with pytest.raises(deployments.UnknownDeployment):
        deployments.settings_file("atlantis")


def test_demo_is_local_and_seeded(city, tmp_path):
    name, export, _ = city
    again = deployments.demo(name, sizes=TINY, out=tmp_path / "2026-11-20")
    for f in sorted(export.glob("*.csv")):
        text = f.read_text(encoding="utf-8")
        assert not HANGUL.search(text), f"{f.name}: Korean left in {name}'s demo"
        assert text == (again / f.name).read_text(encoding="utf-8"), f"{f.name} differs between runs"


def test_pages_speak_the_city_languages(city):
    name, _, out = city
    lang, symbol, _ = CITIES[name]
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in home
    assert f'hreflang="{lang}"' in home and 'hreflang="en"' in home and 'hreflang="ko"' not in home
    assert '<html lang="en">' in (out / "en" / "index.html").read_text(encoding="utf-8")
    contract = next((out / "contracts").glob("C-*/index.html")).read_text(encoding="utf-8")
    assert symbol in contract


def test_no_korean_interface_text(city):
    name, _, out = city
    bad = [str(p.relative_to(out)) for p in out.rglob("*.html")
           if HANGUL.search(p.read_text(encoding="utf-8"))]
    assert not bad, f"Korean on {name}'s pages: {bad[:5]}"


def test_money_uses_the_locale(city):
    name, _, out = city
    home = " ".join(p.read_text(encoding="utf-8") for p in list((out / "contracts").glob("C-*/index.html"))[:5])
    if name == "kyiv":
        assert re.search(r"\d\u00a0\d{3},\d\d грн", home), "UAH with kopiyky, Ukrainian separators"
    else:
        assert re.search(r"\d\.\d{3} ₫", home) and not re.search(r"\d,\d\d ₫", home)


def test_boundaries_are_credited(city):
    name, _, out = city
    credit = CITIES[name][2]
    assert any(credit in p.read_text(encoding="utf-8") for p in (out / "projects").glob("P-*/index.html"))


def test_seoul_is_still_the_default():
    from clearbuild.build import settings_for

    s = settings_for()
    assert s["CB_LANGUAGES"][0] == "ko" and Path(s["PATH"]).name == "content"


def test_search_folds_the_city_spelling(city):
    from clearbuild.search.query import Reader

    name, _, out = city
    reader = Reader(f"{out}/search")
    if name == "danang":
        plain, accented = reader.search("da nang", limit=5), reader.search("Đà Nẵng", limit=5)
        assert plain.terms == accented.terms == ["da", "nang"] and plain.total > 0
    else:
        a, b = reader.search("Солом’янський", limit=5), reader.search("Соломʼянський", limit=5)
        assert a.terms == b.terms == ["соломянський"]


def test_each_partners_pages_read_only_what_their_kinds_declare(city, capsys):
    """clearbuild.readcheck on the partner's own data shapes: every record of every kind."""
    from clearbuild import readcheck

    name, export, _ = city
    assert readcheck.main(["--data", str(export), "--settings", str(deployments.settings_file(name)),
                           "--every", "1"]) == 0, capsys.readouterr().out
