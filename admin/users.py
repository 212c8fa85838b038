"""Users, roles and the permission table: who may do what.

Why the admin approves nothing: the admin creates accounts. If the admin could also approve,
"nobody approves their own entry" would be one extra account away from meaningless. Approving
roles are chosen so that the approver is someone placed to know the fact is true (see
docs/admin.md, which a test keeps in step with ``PERMISSIONS``).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import audit
from .db import transaction

ROLES = ("admin", "supervisor", "inspector", "contractor", "finance")
KINDS = ("progress", "inspection", "change", "photo", "document", "claim", "payment")

# Who enters each kind of record, and who (a different user) makes it public.
ENTER = {
    "progress": ("supervisor",),
    "inspection": ("supervisor", "inspector"),
    "change": ("supervisor",),
    "photo": ("supervisor",),
    "document": ("supervisor",),
    "claim": ("contractor",),
    "payment": ("finance",),
}
APPROVE = {
    "progress": ("supervisor", "inspector"),     # on site: can see whether the figure is true
    "inspection": ("supervisor", "inspector"),
    "change": ("supervisor", "finance"),         # another supervisor, or finance for the amount
    "photo": ("supervisor", "inspector"),
    "document": ("supervisor", "inspector"),     # on site: knows the paper is the real one
    "claim": ("supervisor", "finance"),          # certifies the claimed work was done / received
    "payment": ("finance", "contractor"),        # a second finance officer, or the payee side
}

PERMISSIONS: dict[str, tuple[str, ...]] = {
    "user.add": ("admin",),
    "user.disable": ("admin",),
    "user.reset": ("admin",),          # set another user's passphrase
    "setting.set": ("admin",),
    "list": ROLES,                     # read entries, pending ones included
    **{f"add.{k}": ENTER[k] for k in KINDS},
    **{f"approve.{k}": APPROVE[k] for k in KINDS},   # approve and reject alike
}
ACTIONS = tuple(PERMISSIONS)

NAME_RE = re.compile(r"^\w[\w.-]{1,39}$")
MIN_PASSPHRASE = 10

_hasher = PasswordHasher()


class AuthError(Exception):
    """Wrong user or passphrase, or not allowed: one line for the official."""


@dataclass(frozen=True)
class User:
    name: str
    role: str

    def may(self, action: str) -> bool:
        return self.role in PERMISSIONS[action]


def require(user: User, action: str) -> None:
    if not user.may(action):
        allowed = ", ".join(PERMISSIONS[action])
        raise AuthError(f"{user.name} ({user.role}) may not {describe(action)}; "
                        f"allowed roles: {allowed}")


def describe(action: str) -> str:
    verb, _, obj = action.partition(".")
    return {"user": f"{obj} users", "setting": "change settings", "list": "list entries",
            "add": f"add {obj} entries", "approve": f"approve or reject {obj} entries"}[verb]


def check_name(name: str) -> str:
    if not NAME_RE.match(name or ""):
        raise AuthError(f"user name: {name!r} must be 2-40 letters, digits, '.', '_' or '-'")
    return name


def check_passphrase(name: str, passphrase: str) -> str:
    if len(passphrase) < MIN_PASSPHRASE:
        raise AuthError(f"passphrase: must be at least {MIN_PASSPHRASE} characters")
    if passphrase.strip().lower() == name.lower():
        raise AuthError("passphrase: must not be the user name")
    return passphrase


def add_user(conn: sqlite3.Connection, actor: User | None, name: str, role: str,
             passphrase: str) -> None:
    """Create a user. actor None only for the first admin, made by ``init``."""
    if actor is not None:
        require(actor, "user.add")
    check_name(name)
    if role not in ROLES:
        raise AuthError(f"--role: {role!r} is not one of {', '.join(ROLES)}")
    check_passphrase(name, passphrase)
    passhash = _hasher.hash(passphrase)
    author = actor.name if actor else name
    with transaction(conn):
        if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AuthError(f"user name: {name} already exists")
        audit.insert(conn, author, "user.add", "users",
                     {"name": name, "role": role, "passhash": passhash, "active": 1,
                      "created_at": audit.now(), "created_by": author})


def login(conn: sqlite3.Connection, name: str, passphrase: str) -> User:
    """Check a passphrase; failed attempts are logged so a guessing run is visible in the audit."""
    row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    ok = False
    if row is not None and row["active"]:
        try:
            ok = _hasher.verify(row["passhash"], passphrase)
        except (VerificationError, InvalidHashError):
            ok = False
    if not ok:
        with transaction(conn):
            audit.append(conn, name, "login.failed", {"table": None, "op": "login.failed"})
        if row is None:
            raise AuthError(f"--as: no user named {name!r}")
        if not row["active"]:
            raise AuthError(f"--as: user {name} is deactivated")
        raise AuthError(f"wrong passphrase for user {name}")
    if _hasher.check_needs_rehash(row["passhash"]):
        with transaction(conn):
            audit.update(conn, name, "user.rehash", "users", name, {"passhash": _hasher.hash(passphrase)})
    return User(row["name"], row["role"])


def set_passphrase(conn: sqlite3.Connection, actor: User, name: str, passphrase: str) -> None:
    """Own passphrase for anyone; someone else's only for an admin."""
    if name != actor.name:
        require(actor, "user.reset")
    check_passphrase(name, passphrase)
    passhash = _hasher.hash(passphrase)
    with transaction(conn):
        if not conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AuthError(f"user name: no user named {name!r}")
        audit.update(conn, actor.name, "user.passphrase", "users", name, {"passhash": passhash})


def set_active(conn: sqlite3.Connection, actor: User, name: str, active: bool) -> None:
    require(actor, "user.disable")
    if name == actor.name and not active:
        raise AuthError("user name: you cannot deactivate yourself")
    with transaction(conn):
        if not conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AuthError(f"user name: no user named {name!r}")
        audit.update(conn, actor.name, "user.enable" if active else "user.disable", "users", name,
                     {"active": int(active)})


def list_users(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT name, role, active, created_at, created_by FROM users "
                        "ORDER BY name").fetchall()


def permission_table() -> str:
    """The (role x action) table as Markdown, exactly as docs/admin.md shows it."""
    lines = ["| action | " + " | ".join(ROLES) + " |", "| --- |" + " --- |" * len(ROLES)]
    for action in ACTIONS:
        marks = " | ".join("yes" if r in PERMISSIONS[action] else "-" for r in ROLES)
        lines.append(f"| {action} | {marks} |")
    return "\n".join(lines)
