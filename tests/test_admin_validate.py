"""Each class of bad input is refused with one line naming the field, and nothing is written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from admin_support import BRN, PASS, actor, context, copy_db, fresh_db, make_export

from admin import cli, db, entries
from admin.validate import ValidationError

# Two days ahead, not one: this is worked out when the module is collected, and a run that
# crossed midnight before these tests ran found "tomorrow" to be today (CI, 2026-12-08).
FUTURE = (date.today() + timedelta(days=2)).isoformat()
GOOD = {
    "progress": {"project_id": "P-1", "date": "2025-03-01", "planned_pct": "30", "actual_pct": "25"},
    "inspection": {"project_id": "P-1", "date": "2025-03-01", "kind": "safety", "result": "pass"},
    "change": {"project_id": "P-1", "date": "2025-03-01", "reason": "rock", "amount_before": "100",
               "amount_after": "150"},
    "claim": {"project_id": "P-1", "payee_kind": "materials", "payee_company_id": BRN,
              "claim_date": "2025-03-01", "amount": "1,000,000"},
    "payment": {"paid_date": "2025-03-05", "paid_amount": "400000"},
}
WHO = {"progress": "supervisor", "inspection": "inspector", "change": "supervisor",
       "claim": "contractor", "payment": "finance"}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    d = tmp_path_factory.mktemp("validate")
    return fresh_db(d / "t.db"), make_export(d / "export")


@pytest.fixture
def setup(template, tmp_path):
    """A database holding one progress entry (2025-02-01, actual 20%) and one claim of 1,000,000
    with 700,000 already paid."""
    path, exp = template
    conn = db.connect(copy_db(path, tmp_path / "a.db"))
    ctx = context(exp)
    entries.add(conn, actor("supervisor"), "progress", {"project_id": "P-1", "date": "2025-02-01",
                                                        "planned_pct": "20", "actual_pct": "20"}, ctx)
    claim = entries.add(conn, actor("contractor"), "claim", GOOD["claim"], ctx)
    entries.add(conn, actor("finance"), "payment", {"claim_id": claim, "paid_date": "2025-03-02",
                                                    "paid_amount": "700000"}, ctx)
    return conn, ctx, claim


def counts(conn):
    return [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("entries", "audit")]


@pytest.mark.parametrize("kind,change,field,message", [
    ("progress", {"actual_pct": "101"}, "actual_pct", "must be a percentage from 0 to 100, got '101'"),
    ("progress", {"planned_pct": "-1"}, "planned_pct", "from 0 to 100"),
    ("progress", {"actual_pct": "abc"}, "actual_pct", "from 0 to 100, got 'abc'"),
    ("progress", {"actual_pct": "nan"}, "actual_pct", "from 0 to 100"),
    ("progress", {"date": FUTURE}, "date", "is in the future"),
    ("progress", {"date": "2025-02-30"}, "date", "is not a date (YYYY-MM-DD)"),
    ("progress", {"date": "05/03/2025"}, "date", "is not a date"),
    ("progress", {"date": "1900-01-01"}, "date", "a typo?"),
    ("progress", {"date": ""}, "date", "required, missing"),
    ("progress", {"actual_pct": "10"}, "note", "below the 20% of 2025-02-01"),
    ("progress", {"date": "2025-01-01", "actual_pct": "30"}, "note", "progress would go down"),
    ("progress", {"date": "2025-02-01"}, "date", "already has progress on 2025-02-01"),
    ("progress", {"project_id": "P-404"}, "project_id", "'P-404' is not a project in"),
    ("inspection", {"kind": "fire"}, "kind", "is not one of safety, quality, completion"),
    ("inspection", {"result": "fail"}, "findings", "required when the result is fail"),
    ("change", {"amount_after": "0"}, "amount_after", "must be positive"),
    ("change", {"amount_before": "-5"}, "amount_before", "must be positive"),
    ("change", {"amount_before": "12.5"}, "amount_before", "whole number of won"),
    ("change", {"amount_before": "1,00"}, "amount_before", "whole number of won"),
    ("change", {"amount_before": "10" * 9}, "amount_before", "a typo?"),
    ("change", {"reason": ""}, "reason", "required"),
    ("change", {"days_added": "99999"}, "days_added", "from -3650 to 3650"),
    ("claim", {"payee_company_id": "123-45-67890"}, "payee_company_id", "not a valid business"),
    ("claim", {"payee_company_id": ""}, "payee_company_id", "required"),
    ("claim", {"payee_kind": "bribes"}, "payee_kind", "not one of subcontractor, wages"),
    ("payment", {"paid_amount": "300001"}, "paid_amount", "payments would total 1,000,001, above"),
    ("payment", {"paid_date": "2025-02-01"}, "paid_date", "before the claim date 2025-03-01"),
    ("payment", {"claim_id": "99"}, "claim_id", "no entry 99"),
    ("payment", {"claim_id": "1"}, "claim_id", "is a progress entry, not a claim"),
])
def test_bad_input_refused_nothing_written(setup, kind, change, field, message):
    conn, ctx, claim = setup
    values = {**GOOD[kind], **({"claim_id": claim} if kind == "payment" else {}), **change}
    before = counts(conn)
    with pytest.raises(ValidationError) as e:
        entries.add(conn, actor(WHO[kind]), kind, values, ctx)
    assert e.value.field == field
    assert message in e.value.message
    assert "\n" not in str(e.value)
    assert counts(conn) == before


def test_a_note_lets_exceptions_through(setup):
    conn, ctx, claim = setup
    low = {**GOOD["progress"], "actual_pct": "10"}
    assert entries.add(conn, actor("supervisor"), "progress", low, ctx, note="slab re-poured")
    over = {**GOOD["payment"], "claim_id": claim, "paid_amount": "300001"}
    assert entries.add(conn, actor("finance"), "payment", over, ctx, note="late-payment interest")


def test_good_values_are_normalised(setup):
    conn, ctx, claim = setup
    eid = entries.add(conn, actor("contractor"), "claim", {**GOOD["claim"], "payee_kind": "subcontract",
                                                           "payee_company_id": "120-81-47521"}, ctx)
    e = entries.get(conn, eid)
    assert e.fields["payee_kind"] == "subcontractor"
    assert e.fields["payee_company_id"] == "1208147521"
    assert e.fields["amount"] == 1_000_000


def test_corrections_are_checked(setup):
    conn, ctx, claim = setup
    with pytest.raises(ValidationError, match="note: a correction needs a note"):
        entries.add(conn, actor("supervisor"), "progress", GOOD["progress"], ctx, corrects=1)
    with pytest.raises(ValidationError, match="corrects: entry 2 is a claim entry"):
        entries.add(conn, actor("supervisor"), "progress", GOOD["progress"], ctx, note="x", corrects=2)
    fixed = entries.add(conn, actor("supervisor", 2), "progress",
                        {**GOOD["progress"], "date": "2025-02-01", "actual_pct": "18"}, ctx,
                        note="misread the gauge", corrects=1)
    assert entries.get(conn, fixed).corrects == 1
    with pytest.raises(ValidationError, match=f"already corrected by entry {fixed}"):
        entries.add(conn, actor("supervisor"), "progress", GOOD["progress"], ctx, note="x", corrects=1)


def test_unknown_export_is_a_clear_error(template, tmp_path):
    path, _ = template
    conn = db.connect(copy_db(path, tmp_path / "a.db"))
    ctx = context(tmp_path / "nowhere")
    with pytest.raises(ValidationError, match="projects.csv not found .give --export DIR"):
        entries.add(conn, actor("supervisor"), "progress", GOOD["progress"], ctx)


def test_cli_error_is_one_line_naming_the_option(template, tmp_path, monkeypatch, capsys):
    path, exp = template
    db_path = copy_db(path, tmp_path / "a.db")
    monkeypatch.setenv("ADMIN_PASSPHRASE", PASS)
    code = cli.main(["--db", str(db_path), "--export", str(exp), "--as", "supervisor1", "progress",
                     "add", "P-1", "--date", "2025-03-01", "--planned", "30", "--actual", "120"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == "error: --actual: must be a percentage from 0 to 100, got '120'\n"
    code = cli.main(["--db", str(db_path), "--export", str(exp), "--as", "contractor1", "claim", "add",
                     "P-1", "--kind", "wages", "--date", FUTURE, "--amount", "5"])
    assert code == 1
    assert capsys.readouterr().err.startswith("error: --date: ")
    assert db.connect(db_path).execute("SELECT count(*) FROM entries").fetchone()[0] == 0
