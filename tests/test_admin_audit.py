"""The audit chain: triggers refuse edits, and verify catches edits made with the triggers
dropped, naming the first broken row and exiting non-zero (the tamper drill)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from admin_support import ROOT, actor, context, copy_db, env, fresh_db, make_export

from admin import audit, db, entries


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    d = tmp_path_factory.mktemp("audit")
    path = fresh_db(d / "t.db")
    exp = make_export(d / "export")
    conn = db.connect(path)
    ctx = context(exp)
    for i, day in enumerate(("2025-01-10", "2025-02-10", "2025-03-10")):
        eid = entries.add(conn, actor("supervisor"), "progress", {
            "project_id": "P-1", "date": day, "planned_pct": 10 * (i + 1), "actual_pct": 9 * (i + 1)}, ctx)
        entries.decide(conn, actor("inspector"), eid, approve=True)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture
def path(template, tmp_path):
    return copy_db(template, tmp_path / "a.db")


def run_verify(path):
    return subprocess.run([sys.executable, "-m", "admin", "--db", str(path), "verify"], cwd=ROOT,
                          env=env(), capture_output=True, text=True, timeout=60)


def tamper(path, *sql):
    """What someone with the file and the sqlite3 tool could do: drop the triggers, then edit."""
    conn = sqlite3.connect(path)
    for name, _ in db.trigger_sql():
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for s in sql:
        conn.execute(s)
    conn.commit()
    conn.close()


def audit_seq(path, action, nth=0):
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT seq FROM audit WHERE action = ? ORDER BY seq", (action,)).fetchall()
    conn.close()
    return rows[nth][0]


def test_clean_database_verifies(path):
    r = run_verify(path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("ok: ") and "head " in r.stdout


@pytest.mark.parametrize("table,sql", [
    ("audit", "UPDATE audit SET author = 'x' WHERE seq = 1"),
    ("audit", "DELETE FROM audit WHERE seq = 1"),
    ("entries", "UPDATE entries SET note = 'x' WHERE id = 1"),
    ("entries", "DELETE FROM entries WHERE id = 1"),
    ("decisions", "DELETE FROM decisions WHERE entry_id = 1"),
    ("users", "DELETE FROM users WHERE name = 'admin1'"),
])
def test_triggers_refuse_edits(path, table, sql):
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match=table):
        conn.execute(sql)


def test_tamper_drill_changed_audit_row(path):
    seq = audit_seq(path, "add.progress", 1)
    # Raise the second progress figure in the log itself.
    conn = sqlite3.connect(path)
    detail = json.loads(conn.execute("SELECT detail FROM audit WHERE seq = ?", (seq,)).fetchone()[0])
    conn.close()
    detail["row"]["fields"] = detail["row"]["fields"].replace('"actual_pct":18', '"actual_pct":80')
    tamper(path, f"UPDATE audit SET detail = '{audit.canonical(detail)}' WHERE seq = {seq}")
    r = run_verify(path)
    assert r.returncode == 3
    first = r.stdout.splitlines()[0]
    assert first == (f"BROKEN: audit row {seq}: content does not match its SHA-256 (changed after it "
                     "was written; action add.progress by supervisor1)")
    assert "trigger audit_no_update is missing" in r.stdout


def test_tamper_drill_rehashed_row_breaks_the_next_link(path):
    """Recomputing the edited row's own hashes does not help: its signature (over the row hash)
    no longer verifies with the new author's key, and the next row no longer chains."""
    seq = audit_seq(path, "approve", 0)
    conn = sqlite3.connect(path)
    r = conn.execute("SELECT * FROM audit WHERE seq = ?", (seq,)).fetchone()
    conn.close()
    at, author, action, detail, prev = r[1], "inspector2", r[3], r[4], r[6]
    c = audit.content_hash(seq, at, author, action, detail)
    tamper(path, f"UPDATE audit SET author = '{author}', content_sha256 = '{c}', "
                 f"row_sha256 = '{audit.row_hash(prev, c)}' WHERE seq = {seq}")
    out = run_verify(path)
    assert out.returncode == 3
    assert out.stdout.splitlines()[0].startswith(f"BROKEN: audit row {seq} (approve by inspector2, decision on "
                                                 "entry 1): signature does not verify")
    # With the signature check out of the way (the old author's signature kept), the chain still breaks.
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT prev_sha256 FROM audit WHERE seq = ?", (seq + 1,)).fetchone()[0] == r[7]
    assert audit.row_hash(prev, c) != r[7]
    conn.close()


def test_tamper_drill_deleted_audit_row(path):
    seq = audit_seq(path, "add.progress", 0)
    tamper(path, f"DELETE FROM audit WHERE seq = {seq}")
    out = run_verify(path)
    assert out.returncode == 3
    assert out.stdout.splitlines()[0] == f"BROKEN: audit row {seq}: missing (rows {seq}-{seq} deleted?)"


@pytest.mark.parametrize("sql,first", [
    ("UPDATE entries SET fields = json_set(fields, '$.actual_pct', 99) WHERE id = 2",
     "BROKEN: entries row 2: fields differs from audit row"),
    ("DELETE FROM decisions WHERE entry_id = 3", "BROKEN: decisions row 3: missing, logged in audit row"),
    ("UPDATE decisions SET decision = 'rejected' WHERE entry_id = 2",
     "BROKEN: decisions row 2: decision differs from audit row"),
    ("INSERT INTO entries (kind, project_id, fields, author, created_at) VALUES "
     "('progress', 'P-1', '{}', 'supervisor1', '2025-01-01')", "BROKEN: entries row 4: not in the audit log"),
    ("UPDATE users SET role = 'admin' WHERE name = 'contractor1'",
     "BROKEN: users row contractor1: role differs from audit row"),
])
def test_tamper_drill_tables_against_the_log(path, sql, first):
    tamper(path, sql)
    out = run_verify(path)
    assert out.returncode == 3
    assert out.stdout.splitlines()[0].startswith(first)


def test_verify_without_triggers_but_intact_data_still_fails(path):
    tamper(path)
    out = run_verify(path)
    assert out.returncode == 3
    assert out.stdout.splitlines()[0].startswith("BROKEN: trigger audit_no_update is missing")


def test_every_change_names_its_author(path):
    conn = db.connect(path)
    rows = conn.execute("SELECT action, author FROM audit ORDER BY seq").fetchall()
    assert ("add.progress", "supervisor1") in [tuple(r) for r in rows]
    assert ("approve", "inspector1") in [tuple(r) for r in rows]
    problems, count, head = audit.verify(conn)
    assert problems == [] and count == len(rows) and len(head) == 64
