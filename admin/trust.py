"""Replaying the audit log for authorship: whose key signed each row, and were they allowed to.

``audit.verify`` walks the chain and hands every row to ``Replay.row``. The replay keeps each
user's role, state and public key as the log gave them so far, so a signature is checked against
the key its author had at that moment (a reset does not invalidate what was signed before it).

Rules (docs/admin.md, "Signatures"):

* A row that changes a table must be signed by its author's registered key. Unsigned rows are
  allowed only for failed logins and schema upgrades (which change no table), and before the
  file was upgraded to signatures (schema 3): those are "unsigned, pre-v3", never published.
* Public keys are registered by an admin's signed row. The one exception is the root: the first
  admin's key, which signs its own registration (``init``, or the first admin to sign in after
  the upgrade of a pre-v3 file). Its fingerprint can be pinned.
* Entries are signed by their author, decisions by their approver, with the role the permission
  table asks for, and nobody decides their own entry.
* An admin who resets a passphrase gets a new key for that user, and knows its passphrase until
  the user changes it. Entries and decisions signed by that user in that window are warned about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import signing
from .users import PERMISSIONS


@dataclass
class Replay:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    entries: dict[int, tuple[str, str]] = field(default_factory=dict)   # id -> (kind, author)
    root: str | None = None             # the root admin's public key (hex)
    signed_era: bool = False            # a signed row or the v3 upgrade was seen
    unsigned_rows: int = 0              # pre-v3 rows that changed a table
    unsigned_entries: set[int] = field(default_factory=set)
    unsigned_decisions: set[int] = field(default_factory=set)
    resets: dict[str, tuple[int, str]] = field(default_factory=dict)  # user -> (audit seq, admin)
    warnings: list[str] = field(default_factory=list)

    def row(self, seq: int, r: Any, detail: dict[str, Any]) -> str | None:
        """Check one audit row (already chained); returns the problem, or None and applies it."""
        action, author = r["action"], r["author"]
        sig = r["sig"] if "sig" in r.keys() else None
        table, row = detail.get("table"), detail.get("row") or {}
        what = f"audit row {seq} ({action} by {author}{_names(table, row)})"
        if sig is None:
            if table is None:
                if action == "schema.upgrade" and int(detail.get("to") or 0) >= 3:
                    self.signed_era = True
                return None
            if self.signed_era:
                return f"{what}: not signed (written without {author}'s key: forged or another tool)"
            self.unsigned_rows += 1
            if table == "entries":
                self.unsigned_entries.add(row["id"])
            if table == "decisions":
                self.unsigned_decisions.add(row["entry_id"])
            self._apply(table, detail.get("op"), row)
            return None
        self.signed_era = True
        key, is_root = self._key(author, action, table, row)
        if not signing.valid(key, r["row_sha256"], sig):
            return (f"{what}: signature does not verify with {author}'s registered key (forged, "
                    "copied from another row, or the key was never registered by an admin)")
        if not is_root:
            problem = self._allowed(seq, author, action, table, detail.get("op"), row)
            if problem:
                return f"{what}: {problem}"
        else:
            self.root = key
        self._apply(table, detail.get("op"), row)
        return None

    def _key(self, author: str, action: str, table: str | None,
             row: dict[str, Any]) -> tuple[str | None, bool]:
        """The key that must have signed: the author's, or a new root admin's own."""
        if (self.root is None and table == "users" and row.get("name") == author
                and row.get("role") == "admin" and row.get("pubkey")
                and not (self.users.get(author) or {}).get("pubkey")):
            return row["pubkey"], True
        return (self.users.get(author) or {}).get("pubkey"), False

    def _allowed(self, seq: int, author: str, action: str, table: str | None, op: str | None,
                 row: dict[str, Any]) -> str | None:
        me = self.users.get(author)
        if me is None or not me["active"]:
            return f"{author} is not an active user"
        role = me["role"]
        if table in ("settings",) or (table == "users" and op == "insert"):
            if role != "admin":
                return f"{author} ({role}) may not change users or settings"
            if table == "users" and not row.get("pubkey"):
                return f"user {row.get('name')} is registered without a public key"
        elif table == "users":
            old = self.users.get(row["name"])
            if old is None:
                return f"user {row['name']} does not exist"
            if row["role"] != old["role"]:
                return f"the role of {row['name']} changed ({old['role']} -> {row['role']})"
            if row["name"] == author:
                if row["pubkey"] != old["pubkey"] or row["active"] != old["active"]:
                    return "a user may change only their own passphrase"
                if action == "user.passphrase":
                    self.resets.pop(author, None)  # their own passphrase now: the window closes
            elif role != "admin":
                return f"{author} ({role}) may not change another user"
            elif row["pubkey"] != old["pubkey"]:
                if not row["pubkey"]:
                    return f"the public key of {row['name']} was removed"
                self.resets[row["name"]] = (seq, author)
        elif table == "entries":
            if row["author"] != author:
                return f"entry {row['id']} names {row['author']} as its author"
            if role not in PERMISSIONS[f"add.{row['kind']}"]:
                return f"{author} ({role}) may not add {row['kind']} entries"
            self._warn_reset(seq, author, f"entry {row['id']} was added")
        elif table == "decisions":
            kind, entry_author = self.entries.get(row["entry_id"], ("?", "?"))
            if row["by_user"] != author:
                return f"the decision on entry {row['entry_id']} names {row['by_user']}"
            if kind == "?":
                return f"entry {row['entry_id']} does not exist"
            if role not in PERMISSIONS[f"approve.{kind}"] or entry_author == author:
                return f"{author} ({role}) may not decide {kind} entry {row['entry_id']} by {entry_author}"
            self._warn_reset(seq, author, f"entry {row['entry_id']} was {row['decision']}")
        return None

    def _warn_reset(self, seq: int, user: str, what: str) -> None:
        if user in self.resets:
            at, admin = self.resets[user]
            self.warnings.append(f"{what} by {user} (audit row {seq}) after admin {admin} reset "
                                 f"{user}'s passphrase (audit row {at}) and before {user} changed "
                                 f"it: {admin} could have signed this")

    def _apply(self, table: str | None, op: str | None, row: dict[str, Any]) -> None:
        if table == "users":
            self.users[row["name"]] = {"role": row["role"], "active": row["active"],
                                       "pubkey": row.get("pubkey")}
        elif table == "entries":
            self.entries[row["id"]] = (row["kind"], row["author"])

    def root_fingerprint(self) -> str | None:
        return signing.fingerprint(self.root) if self.root else None


def _names(table: str | None, row: dict[str, Any]) -> str:
    if table == "entries":
        return f", entry {row.get('id')}"
    if table == "decisions":
        return f", decision on entry {row.get('entry_id')}"
    if table == "users":
        return f", user {row.get('name')}"
    return ""
