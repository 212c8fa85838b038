"""Issue 17: an Atom feed per district (new and changed projects) and per project (follow this
project), linked from those pages, valid Atom, the same bytes from the same data."""

from __future__ import annotations

import xml.etree.ElementTree as ET

A = "{http://www.w3.org/2005/Atom}"


def parse(path):
    root = ET.parse(path).getroot()
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{A}{tag}") is not None, tag
    ids = [e.findtext(f"{A}id") for e in root.findall(f"{A}entry")]
    assert len(ids) == len(set(ids)), "entry ids are unique"
    for e in root.findall(f"{A}entry"):
        for tag in ("id", "title", "updated", "link", "author", "summary"):
            assert e.find(f"{A}{tag}") is not None, tag
    return root


def test_project_feed(fixture_site):
    root = parse(fixture_site / "projects/P-0001/feed.xml")
    titles = [e.findtext(f"{A}title") for e in root.findall(f"{A}entry")]
    assert any("2025-07-20" in t for t in titles)  # the design change
    assert not any("2025-08-31" in t for t in titles)  # a report after the data's date is not news yet
    assert root.find(f"{A}entry/{A}link").get("href") == "../../projects/P-0001/index.html"
    page = (fixture_site / "projects/P-0001/index.html").read_text(encoding="utf-8")
    assert 'href="../../projects/P-0001/feed.xml"' in page and 'type="application/atom+xml"' in page
    english = (fixture_site / "en/projects/P-0001/index.html").read_text(encoding="utf-8")
    assert "Follow this project" in english


def test_district_feed(fixture_site):
    root = parse(fixture_site / "districts/11230/feed.xml")
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}title") for e in entries] == ["강남대로 보도 정비공사"]
    assert entries[0].findtext(f"{A}updated").startswith("2025-07-25")  # the newest public event (PD-3 is private)
    assert "1,300,000,000원" in entries[0].findtext(f"{A}summary")
    assert parse(fixture_site / "districts/11250/feed.xml").findall(f"{A}entry") == []
    page = (fixture_site / "districts/11230/index.html").read_text(encoding="utf-8")
    assert 'href="../../districts/11230/feed.xml"' in page
