"""Every (role x action) pair, tried for real against a database: allowed ones succeed and leave
their trace, refused ones raise AuthError and write nothing. Plus self-approval and passphrases."""

from __future__ import annotations

import pytest
from admin_support import BRN, PASS, actor, context, copy_db, fresh_db, make_export

from admin import cli, db, documents, entries, settings, users
from admin.photos import storage_dir
from admin.users import ROLES, AuthError

# Written out from the issue, not derived from admin.users: a change to PERMISSIONS must show here.
ALLOWED = {
    "user.add": {"admin"}, "user.disable": {"admin"}, "user.reset": {"admin"},
    "setting.set": {"admin"}, "list": set(ROLES),
    "add.progress": {"supervisor"}, "add.inspection": {"supervisor", "inspector"},
    "add.change": {"supervisor"}, "add.photo": {"supervisor"}, "add.document": {"supervisor"},
    "add.claim": {"contractor"},
    "add.payment": {"finance"},
    "add.contract-payment": {"finance"}, "add.contract-paid": {"finance"},  # issue 18
    "approve.progress": {"supervisor", "inspector"}, "approve.inspection": {"supervisor", "inspector"},
    "approve.change": {"supervisor", "finance"}, "approve.photo": {"supervisor", "inspector"},
    "approve.document": {"supervisor", "inspector"},
    "approve.claim": {"supervisor", "finance"}, "approve.payment": {"finance", "contractor"},
    "approve.contract-payment": {"supervisor", "finance"}, "approve.contract-paid": {"finance", "contractor"},
}

VALUES = {
    "progress": {"project_id": "P-1", "date": "2025-03-01", "planned_pct": "30", "actual_pct": "25"},
    "inspection": {"project_id": "P-1", "date": "2025-03-01", "kind": "safety", "result": "pass"},
    "change": {"project_id": "P-1", "date": "2025-03-01", "reason": "rock found",
               "amount_before": "1000000", "amount_after": "1200000", "days_added": "10"},
    "photo": {"project_id": "P-1", "date": "2025-03-01", "caption": "site"},
    "document": {"project_id": "P-1", "date": "2025-03-01", "kind": "minutes", "title": "회의록"},
    "claim": {"project_id": "P-1", "payee_kind": "materials", "payee_company_id": BRN,
              "claim_date": "2025-03-01", "amount": "500000"},
    "payment": {"paid_date": "2025-03-05", "paid_amount": "400000"},
    "contract-payment": {"project_id": "C-1", "kind": "progress", "claim_date": "2025-03-01", "amount": "500000"},
    "contract-paid": {"paid_date": "2025-03-05", "paid_amount": "400000"},
}
ENTERED_BY = {"progress": "supervisor", "inspection": "inspector", "change": "supervisor",
              "photo": "supervisor", "document": "supervisor", "claim": "contractor", "payment": "finance",
              "contract-payment": "finance", "contract-paid": "finance"}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """Template with one pending entry of every kind, entered by the role's second user."""
    d = tmp_path_factory.mktemp("roles")
    exp = make_export(d / "export")
    path = fresh_db(d / "template.db")
    conn = db.connect(path)
    ids = {}
    for kind in ("progress", "inspection", "change", "photo", "document", "claim", "payment",
                 "contract-payment", "contract-paid"):
        values = dict(VALUES[kind])
        if kind == "photo":
            values["file"] = str(_jpeg(d / "p.jpg"))
        if kind == "document":
            values["file"] = str(_pdf(d / "d.pdf"))
        if kind == "payment":
            values["claim_id"] = str(ids["claim"])
        if kind == "contract-paid":
            values["claim_id"] = str(ids["contract-payment"])
        ids[kind] = entries.add(conn, actor(ENTERED_BY[kind], 2), kind, values, context(exp),
                                photo_dir=storage_dir(path), document_dir=documents.storage_dir(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path, exp, ids


def _jpeg(path):
    from PIL import Image

    Image.new("RGB", (4, 4), "red").save(path)
    return path


def _pdf(path):
    from clearbuild.sample.media import write_pdf

    write_pdf(path, ["minutes"])
    return path


def _audit_rows(conn):
    return conn.execute("SELECT count(*) FROM audit").fetchone()[0]


def _do(action, role, conn, path, exp, ids, tmp_path, monkeypatch, capsys):
    who = actor(role)
    verb, _, obj = action.partition(".")
    if action == "user.add":
        users.add_user(conn, who, "newcomer", "inspector", PASS)
    elif action == "user.disable":
        users.set_active(conn, who, "inspector2", False)
    elif action == "user.reset":
        users.set_passphrase(conn, who, "inspector2", PASS + " new")
    elif action == "setting.set":
        settings.set_setting(conn, who, "overdue_days", "20")
    elif action == "list":
        monkeypatch.setenv("ADMIN_PASSPHRASE", PASS)
        code = cli.main(["--db", str(path), "--as", who.name, "list"])
        out = capsys.readouterr()
        if code:
            raise AuthError(out.err)
        assert f"{ids['claim']:>6}  claim" in out.out
    elif verb == "add":
        values = dict(VALUES[obj])
        if obj == "photo":
            values["file"] = str(_jpeg(tmp_path / "q.jpg"))
        if obj == "document":
            values["file"] = str(_pdf(tmp_path / "q.pdf"))
        if obj == "payment":
            values["claim_id"] = str(ids["claim"])
            values["paid_amount"] = "1"
        if obj == "contract-paid":
            values["claim_id"] = str(ids["contract-payment"])
            values["paid_amount"] = "1"
        if obj == "progress":
            values["date"] = "2025-03-02"
        entries.add(conn, who, obj, values, context(exp), photo_dir=storage_dir(path),
                    document_dir=documents.storage_dir(path))
    else:
        entries.decide(conn, who, ids[obj], approve=True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_role_action(prepared, tmp_path, monkeypatch, capsys, role, action):
    template, exp, ids = prepared
    path = copy_db(template, tmp_path / "a.db")
    conn = db.connect(path)
    before = _audit_rows(conn)
    if role in ALLOWED[action]:
        _do(action, role, conn, path, exp, ids, tmp_path, monkeypatch, capsys)
        assert _audit_rows(conn) > before or action == "list"
    else:
        with pytest.raises(AuthError, match="may not"):
            _do(action, role, conn, path, exp, ids, tmp_path, monkeypatch, capsys)
        # A refused "list" still logs in (one audit-free read); nothing else may be written.
        assert _audit_rows(conn) == before


def test_table_matches_the_code_and_the_docs():
    from pathlib import Path

    assert {a: set(r) for a, r in users.PERMISSIONS.items()} == ALLOWED
    doc = (Path(__file__).resolve().parent.parent / "docs" / "admin.md").read_text(encoding="utf-8")
    assert users.permission_table() in doc, "docs/admin.md's permission table is out of date"


@pytest.mark.parametrize("kind", list(VALUES))
def test_nobody_approves_their_own_entry(prepared, tmp_path, kind):
    template, exp, ids = prepared
    conn = db.connect(copy_db(template, tmp_path / "a.db"))
    author = actor(ENTERED_BY[kind], 2)
    # Give the author the approving role too: it is still their own entry.
    for role in users.APPROVE[kind]:
        with pytest.raises(AuthError, match=f"entry {ids[kind]} was entered by you"):
            entries.decide(conn, users.User(author.name, role), ids[kind], approve=True)
    assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 0


def test_self_approval_on_the_command_line(prepared, tmp_path, monkeypatch, capsys):
    template, exp, ids = prepared
    path = copy_db(template, tmp_path / "a.db")
    monkeypatch.setenv("ADMIN_PASSPHRASE", PASS)
    assert cli.main(["--db", str(path), "--as", "supervisor2", "approve", str(ids["progress"])]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "was entered by you" in err
    assert cli.main(["--db", str(path), "--as", "inspector1", "approve", str(ids["progress"])]) == 0
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_wrong_passphrase_refused_and_logged(prepared, tmp_path, monkeypatch, capsys):
    template, exp, ids = prepared
    path = copy_db(template, tmp_path / "a.db")
    conn = db.connect(path)
    with pytest.raises(AuthError, match="wrong passphrase for user supervisor1"):
        users.login(conn, "supervisor1", PASS + "x")
    with pytest.raises(AuthError, match="no user named 'nobody'"):
        users.login(conn, "nobody", PASS)
    assert users.login(conn, "supervisor1", PASS).role == "supervisor"
    failed = conn.execute("SELECT author FROM audit WHERE action = 'login.failed'").fetchall()
    assert [r[0] for r in failed] == ["supervisor1", "nobody"]
    monkeypatch.setenv("ADMIN_PASSPHRASE", "not the passphrase")
    assert cli.main(["--db", str(path), "--as", "inspector1", "approve", str(ids["progress"])]) == 1
    assert capsys.readouterr().err == "error: wrong passphrase for user inspector1\n"
    assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 0


def test_deactivated_user_cannot_sign_in(prepared, tmp_path):
    template, exp, ids = prepared
    conn = db.connect(copy_db(template, tmp_path / "a.db"))
    users.set_active(conn, actor("admin"), "finance2", False)
    with pytest.raises(AuthError, match="deactivated"):
        users.login(conn, "finance2", PASS)
    users.set_active(conn, actor("admin"), "finance2", True)
    assert users.login(conn, "finance2", PASS).name == "finance2"


def test_weak_passphrase_and_bad_role_refused(prepared, tmp_path):
    template, _, _ = prepared
    conn = db.connect(copy_db(template, tmp_path / "a.db"))
    with pytest.raises(AuthError, match="at least 10 characters"):
        users.add_user(conn, actor("admin"), "short", "finance", "abc")
    with pytest.raises(AuthError, match="--role: 'boss' is not one of"):
        users.add_user(conn, actor("admin"), "newbie", "boss", PASS)
    with pytest.raises(AuthError, match="already exists"):
        users.add_user(conn, actor("admin"), "finance1", "finance", PASS)
