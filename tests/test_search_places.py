"""Place names in both scripts are indexed text: 양천구 / Yangcheon-gu / Yangcheon and 목동 / Mokdong
find the records there, on /search/ and /en/search/ alike (one index, the analyzer unchanged)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clearbuild import places
from clearbuild.loader import load
from clearbuild.search import build_index, export
from clearbuild.search.query import Reader

ROOT = Path(__file__).resolve().parent.parent


def test_aliases_add_base_names_in_both_scripts():
    assert places.aliases("목1동", "Mok 1(il)-dong") == [
        "목1동", "목동", "Mok 1(il)-dong", "Mok-dong", "Mokdong", "Mok dong"]
    assert places.aliases("면목3·8동", "Myeonmok3·8-dong")[:4] == [
        "면목3·8동", "면목동", "Myeonmok3·8-dong", "Myeonmok-dong"]
    assert places.aliases("양천구", "Yangcheon-gu")[:2] == ["양천구", "Yangcheon-gu"]
    assert places.aliases("길동") == ["길동"]  # no romanisation in the file: none invented


def test_names_cover_districts_and_neighbourhoods():
    names = places.names({})
    assert "Yangcheon-gu" in names["11150"] and "Mokdong" in names["1115051"]
    assert places.names({"CB_NEIGHBOURHOODS": False}).get("1115051") is None


def test_the_fixture_site_finds_romanised_districts_on_both_languages(fixture_site):
    hits = Reader(fixture_site / "search").search("Gangnam-gu", limit=50).hits
    assert "projects/P-0001/index.html" in {h.url for h in hits}
    versions = {re.search(r'data-version="([^"]+)"', (fixture_site / p).read_text(encoding="utf-8")).group(1)
                for p in ("search/index.html", "en/search/index.html")}
    assert len(versions) == 1  # /en/search/ queries the same shards


@pytest.mark.slow
def test_the_demo_finds_yangcheon_and_mokdong(tmp_path):
    ds = load({"CB_DATA": str(ROOT / "data/sample/2026-11-20"), "CB_ADMIN_DB": ""})
    _, files, _ = build_index(ds.tables, (), {})
    export.write_files(files, tmp_path)
    reader = Reader(tmp_path)
    for query in ("Yangcheon", "Yangcheon-gu", "Mokdong", "Mok-dong", "목동"):
        hits = reader.search(query, kind="projects", limit=5).hits
        assert hits and all(h.district == "11150" for h in hits), query
