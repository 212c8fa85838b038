"""Bad apartment input (issue 7, item 4): each class of bad document is refused with its file, row,
column and reason in the quality report, gets no page, and leaves the other documents alone."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from factory import copy_rows, write_export
from test_apartments import doc

from clearbuild import config
from clearbuild.build import build
from clearbuild.ingest import load_dataset
from clearbuild.sample.media import write_pdf


def load(folder: Path):
    return load_dataset(folder, config.region({}), frozenset(config.districts({})))


def one_bad(tmp_path: Path, **changes: str):
    rows = copy_rows()
    rows["apartment_documents"][0].update(changes)
    export = write_export(tmp_path / "e", rows)
    (export / "documents").mkdir(exist_ok=True)
    for name in ("evil.html", "map.svg", "minutes.hwp", "fake.pdf"):
        (export / "documents" / name).write_text("<script>alert(1)</script>", encoding="utf-8")
    write_pdf(export / "documents" / "scan.PDF", ["scan"])
    with zipfile.ZipFile(export / "documents" / "minutes.hwpx", "w") as z:
        z.writestr("mimetype", "application/hwp+zip")
    (export / "documents" / "notes.txt").write_text("회의 메모\n", encoding="utf-8")
    return load(export)


@pytest.mark.parametrize("column,value,reason", [
    ("complex_id", "A-404", "unknown apartments id"),
    ("approvals", "관리소장:2025-06-30;동대표회장:2025-06-01", "approval trail out of date order"),
    ("file", "documents/missing.pdf", "attached file missing"),
    ("approvals", "관리소장 2025-06-28", "approval trail not in role:YYYY-MM-DD form"),
    ("approvals", "관리소장:28/06/2025", "approval trail date is not a real YYYY-MM-DD date"),
    ("approvals", "관리소장:2025-02-30", "approval trail date is not a real YYYY-MM-DD date"),
    ("approvals", ":2025-06-28;동대표회장:2025-06-30", "approval step without a role"),
    ("file", "documents/evil.html", "attached file type not published"),
    ("file", "documents/map.svg", "attached file type not published"),
    ("file", "documents/minutes.hwp", "binary Office/HWP file (OLE2) may carry macros"),
    ("file", "documents/fake.pdf", "file content is not what its name says"),
    ("file", "../secret.pdf", "file path must be relative"),
    ("file", "/etc/passwd", "file path must be relative"),
    ("kind", "gossip", "not one of"),
    ("date", "2025-06-31", "not a date"),
    ("amount", "-1000", "negative amount"),
    ("public", "maybe", "not true/false"),
    ("title", "", "required value missing"),
])
def test_bad_document_refused_with_reason(tmp_path, column, value, reason):
    ds = one_bad(tmp_path, **{column: value})
    problems = [p for p in ds.report if p.file.endswith("apartment_documents.csv") and p.refused]
    assert problems, "nothing refused"
    assert any(p.column == column and p.row == 2 and reason in p.reason for p in problems), problems
    assert "D-1" not in set(ds.tables["apartment_documents"]["doc_id"])
    assert set(ds.tables["apartments"]["complex_id"]) == {"A-1"}  # the complex itself stays


@pytest.mark.parametrize("value", ["documents/scan.PDF", "documents/minutes.hwpx", "documents/notes.txt", ""])
def test_allowed_attachments_pass(tmp_path, value):
    ds = one_bad(tmp_path, file=value)
    assert [p for p in ds.report if p.refused] == []
    assert list(ds.tables["apartment_documents"]["doc_id"]) == ["D-1"]


def test_duplicate_id_cannot_publish_a_private_document(tmp_path):
    """A public row reusing a private document's id is refused, not published in its place."""
    rows = copy_rows()
    rows["apartment_documents"].append(doc("D-2", "A-1", "공개 제목", "notice", "2025-07-02",
                                           approvals="관리소장:2025-07-02"))
    ds = load(write_export(tmp_path / "e", rows))
    assert any("duplicate doc_id" in p.reason for p in ds.report)
    assert list(ds.tables["apartment_documents"]["doc_id"]) == ["D-1"]


def test_build_reports_every_refusal_and_publishes_only_good_rows(tmp_path):
    rows = copy_rows()
    rows["apartment_documents"] += [
        doc("D-20", "A-404", "UNKNOWN-COMPLEX-DOC", "notice", "2025-07-01", approvals="관리소장:2025-07-01"),
        doc("D-21", "A-1", "OUT-OF-ORDER-DOC", "notice", "2025-07-01",
            approvals="관리소장:2025-07-03;동대표회장:2025-07-01"),
        doc("D-22", "A-1", "MISSING-FILE-DOC", "notice", "2025-07-01", approvals="관리소장:2025-07-01",
            file="documents/gone.pdf"),
        doc("D-23", "A-1", "GOOD-DOC", "notice", "2025-07-01", approvals="관리소장:2025-07-01"),
    ]
    export = write_export(tmp_path / "e", rows)
    result = build(output=tmp_path / "out", data=export, quiet=True,
                   overrides={"CB_REPORT_DIR": str(tmp_path / "reports")})
    assert result.refused >= 3  # other sections' rules may refuse fixture rows of their own
    with open(tmp_path / "reports" / "quality.csv", encoding="utf-8") as f:
        report = [r for r in csv.DictReader(f) if r["file"].endswith("apartment_documents.csv")]
    got = {(int(r["row"]), r["column"], r["reason"], r["refused"]) for r in report}
    assert got == {(4, "complex_id", "unknown apartments id", "True"),
                   (5, "approvals", "approval trail out of date order", "True"),
                   (6, "file", "attached file missing", "True")}
    out = result.output
    assert (out / "apartments/documents/D-23/index.html").is_file()
    for bad in ("D-20", "D-21", "D-22"):
        assert not (out / "apartments/documents" / bad).exists()
    html = (out / "apartments/A-1/index.html").read_text(encoding="utf-8")
    assert "GOOD-DOC" in html
    for title in ("UNKNOWN-COMPLEX-DOC", "OUT-OF-ORDER-DOC", "MISSING-FILE-DOC"):
        assert all(title not in p.read_text(encoding="utf-8", errors="replace")
                   for p in out.rglob("*") if p.is_file() and p.suffix in {".html", ".js", ".json"})
