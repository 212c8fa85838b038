"""The admin database: one SQLite file, opened the same careful way by every command.

Why these settings: officials run the command on ordinary office machines that crash, lose power
and get killed by impatient users. WAL with synchronous=FULL means a commit that was reported
back has been fsynced; BEGIN IMMEDIATE takes the write lock before anything is read, so checks
such as "is this progress lower than the last one" cannot race another writer; the busy timeout
makes a second writer wait its turn instead of failing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA_VERSION = 4  # 2: documents; 3: signed audit rows; 4: contract payments (older files: _upgrade)
BUSY_TIMEOUT_MS = 15_000

ENTRIES = """CREATE TABLE {name} (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('progress', 'inspection', 'change', 'photo', 'document', 'claim',
                                       'payment', 'contract-payment', 'contract-paid')),
    project_id TEXT NOT NULL,
    corrects INTEGER REFERENCES entries (id),
    claim_id INTEGER REFERENCES entries (id),
    fields TEXT NOT NULL CHECK (json_valid(fields)),
    note TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL REFERENCES users (name),
    created_at TEXT NOT NULL
)"""
ENTRIES_INDEXES = """CREATE INDEX entries_project ON entries (project_id, kind);
CREATE INDEX entries_corrects ON entries (corrects);
CREATE INDEX entries_claim ON entries (claim_id);"""

SCHEMA = """
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'inspector', 'contractor', 'finance')),
    passhash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    pubkey TEXT,
    enc_key TEXT
);
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
{entries}
CREATE TABLE decisions (
    entry_id INTEGER PRIMARY KEY REFERENCES entries (id),
    decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
    by_user TEXT NOT NULL REFERENCES users (name),
    at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    prev_sha256 TEXT NOT NULL,
    row_sha256 TEXT NOT NULL,
    sig TEXT
);
""".replace("{entries}", ENTRIES.format(name="entries") + ";\n" + ENTRIES_INDEXES)

# Append-only tables: the audit log, the entries (a correction is a new entry) and the decisions.
# Users and settings change (passphrases, deactivation) but every change goes through the audit.
APPEND_ONLY = ("audit", "entries", "decisions")
NO_DELETE = ("users", "settings")


def trigger_sql() -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER ...) for every protective trigger; verify checks they all exist."""
    out = []
    for table in APPEND_ONLY:
        for op in ("UPDATE", "DELETE"):
            name = f"{table}_no_{op.lower()}"
            out.append((name, f"CREATE TRIGGER {name} BEFORE {op} ON {table} BEGIN "
                              f"SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"))
    for table in NO_DELETE:
        name = f"{table}_no_delete"
        out.append((name, f"CREATE TRIGGER {name} BEFORE DELETE ON {table} BEGIN "
                          f"SELECT RAISE(ABORT, '{table}: DELETE refused; deactivate instead'); END"))
    return out


class DbError(Exception):
    """A problem with the database file itself, reported to the official as one line."""


def connect(path: str | Path, create: bool = False) -> sqlite3.Connection:
    """Open (or, with create, make) an admin database with the durability settings applied."""
    path = Path(path)
    if not create and not path.is_file():
        raise DbError(f"--db: {path} does not exist (create it with: python -m admin --db {path} "
                      "init --admin NAME)")
    if create:
        ensure_new(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: no implicit transactions; every write goes through transaction().
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if create:
            with transaction(conn):
                for stmt in SCHEMA.split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
                for _, sql in trigger_sql():
                    conn.execute(sql)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 1 and mode.lower() == "wal":
            version = _upgrade(conn)
        if version == 2 and mode.lower() == "wal":
            version = _upgrade_signatures(conn)
        if version == 3 and mode.lower() == "wal":
            version = _upgrade(conn, 3)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise DbError(f"--db: {path} is not an admin database ({e})") from e
    if mode.lower() != "wal":
        conn.close()
        raise DbError(f"--db: {path}: cannot switch to WAL mode (is it on a network share?)")
    if version != SCHEMA_VERSION:
        conn.close()
        raise DbError(f"--db: {path} is not an admin database (schema version {version}, "
                      f"expected {SCHEMA_VERSION})")
    return conn


def _upgrade(conn: sqlite3.Connection, old: int = 1) -> int:
    """Version 1 -> 2: entries may be documents; 3 -> 4: entries may be contract payments (a claim
    on a contract, ``contract-payment``, and its payment, ``contract-paid``; issue 18). Returns the
    version now in the file.

    SQLite cannot change a CHECK constraint, so the entries table is rebuilt (SQLite's documented
    12-step way) with the same rows, ids and values: the audit log still explains every row, and
    an audit row records the upgrade. Only the protective triggers the file had are recreated, so
    a database whose triggers someone dropped still fails ``verify`` afterwards.
    """
    from . import audit  # audit imports this module

    conn.execute("PRAGMA foreign_keys = OFF")  # no effect inside a transaction
    try:
        with transaction(conn):
            if conn.execute("PRAGMA user_version").fetchone()[0] != old:  # upgraded meanwhile
                return int(conn.execute("PRAGMA user_version").fetchone()[0])
            had = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                              "AND tbl_name = 'entries'")}
            conn.execute(ENTRIES.format(name="entries_v2"))
            conn.execute("INSERT INTO entries_v2 (id, kind, project_id, corrects, claim_id, fields, note, "
                         "author, created_at) SELECT id, kind, project_id, corrects, claim_id, fields, "
                         "note, author, created_at FROM entries ORDER BY id")
            conn.execute("DROP TABLE entries")  # its triggers and indexes go with it
            conn.execute("ALTER TABLE entries_v2 RENAME TO entries")
            for stmt in ENTRIES_INDEXES.split(";"):
                conn.execute(stmt)
            for name, sql in trigger_sql():
                if name in had:
                    conn.execute(sql)
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise DbError(f"--db: cannot upgrade: {len(broken)} rows break a foreign key (run verify)")
            audit.append(conn, "system", "schema.upgrade",
                         {"table": None, "op": "schema.upgrade", "from": old, "to": old + 1})
            conn.execute(f"PRAGMA user_version = {old + 1}")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return old + 1


def _upgrade_signatures(conn: sqlite3.Connection) -> int:
    """Version 2 -> 3: signing keys and signed audit rows. Returns the version now in the file.

    Rows written before cannot be signed after the fact: they stay as they are, verified by the
    chain alone, and ``verify`` reports them as "unsigned, pre-v3"; the export never publishes a
    pre-v3 entry or decision (see docs/admin.md, "Upgrading to signatures"). Users of a pre-v3
    file have no key: the first admin to sign in becomes the root of trust, the others get a key
    when an admin resets their passphrase.
    """
    from . import audit

    with transaction(conn):
        if conn.execute("PRAGMA user_version").fetchone()[0] != 2:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute("ALTER TABLE users ADD COLUMN pubkey TEXT")
        conn.execute("ALTER TABLE users ADD COLUMN enc_key TEXT")
        conn.execute("ALTER TABLE audit ADD COLUMN sig TEXT")
        last = conn.execute("SELECT max(id) FROM entries").fetchone()[0] or 0
        audit.append(conn, "system", "schema.upgrade",
                     {"table": None, "op": "schema.upgrade", "from": 2, "to": 3,
                      "unsigned_entries_through": last})
        conn.execute("PRAGMA user_version = 3")
    return 3


def ensure_new(path: Path) -> None:
    if path.exists() and path.stat().st_size > 0:
        raise DbError(f"--db: {path} already exists; init only creates a new database")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception: all of a command or none of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def get_setting(conn: sqlite3.Connection, name: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
    return row["value"] if row else None


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction: an export sees one consistent state even while others write."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
