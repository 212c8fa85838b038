"""Shared set-up for the admin tests: a database with two users of every role, made once (argon2
is slow on purpose) and copied per test, and a tiny export folder to check project ids against.

Also the two crash/concurrency drills, as functions, so docs/admin.md's figures can be re-measured
with more trials than the test suite runs: ``python tests/admin_support.py``.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from admin import db, users  # noqa: E402
from admin.users import User  # noqa: E402
from admin.validate import Context  # noqa: E402

PASS = "correct horse battery staple"
PROJECTS = ("P-1", "P-2")
BRN = "120-81-47521"
# Two users per role: "<role>1" acts in the tests, "<role>2" authored the prepared entries.
NAMES = {role: (f"{role}1", f"{role}2") for role in users.ROLES}


def user_key(name: str) -> Ed25519PrivateKey:
    """Each test user's signing key, fixed so a test can act as a user without unlocking it
    (argon2 is slow on purpose); the template registers exactly these keys."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"test-key:{name}".encode()).digest())


def actor(role: str, n: int = 1) -> User:
    name = NAMES[role][n - 1]
    return User(name, role, user_key(name))


def make_export(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "projects.csv").write_text("project_id,name\n" + "".join(f"{p},{p} works\n" for p in PROJECTS),
                                         encoding="utf-8")
    (folder / "contracts.csv").write_text("contract_id,title\nC-1,행사 대행 용역\n", encoding="utf-8")
    return folder


def make_template(path: Path) -> Path:
    """A database with every user; the slow argon2 hashing happens here once."""
    conn = db.connect(path, create=True)
    users.add_user(conn, None, "admin1", "admin", PASS, user_key("admin1"))
    for role, names in NAMES.items():
        for name in names:
            if name != "admin1":
                users.add_user(conn, actor("admin"), name, role, PASS, user_key(name))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def forge_insert(conn: sqlite3.Connection, author: str, action: str, table: str, values: dict,
                 sig: str | Callable[[str], str] | None = None) -> object:
    """What a short script with the file can do: insert a row and a correctly chained audit row
    for it, computed exactly as admin/audit.py does, with any signature it likes (or none): a
    fixed one, or sig(row hash) made with whatever key it holds.
    Also how versions 1 and 2 wrote rows, unsigned. Drops no trigger (INSERT is allowed)."""
    from admin import audit

    cols = ", ".join(values)
    cur = conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(values))})",
                       tuple(values.values()))
    pk = audit.AUDITED[table]
    key = values.get(pk, cur.lastrowid)
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute(f"SELECT * FROM {table} WHERE {pk} = ?", (key,)).fetchone())
    last = conn.execute("SELECT seq, row_sha256 FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, audit.GENESIS)
    at = audit.now()
    detail = audit.canonical({"table": table, "op": "insert", "row": row})
    c = audit.content_hash(seq, at, author, action, detail)
    h = audit.row_hash(prev, c)
    cols = "seq, at, author, action, detail, content_sha256, prev_sha256, row_sha256"
    vals: tuple = (seq, at, author, action, detail, c, prev, h)
    if sig is not None:
        cols, vals = cols + ", sig", (*vals, sig(h) if callable(sig) else sig)
    conn.execute(f"INSERT INTO audit ({cols}) VALUES ({', '.join('?' * len(vals))})", vals)
    return key


def copy_db(template: Path, dest: Path) -> Path:
    shutil.copyfile(template, dest)
    return dest


_TEMPLATE: list[Path] = []


def fresh_db(dest: Path) -> Path:
    """A new database with every user, copied from one template made once per test session."""
    if not _TEMPLATE:
        d = Path(tempfile.mkdtemp(prefix="admin-template-"))
        atexit.register(shutil.rmtree, d, True)
        _TEMPLATE.append(make_template(d / "template.db"))
    return copy_db(_TEMPLATE[0], dest)


def context(export_dir: Path) -> Context:
    return Context(export_dir=export_dir)


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ, PYTHONPATH=str(ROOT), ADMIN_PASSPHRASE=PASS, NEW_PASSPHRASE=PASS)
    e.update(extra)
    return e


# The child: one commit per entry, printing each id only after its COMMIT returned.
CHILD = """
import hashlib, sys, time
from pathlib import Path
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from admin import db, entries
from admin.users import User
from admin.validate import Context
conn = db.connect(sys.argv[1])
ctx = Context(export_dir=Path(sys.argv[2]))
tag, n, pause = sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
go = Path(sys.argv[6]) if len(sys.argv) > 6 else None
while go is not None and not go.exists():
    pass
who = User("inspector2", "inspector",
           Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"test-key:inspector2").digest()))
for i in range(n):
    eid = entries.add(conn, who, "inspection", {"project_id": "P-1", "date": "2025-03-01",
                      "kind": "safety", "result": "pass", "findings": f"{tag} {i}"}, ctx)
    print(eid, flush=True)
    time.sleep(pause)
"""


def spawn(db_path: Path, export_dir: Path, tag: str, n: int, go: Path | None = None,
          pause: float = 0.0) -> subprocess.Popen:
    args = [sys.executable, "-c", CHILD, str(db_path), str(export_dir), tag, str(n), str(pause)]
    if go is not None:
        args.append(str(go))
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env(), cwd=ROOT)


def present_ids(db_path: Path) -> set[int]:
    conn = sqlite3.connect(db_path)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM entries")}
    finally:
        conn.close()


def kill_drill(db_path: Path, export_dir: Path, trials: int, commits: int = 200,
               seed: int = 5) -> dict[str, int]:
    """Kill -9 a child in its loop of ``commits`` commits at a random moment, ``trials`` times;
    every id it printed (after COMMIT returned) must be in the database afterwards."""
    rng = random.Random(seed)
    # Calibrate: how long a whole loop takes here, so the kills land inside it.
    child = spawn(db_path, export_dir, "calibrate", commits)
    child.stdout.readline()  # type: ignore[union-attr]
    t0 = time.monotonic()
    for _ in range(commits - 1):
        child.stdout.readline()  # type: ignore[union-attr]
    span = time.monotonic() - t0  # first to last commit
    child.communicate()
    acked_total = lost = killed_mid_run = 0
    for t in range(trials):
        child = spawn(db_path, export_dir, f"kill{t}", commits)
        acked: list[int] = []
        first = child.stdout.readline()  # type: ignore[union-attr]
        if first.strip():
            acked.append(int(first))
        time.sleep(rng.uniform(0.0, span))
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate()
        acked += [int(x) for x in out.split()]
        killed_mid_run += child.returncode == -signal.SIGKILL and len(acked) < commits
        acked_total += len(acked)
        lost += len(set(acked) - present_ids(db_path))
    return {"trials": trials, "killed_mid_run": killed_mid_run, "acknowledged": acked_total,
            "lost": lost, "loop_ms": round(span * 1000)}


def concurrency_drill(db_path: Path, export_dir: Path, tmp: Path, per_writer: int = 100,
                      writers: int = 2) -> dict[str, int]:
    """Writers start together on one database; every acknowledged id must be there, once."""
    go = tmp / "go"
    before = present_ids(db_path)
    # A short pause after each commit, as a person's next entry would have, lets the writers
    # interleave instead of one finishing its whole run while the other waits.
    kids = [spawn(db_path, export_dir, f"w{i}", per_writer, go, pause=0.002) for i in range(writers)]
    time.sleep(0.5)  # let both import and open the database before the start signal
    go.write_text("go")
    acked: list[int] = []
    errors = 0
    for k in kids:
        out, err = k.communicate(timeout=120)
        errors += k.returncode != 0
        acked += [int(x) for x in out.split()]
    added = present_ids(db_path) - before
    conn = sqlite3.connect(db_path)
    tags = [r[0].split()[0] for r in conn.execute(
        "SELECT json_extract(fields, '$.findings') FROM entries WHERE id > ? ORDER BY id",
        (max(before, default=0),))]
    conn.close()
    return {"writers": writers, "per_writer": per_writer, "acknowledged": len(acked),
            "distinct": len(set(acked)), "added": len(added), "lost": len(set(acked) - added),
            "failed_writers": errors, "switches": sum(a != b for a, b in zip(tags, tags[1:], strict=False))}


if __name__ == "__main__":
    from admin import audit

    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        path = make_template(tmp / "a.db")
        exp = make_export(tmp / "exp")
        t0 = time.time()
        print("kill -9:", kill_drill(path, exp, trials), f"{time.time() - t0:.1f}s")
        t0 = time.time()
        print("concurrent:", concurrency_drill(path, exp, tmp, per_writer=500), f"{time.time() - t0:.1f}s")
        conn = db.connect(path)
        problems, rows, _ = audit.verify(conn)
        print("verify:", problems or "ok", rows, "audit rows")
