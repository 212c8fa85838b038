"""What each subcommand does; cli.py only parses. Output is plain lines an official can read.

Why every write command logs in first and asks questions second: an official who may not do
something should learn that before typing five values, not after.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sqlite3
import sys
from datetime import date
from pathlib import Path

from . import audit, bulk, documents, entries, settings, users, validate
from . import export as export_mod
from . import payments as pay
from .db import DbError, connect, ensure_new
from .photos import check_files, storage_dir
from .spec import SPEC
from .users import APPROVE, User
from .validate import OPTIONAL, Context, ValidationError


def _ask(prompt: str, default: str = "") -> str:
    """input() with an optional default; at end of input the value is simply missing."""
    try:
        answer = input(f"{prompt}{f' [{default}]' if default else ''}: ").strip()
    except EOFError:
        return ""
    return answer or default


def _db(args: argparse.Namespace, create: bool = False) -> sqlite3.Connection:
    if not args.db:
        raise DbError("--db: which database? give --db PATH (or set ADMIN_DB)")
    return connect(args.db, create=create)


def _login(conn: sqlite3.Connection, args: argparse.Namespace) -> User:
    name = args.user or _ask("Your user name")
    if not name:
        raise users.AuthError("--as: your user name is required")
    passphrase = os.environ.get("ADMIN_PASSPHRASE") or getpass.getpass(f"Passphrase for {name}: ")
    return users.login(conn, name, passphrase)


def _new_passphrase(name: str) -> str:
    env = os.environ.get("NEW_PASSPHRASE")
    if env:
        return env
    first = getpass.getpass(f"New passphrase for {name} (at least {users.MIN_PASSPHRASE} characters): ")
    if getpass.getpass("Type it again: ") != first:
        raise users.AuthError("passphrase: the two passphrases differ; nothing changed")
    return first


def _ctx(args: argparse.Namespace) -> Context:
    return Context(export_dir=Path(args.export) if args.export else None)


def init(args: argparse.Namespace) -> None:
    if not args.db:
        raise DbError("--db: which file should the new database be? give --db PATH")
    ensure_new(Path(args.db))  # before asking anything
    name = users.check_name(args.admin or _ask("First admin's user name"))
    passphrase = users.check_passphrase(name, _new_passphrase(name))
    conn = _db(args, create=True)
    fp = users.add_user(conn, None, name, "admin", passphrase)
    print(f"created {args.db} with admin {name}")
    print(f"root key {fp}: note it down; verify --root-key {fp} (or ADMIN_ROOT_KEY, and "
          "CB_ADMIN_ROOT_KEY for the build) then detects a file rewritten under another admin key")


def user_add(args: argparse.Namespace) -> None:
    conn = _db(args)
    actor = _login(conn, args)
    users.require(actor, "user.add")
    name = users.check_name(args.name or _ask("New user's name"))
    role = args.role or _ask(f"Role ({'/'.join(users.ROLES)})")
    if role not in users.ROLES:
        raise users.AuthError(f"--role: {role!r} is not one of {', '.join(users.ROLES)}")
    fp = users.add_user(conn, actor, name, role, _new_passphrase(name))
    print(f"added user {name} ({role}), key {fp}")


def user_list(args: argparse.Namespace) -> None:
    conn = _db(args)
    users.require(_login(conn, args), "list")
    for r in users.list_users(conn):
        state = "" if r["active"] else "  (deactivated)"
        print(f"{r['name']:<20} {r['role']:<11} added {r['created_at']} by {r['created_by']}{state}")


def user_active(args: argparse.Namespace) -> None:
    conn = _db(args)
    actor = _login(conn, args)
    users.set_active(conn, actor, args.name or _ask("User name"), args.active)


def user_passwd(args: argparse.Namespace) -> None:
    conn = _db(args)
    actor = _login(conn, args)
    name = args.name or actor.name
    if name != actor.name:
        users.require(actor, "user.reset")
    fp = users.set_passphrase(conn, actor, name, _new_passphrase(name))
    print(f"passphrase of {name} changed")
    if fp:
        print(f"new key {fp} for {name}: until {name} changes the passphrase themselves, verify "
              "warns about every entry and approval signed with it")


def _needed(field: str, values: dict[str, str | None]) -> bool:
    if field == "payee_company_id":
        return (values.get("payee_kind") or "").lower() != "wages"
    if field == "findings":
        return (values.get("result") or "").lower() not in ("", "pass")
    return field not in OPTIONAL


def add(args: argparse.Namespace) -> None:
    conn = _db(args)
    actor = _login(conn, args)
    kind = args.entry_kind
    users.require(actor, f"add.{kind}")
    values = {o.field: getattr(args, o.field) for o in SPEC[kind]}
    for o in SPEC[kind]:
        if not values[o.field] and _needed(o.field, values):
            today = date.today().isoformat() if o.field.endswith("date") else ""
            values[o.field] = _ask(o.prompt, today)
    note = args.note
    try:
        eid = entries.add(conn, actor, kind, values, _ctx(args), note, args.corrects,
                          storage_dir(args.db), documents.storage_dir(args.db))
    except ValidationError as e:
        if e.field != "note" or note or not sys.stdin.isatty():
            raise
        print(e.message)
        note = _ask("Note")
        eid = entries.add(conn, actor, kind, values, _ctx(args), note, args.corrects,
                          storage_dir(args.db), documents.storage_dir(args.db))
    e = entries.get(conn, eid)
    what = f"{kind} entry for {e.project_id}" + (f", correcting entry {e.corrects}" if e.corrects else "")
    if kind == "document" and e.fields["file"].endswith(".pdf"):
        print("note: a PDF is published exactly as given, its metadata (author, software, dates) "
              "included; see docs/admin.md")
    print(f"added {what}; it is published once another {' or '.join(APPROVE[kind])} approves it")
    print(f"entry {eid}")


def decide(args: argparse.Namespace) -> None:
    conn = _db(args)
    actor = _login(conn, args)
    eid = validate.entry_id("ENTRY_ID", args.entry_id or _ask("Entry id"))
    users.require(actor, f"approve.{entries.get(conn, eid).kind}")  # before asking for a reason
    note = args.note or ("" if args.approve else _ask("Why is it rejected"))
    entries.decide(conn, actor, eid, args.approve, note)


def _summary(e: entries.Entry) -> str:
    f = e.fields
    if e.kind == "progress":
        return f"{f['date']} planned {f['planned_pct']:g}% actual {f['actual_pct']:g}%"
    if e.kind == "inspection":
        return f"{f['date']} {f['kind']} {f['result']}"
    if e.kind == "change":
        return f"{f['date']} {f['amount_before']:,} -> {f['amount_after']:,} won, {f['days_added']:+d} days"
    if e.kind == "photo":
        return f"{f['date']} {f['caption'] or f['file']}"
    if e.kind == "document":
        return f"{f['date']} {f['kind']} {f['title']}"
    if e.kind == "claim":
        return f"{f['claim_date']} {f['payee_kind']} {f['payee_company_id'] or '-'} {f['amount']:,} won"
    if e.kind == "contract-payment":
        return f"{f['claim_date']} {f['kind']} claim {f['amount']:,} won"
    return f"{f['paid_date']} {f['paid_amount']:,} won on claim {e.claim_id}"


def list_entries(args: argparse.Namespace) -> None:
    conn = _db(args)
    users.require(_login(conn, args), "list")
    for e in entries.all_entries(conn, args.kind):
        if (args.project and e.project_id != args.project) or (args.pending and e.decision):
            continue
        fix = f" corrects {e.corrects}" if e.corrects else ""
        print(f"{e.id:>6}  {e.kind:<10} {e.project_id:<14} {e.state:<9} {e.author:<14} "
              f"{_summary(e)}{fix}")


def show(args: argparse.Namespace) -> None:
    conn = _db(args)
    users.require(_login(conn, args), "list")
    e = entries.get(conn, validate.entry_id("ENTRY_ID", args.entry_id or _ask("Entry id")))
    print(f"entry {e.id}: {e.kind} for {e.project_id}, by {e.author} at {e.created_at}")
    for k, v in e.fields.items():
        print(f"  {k}: {v}")
    if e.note:
        print(f"  note: {e.note}")
    if e.corrects:
        print(f"  corrects entry {e.corrects}")
    print(f"  state: {e.state}" + (f" by {e.decided_by} at {e.decided_at}" if e.decision else "")
          + (f" ({e.decision_note})" if e.decision_note else ""))
    for c in entries.all_entries(conn, e.kind):
        if c.corrects == e.id:
            print(f"  corrected by entry {c.id} ({c.state})")


def claims(args: argparse.Namespace) -> None:
    conn = _db(args)
    users.require(_login(conn, args), "list")
    limit = settings.overdue_days(conn, args.overdue_days)
    today = date.today()
    rows = [c for c in pay.claims(entries.all_entries(conn), approved_only=False)
            if not args.project or c.claim.project_id == args.project]
    print(f"{'claim':>6}  {'project':<12} {'kind':<13} {'amount':>14} {'paid':>14} {'claimed':<10} "
          f"{'paid on':<10} {'days':>4}  status (overdue after {limit} days)")
    totals: dict[str, list[int]] = {}
    for c in rows:
        days, state = pay.status(c, today, limit)
        t = totals.setdefault(c.claim.fields["payee_kind"], [0, 0])
        t[0] += c.amount
        t[1] += c.paid_amount or 0
        if args.overdue and state != "OVERDUE":
            continue
        pending = "" if c.claim.decision == "approved" else f" [{c.claim.state}]"
        print(f"{c.claim.id:>6}  {c.claim.project_id:<12} {c.claim.fields['payee_kind']:<13} "
              f"{c.amount:>14,} {c.paid_amount or 0:>14,} {c.claim.fields['claim_date']:<10} "
              f"{c.paid_date or '-':<10} {days:>4}  {state}{pending}")
    for kind in sorted(totals, key=lambda k: (k != "wages", k)):  # unpaid wages first
        claimed, paid = totals[kind]
        print(f"total {kind}: claimed {claimed:,}, paid {paid:,}, unpaid {claimed - paid:,}")


def bulk_import(args: argparse.Namespace) -> int:
    conn = _db(args)
    actor = _login(conn, args)
    report = bulk.run(conn, actor, args.what, args.file, _ctx(args), args.dry_run)
    for line in report.lines():
        print(line, file=sys.stderr if report.errors else sys.stdout)
    return 1 if report.errors else 0


def setting(args: argparse.Namespace) -> None:
    conn = _db(args)
    actor = _login(conn, args)
    if args.name is None:
        print(f"overdue_days = {settings.overdue_days(conn)}")
        return
    users.require(actor, "setting.set")
    settings.set_setting(conn, actor, args.name, args.value or _ask(args.name))


def verify(args: argparse.Namespace) -> int:
    conn = _db(args)
    result = audit.check(conn, args.root_key or os.environ.get("ADMIN_ROOT_KEY") or None)
    problems = result.problems
    problems += check_files(conn, storage_dir(args.db))
    problems += check_files(conn, documents.storage_dir(args.db), "document")
    if problems:
        for p in problems[:20]:
            print(f"BROKEN: {p}")
        return 3
    for w in result.warnings:
        print(f"WARNING: {w}")
    print(f"ok: {result.count} audit rows chained and signed, tables match the log, photos and "
          f"documents intact; head {result.head}; root key {result.replay.root_fingerprint()}")
    return 0


def export(args: argparse.Namespace) -> None:
    _db(args).close()  # the same clear errors as every command for a missing or wrong --db
    counts = export_mod.export(args.db, args.dir)
    print(f"exported to {args.dir}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
