"""Export: approved, current entries only, schema's public columns only, stable ADM- ids, and a
folder the ingest reads like any other export."""

from __future__ import annotations

import csv

import pytest
from admin_support import BRN, actor, context, fresh_db, make_export

from admin import db, entries
from admin.export import ExportError, export, export_tables
from clearbuild.schema import TABLES

SUP, SUP2, INSP = actor("supervisor"), actor("supervisor", 2), actor("inspector")
CON, FIN, FIN2 = actor("contractor"), actor("finance"), actor("finance", 2)


@pytest.fixture
def filled(tmp_path):
    """A database with approved, pending, rejected and corrected entries of every exported kind."""
    path = fresh_db(tmp_path / "a.db")
    ctx = context(make_export(tmp_path / "export"))
    conn = db.connect(path)

    def add(who, what, note="", corrects=None, **values):
        return entries.add(conn, who, what, values, ctx, note=note, corrects=corrects)

    def ok(eid, who=INSP):
        entries.decide(conn, who, eid, approve=True)

    p1 = add(SUP, "progress", project_id="P-1", date="2025-01-31", planned_pct="10", actual_pct="7.5")
    ok(p1)
    p2 = add(SUP, "progress", project_id="P-1", date="2025-02-28", planned_pct="20", actual_pct="15")
    ok(p2)
    add(SUP, "progress", project_id="P-2", date="2025-02-28", planned_pct="5", actual_pct="5")  # pending
    fix = add(SUP2, "progress", "gauge misread; was 15", corrects=p2, project_id="P-1",
              date="2025-02-28", planned_pct="20", actual_pct="12")
    ok(fix)
    i1 = add(INSP, "inspection", project_id="P-1", date="2025-02-01", kind="safety", result="fail",
             findings="guard rail missing")
    ok(i1, SUP)
    i2 = add(INSP, "inspection", project_id="P-1", date="2025-02-02", kind="quality", result="pass")
    entries.decide(conn, SUP, i2, approve=False, note="wrong project")
    c1 = add(SUP, "change", project_id="P-2", date="2025-02-10", reason="rock", amount_before="100000",
             amount_after="130000", days_added="-3")
    ok(c1, FIN)
    cl = add(CON, "claim", project_id="P-1", payee_kind="subcontract", payee_company_id=BRN,
             claim_date="2025-02-01", amount="1000000", payer="Agency")
    ok(cl, FIN)
    ok(add(FIN, "payment", claim_id=str(cl), paid_date="2025-02-10", paid_amount="600000"), FIN2)
    ok(add(FIN, "payment", claim_id=str(cl), paid_date="2025-02-20", paid_amount="400000"), CON)
    add(FIN, "payment", "interest", claim_id=str(cl), paid_date="2025-02-21", paid_amount="5")  # pending
    wages = add(CON, "claim", project_id="P-1", payee_kind="wages", claim_date="2025-03-01",
                amount="300000")
    ok(wages, SUP)
    add(CON, "claim", project_id="P-2", payee_kind="wages", claim_date="2025-03-01", amount="9")  # pending
    return path, tmp_path, {"p1": p1, "p2": p2, "i1": i1, "c1": c1, "claim": cl, "wages": wages}


def read(folder, name):
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_export_writes_exactly_the_public_rows(filled):
    path, tmp, ids = filled
    counts = export(path, tmp / "out")
    out = tmp / "out"
    assert counts == {"progress": 2, "inspections": 1, "change_orders": 1, "photos": 0,
                      "project_documents": 0, "payments": 2, "contract_payments": 0}
    for name in counts:
        assert read(out, name)[0] == TABLES[name].public_columns
    assert read(out, "progress")[1:] == [
        ["P-1", "2025-01-31", "10", "7.5", ""],
        ["P-1", "2025-02-28", "20", "12", "gauge misread; was 15"],  # the correction replaced it
    ]
    assert read(out, "inspections")[1:] == [
        [f"ADM-{ids['i1']}", "P-1", "2025-02-01", "safety", "fail", "guard rail missing"]]
    assert read(out, "change_orders")[1:] == [
        [f"ADM-{ids['c1']}", "P-2", "2025-02-10", "rock", "100000", "130000", "-3"]]
    assert read(out, "payments")[1:] == [
        [f"ADM-{ids['claim']}", "P-1", "Agency", "1208147521", "subcontractor", "2025-02-01", "1000000",
         "2025-02-20", "1000000"],
        [f"ADM-{ids['wages']}", "P-1", "", "", "wages", "2025-03-01", "300000", "", ""],
    ]
    assert "inspector_phone" not in (out / "inspections.csv").read_text(encoding="utf-8")


def test_correction_keeps_the_id_and_pending_correction_changes_nothing(filled):
    path, tmp, ids = filled
    conn = db.connect(path)
    ctx = context(tmp / "export")
    fix = entries.add(conn, SUP2, "inspection", {"project_id": "P-1", "date": "2025-02-01",
                                                  "kind": "safety", "result": "conditional",
                                                  "findings": "rail fixed on the day"}, ctx,
                      note="result was conditional", corrects=ids["i1"])
    assert export_tables(path)["inspections"][0]["result"] == "fail"
    entries.decide(conn, INSP, fix, approve=True)
    rows = export_tables(path)["inspections"]
    assert [(r["inspection_id"], r["result"]) for r in rows] == [(f"ADM-{ids['i1']}", "conditional")]
    # The corrected entry is kept, not edited, and can no longer be approved.
    assert entries.get(conn, ids["i1"]).fields["result"] == "fail"
    with pytest.raises(Exception, match="already approved"):
        entries.decide(conn, SUP, ids["i1"], approve=True)
    # A pending entry whose correction was approved first cannot be approved any more.
    pending = entries.add(conn, SUP, "change", {"project_id": "P-1", "date": "2025-03-01", "reason": "x",
                                                 "amount_before": "5", "amount_after": "6"}, ctx)
    better = entries.add(conn, SUP2, "change", {"project_id": "P-1", "date": "2025-03-01", "reason": "y",
                                                "amount_before": "5", "amount_after": "7"}, ctx,
                         note="typo", corrects=pending)
    entries.decide(conn, FIN, better, approve=True)
    with pytest.raises(Exception, match=f"replaced by approved correction {better}"):
        entries.decide(conn, FIN, pending, approve=True)
    assert [r["amount_after"] for r in export_tables(path)["change_orders"] if r["project_id"] == "P-1"] \
        == ["7"]


def test_export_is_deterministic_and_replaces_only_admin_exports(filled):
    path, tmp, _ = filled
    export(path, tmp / "one")
    export(path, tmp / "two")
    for name in ("progress", "payments", ".admin-export"):
        assert (tmp / "one" / name if name.startswith(".") else tmp / "one" / f"{name}.csv").read_bytes() \
            == (tmp / "two" / name if name.startswith(".") else tmp / "two" / f"{name}.csv").read_bytes()
    export(path, tmp / "one")  # an earlier admin export is replaced
    with pytest.raises(ExportError, match="is not an earlier admin export"):
        export(path, tmp / "export")  # a partner's export folder is never overwritten
    assert (tmp / "export" / "projects.csv").exists()
    assert not [p for p in tmp.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_ingest_reads_the_admin_export_beside_the_main_one(filled):
    from factory import copy_rows, write_export

    from clearbuild import config
    from clearbuild.ingest import load_dataset

    path, tmp, ids = filled
    rows = copy_rows()
    for r in rows["projects"][:2]:
        r["project_id"] = {"P-0001": "P-1", "P-0002": "P-2"}[r["project_id"]]
    for table in ("progress", "inspections", "change_orders", "photos", "payments", "subcontracts"):
        for r in rows[table]:
            r["project_id"] = {"P-0001": "P-1", "P-0002": "P-2"}.get(r["project_id"], r["project_id"])
    rows["contracts"][0]["project_id"] = "P-1"
    main = write_export(tmp / "main", rows)
    export(path, tmp / "admin-export")
    ds = load_dataset(main, config.region({}), frozenset(config.districts({})),
                      extra=[tmp / "admin-export"])
    refused = [str(p) for p in ds.report if p.refused and "admin-export" in p.file]
    assert refused == []
    assert f"ADM-{ids['i1']}" in set(ds.tables["inspections"]["inspection_id"])
    pay = ds.tables["payments"].set_index("payment_id")
    assert pay.loc[f"ADM-{ids['claim']}", "paid_amount"] == 1_000_000


def test_days_to_pay_and_overdue(filled):
    from datetime import date

    from admin import payments

    path, _, ids = filled
    conn = db.connect(path)
    shown = {c.root: c for c in payments.claims(entries.all_entries(conn), approved_only=True)}
    settled, wages = shown[ids["claim"]], shown[ids["wages"]]
    # Settled on 2025-02-20 by the second part payment: 19 days after the 2025-02-01 claim.
    assert (settled.paid_amount, settled.paid_date) == (1_000_000, "2025-02-20")
    assert payments.status(settled, date(2025, 6, 1), 19) == (19, "paid")
    assert payments.status(settled, date(2025, 6, 1), 18) == (19, "paid late")
    # Unpaid wages claimed 2025-03-01: open up to the threshold, overdue the day after.
    assert payments.status(wages, date(2025, 3, 16), 15) == (15, "open")
    assert payments.status(wages, date(2025, 3, 17), 15) == (16, "OVERDUE")
    # The officials' view also counts the pending 5-won interest payment and the pending claim.
    everything = payments.claims(entries.all_entries(conn), approved_only=False)
    assert len(everything) == 3
    assert {c.root: c.paid_amount for c in everything}[ids["claim"]] == 1_000_005
