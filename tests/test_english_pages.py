"""English pages carry no Korean interface text: every /en/ page of the fixture site, with the
data's own values taken out, has no Hangul left (site name, navigation, map labels, the About
page). What stays Korean on purpose is listed here with its reason."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

from factory import write_export

from clearbuild import config

ROOT = Path(__file__).resolve().parent.parent
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")
# Korean on English pages by design, not interface text:
DELIBERATE = [
    "서울시가", "서울시의",  # the search tip's example of particles attached to Korean words
]


def data_values(export: Path) -> set[str]:
    """Every Korean text of the export (whole cells and their list items), the boundary names,
    the city name and the Korean terms the data dictionary glosses (clearbuild/schema.py)."""
    found: set[str] = set()
    for f in export.rglob("*.csv"):
        with f.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if HANGUL.search(cell):
                        found.add(cell)
                        found.update(p.strip() for p in re.split(r"[;,:\n|]", cell) if p.strip())
    found.update(d["name"] for d in config.districts({}).values())
    found.add(config.setting({}, "CB_CITY_NAME"))
    found.update(HANGUL.findall((ROOT / "clearbuild/schema.py").read_text(encoding="utf-8")))
    return found


def leftovers(page: str, values: list[str]) -> list[str]:
    text = html.unescape(re.sub(r"<code>.*?</code>", " ", page, flags=re.S))  # settings' values
    for v in values:
        text = text.replace(v, " ")
    # The search script's currency setting (an attribute, not text a reader sees).
    return HANGUL.findall(text)


def test_no_hangul_outside_data_values_on_english_pages(fixture_site, tmp_path):
    values = sorted(data_values(write_export(tmp_path / "export")) | set(DELIBERATE), key=len,
                    reverse=True)
    pages = sorted((fixture_site / "en").rglob("*.html"))
    assert len(pages) > 30 and (fixture_site / "en/pages/about/index.html") in pages
    bad = {p.relative_to(fixture_site).as_posix(): left for p in pages
           if (left := leftovers(p.read_text(encoding="utf-8"), values))}
    assert bad == {}


def test_the_site_name_and_about_page_are_english_on_en_and_korean_at_the_root(fixture_site):
    en = (fixture_site / "en/pages/about/index.html").read_text(encoding="utf-8")
    ko = (fixture_site / "pages/about/index.html").read_text(encoding="utf-8")
    assert "<h1>About this site</h1>" in en and "Seoul Public Works Disclosure" in en
    assert "<h1>이 사이트에 대하여</h1>" in ko and "서울 공공공사 공개" in ko
    prose = re.search(r'<article class="prose">(.*?)</article>', ko, re.S).group(1)
    # The Korean page has no English prose: only names (KOSTAT, southkorea/seoul-maps) are Latin.
    words = re.findall(r"[A-Za-z]{4,}", re.sub(r"<[^>]+>", " ", prose))
    assert set(words) <= {"KOSTAT", "southkorea", "seoul", "maps"}
    assert 'href="../../en/pages/about/index.html"' in ko and 'href="../../../pages/about/index.html"' in en


def test_maps_name_districts_in_english_on_english_pages(fixture_site):
    page = (fixture_site / "en/index.html").read_text(encoding="utf-8")
    assert '"district_labels": "name_eng"' in page or '"district_labels":"name_eng"' in page
    assert "Skip the map" in page and "지도 건너뛰기" not in page
