"""The command line: argparse, --help everywhere, prompts for what is missing, one-line errors.

Why prompts: officials who don't live in a terminal can type ``python -m admin --db x.db
progress add`` and be asked for each value in turn; scripts give every option and are never
asked. Exit codes: 0 done, 1 refused (bad input, not allowed, database busy), 2 usage, 3 verify
found tampering.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys

from . import commands
from .bulk import BulkError
from .db import DbError
from .export import ExportError
from .signing import SigningError
from .spec import COMMON, KIND_HELP, SPEC
from .users import ROLES, AuthError
from .validate import ValidationError


def _add_parser(sub: argparse._SubParsersAction, kind: str) -> None:
    p = sub.add_parser(kind, help=KIND_HELP[kind], description=f"Enter {KIND_HELP[kind]}.")
    s = p.add_subparsers(dest="action", required=True, metavar="add")
    a = s.add_parser("add", help=f"add a {kind} entry (prints its id last)",
                     description=f"Add a {kind} entry. It is published once another user of an "
                                 "approving role approves it. Missing values are asked for.")
    for o in SPEC[kind]:
        if o.flag.startswith("--"):
            a.add_argument(o.flag, dest=o.field, help=o.help, metavar=o.flag[2:].upper())
        else:
            a.add_argument(o.field, nargs="?", metavar=o.flag, help=o.help)
    a.add_argument("--note", default="", help="note; required for a correction or a drop in "
                   "progress (published only for progress)")
    a.add_argument("--corrects", metavar="ENTRY_ID", help="this entry corrects entry ENTRY_ID "
                   "(which is kept, and replaced on the site once this one is approved)")
    a.set_defaults(func=commands.add, entry_kind=kind)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m admin",
        description="Enter project-management and payment records for publication, with "
                    "approval by a second official and a tamper-evident audit log.",
        epilog="Passphrases come from ADMIN_PASSPHRASE (yours) and NEW_PASSPHRASE (a new "
               "user's) or are asked for. See docs/admin.md.")
    p.add_argument("--db", default=os.environ.get("ADMIN_DB"),
                   help="the admin database file (default: $ADMIN_DB)")
    p.add_argument("--as", dest="user", metavar="NAME", help="your user name (asked if missing)")
    p.add_argument("--export", metavar="DIR", help="export folder whose projects.csv lists the "
                   "known project ids (default: newest data/exports/YYYY-MM-DD, else the demo)")
    p.add_argument("--overdue-days", type=int, metavar="N",
                   help="a claim unpaid for more than N days is overdue (default: the database "
                        "setting overdue_days, else 15)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("init", help="create a new database and its first admin",
                       description="Create a new admin database with its first admin user.")
    s.add_argument("--admin", metavar="NAME", help="the first admin's user name")
    s.set_defaults(func=commands.init)

    u = sub.add_parser("user", help="manage users (admin)", description="Manage users.")
    us = u.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = us.add_parser("add", help="add a user", description="Add a user (admin only). The new "
                      "passphrase comes from NEW_PASSPHRASE or is asked for twice.")
    s.add_argument("name", nargs="?", metavar="NEW", help="new user's name")
    s.add_argument("--role", help=" | ".join(ROLES))
    s.set_defaults(func=commands.user_add)
    s = us.add_parser("list", help="list users", description="List users and their roles.")
    s.set_defaults(func=commands.user_list)
    for action, helptext in (("disable", "stop a user from signing in"), ("enable", "let a "
                             "deactivated user sign in again")):
        s = us.add_parser(action, help=helptext, description=helptext.capitalize() + " (admin).")
        s.add_argument("name", nargs="?", metavar="NAME")
        s.set_defaults(func=commands.user_active, active=action == "enable")
    s = us.add_parser("passwd", help="change a passphrase", description="Change your own "
                      "passphrase, or (admin) another user's. The new one comes from "
                      "NEW_PASSPHRASE or is asked for twice.")
    s.add_argument("name", nargs="?", metavar="NAME", help="whose (default: yours)")
    s.set_defaults(func=commands.user_passwd)

    for kind in SPEC:
        _add_parser(sub, kind)

    for name, approve in (("approve", True), ("reject", False)):
        s = sub.add_parser(name, help=f"{name} an entry (prints nothing on success)",
                           description=f"{name.capitalize()} an entry someone else entered. "
                                       + ("Approved entries are published." if approve else
                                          "A rejected entry is never published; say why."))
        s.add_argument("entry_id", nargs="?", metavar="ENTRY_ID")
        s.add_argument("--note", default="", help="reason" + (" (required)" if not approve else ""))
        s.set_defaults(func=commands.decide, approve=approve)

    s = sub.add_parser("list", help="list entries", description="List entries, newest last.")
    s.add_argument("--kind", choices=list(SPEC))
    s.add_argument("--project", metavar="PROJECT_ID")
    s.add_argument("--pending", action="store_true", help="only entries waiting for approval")
    s.set_defaults(func=commands.list_entries)
    s = sub.add_parser("show", help="show one entry and its history", description="Show an entry, "
                       "its decision and its corrections.")
    s.add_argument("entry_id", nargs="?", metavar="ENTRY_ID")
    s.set_defaults(func=commands.show)
    s = sub.add_parser("claims", help="claims, days to pay, overdue", description="Payment claims "
                       "with what was paid, days to pay and overdue status; totals per payee kind.")
    s.add_argument("--project", metavar="PROJECT_ID")
    s.add_argument("--overdue", action="store_true", help="only overdue claims")
    s.set_defaults(func=commands.claims)
    s = sub.add_parser("import", help="bulk import a CSV of progress, claims or payments",
                       description="Add every row of a CSV file, or none if any row is bad. "
                       "Columns: see docs/admin.md.")
    s.add_argument("what", metavar="KIND", help="progress, claims or payments")
    s.add_argument("file", metavar="FILE", help="UTF-8 CSV file with a header row")
    s.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    s.set_defaults(func=commands.bulk_import)
    s = sub.add_parser("setting", help="show or change a setting (admin)",
                       description="Show settings, or set one: overdue_days N.")
    s.add_argument("name", nargs="?")
    s.add_argument("value", nargs="?")
    s.set_defaults(func=commands.setting)
    s = sub.add_parser("verify", help="check the audit chain, signatures and tables",
                       description="Recompute the audit chain, check every signature and "
                                   "permission, compare every table with it, check photos, "
                                   "documents and SQLite integrity. Exit 3 names the first broken "
                                   "row; WARNING lines (exit 0) name approvals made after an admin "
                                   "reset the approver's passphrase.")
    s.add_argument("--root-key", metavar="FINGERPRINT", help="the root admin key's fingerprint "
                   "printed by init (default: $ADMIN_ROOT_KEY); another root key fails")
    s.set_defaults(func=commands.verify)
    s = sub.add_parser("export", help="write the public export-format files",
                       description="Write approved, current entries as export-format CSVs (and "
                                   "the photos and documents) into DIR, replacing an earlier admin "
                                   "export there.")
    s.add_argument("dir", metavar="DIR")
    s.set_defaults(func=commands.export)
    return p


def option_name(args: argparse.Namespace, field: str) -> str:
    """How the official typed a field, for error messages: actual_pct -> --actual."""
    for o in SPEC.get(getattr(args, "entry_kind", ""), ()):
        if o.field == field:
            return o.flag
    return COMMON.get(field, field)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ValidationError as e:
        print(f"error: {option_name(args, e.field)}: {e.message}", file=sys.stderr)
    except (AuthError, DbError, BulkError, ExportError, SigningError) as e:
        print(f"error: {e}", file=sys.stderr)
    except sqlite3.OperationalError as e:
        msg = str(e)
        if "locked" in msg or "busy" in msg:
            msg = "the database is busy (someone else is writing); try again in a moment"
        print(f"error: database: {msg}", file=sys.stderr)
    except sqlite3.DatabaseError as e:
        print(f"error: database: {e} (run verify)", file=sys.stderr)
    except (KeyboardInterrupt, EOFError):
        print("\ncancelled; nothing written", file=sys.stderr)
        return 130
    return 1
