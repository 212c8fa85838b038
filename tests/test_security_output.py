"""What the public site contains when the export is poisoned (docs/security.md): hidden approvers'
names (class 2), spreadsheet formulas in CSV cells (class 4), bidirectional controls (class 6).
Each build test poisons a copy of the tiny fixture and reads every byte the build wrote."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest
from factory import BRN_B, copy_rows, write_export

from clearbuild import config, csvsafe, filters, public
from clearbuild.build import build
from clearbuild.ingest import load_dataset
from clearbuild.ingest.text import BIDI_CONTROLS, spelt_out, strip_bidi

ROOT = Path(__file__).resolve().parent.parent
HIDDEN = ["HIDDEN-APPROVER-QZX", "숨은결재자가나"]
SHOWN = ["SHOWN-APPROVER-QZX", "공개결재자다라"]


def site_bytes(out: Path) -> dict[Path, bytes]:
    """Every file under the built site, gzip files decompressed."""
    files = {}
    for p in out.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            files[p] = gzip.decompress(data) if p.suffix == ".gz" else data
    return files


def forms(text: str) -> list[bytes]:
    """The ways a string can be spelt in a page, a JSON file or a URL."""
    return [text.encode(), json.dumps(text).strip('"').encode(), json.dumps(text).strip('"').lower().encode(),
            quote(text).encode(), quote(text).lower().encode()]


def run(tmp_path: Path, rows: dict) -> tuple[Path, Path]:
    reports = tmp_path / "reports"
    out = build(output=tmp_path / "out", data=write_export(tmp_path / "export", rows), quiet=True,
                overrides={"CB_REPORT_DIR": str(reports)}).output
    return out, reports / "quality.csv"


# -- 2. the public projection of a row ----------------------------------------------------------

def doc(doc_id: str, approvals: str, names_public: str) -> dict[str, str]:
    return {"doc_id": doc_id, "complex_id": "A-1", "title": f"결재 문서 {doc_id}", "kind": "notice",
            "date": "2025-07-10", "amount": "", "category": "", "approvals": approvals,
            "names_public": names_public, "file": "", "contract_id": "", "public": "true"}


def test_hidden_approvers_in_no_output_byte(tmp_path):
    rows = copy_rows()
    rows["apartment_documents"] += [
        doc("D-30", f"담당:2025-07-08:{HIDDEN[0]};관리소장:2025-07-10:{HIDDEN[1]}", "false"),
        doc("D-31", f"담당:2025-07-08:{SHOWN[0]};관리소장:2025-07-10:{SHOWN[1]}", "true"),
    ]
    out, _ = run(tmp_path, rows)
    files = site_bytes(out)
    assert len(files) > 50
    for path, data in files.items():
        for name in HIDDEN:
            assert not any(f in data for f in forms(name)), (name, path)
    table = (out / "data/apartment_documents.csv").read_bytes()
    assert b"D-30,A-1," in table and "담당:2025-07-08;관리소장:2025-07-10,False".encode() in table
    # the same names where the export marks them public: the scan above could fail
    assert f"담당:2025-07-08:{SHOWN[0]};관리소장:2025-07-10:{SHOWN[1]},True".encode() in table
    page = (out / "apartments/documents/D-31/index.html").read_text(encoding="utf-8")
    assert all(n in page for n in SHOWN)
    hidden_page = (out / "apartments/documents/D-30/index.html").read_text(encoding="utf-8")
    assert "2025-07-08" in hidden_page and "결재자 성명을 공개하지 않습니다" in hidden_page


def test_projection_rows_columns_and_names():
    row = {"doc_id": "D", "approvals": "담당:2025-01-02:홍길동;장:2025-01-03", "names_public": "false",
           "public": "true", "title": "t"}
    got = public.project_row("apartment_documents", row)
    assert got is not None and got["approvals"] == "담당:2025-01-02;장:2025-01-03"
    assert public.project_row("apartment_documents", {**row, "names_public": "TRUE"})["approvals"] == row["approvals"]
    assert public.project_row("apartment_documents", {**row, "public": "false"}) is None
    assert public.project_row("apartment_documents", {**row, "approvals": "broken"})["approvals"] == ""
    assert "officer_phone" not in public.project_row("contracts", {"officer_phone": "02", "title": "x"})
    df = pd.DataFrame([row, {**row, "doc_id": "E", "names_public": True}, {**row, "public": False}])
    projected, withheld = public.project("apartment_documents", df)
    assert withheld == 1 and list(projected["approvals"]) == ["담당:2025-01-02;장:2025-01-03", row["approvals"]]
    assert public.project("apartment_documents", projected)[0].equals(projected)  # idempotent
    assert public.approval_steps(row) == [("담당", "2025-01-02", ""), ("장", "2025-01-03", "")]


# -- 4. spreadsheet formulas in CSV downloads ----------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"]


def test_csv_cells_neutralised_numbers_kept(tmp_path):
    rows = copy_rows()
    for company, name in zip(rows["companies"], FORMULAS, strict=True):
        company["name"] = name
    rows["companies"][0]["industry"] = "＝1+1"  # full-width equals sign
    rows["change_orders"][0]["days_added"] = "-5"  # an int column: a number, never quoted
    rows["change_orders"][0]["reason"] = "-2+3"  # text that a spreadsheet would compute
    rows["progress"][0]["note"] = "-5"  # text that is a plain number: left as it is
    rows["contracts"][1]["amount"] = "=1+1"  # refused; the quality report quotes the value
    out, report = run(tmp_path, rows)
    companies = (out / "data/companies.csv").read_bytes()
    assert companies.startswith("\ufeff".encode())
    assert b'"\'=HYPERLINK(""http://evil.example/"",""click"")"' in companies
    assert b",'+cmd|' /C calc'!A0," in companies
    assert b",'@SUM(1+1)*cmd|' /C calc'!A0," in companies
    assert ",'＝1+1,".encode() in companies
    changes = (out / "data/change_orders.csv").read_bytes()
    assert b",'-2+3,1100000000,1250000000,-5\n" in changes
    assert b",-5\n" in (out / "data/progress.csv").read_bytes()
    for path in (out / "data").glob("*.csv"):
        for cell in pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig").stack():
            assert not csvsafe.is_formula(cell), (path.name, cell)
    text = report.read_text(encoding="utf-8")
    assert "contracts.csv,3,amount,'=1+1,not an integer,True\n" in text


def test_csv_helpers():
    for bad in ["=1+1", "+1+1", "-1+1", "@A1", "\tx", "\rx", "＝1", "＋1", "－1", "＠x", "-", "+"]:
        assert csvsafe.cell(bad) == "'" + bad, bad
        assert csvsafe.unescape(csvsafe.escape(bad)) == bad
    for ok in ["-5", "+5", "-1.25", "-1e3", "5", "abc", "", "'=x", "a=b"]:
        assert csvsafe.cell(ok) == ok
        assert csvsafe.unescape(csvsafe.escape(ok)) == ok
    assert csvsafe.escape("'=x") == "''=x" and csvsafe.cell(-5) == -5 and csvsafe.cell(None) is None
    assert csvsafe.rows_csv(["a", "b"], [["=x", -5]]) == "a,b\n'=x,-5\n"
    df = pd.DataFrame({"n": pd.array([-5, None], dtype="Int64"), "t": ["@x", None]})
    assert csvsafe.frame_csv(df) == "n,t\n-5,'@x\n,\n"


WRITERS = re.compile(r"csv\.writer\(|csv\.DictWriter\(|\.to_csv\(")
# Every CSV writer of the project, and what it writes (clearbuild.csvsafe's docstring says why).
KNOWN_WRITERS = {
    "clearbuild/csvsafe.py": 2,  # the helper: rows_csv and frame_csv
    "clearbuild/certcodes.py": 1,  # the ledger, cells through csvsafe.escape
    "clearbuild/dataset.py": 1,  # a date column's text as a CSV gives it, compared and hashed; not written
    "clearbuild/ocds/importer.py": 1,  # a temporary export ingest reads
    "clearbuild/bench.py": 1,  # a generated export ingest reads
    "admin/export.py": 1,  # the admin export folder ingest reads
}


def test_every_csv_writer_is_known():
    found = {}
    for top in ("clearbuild", "plugins", "admin"):
        for path in (ROOT / top).rglob("*.py"):
            n = len(WRITERS.findall(path.read_text(encoding="utf-8")))
            if n and "sample" not in path.parts:
                found[str(path.relative_to(ROOT))] = n
    assert found == KNOWN_WRITERS


# -- 6. bidirectional text -----------------------------------------------------------------------

SPOOF = "\u202e(주)설건성삼"


def test_bidi_controls_removed_and_names_isolated(tmp_path):
    rows = copy_rows()
    rows["companies"][1]["name"] = SPOOF
    rows["projects"][0]["name"] = "\u2067강남대로\u2069 보도 정비공사"
    rows["bid_notices"][0]["agency"] = "\u200f서울특별시 도시기반시설본부\u061c"
    rows["bid_notices"][0]["title"] = "강남대로 \u202b보도\u202c 정비공사\u200e"
    out, report = run(tmp_path, rows)
    needles = [c.encode() for c in BIDI_CONTROLS]
    needles += [json.dumps(c).strip('"').encode() for c in BIDI_CONTROLS]
    needles += [json.dumps(c).strip('"').upper().replace("\\U", "\\u").encode() for c in BIDI_CONTROLS]
    needles += [quote(c).encode() for c in BIDI_CONTROLS] + [quote(c).lower().encode() for c in BIDI_CONTROLS]
    for path, data in site_bytes(out).items():
        assert not any(n in data for n in needles), path
    page = (out / f"companies/{BRN_B}/index.html").read_text(encoding="utf-8")
    assert "<h1><bdi>(주)설건성삼</bdi></h1>" in page
    assert "<title>(주)설건성삼" in page
    cert = (out / f"companies/{BRN_B}/certificates/general_services/index.html").read_text(encoding="utf-8")
    assert "<dd><bdi>(주)설건성삼</bdi></dd>" in cert
    notice = (out / "notices/N-2025-0001/index.html").read_text(encoding="utf-8")
    assert "<dd><bdi>서울특별시 도시기반시설본부</bdi></dd>" in notice
    assert "<h1>강남대로 보도 정비공사</h1>" in notice
    assert "<title>강남대로 보도 정비공사" in (out / "feeds/notices.xml").read_text(encoding="utf-8")
    text = report.read_text(encoding="utf-8")
    reason = "bidirectional control characters removed (they can make text display reversed)"
    assert f"companies.csv,3,name,<U+202E>(주)설건성삼,{reason},False\n" in text
    assert f"projects.csv,2,name,<U+2067>강남대로<U+2069> 보도 정비공사,{reason},False\n" in text
    assert f"bid_notices.csv,2,agency,<U+200F>서울특별시 도시기반시설본부<U+061C>,{reason},False\n" in text


def test_bidi_removed_from_json_tables(tmp_path):
    export = write_export(tmp_path / "export")
    (export / "companies.csv").unlink()
    companies = [{**c, "name": SPOOF if i == 1 else c["name"]} for i, c in enumerate(copy_rows()["companies"])]
    (export / "companies.json").write_text(json.dumps(companies, ensure_ascii=True), encoding="utf-8")
    ds = load_dataset(export, config.region({}), frozenset(config.districts({})))
    assert ds.table("companies")["name"].tolist()[1] == "(주)설건성삼"
    flagged = [p for p in ds.report if p.column == "name" and not p.refused]
    assert [(p.file, p.row, p.value) for p in flagged] == [("companies.json", 3, "<U+202E>(주)설건성삼")]


@pytest.mark.parametrize("control", list(BIDI_CONTROLS))
def test_bidi_helpers(control):
    assert strip_bidi(f"{control}가{control}나 ") == "가나"
    assert spelt_out(f"a{control}") == f"a<U+{ord(control):04X}>"


def test_bdi_filter_escapes():
    assert filters.bdi("<b>") == "<bdi>&lt;b&gt;</bdi>" and filters.bdi(None) == "" and filters.bdi("") == ""


def test_bidi_removed_from_ocds_imports(tmp_path):
    from test_ocds_import import release, write

    from clearbuild.ocds import source

    rel = release()
    rel["parties"][1]["name"] = "\u202eAcme Paving"
    rel["awards"][0]["suppliers"][0]["name"] = "\u202eAcme Paving"
    ds = source.load(write(tmp_path, {"releases": [rel]}), {"CB_PARTY_IDS": "any"}, load_dataset,
                     region=config.region({}), district_codes=frozenset(config.districts({})),
                     party_ids="any")
    assert ds.table("companies")["name"].tolist() == ["Acme Paving"]
    flagged = [p for p in ds.report if "bidirectional" in p.reason]
    assert len(flagged) == 1 and flagged[0].file == "data.json" and not flagged[0].refused
    assert flagged[0].column.endswith("companies.name") and flagged[0].value == "<U+202E>Acme Paving"
