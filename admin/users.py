"""Users, roles and the permission table: who may do what.

Why the admin approves nothing: the admin creates accounts. If the admin could also approve,
"nobody approves their own entry" would be one extra account away from meaningless. Approving
roles are chosen so that the approver is someone placed to know the fact is true (see
docs/admin.md, which a test keeps in step with ``PERMISSIONS``).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import audit, signing
from .db import transaction

ROLES = ("admin", "supervisor", "inspector", "contractor", "finance")
KINDS = ("progress", "inspection", "change", "photo", "document", "claim", "payment", "contract-payment",
         "contract-paid")

# Who enters each kind of record, and who (a different user) makes it public.
ENTER = {
    "progress": ("supervisor",),
    "inspection": ("supervisor", "inspector"),
    "change": ("supervisor",),
    "photo": ("supervisor",),
    "document": ("supervisor",),
    "claim": ("contractor",),
    "payment": ("finance",),
    "contract-payment": ("finance",),  # a contractor's claim on a contract, as the agency received it
    "contract-paid": ("finance",),     # what the agency paid against it
}
APPROVE = {
    "progress": ("supervisor", "inspector"),     # on site: can see whether the figure is true
    "inspection": ("supervisor", "inspector"),
    "change": ("supervisor", "finance"),         # another supervisor, or finance for the amount
    "photo": ("supervisor", "inspector"),
    "document": ("supervisor", "inspector"),     # on site: knows the paper is the real one
    "claim": ("supervisor", "finance"),          # certifies the claimed work was done / received
    "payment": ("finance", "contractor"),        # a second finance officer, or the payee side
    "contract-payment": ("supervisor", "finance"),  # the work was done, or a second finance officer
    "contract-paid": ("finance", "contractor"),  # a second finance officer, or the contractor
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
    """A signed-in user; key is their unlocked signing key (login gives it)."""
    name: str
    role: str
    key: Ed25519PrivateKey | None = field(default=None, compare=False, repr=False)

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
             passphrase: str, key: Ed25519PrivateKey | None = None) -> str:
    """Create a user and register their new public key, signed by the admin's key.

    actor None only for the first admin, made by ``init``: that key signs its own registration
    and is the root of trust. key: the new user's private key (new when None). Returns the
    public key's fingerprint.
    """
    if actor is not None:
        require(actor, "user.add")
    check_name(name)
    if role not in ROLES:
        raise AuthError(f"--role: {role!r} is not one of {', '.join(ROLES)}")
    check_passphrase(name, passphrase)
    passhash = _hasher.hash(passphrase)
    key = key or signing.new_key()
    enc_key = signing.encrypt(key, name, passphrase)
    author = actor.name if actor else name
    with transaction(conn):
        if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AuthError(f"user name: {name} already exists")
        if actor is None and conn.execute("SELECT 1 FROM users").fetchone():
            raise AuthError("only the first user of a new database registers their own key")
        audit.insert(conn, author, "user.add", "users",
                     {"name": name, "role": role, "passhash": passhash, "active": 1,
                      "created_at": audit.now(), "created_by": author,
                      "pubkey": signing.public_hex(key), "enc_key": enc_key},
                     actor.key if actor else key)
    return signing.fingerprint(signing.public_hex(key))


def login(conn: sqlite3.Connection, name: str, passphrase: str) -> User:
    """Check a passphrase and unlock the user's signing key; failed attempts are logged so a
    guessing run is visible in the audit."""
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
    if row["pubkey"] is None:
        key = _first_key(conn, row, passphrase)
    else:
        key = signing.decrypt(row["enc_key"], name, passphrase, row["pubkey"])
    if _hasher.check_needs_rehash(row["passhash"]):
        with transaction(conn):
            audit.update(conn, name, "user.rehash", "users", name, {"passhash": _hasher.hash(passphrase)},
                         key)
    return User(row["name"], row["role"], key)


def _first_key(conn: sqlite3.Connection, row: sqlite3.Row, passphrase: str) -> Ed25519PrivateKey:
    """A user of a file from before signatures (schema 2) has no key. The first admin to sign in
    after the upgrade makes one that signs itself (the root of trust); anyone else needs an
    admin to reset their passphrase, which registers a key for them."""
    name = row["name"]
    with transaction(conn):
        has_root = conn.execute("SELECT 1 FROM users WHERE role = 'admin' AND pubkey IS NOT NULL"
                                ).fetchone()
        if row["role"] != "admin" or has_root:
            raise AuthError(f"user {name} has no signing key yet (database from before signatures): "
                            f"an admin must reset their passphrase: python -m admin user passwd {name}")
        key = signing.new_key()
        audit.update(conn, name, "user.key", "users", name,
                     {"pubkey": signing.public_hex(key), "enc_key": signing.encrypt(key, name, passphrase)},
                     key)
    return key


def set_passphrase(conn: sqlite3.Connection, actor: User, name: str, passphrase: str) -> str | None:
    """Own passphrase for anyone: the same key, encrypted again. Someone else's only for an
    admin (a reset): a new key pair, registered by the admin. Returns the new key's fingerprint
    after a reset, else None."""
    if name != actor.name:
        require(actor, "user.reset")
    check_passphrase(name, passphrase)
    passhash = _hasher.hash(passphrase)
    own = name == actor.name
    if own and actor.key is None:
        raise signing.SigningError(f"{name}: no signing key unlocked; sign in with your passphrase")
    key = actor.key if own else signing.new_key()
    assert key is not None
    values = {"passhash": passhash, "enc_key": signing.encrypt(key, name, passphrase)}
    if not own:
        values["pubkey"] = signing.public_hex(key)
    with transaction(conn):
        if not conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AuthError(f"user name: no user named {name!r}")
        audit.update(conn, actor.name, "user.passphrase", "users", name, values, actor.key)
    return None if own else signing.fingerprint(values["pubkey"])


def set_active(conn: sqlite3.Connection, actor: User, name: str, active: bool) -> None:
    require(actor, "user.disable")
    if name == actor.name and not active:
        raise AuthError("user name: you cannot deactivate yourself")
    with transaction(conn):
        if not conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AuthError(f"user name: no user named {name!r}")
        audit.update(conn, actor.name, "user.enable" if active else "user.disable", "users", name,
                     {"active": int(active)}, actor.key)


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
