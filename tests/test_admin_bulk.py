"""Bulk CSV import: every row checked in one transaction, all or nothing, with a dry run."""

from __future__ import annotations

import pytest
from admin_support import BRN, actor, context, fresh_db, make_export

from admin import bulk, db, entries
from admin.bulk import BulkError


@pytest.fixture
def setup(tmp_path):
    conn = db.connect(fresh_db(tmp_path / "a.db"))
    return conn, context(make_export(tmp_path / "export")), tmp_path


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def n_entries(conn):
    return conn.execute("SELECT count(*) FROM entries").fetchone()[0]


PROGRESS = ("project_id,date,planned_pct,actual_pct,note\n"
            "P-1,2025-01-31,10,8,\nP-1,2025-02-28,20,18,\nP-2,2025-02-28,5,5,\n")


def test_dry_run_checks_everything_and_writes_nothing(setup):
    conn, ctx, tmp = setup
    audit_before = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    report = bulk.run(conn, actor("supervisor"), "progress", write(tmp, "p.csv", PROGRESS), ctx,
                      dry_run=True)
    assert report.errors == [] and report.rows == 3
    assert report.lines() == ["dry run: all 3 rows of p.csv are fine; nothing written "
                              "(run again without --dry-run to add them)"]
    assert n_entries(conn) == 0
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == audit_before


def test_import_adds_every_row(setup):
    conn, ctx, tmp = setup
    report = bulk.run(conn, actor("supervisor"), "progress", write(tmp, "p.csv", PROGRESS), ctx)
    assert report.lines()[-1] == "added 3 progress entries: 1-3"
    assert report.lines()[0] == "p.csv:2: entry 1"
    assert n_entries(conn) == 3
    assert entries.get(conn, 2).fields["actual_pct"] == 18


def test_one_bad_row_refuses_the_whole_file(setup):
    conn, ctx, tmp = setup
    text = PROGRESS + "P-1,2025-03-31,30,12,\nP-9,2025-03-31,30,31,\nP-2,2025-03-31,130,6,\n"
    report = bulk.run(conn, actor("supervisor"), "progress", write(tmp, "p.csv", text), ctx)
    assert report.errors == [
        "p.csv:5: note: actual progress 12% is below the 18% of 2025-02-28 (entry 2); "
        "a note explaining the drop is required",
        "p.csv:6: project_id: 'P-9' is not a project in " + str(ctx.export_dir) + "/projects.csv",
        "p.csv:7: planned_pct: must be a percentage from 0 to 100, got '130'",
    ]
    assert report.lines()[-1] == "refused: 3 of 6 rows of p.csv have errors; nothing written"
    assert n_entries(conn) == 0


def test_claims_then_payments(setup):
    conn, ctx, tmp = setup
    claims = write(tmp, "c.csv", "project_id,payee_kind,payee_company_id,claim_date,amount,payer\n"
                                 f"P-1,subcontract,{BRN},2025-02-01,\"1,000,000\",Agency\n"
                                 "P-1,wages,,2025-02-05,250000,Agency\n")
    report = bulk.run(conn, actor("contractor"), "claims", claims, ctx)
    assert report.written and [i for _, i in report.added] == [1, 2]
    pays = write(tmp, "pay.csv", "claim_id,paid_date,paid_amount,note\n1,2025-02-10,1000000,\n"
                                 "2,2025-02-11,200000,\n2,2025-02-12,60000,\n")
    report = bulk.run(conn, actor("finance"), "payments", pays, ctx)
    assert report.errors == ["pay.csv:4: paid_amount: payments would total 260,000, above the claim's "
                             "250,000 (claim 2); a note is required"]
    assert n_entries(conn) == 2


@pytest.mark.parametrize("text,message", [
    ("project_id,date,planned,actual_pct\n", "column 'planned' is not one of"),
    ("project_id,date,actual_pct\nP-1,2025-01-01,5\n", "missing column 'planned_pct'"),
    ("project_id,date,planned_pct,actual_pct\n", "no data rows"),
])
def test_bad_files_named_in_one_line(setup, text, message):
    conn, ctx, tmp = setup
    with pytest.raises(BulkError, match=message):
        bulk.run(conn, actor("supervisor"), "progress", write(tmp, "p.csv", text), ctx)


def test_not_utf8_and_wrong_role(setup):
    conn, ctx, tmp = setup
    path = tmp / "p.csv"
    path.write_bytes(PROGRESS.replace("P-2", "공사").encode("cp949"))
    with pytest.raises(BulkError, match="not UTF-8"):
        bulk.run(conn, actor("supervisor"), "progress", path, ctx)
    with pytest.raises(Exception, match="may not add claim entries"):
        bulk.run(conn, actor("supervisor"), "claims", path, ctx)
