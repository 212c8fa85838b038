"""The audit chain: every change to the admin tables is written here, hashed and chained.

Why a chain and a replay: triggers stop casual edits, but anyone holding the file can drop them.
So ``verify`` trusts nothing in the database: it recomputes every row's hash from its content and
the previous row's hash, then replays the log to rebuild what the users, settings, entries and
decisions tables must contain and compares that with what they do contain. An edit anywhere shows
up as the first row that no longer fits. What a chain cannot catch is someone rewriting the whole
log from the edited row onwards, so ``verify`` prints the head hash for officials to note down
(e.g. in the nightly publication log); a rewritten log has a different head.

Since schema 3 every state-changing row is also signed by its author's key (admin/signing.py),
and ``verify`` checks each signature and who was allowed to do what (admin/trust.py): a chain
proves order, signatures prove authorship.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import signing
from .db import trigger_sql

GENESIS = "0" * 64
# table -> primary key column: the tables whose every row must be explained by the log.
AUDITED = {"users": "name", "settings": "name", "entries": "id", "decisions": "entry_id"}


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(seq: int, at: str, author: str, action: str, detail: str) -> str:
    return sha256(canonical([seq, at, author, action, detail]))


def row_hash(prev: str, content: str) -> str:
    return sha256(prev + content)


def append(conn: sqlite3.Connection, author: str, action: str, detail: dict[str, Any],
           key: Ed25519PrivateKey | None = None) -> int:
    """Add one audit row chained to the last one, signed with key. Call inside a write transaction.

    Only rows that change no table (failed logins, schema upgrades) may go unsigned.
    """
    if key is None and detail.get("table") is not None:
        raise signing.SigningError(f"{author}: no signing key unlocked; sign in with your passphrase")
    last = conn.execute("SELECT seq, row_sha256 FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last["seq"] + 1, last["row_sha256"]) if last else (1, GENESIS)
    at = now()
    text = canonical(detail)
    c = content_hash(seq, at, author, action, text)
    h = row_hash(prev, c)
    values: tuple[Any, ...] = (seq, at, author, action, text, c, prev, h)
    cols = "seq, at, author, action, detail, content_sha256, prev_sha256, row_sha256"
    if key is not None:  # an unsigned row leaves the column out: pre-v3 files have none
        values, cols = (*values, signing.sign(key, h)), cols + ", sig"
    conn.execute(f"INSERT INTO audit ({cols}) VALUES ({', '.join('?' * len(values))})", values)
    return seq


def _row(conn: sqlite3.Connection, table: str, key: Any) -> dict[str, Any]:
    r = conn.execute(f"SELECT * FROM {table} WHERE {AUDITED[table]} = ?", (key,)).fetchone()
    return dict(r)


def insert(conn: sqlite3.Connection, author: str, action: str, table: str,
           values: dict[str, Any], key: Ed25519PrivateKey | None = None) -> Any:
    """Insert a row and log it exactly as stored (with its new id); returns the primary key."""
    cols = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cur = conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(values.values()))
    pk = AUDITED[table]
    pk_value = values.get(pk, cur.lastrowid)
    append(conn, author, action, {"table": table, "op": "insert", "row": _row(conn, table, pk_value)},
           key)
    return pk_value


def update(conn: sqlite3.Connection, author: str, action: str, table: str, pk_value: Any,
           values: dict[str, Any], key: Ed25519PrivateKey | None = None) -> None:
    """Change a row (users, settings only) and log its new full content."""
    sets = ", ".join(f"{c} = ?" for c in values)
    conn.execute(f"UPDATE {table} SET {sets} WHERE {AUDITED[table]} = ?", (*values.values(), pk_value))
    append(conn, author, action, {"table": table, "op": "update", "row": _row(conn, table, pk_value)},
           key)


def upsert(conn: sqlite3.Connection, author: str, action: str, table: str,
           values: dict[str, Any], key: Ed25519PrivateKey | None = None) -> None:
    pk = AUDITED[table]
    exists = conn.execute(f"SELECT 1 FROM {table} WHERE {pk} = ?", (values[pk],)).fetchone()
    if exists:
        update(conn, author, action, table, values[pk], {k: v for k, v in values.items() if k != pk},
               key)
    else:
        insert(conn, author, action, table, values, key)


@dataclass
class Result:
    problems: list[str]
    count: int                  # audit rows
    head: str                   # the last row's hash
    replay: Any                 # trust.Replay: keys, unsigned rows, warnings

    @property
    def warnings(self) -> list[str]:
        out = list(self.replay.warnings)
        if self.replay.unsigned_rows:
            out.insert(0, f"{self.replay.unsigned_rows} audit rows are unsigned, pre-v3 (written "
                          "before signatures): their entries and decisions are not published")
        return out


def check(conn: sqlite3.Connection, pin: str | None = None) -> Result:
    """Check the chain, every signature and permission, the tables against the log, the triggers
    and SQLite's own integrity. pin: the root admin key's fingerprint, when the official pinned it.
    The first problem names the first broken row."""
    from .trust import Replay  # trust needs users, which needs this module

    problems: list[str] = []
    replay = Replay()
    expected: dict[str, dict[Any, tuple[int, dict[str, Any]]]] = {t: {} for t in AUDITED}
    prev, want_seq, count = GENESIS, 1, 0
    for r in conn.execute("SELECT * FROM audit ORDER BY seq"):
        count += 1
        seq = r["seq"]
        if seq != want_seq:
            problems.append(f"audit row {want_seq}: missing (rows {want_seq}-{seq - 1} deleted?)")
        elif r["content_sha256"] != content_hash(seq, r["at"], r["author"], r["action"], r["detail"]):
            problems.append(f"audit row {seq}: content does not match its SHA-256 (changed after "
                            f"it was written; action {r['action']} by {r['author']})")
        elif r["prev_sha256"] != prev:
            problems.append(f"audit row {seq}: does not chain to row {seq - 1} (a row before it "
                            "was changed, removed or inserted)")
        elif r["row_sha256"] != row_hash(prev, r["content_sha256"]):
            problems.append(f"audit row {seq}: row hash does not match")
        if problems:
            break
        prev, want_seq = r["row_sha256"], seq + 1
        detail = json.loads(r["detail"])
        problem = replay.row(seq, r, detail)
        if problem:
            problems.append(problem)
            break
        table = detail.get("table")
        if table in AUDITED:
            row = detail["row"]
            expected[table][row[AUDITED[table]]] = (seq, row)
    if not problems:
        problems.extend(_compare_tables(conn, expected))
    root = replay.root_fingerprint()
    if pin and root != pin:
        problems.append(f"root admin key {root or '(none)'} is not the pinned {pin} (the whole "
                        "file was replaced, or the pin is wrong)")
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for name, _ in trigger_sql():
        if name not in present:
            problems.append(f"trigger {name} is missing (dropped: the database was opened with "
                            "other tools)")
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        problems.append(f"SQLite integrity_check: {'; '.join(integrity[:3])}")
    return Result(problems, count, prev, replay)


def verify(conn: sqlite3.Connection) -> tuple[list[str], int, str]:
    """(problems, audit rows, head hash): ``check`` without the details."""
    r = check(conn)
    return r.problems, r.count, r.head


def _compare_tables(conn: sqlite3.Connection,
                    expected: dict[str, dict[Any, tuple[int, dict[str, Any]]]]) -> list[str]:
    """Every row of an audited table must be the last state the log gave it, and nothing more."""
    problems = []
    for table, pk in AUDITED.items():
        actual = {r[pk]: dict(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY {pk}")}
        for key in sorted(set(actual) | set(expected[table]), key=str):
            if key not in expected[table]:
                problems.append(f"{table} row {key}: not in the audit log (inserted directly)")
            elif key not in actual:
                seq = expected[table][key][0]
                problems.append(f"{table} row {key}: missing, logged in audit row {seq} (deleted)")
            else:
                seq, want = expected[table][key]
                # A column added by a schema upgrade is absent from older rows' log: NULL then.
                cols = [c for c in actual[key] if actual[key][c] != want.get(c)]
                cols += [c for c in want if c not in actual[key]]
                if not cols:
                    continue
                problems.append(f"{table} row {key}: {', '.join(cols)} differs from audit row {seq} "
                                "(changed directly)")
    return problems
