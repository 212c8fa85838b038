"""The Apartments section (issue 7): every complex and public document has its page, a private
document never reaches any file of output/, approval names only where the export says so, files
and contract links only when they exist."""

from __future__ import annotations

import csv
import hashlib
import zipfile
from pathlib import Path

import pytest
from cb_apartments import pages
from factory import EXPORT_DATE, copy_rows, write_export

from clearbuild.build import build
from clearbuild.sample.media import write_pdf

# Distinctive strings: finding one anywhere in output/ can only be a leak.
PRIVATE_TITLES = ["PRIVATE-DOC-TITLE-QZX 비공개 징계 회의록", "PRIVATE-LEGAL-QZX 법률자문 의견서"]
HIDDEN_NAMES = ["HIDDEN-NAME-QZX-1", "HIDDEN-NAME-QZX-2"]
PRIVATE_FILE_BYTES = b"%PDF-1.4 PRIVATE-FILE-BYTES-QZX"


def doc(doc_id: str, complex_id: str, title: str, kind: str, date: str, amount: str = "",
        category: str = "", approvals: str = "", names_public: str = "false", file: str = "",
        contract_id: str = "", public: str = "true") -> dict[str, str]:
    return {"doc_id": doc_id, "complex_id": complex_id, "title": title, "kind": kind, "date": date,
            "amount": amount, "category": category, "approvals": approvals,
            "names_public": names_public, "file": file, "contract_id": contract_id, "public": public}


def apartment_rows() -> dict[str, list[dict[str, str]]]:
    """The factory export plus a second complex with documents over three months."""
    rows = copy_rows()
    rows["apartments"].append(
        {"complex_id": "A-2", "name": "마포 푸른숲 아파트", "district_code": "11140",
         "address": "서울 마포구 월드컵로 10", "lat": "37.5600", "lon": "126.9000", "households": "1200"})
    rows["apartments"].append(  # no coordinates: listed, just not on the map
        {"complex_id": "A-3", "name": "종로 한옥마을 연립", "district_code": "11010",
         "address": "", "lat": "", "lon": "", "households": "40"})
    rows["apartment_documents"] += [
        doc("D-10", "A-2", "2025년 3월 청소비 지출결의서", "expense_resolution", "2025-03-31", "3000000",
            "청소비", f"담당:2025-03-28:{HIDDEN_NAMES[0]};관리소장:2025-03-31:{HIDDEN_NAMES[1]}"),
        doc("D-11", "A-2", "승강기 유지보수 용역 계약", "maintenance_contract", "2025-05-02", "24000000",
            "승강기유지비", "담당:2025-04-30:김공개;관리소장:2025-05-01:박공개;동대표회장:2025-05-02:이공개",
            names_public="true", file="documents/D-11.pdf", contract_id="C-2025-0002"),
        doc("D-12", "A-2", "2025년 5월 경비비 지출결의서", "expense_resolution", "2025-05-20", "5000000",
            "", "담당:2025-05-19;관리소장:2025-05-20", contract_id="C-NOT-PUBLISHED"),
        doc("D-13", "A-2", "제12차 입주자대표회의 회의록", "council_minutes", "2025-05-25", "", "",
            "관리소장:2025-05-25", file="documents/제12차 회의록 #1.hwpx"),
        doc("D-14", "A-2", "2025년 입찰 공고: 외벽 도장", "bid_announcement", "2025-05-26", "90000000", "",
            "관리소장:2025-05-26"),
        doc("D-15", "A-2", PRIVATE_TITLES[1], "other", "2025-04-10", "7000000", "법률비",
            f"관리소장:2025-04-10:{HIDDEN_NAMES[0]}", names_public="true",
            file="documents/D-15-private.pdf", public="false"),
    ]
    return rows


def write_apartment_export(folder: Path, rows: dict[str, list[dict[str, str]]] | None = None) -> Path:
    export = write_export(folder, rows or apartment_rows())
    (export / "documents").mkdir(exist_ok=True)
    write_pdf(export / "documents" / "D-11.pdf", ["public contract scan"])
    (export / "documents" / "D-15-private.pdf").write_bytes(PRIVATE_FILE_BYTES)
    with zipfile.ZipFile(export / "documents" / "제12차 회의록 #1.hwpx", "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", (2025, 5, 25, 0, 0, 0)), "application/hwp+zip")
        z.writestr(zipfile.ZipInfo("Contents/section0.xml", (2025, 5, 25, 0, 0, 0)),
                   "<hs:sec>HWPX minutes</hs:sec>")
    return export


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("apartments")
    export = write_apartment_export(base / "export")
    return build(output=base / "out", data=export, quiet=True,
                 overrides={"CB_REPORT_DIR": str(base / "reports")}).output


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_every_complex_and_public_document_has_a_page(site):
    rows = apartment_rows()
    for prefix in ("", "en/"):
        assert (site / prefix / "apartments/index.html").is_file()
        for c in rows["apartments"]:
            assert (site / prefix / "apartments" / c["complex_id"] / "index.html").is_file()
        for d in rows["apartment_documents"]:
            page = site / prefix / "apartments/documents" / d["doc_id"] / "index.html"
            assert page.is_file() == (d["public"] == "true"), d["doc_id"]


def test_no_byte_of_a_private_document_anywhere_in_output(site):
    rows = apartment_rows()
    private = [d for d in rows["apartment_documents"] if d["public"] != "true"]
    needles = [d["title"].encode() for d in private] + [PRIVATE_FILE_BYTES]
    assert b"PRIVATE-DOC-TITLE-QZX" in needles[0]  # the factory's private document is among them
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(files) > 50 and {p.suffix for p in files} >= {".html", ".css", ".pdf"}
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, (needle.decode(errors="replace"), path)
    assert not list(site.rglob("D-15-private.pdf"))


def test_approval_names_hidden_unless_marked_public(site):
    hidden = read(site, "apartments/documents/D-10/index.html")
    assert "담당" in hidden and "2025-03-28" in hidden and "관리소장" in hidden
    for name in HIDDEN_NAMES:
        assert name not in hidden
    assert "결재자 성명을 공개하지 않습니다" in hidden
    # names marked private appear nowhere, not only not on their own page
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not any(n in text for n in HIDDEN_NAMES), path
    shown = read(site, "apartments/documents/D-11/index.html")
    assert all(n in shown for n in ("김공개", "박공개", "이공개"))
    assert shown.index("김공개") < shown.index("박공개") < shown.index("이공개")
    assert "결재자 성명을 공개하지 않습니다" not in shown


def test_trail_is_roles_and_dates_in_order(site):
    html = read(site, "apartments/documents/D-11/index.html")
    trail = html[html.index('id="approval-trail"'):html.index("</table>", html.index('id="approval-trail"'))]
    assert trail.count("<tr>") == 4  # header + three steps
    assert trail.index("2025-04-30") < trail.index("2025-05-01") < trail.index("2025-05-02")


def test_attached_file_copied_and_linked(site):
    export = site.parent / "export" / EXPORT_DATE
    copied = site / "media/apartment-documents/D-11.pdf"
    assert copied.read_bytes() == (export / "documents/D-11.pdf").read_bytes()
    html = read(site, "apartments/documents/D-11/index.html")
    assert 'href="../../../media/apartment-documents/D-11.pdf"' in html
    en = read(site, "en/apartments/documents/D-11/index.html")
    assert 'href="../../../../media/apartment-documents/D-11.pdf"' in en  # one copy, shared
    assert not (site / "en/media").exists()
    assert "media/apartment-documents" not in read(site, "apartments/documents/D-10/index.html")
    # a name as exported (Korean, spaces, '#') is published under the document's id instead
    assert (site / "media/apartment-documents/D-13.hwpx").read_bytes() == \
        (export / "documents/제12차 회의록 #1.hwpx").read_bytes()
    minutes = read(site, "apartments/documents/D-13/index.html")
    assert 'href="../../../media/apartment-documents/D-13.hwpx"' in minutes and "회의록 #1" not in minutes
    assert sorted(p.name for p in (site / "media/apartment-documents").iterdir()) == ["D-11.pdf", "D-13.hwpx"]


def test_contract_link_only_when_the_contract_is_published(site):
    linked = read(site, "apartments/documents/D-11/index.html")
    assert 'href="../../../contracts/C-2025-0002/index.html"' in linked
    assert "가로등 보수 용역" in linked
    unknown = read(site, "apartments/documents/D-12/index.html")
    assert "contracts/" not in unknown.replace('href="../../../contracts/index.html"', "")


def test_complex_page_documents_by_kind_and_month(site):
    html = read(site, "apartments/A-2/index.html")
    assert "마포 푸른숲 아파트" in html and "1,200" in html
    listing = html[html.index('id="document-list"'):]
    # kinds in schema order, months newest first inside a kind
    assert (listing.index('id="k-expense_resolution"') < listing.index('id="k-maintenance_contract"')
            < listing.index('id="k-council_minutes"') < listing.index('id="k-bid_announcement"'))
    expense = listing[listing.index('id="k-expense_resolution"'):listing.index('id="k-maintenance_contract"')]
    assert expense.index("2025-05") < expense.index("2025-03")
    for d in ("D-10", "D-11", "D-12", "D-13", "D-14"):
        assert f'href="../../apartments/documents/{d}/index.html"' in listing
    matrix = html[html.index('id="document-months"'):]
    assert '<tr class="empty-month"><th scope="row">2025-04</th>' in matrix  # a month with no papers


def test_complex_page_spending_charts(site):
    html = read(site, "apartments/A-2/index.html")
    assert html.count('<svg class="chart bar-chart"') == 2
    # by month: March 3,000,000; April 0 (shown, not skipped); May 24,000,000 + 5,000,000
    assert ">2025-04</text>" in html and "29,000,000원" in html
    # the bid announcement is an estimate, not spending
    assert "90,000,000원" not in html[html.index('id="spending"'):html.index('id="documents"')]
    assert "미분류" in html  # D-12 has no category
    assert "32,000,000원" in html  # total approved spending


def test_index_lists_complexes_by_district(site):
    html = read(site, "apartments/index.html")
    for name in ("래미안 강남 1단지", "마포 푸른숲 아파트", "종로 한옥마을 연립"):
        assert name in html
    # districts in code order: 종로구 11010 < 마포구 11140 < 강남구 11230
    assert html.index('id="d-11010"') < html.index('id="d-11140"') < html.index('id="d-11230"')
    assert 'href="../apartments/A-2/index.html"' in html
    assert "비공개 문서" in html  # the count of withheld documents, never their titles


def test_english_pages_link_within_english(site):
    html = read(site, "en/apartments/A-2/index.html")
    assert 'href="../../../en/apartments/documents/D-11/index.html"' in html
    assert "Expense resolution" in html and "Spending by month" in html
    assert 'id="k-expense_resolution">Expense resolution' in html
    assert "Mapo-gu" in read(site, "en/apartments/index.html")  # macros follow the page's language


def test_build_is_deterministic(site, tmp_path):
    export = write_apartment_export(tmp_path / "export")
    again = build(output=tmp_path / "out", data=export, quiet=True,
                  overrides={"CB_REPORT_DIR": str(tmp_path / "reports")}).output

    def digest(folder: Path) -> dict[str, str]:
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in folder.rglob("*")
                if p.is_file() and {"apartments", "apartment-documents"} & set(p.parts)}

    assert digest(again) == digest(site) and len(digest(site)) > 20


# -- pure functions ----------------------------------------------------------------------------

def test_months_between_fills_gaps_and_years():
    assert pages.months_between("2024-11-30", "2025-02-01") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert pages.months_between("2025-03-01", "2025-03-31") == ["2025-03"]


def test_trail_strips_names_unless_public():
    d = {"approvals": "담당:2025-01-02:홍길동;관리소장:2025-01-03:김철수", "names_public": False}
    assert [s["name"] for s in pages.trail(d)] == [None, None]
    assert pages.names_withheld(d)
    assert [s["name"] for s in pages.trail({**d, "names_public": True})] == ["홍길동", "김철수"]
    assert pages.trail({"approvals": "", "names_public": True}) == []
    assert pages.trail({"approvals": "broken", "names_public": True}) == []


def test_spending_ignores_estimates_and_keeps_empty_months():
    docs = [{"doc_id": "1", "kind": "expense_resolution", "date": "2025-01-05", "amount": 10, "category": "a"},
            {"doc_id": "2", "kind": "bid_announcement", "date": "2025-02-05", "amount": 99, "category": "a"},
            {"doc_id": "3", "kind": "maintenance_contract", "date": "2025-03-05", "amount": 5, "category": ""}]
    s = pages.spending(docs)
    assert s["months"] == [("2025-01", 10), ("2025-02", 0), ("2025-03", 5)]
    assert s["categories"] == [("a", 10), ("", 5)] and s["total"] == 15 and s["count"] == 2
    assert pages.spending([])["months"] == []


# -- the generated sample: ~2,000 documents, about one in ten private ----------------------------

@pytest.mark.slow
def test_sample_export_privacy_and_pages(tmp_path):
    from clearbuild.sample import generate

    export = tmp_path / "sample"
    generate(export, projects=3, contracts=10, companies=10, photos=False)
    out = build(output=tmp_path / "out", data=export, quiet=True,
                overrides={"CB_REPORT_DIR": str(tmp_path / "reports")}).output
    with open(export / "apartment_documents.csv", encoding="utf-8") as f:
        docs = list(csv.DictReader(f))
    with open(export / "apartments.csv", encoding="utf-8") as f:
        complexes = list(csv.DictReader(f))
    private = [d for d in docs if d["public"] != "true"]
    assert len(complexes) >= 40 and len(docs) >= 2000 and len(private) >= 100
    for c in complexes:
        assert (out / "apartments" / c["complex_id"] / "index.html").is_file()
    for d in docs:
        assert (out / "apartments/documents" / d["doc_id"] / "index.html").is_file() == (d["public"] == "true")
    needles = [d["title"].encode() for d in private]
    needles += [(export / d["file"]).read_bytes() for d in private if d["file"]]
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            leaked = [n for n in needles if n in data]
            assert not leaked, (path, leaked[0][:80])
