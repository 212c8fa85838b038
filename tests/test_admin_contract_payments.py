"""Contract payments entered by officials (issue 18): finance enters a contractor's claim on a
contract and what was paid against it, another official approves each, the signed audit chain
verifies, and the export writes contract_payments.csv the ingest reads."""

from __future__ import annotations

import pytest
from admin_support import actor, context, fresh_db, make_export
from test_admin_cli import run

from admin import audit, db, entries
from admin.export import export
from admin.users import AuthError
from admin.validate import ValidationError

SUP, FIN, FIN2, CON = actor("supervisor"), actor("finance"), actor("finance", 2), actor("contractor")


def contracts_export(folder):
    return make_export(folder)  # projects P-1, P-2 and contract C-1


@pytest.fixture
def setup(tmp_path):
    path = fresh_db(tmp_path / "a.db")
    return path, db.connect(path), context(contracts_export(tmp_path / "export")), tmp_path


def test_claim_payment_approval_and_export(setup):
    path, conn, ctx, tmp = setup
    claim = entries.add(conn, FIN, "contract-payment", {"project_id": "C-1", "kind": "progress",
                                                        "claim_date": "2025-05-02", "amount": "3,000,000"}, ctx)
    entries.decide(conn, SUP, claim, approve=True)
    paid = entries.add(conn, FIN, "contract-paid", {"claim_id": claim, "paid_date": "2025-05-09",
                                                    "paid_amount": "1000000"}, ctx)
    entries.decide(conn, CON, paid, approve=True)
    pending = entries.add(conn, FIN, "contract-paid", {"claim_id": claim, "paid_date": "2025-05-12",
                                                       "paid_amount": "500000"}, ctx)  # not approved
    assert pending
    assert audit.check(conn).replay.warnings == []
    counts = export(path, tmp / "out")
    assert counts["contract_payments"] == 1
    assert (tmp / "out" / "contract_payments.csv").read_text(encoding="utf-8") == (
        "payment_id,contract_id,kind,claim_date,amount,paid_date,paid_amount\n"
        f"ADM-{claim},C-1,progress,2025-05-02,3000000,2025-05-09,1000000\n")


def test_rules(setup):
    _, conn, ctx, _ = setup
    with pytest.raises(AuthError):
        entries.add(conn, SUP, "contract-payment", {"project_id": "C-1", "kind": "final",
                                                    "claim_date": "2025-05-02", "amount": "1"}, ctx)
    with pytest.raises(ValidationError, match="not a contract"):
        entries.add(conn, FIN, "contract-payment", {"project_id": "C-9", "kind": "final",
                                                    "claim_date": "2025-05-02", "amount": "1"}, ctx)
    with pytest.raises(ValidationError, match="kind"):
        entries.add(conn, FIN, "contract-payment", {"project_id": "C-1", "kind": "bonus",
                                                    "claim_date": "2025-05-02", "amount": "1"}, ctx)
    claim = entries.add(conn, FIN, "contract-payment", {"project_id": "C-1", "kind": "final",
                                                        "claim_date": "2025-05-02", "amount": "100"}, ctx)
    with pytest.raises(AuthError):  # nobody approves their own entry
        entries.decide(conn, FIN, claim, approve=True)
    with pytest.raises(ValidationError, match="above the claim"):  # refused even with a note
        entries.add(conn, FIN, "contract-paid", {"claim_id": claim, "paid_date": "2025-05-03",
                                                 "paid_amount": "101"}, ctx, note="interest")
    with pytest.raises(ValidationError, match="before the claim date"):
        entries.add(conn, FIN, "contract-paid", {"claim_id": claim, "paid_date": "2025-05-01",
                                                 "paid_amount": "100"}, ctx)
    project_claim = entries.add(conn, CON, "claim", {"project_id": "P-1", "payee_kind": "wages",
                                                     "claim_date": "2025-05-02", "amount": "5"}, ctx)
    with pytest.raises(ValidationError, match="not a contract-payment claim"):
        entries.add(conn, FIN, "contract-paid", {"claim_id": project_claim, "paid_date": "2025-05-03",
                                                 "paid_amount": "5"}, ctx)


def test_the_command_line(tmp_path):
    db_path = str(tmp_path / "admin.db")
    base = ["--db", db_path, "--export", str(contracts_export(tmp_path / "export"))]
    assert run(*base, "init", "--admin", "chief").returncode == 0
    for name, role in (("fin", "finance"), ("fin2", "finance")):
        assert run(*base, "--as", "chief", "user", "add", name, "--role", role).returncode == 0
    r = run(*base, "--as", "fin", "contract-payment", "add", "C-1", "--kind", "final", "--claim-date",
            "2025-06-02", "--amount", "45,000,000")
    assert r.returncode == 0, r.stderr
    claim = r.stdout.split()[-1]
    assert run(*base, "--as", "fin2", "approve", claim).returncode == 0
    r = run(*base, "--as", "fin", "contract-paid", "add", claim, "--date", "2025-06-04", "--amount", "45000000")
    assert r.returncode == 0, r.stderr
    assert run(*base, "--as", "fin2", "approve", r.stdout.split()[-1]).returncode == 0
    r = run("--db", db_path, "verify")
    assert r.returncode == 0 and r.stdout.startswith("ok: "), r.stdout + r.stderr
    assert run("--db", db_path, "export", str(tmp_path / "out")).returncode == 0
    assert f"ADM-{claim},C-1,final,2025-06-02,45000000,2025-06-04,45000000\n" in (
        tmp_path / "out" / "contract_payments.csv").read_text(encoding="utf-8")
