"""Signatures: a correctly chained row is not enough, it must be signed by its author's key.

The forgery from the security report: a short script inserts an entry in one supervisor's name
and its approval in another's, with audit rows chained exactly as admin/audit.py chains them.
``verify`` must name the row and the build must refuse the database in one line, publishing
nothing of it.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from admin_support import PASS, ROOT, actor, context, env, forge_insert, fresh_db, user_key
from factory import write_export

from admin import audit, db, entries, signing, users
from clearbuild.build import build
from clearbuild.ingest import StructuralError

PAGE = "projects/P-0001/index.html"
SUP, SUP2, INSP, ADMIN = actor("supervisor"), actor("supervisor", 2), actor("inspector"), actor("admin")


def progress(day: str, actual: float, note: str = "") -> dict:
    return {"project_id": "P-0001", "date": day, "planned_pct": 50, "actual_pct": actual, "note": note}


def add_progress(conn, who, day, actual, ctx):
    return entries.add(conn, who, "progress", {k: v for k, v in progress(day, actual).items()
                                               if k != "note"}, ctx)


@pytest.fixture
def setup(tmp_path):
    export = write_export(tmp_path / "export")
    path = fresh_db(tmp_path / "a.db")
    conn = db.connect(path)
    ctx = context(export)
    eid = add_progress(conn, SUP, "2025-09-01", 41.5, ctx)
    entries.decide(conn, INSP, eid, approve=True)
    return path, conn, ctx, export, eid


def run_admin(path, *args, **extra):
    return subprocess.run([sys.executable, "-m", "admin", "--db", str(path), *args], cwd=ROOT,
                          env=env(**extra), capture_output=True, text=True, timeout=120)


def forged_entry_values(author: str) -> dict:
    return {"kind": "progress", "project_id": "P-0001", "corrects": None, "claim_id": None,
            "fields": audit.canonical({"date": "2025-10-01", "planned_pct": 50.0, "actual_pct": 97.3}),
            "note": "FORGED-PROGRESS", "author": author, "created_at": audit.now()}


def forge(path, sig_entry=None, sig_decision=None) -> tuple[int, int]:
    """The script from the report: an entry in supervisor2's name, its approval in supervisor1's.
    Returns (entry id, audit seq of the entry's row)."""
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")
    eid = forge_insert(raw, "supervisor2", "add.progress", "entries", forged_entry_values("supervisor2"),
                       sig_entry)
    seq = raw.execute("SELECT max(seq) FROM audit").fetchone()[0]
    forge_insert(raw, "supervisor1", "approve", "decisions", {
        "entry_id": eid, "decision": "approved", "by_user": "supervisor1", "at": audit.now(), "note": ""},
        sig_decision)
    raw.execute("COMMIT")
    raw.close()
    return eid, seq


def test_the_forgery_from_the_report_fails_verify_and_stops_the_build(setup, tmp_path):
    path, conn, ctx, export, _ = setup
    conn.close()
    reports = tmp_path / "reports"
    out = build(output=tmp_path / "out", data=export, quiet=True,
                overrides={"CB_ADMIN_DB": str(path), "CB_REPORT_DIR": str(reports)}).output
    before = (out / PAGE).read_bytes()
    assert b"41.5" in before

    eid, seq = forge(path)
    r = run_admin(path, "verify")
    assert r.returncode == 3
    assert r.stdout.splitlines()[0].startswith(
        f"BROKEN: audit row {seq} (add.progress by supervisor2, entry {eid}): not signed")

    b = subprocess.run([sys.executable, "-m", "invoke", "build", "--data", str(export), "--output", str(out)],
                       cwd=ROOT, env=env(CB_ADMIN_DB=str(path), CB_REPORT_DIR=str(reports)),
                       capture_output=True, text=True, timeout=300)
    assert b.returncode != 0
    lines = b.stderr.strip().splitlines()
    assert len(lines) == 1, b.stderr
    assert lines[0].startswith(f"build refused: admin database {path} fails verify: audit row {seq}")
    assert "Traceback" not in b.stderr + b.stdout
    after = (out / PAGE).read_bytes()
    assert after == before  # output untouched
    assert b"FORGED-PROGRESS" not in after and b"97.3" not in after
    assert not any(b"FORGED-PROGRESS" in p.read_bytes() for p in out.rglob("*") if p.is_file())


def signer(key):
    return lambda row_hash: signing.sign(key, row_hash)


@pytest.mark.parametrize("how", ["copied", "own key", "random key"])
def test_a_signature_from_elsewhere_fails(setup, how):
    """The genuine signature of supervisor1's entry, or a key the forger holds (supervisor2's
    own, signing as supervisor1; or a new one), on an entry in supervisor1's name."""
    path, conn, _, _, eid = setup
    real = conn.execute("SELECT sig FROM audit WHERE action = 'add.progress'").fetchone()[0]
    conn.close()
    sig = {"copied": real, "own key": signer(user_key("supervisor2")),
           "random key": signer(signing.new_key())}[how]
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")
    seq = raw.execute("SELECT max(seq) FROM audit").fetchone()[0] + 1
    forge_insert(raw, "supervisor1", "add.progress", "entries", forged_entry_values("supervisor1"), sig)
    raw.execute("COMMIT")
    raw.close()
    r = run_admin(path, "verify")
    assert r.returncode == 3
    assert r.stdout.splitlines()[0].startswith(
        f"BROKEN: audit row {seq} (add.progress by supervisor1, entry {eid + 1}): signature does not verify")


def forge_user(path, author: str, name: str, role: str, key, sig) -> int:
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")
    seq = raw.execute("SELECT max(seq) FROM audit").fetchone()[0] + 1
    forge_insert(raw, author, "user.add", "users", {
        "name": name, "role": role, "passhash": "x", "active": 1, "created_at": audit.now(),
        "created_by": author, "pubkey": signing.public_hex(key), "enc_key": signing.encrypt(key, name, PASS)},
        sig)
    raw.execute("COMMIT")
    raw.close()
    return seq


@pytest.mark.parametrize("by", [None, "mallory", "supervisor1"])
def test_a_public_key_not_registered_by_an_admin_fails(setup, by):
    """A user row with a public key, in the admin's name, unsigned or signed by the wrong key."""
    path, conn, _, _, _ = setup
    conn.close()
    mallory = signing.new_key()
    sig = None if by is None else signer(mallory if by == "mallory" else user_key(by))
    seq = forge_user(path, "admin1", "mallory", "supervisor", mallory, sig)
    r = run_admin(path, "verify")
    assert r.returncode == 3
    want = "not signed" if by is None else "signature does not verify"
    assert r.stdout.splitlines()[0].startswith(f"BROKEN: audit row {seq} (user.add by admin1, user mallory): {want}")


def test_a_second_self_signed_admin_is_not_a_root(setup):
    path, conn, _, _, _ = setup
    conn.close()
    evil = signing.new_key()
    seq = forge_user(path, "evil", "evil", "admin", evil, signer(evil))
    assert run_admin(path, "verify").stdout.startswith(
        f"BROKEN: audit row {seq} (user.add by evil, user evil): signature does not verify")


def test_an_approval_after_an_admin_reset_is_flagged(setup):
    path, conn, ctx, _, first = setup
    second = add_progress(conn, SUP, "2025-10-01", 45.0, ctx)
    third = add_progress(conn, SUP, "2025-11-01", 48.0, ctx)
    assert users.set_passphrase(conn, ADMIN, "inspector1", "the admin knows this one").startswith("SHA256:")
    reset = conn.execute("SELECT max(seq) FROM audit").fetchone()[0]
    as_insp = users.login(conn, "inspector1", "the admin knows this one")  # the admin, or inspector1
    assert as_insp.key is not None
    entries.decide(conn, as_insp, second, approve=True)
    seq = conn.execute("SELECT max(seq) FROM audit").fetchone()[0]
    r = run_admin(path, "verify")
    assert r.returncode == 0, r.stdout
    warnings = [x for x in r.stdout.splitlines() if x.startswith("WARNING")]
    assert warnings == [f"WARNING: entry {second} was approved by inspector1 (audit row {seq}) after admin "
                        f"admin1 reset inspector1's passphrase (audit row {reset}) and before inspector1 "
                        "changed it: admin1 could have signed this"]
    assert str(first) not in warnings[0].split("by")[0]  # approved before the reset: not flagged
    # inspector1 sets their own passphrase: the same key, encrypted again; the window closes.
    users.set_passphrase(conn, as_insp, "inspector1", PASS)
    again = users.login(conn, "inspector1", PASS)
    assert signing.public_hex(again.key) == signing.public_hex(as_insp.key)
    entries.decide(conn, again, third, approve=True)
    assert [w for w in audit.check(conn).warnings] == [warnings[0].removeprefix("WARNING: ")]
    conn.close()


def test_the_normal_flow_signs_everything_and_the_root_key_can_be_pinned(tmp_path):
    path = tmp_path / "n.db"
    r = run_admin(path, "init", "--admin", "chief")
    assert r.returncode == 0, r.stderr
    fp = r.stdout.split("root key ")[1].split(":", 1)[0] + ":" + r.stdout.split("root key ")[1].split(":")[1]
    assert fp.startswith("SHA256:") and len(fp) == 7 + 64
    for name, role in (("kim", "supervisor"), ("lee", "inspector")):
        assert run_admin(path, "--as", "chief", "user", "add", name, "--role", role).returncode == 0
    export = write_export(tmp_path / "export")
    add = run_admin(path, "--as", "kim", "--export", str(export), "progress", "add", "P-0001", "--date",
                    "2025-09-01", "--planned", "50", "--actual", "40")
    assert add.returncode == 0, add.stderr
    assert run_admin(path, "--as", "lee", "approve", add.stdout.split()[-1]).returncode == 0
    ok = run_admin(path, "verify")
    assert ok.returncode == 0 and "WARNING" not in ok.stdout and ok.stdout.strip().endswith(f"root key {fp}")
    assert run_admin(path, "verify", "--root-key", fp).returncode == 0
    conn = db.connect(path)
    assert all(r["sig"] for r in conn.execute("SELECT sig FROM audit"))  # no failed login here
    assert conn.execute("SELECT count(DISTINCT pubkey) FROM users").fetchone()[0] == 3
    conn.close()

    # The whole file rewritten under a new admin key: only the pin tells.
    path.unlink()
    assert run_admin(path, "init", "--admin", "chief").returncode == 0
    bad = run_admin(path, "verify", "--root-key", fp)
    assert bad.returncode == 3 and "is not the pinned " + fp in bad.stdout
    with pytest.raises(StructuralError, match=f"admin database {path} fails verify: root admin key"):
        build(output=tmp_path / "out", data=export, quiet=True,
              overrides={"CB_ADMIN_DB": str(path), "CB_ADMIN_ROOT_KEY": fp,
                         "CB_REPORT_DIR": str(tmp_path / "reports")})
    assert not (tmp_path / "out").exists()


def test_the_private_key_is_bound_to_its_passphrase_and_user():
    key = signing.new_key()
    enc = signing.encrypt(key, "kim", PASS)
    assert signing.public_hex(signing.decrypt(enc, "kim", PASS, signing.public_hex(key))) == signing.public_hex(key)
    with pytest.raises(signing.SigningError, match="cannot be unlocked"):
        signing.decrypt(enc, "kim", PASS + "x", signing.public_hex(key))
    with pytest.raises(signing.SigningError, match="cannot be unlocked"):
        signing.decrypt(enc, "lee", PASS, signing.public_hex(key))  # moved to another user
    assert PASS.encode() not in enc.encode() and "kdf" in enc


def test_a_user_without_an_unlocked_key_cannot_write(setup):
    path, conn, ctx, _, _ = setup
    with pytest.raises(signing.SigningError, match="no signing key"):
        add_progress(conn, users.User("supervisor1", "supervisor"), "2025-12-01", 50.0, ctx)
    assert audit.check(conn).problems == []
    conn.close()
