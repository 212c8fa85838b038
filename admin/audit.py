"""The audit chain: every change to the admin tables is written here, hashed and chained.

Why a chain and a replay: triggers stop casual edits, but anyone holding the file can drop them.
So ``verify`` trusts nothing in the database: it recomputes every row's hash from its content and
the previous row's hash, then replays the log to rebuild what the users, settings, entries and
decisions tables must contain and compares that with what they do contain. An edit anywhere shows
up as the first row that no longer fits. What a chain cannot catch is someone rewriting the whole
log from the edited row onwards, so ``verify`` prints the head hash for officials to note down
(e.g. in the nightly publication log); a rewritten log has a different head.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

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


def append(conn: sqlite3.Connection, author: str, action: str, detail: dict[str, Any]) -> int:
    """Add one audit row chained to the last one. Call inside a write transaction."""
    last = conn.execute("SELECT seq, row_sha256 FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last["seq"] + 1, last["row_sha256"]) if last else (1, GENESIS)
    at = now()
    text = canonical(detail)
    c = content_hash(seq, at, author, action, text)
    conn.execute("INSERT INTO audit (seq, at, author, action, detail, content_sha256, prev_sha256, "
                 "row_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (seq, at, author, action, text, c, prev, row_hash(prev, c)))
    return seq


def _row(conn: sqlite3.Connection, table: str, key: Any) -> dict[str, Any]:
    r = conn.execute(f"SELECT * FROM {table} WHERE {AUDITED[table]} = ?", (key,)).fetchone()
    return dict(r)


def insert(conn: sqlite3.Connection, author: str, action: str, table: str,
           values: dict[str, Any]) -> Any:
    """Insert a row and log it exactly as stored (with its new id); returns the primary key."""
    cols = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cur = conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(values.values()))
    pk = AUDITED[table]
    key = values.get(pk, cur.lastrowid)
    append(conn, author, action, {"table": table, "op": "insert", "row": _row(conn, table, key)})
    return key


def update(conn: sqlite3.Connection, author: str, action: str, table: str, key: Any,
           values: dict[str, Any]) -> None:
    """Change a row (users, settings only) and log its new full content."""
    sets = ", ".join(f"{c} = ?" for c in values)
    conn.execute(f"UPDATE {table} SET {sets} WHERE {AUDITED[table]} = ?", (*values.values(), key))
    append(conn, author, action, {"table": table, "op": "update", "row": _row(conn, table, key)})


def upsert(conn: sqlite3.Connection, author: str, action: str, table: str,
           values: dict[str, Any]) -> None:
    pk = AUDITED[table]
    exists = conn.execute(f"SELECT 1 FROM {table} WHERE {pk} = ?", (values[pk],)).fetchone()
    if exists:
        update(conn, author, action, table, values[pk], {k: v for k, v in values.items() if k != pk})
    else:
        insert(conn, author, action, table, values)


def verify(conn: sqlite3.Connection) -> tuple[list[str], int, str]:
    """Check the chain, the tables against the log, the triggers and SQLite's own integrity.

    Returns (problems, audit rows, head hash). The first problem names the first broken row.
    """
    problems: list[str] = []
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
        table = detail.get("table")
        if table in AUDITED:
            row = detail["row"]
            expected[table][row[AUDITED[table]]] = (seq, row)
    if not problems:
        problems.extend(_compare_tables(conn, expected))
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for name, _ in trigger_sql():
        if name not in present:
            problems.append(f"trigger {name} is missing (dropped: the database was opened with "
                            "other tools)")
    check = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if check != ["ok"]:
        problems.append(f"SQLite integrity_check: {'; '.join(check[:3])}")
    return problems, count, prev


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
            elif actual[key] != expected[table][key][1]:
                seq, want = expected[table][key]
                cols = [c for c in actual[key] if actual[key][c] != want.get(c)]
                problems.append(f"{table} row {key}: {', '.join(cols)} differs from audit row {seq} "
                                "(changed directly)")
    return problems
