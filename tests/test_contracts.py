"""The contracts section on the tiny fixture: every record has its page, each page shows what
the issue asks for, certificates carry a code anyone can recompute, listings, feeds and the
browser's data files are right, and script payloads in every text field stay text."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from factory import BRN_A, BRN_B, BRN_C, EXPORT_DATE, ROWS, write_export
from test_build import payload_rows

from clearbuild.build import build

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(fixture_site) -> Path:
    """The plain fixture site, built once per session (tests/conftest.py)."""
    return fixture_site


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def text(html: str) -> str:
    """The visible text of <main>, whitespace collapsed: what a reader sees."""
    main = re.search(r"<main id=\"main\">(.*)</main>", html, re.S).group(1)
    main = re.sub(r"<(script|svg)\b.*?</\1>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def registered(path: Path, name: str) -> dict:
    """The JSON a self-registering data file assigns (evaluated as JSON, as the browser would)."""
    src = path.read_text(encoding="utf-8")
    m = re.fullmatch(rf"window\.{name}=window\.{name}\|\|\{{\}};window\.{name}\[(\"[^\"]*\")\]=(.*);\n",
                     src, re.S)
    assert m, src[:200]
    return json.loads(m.group(2))


def test_every_record_has_a_page_in_every_language(site):
    ids = {"plans": [r["plan_id"] for r in ROWS["procurement_plans"]],
           "notices": [r["notice_id"] for r in ROWS["bid_notices"]],
           "contracts": [r["contract_id"] for r in ROWS["contracts"]],
           "companies": [BRN_A, BRN_B, BRN_C]}
    for section, keys in ids.items():
        for key in keys:
            for prefix in ("", "en/"):
                assert (site / f"{prefix}{section}/{key}/index.html").is_file(), (section, key)
    for path in ("contracts/index.html", "plans/index.html", "notices/index.html",
                 "companies/index.html", "companies/map/index.html", "verify/index.html"):
        assert (site / path).is_file() and (site / "en" / path).is_file(), path


def test_notice_shows_every_bid_with_rank_winner_and_reason(site):
    html = page(site, "notices/N-2025-0001/index.html")
    t = text(html)
    assert "2025-02-20 18:00" in t and "1,150,000,000원" in t and "토목공사업 등록 업체" in t
    rows = re.findall(r"<tr( class=\"\w+\")?><td class=\"num\">(.*?)</td><td><a href=\"([^\"]+)\">(.*?)</a>",
                      html)
    assert [(cls.strip(), rank, href, name) for cls, rank, href, name in rows] == [
        ('class="winner"', "1", f"../../companies/{BRN_A}/index.html", "<bdi>한빛건설(주)</bdi>"),
        ("", "2", f"../../companies/{BRN_B}/index.html", "<bdi>푸른전기 주식회사</bdi>"),
        ('class="disqualified"', "–", f"../../companies/{BRN_C}/index.html", "<bdi>Seoul Steel Co.</bdi>"),
    ]
    assert "부적격: 서류 미비" in t and "95.65%" in t  # 1.1 bn of 1.15 bn
    assert 'href="../../contracts/C-2025-0001/index.html"' in html
    assert 'href="../../plans/PL-2025-001/index.html"' in html


def test_contract_shows_parties_amendments_and_links(site):
    html = page(site, "contracts/C-2025-0001/index.html")
    t = text(html)
    assert "120-81-47521" in t and "1,250,000,000원 (+13.6%)" in t
    assert "2025-12-31 → 2026-02-28" in t and "지하 매설물 이설" in t
    for href in ("../../notices/N-2025-0001/index.html#results", "../../projects/P-0001/index.html",
                 f"../../companies/{BRN_A}/index.html", "../../plans/PL-2025-001/index.html"):
        assert f'href="{href}"' in html, href
    sole = text(page(site, "contracts/C-2025-0002/index.html"))
    assert "없음: 수의계약" in sole and "계약 변경이 없습니다." in sole
    # ... and back: the Allimi project links to its contract.
    assert 'href="../../contracts/C-2025-0001/index.html"' in page(site, "projects/P-0001/index.html")


def test_company_page_profile_won_lost_and_chart(site):
    html = page(site, f"companies/{BRN_B}/index.html")
    t = text(html)
    assert "214-87-55823" in t and "장애인기업" in t and "창업기업" in t
    assert "가로등 보수 용역" in t  # won
    assert "강남대로 보도 정비공사" in t and "1,120,000,000원" in t  # lost
    assert "javascript:" not in html  # the unsafe website link was dropped
    assert '<svg class="chart bar-chart"' in html and ">2025<" in html
    assert f'href="../../companies/{BRN_B}/certificates/general_services/index.html"' in html
    a = page(site, f"companies/{BRN_A}/index.html")
    assert "/certificates/" not in a  # its only contract ends after the data's date


def canonical_code(company_id, name, kind, rows) -> str:
    """Recomputed from docs/contracts.md, independently of the plugin's code."""
    body = {"v": 1, "company_id": company_id, "name": name, "kind": kind, "contracts": rows}
    text_ = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()[:16]


def test_certificate_code_is_the_documented_hash_and_is_in_the_verify_index(site):
    html = page(site, f"companies/{BRN_B}/certificates/general_services/index.html")
    code = canonical_code(BRN_B, "푸른전기 주식회사", "general_services",
                          [["C-2025-0002", "마포구청", "가로등 보수 용역", "2025-04-01", "2025-06-30", 45000000]])
    shown = "-".join(code.upper()[i:i + 4] for i in range(0, 16, 4))
    assert f'data-code="{code}">{shown}<' in html
    # The newest date it counts (the contract ended 2025-06-30, paid 2025-07-04: services are
    # certified by what was paid), not the export's date: the page changes when what it certifies does.
    assert "45,000,000원" in text(html) and "반영된 최근 일자 2025-07-04" in text(html)
    assert EXPORT_DATE not in text(html)
    assert f'href="../../../../verify/index.html#{code}"' in html
    assert page(site, f"en/companies/{BRN_B}/certificates/general_services/index.html").count(code) == 2
    shard = registered(site / "verify" / "codes" / f"{code[:2]}.js", "cbCertCodes")
    assert shard[code] == {"c": BRN_B, "n": "푸른전기 주식회사", "k": "general_services", "count": 1,
                           "total": 45000000, "total_text": "45,000,000원", "first": "2025-06-30",
                           "last": "2025-06-30"}
    assert len(list((site / "verify" / "codes").glob("*.js"))) == 256


def test_lookup_index_knows_every_company_and_its_certificates(site):
    files = sorted((site / "companies" / "ids").glob("*.js"))
    assert len(files) == 100
    known = {}
    for f in files:
        known.update(registered(f, "cbCompanyIds"))
    assert known == {BRN_A: {"n": "한빛건설(주)", "k": []}, BRN_B: {"n": "푸른전기 주식회사", "k": ["general_services"]},
                     BRN_C: {"n": "Seoul Steel Co.", "k": []}}


def test_the_export_date_completes_contracts(tmp_path):
    out = build(output=tmp_path / "out", data=write_export(tmp_path / "2026-03-01"), quiet=True).output
    assert (out / f"companies/{BRN_A}/certificates/construction_works/index.html").is_file()
    assert "입찰 진행 중" not in text(page(out, "notices/N-2025-0001/index.html"))


def test_listings_are_bucketed_by_stable_keys(site):
    slug = "a" + hashlib.sha256("서울특별시 도시기반시설본부".encode()).hexdigest()[:8]
    for path, expect in [(f"contracts/by/agency/{slug}/2025/index.html", "C-2025-0001"),
                         ("contracts/by/kind/services/2025-04/index.html", "C-2025-0002"),
                         ("contracts/by/method/sole_source/2025-04/index.html", "C-2025-0002"),
                         ("contracts/by/month/2025-03/index.html", "C-2025-0001"),
                         (f"notices/by/agency/{slug}/2025/index.html", "N-2025-0001"),
                         ("plans/by/month/2025-02/index.html", "PL-2025-001")]:
        html = page(site, path)
        assert expect in html, path
    notices = page(site, f"notices/by/agency/{slug}/2025/index.html")
    assert f'href="../../../../../feeds/notices/{slug}.xml"' in notices  # the agency's own feed
    index = page(site, "contracts/by/agency/index.html")
    assert f'href="../../../contracts/by/agency/{slug}/2025/index.html"' in index
    assert "C-2025-0002" not in page(site, "contracts/by/month/2025-03/index.html")


def test_home_has_open_notices_latest_contracts_totals_and_charts(tmp_path):
    out = build(output=tmp_path / "out", data=write_export(tmp_path / "2025-02-10"), quiet=True).output
    html = page(out, "contracts/index.html")
    t = text(html)
    assert "입찰 진행 중인 공고 (1)" in t and "2025-02-20 18:00" in t
    assert t.index("가로등 보수 용역") < t.index("강남대로 보도 정비공사 C-2025-0001")  # newest first
    assert "1,295,000,000원" in t  # 1.25 bn after the amendment + 45 m
    assert html.count('<svg class="chart bar-chart"') == 3
    assert 'type="application/atom+xml"' in html


def test_feeds_are_valid_atom(site):
    feed = ET.parse(site / "feeds" / "notices.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["강남대로 보도 정비공사"]
    assert entries[0].find(f"{ATOM}updated").text == "2025-02-03T09:00:00+09:00"
    assert entries[0].find(f"{ATOM}link").get("href") == "../notices/N-2025-0001/index.html"
    slug = "a" + hashlib.sha256("서울특별시 도시기반시설본부".encode()).hexdigest()[:8]
    agency = ET.parse(site / "feeds" / "notices" / f"{slug}.xml").getroot()
    assert len(agency.findall(f"{ATOM}entry")) == 1
    assert agency.find(f"{ATOM}link").get("href") == f"../../feeds/notices/{slug}.xml"


def test_company_map_data_files_per_district(site):
    html = page(site, "companies/map/index.html")
    assert "static/mapdata/companies-11230.js" in html and "static/mapdata/companies-11140.js" in html
    data = registered(site / "static" / "mapdata" / "companies-11230.js", "CB_MAPDATA")
    rows = [dict(zip(data["cols"], r, strict=True)) for r in data["rows"]]
    assert [(r["id"], r["title"], r["industry"], r["small_business"]) for r in rows] == [
        (BRN_A, "한빛건설(주)", "토목", True)]
    assert BRN_A not in html  # markers are never inlined into the page
    # Seoul Steel has no coordinates: listed by district ("other"), not on the map.
    assert "Seoul Steel Co." in page(site, "companies/district/other/index.html")


def test_private_columns_never_reach_contracts_output(site):
    secrets = ["02-111-2222", "010-1111-2222", "ceo@hanbit.example", "010-3333-4444"]
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".xml", ".json"):
            body = path.read_text(encoding="utf-8", errors="replace")
            for s in secrets:
                assert s not in body, (path, s)


def test_script_payloads_stay_text(tmp_path):
    out = build(output=tmp_path / "out", data=write_export(tmp_path / "e", payload_rows()), quiet=True).output
    checked = 0
    for folder in ("contracts", "notices", "plans", "companies", "verify", "feeds", "static/mapdata",
                   "en/contracts", "en/companies"):
        for path in (out / folder).rglob("*"):
            if not path.is_file() or path.suffix not in (".html", ".js", ".xml"):
                continue  # other sections' data files (OCDS .json) are not HTML
            body = path.read_text(encoding="utf-8")
            checked += 1
            assert "<script>alert(1)" not in body, path
            assert "<img src=x onerror" not in body, path
            if path.suffix == ".js":  # nothing but one JSON literal assigned to a fixed global
                name = re.match(r"window\.(\w+)=", body).group(1)
                registered(path, name)
                assert "</" not in body, path
    assert checked > 50
    feed = ET.parse(out / "feeds" / "notices.xml").getroot()  # still well-formed XML
    assert "<script>alert(1)</script>" in feed.find(f"{ATOM}entry/{ATOM}title").text
    notice = page(out, "notices/N-2025-0001/index.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in notice
