"""Export the public side of the admin database as export-format CSVs the build reads.

Only approved entries, each chain at its newest approved version, and only the columns
clearbuild.schema lists as public, and nothing from a database that fails ``verify``; entries and
decisions written before signatures (pre-v3) are never published. Ids are
``ADM-<first entry of the chain>``: they never collide with a partner export's ids and stay
the same when a record is corrected, so its links hold.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from clearbuild import public
from clearbuild.schema import TABLES

from . import audit, documents
from .db import connect, snapshot
from .entries import Entry, all_entries, current
from .payments import claims
from .photos import check_files, storage_dir

PREFIX = "ADM-"
MARKER = ".admin-export"
# admin entry kind -> export table
TABLE_OF = {"progress": "progress", "inspection": "inspections", "change": "change_orders",
            "photo": "photos", "document": "project_documents"}
KEY_OF = {"inspection": "inspection_id", "change": "change_id", "photo": "photo_id", "document": "doc_id"}


class ExportError(Exception):
    pass


def _num(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def _row(table: str, values: dict[str, Any]) -> dict[str, str]:
    """Exactly the schema's public columns, in its order, as text."""
    return {c: _num(values.get(c)) for c in public.columns(table)}


def _record(root: int, e: Entry) -> dict[str, Any]:
    f = e.fields
    base = {"project_id": e.project_id, **f}
    if e.kind == "progress":
        return {**base, "note": e.note}
    base[KEY_OF[e.kind]] = f"{PREFIX}{root}"
    if e.kind == "photo":
        base["file"] = f"photos/{PREFIX}{root}.jpg"
    if e.kind == "document":  # approved for publication: that is what approving a document means
        base["file"] = f"project_documents/{PREFIX}{root}{Path(f['file']).suffix}"
        base["public"] = "true"
    return base


def signed_entries(conn: sqlite3.Connection, pin: str | None = None
                   ) -> tuple[list[Entry], audit.Result]:
    """Every entry, in one read snapshot with the check of the whole file; an entry or decision
    whose audit row is unsigned (pre-v3) is left out (the entry) or counts as undecided."""
    with snapshot(conn):
        result = audit.check(conn, pin)
        entries = all_entries(conn)
    rp = result.replay
    return [replace(e, decision=None, decided_by=None, decided_at=None)
            if e.id in rp.unsigned_decisions else e
            for e in entries if e.id not in rp.unsigned_entries], result


def collect(entries: list[Entry]
            ) -> tuple[dict[str, list[dict[str, str]]], dict[str, tuple[str, str]]]:
    """(tables, files): rows per export table, and export path -> (entry kind, managed file name)."""
    shown = current(entries, approved_only=True)
    tables: dict[str, list[dict[str, str]]] = {t: [] for t in (*TABLE_OF.values(), "payments",
                                                                 "contract_payments")}
    files: dict[str, tuple[str, str]] = {}
    for root, e in shown.items():
        if e.kind in TABLE_OF:
            rec = _record(root, e)
            tables[TABLE_OF[e.kind]].append(_row(TABLE_OF[e.kind], rec))
            if e.kind in ("photo", "document"):
                files[rec["file"]] = (e.kind, e.fields["file"])
    for c in claims(entries, approved_only=True):
        tables["payments"].append(_row("payments", {
            **c.claim.fields, "project_id": c.claim.project_id, "payment_id": f"{PREFIX}{c.root}",
            "paid_date": c.paid_date, "paid_amount": c.paid_amount}))
    for c in claims(entries, approved_only=True, kinds=("contract-payment", "contract-paid")):
        tables["contract_payments"].append(_row("contract_payments", {
            **c.claim.fields, "contract_id": c.claim.project_id, "payment_id": f"{PREFIX}{c.root}",
            "paid_date": c.paid_date, "paid_amount": c.paid_amount}))
    for name, rows in tables.items():
        if name == "contract_payments":
            rows.sort(key=lambda r: (r["contract_id"], r["claim_date"], r["payment_id"]))
            continue
        key = TABLES[name].key[0]
        rows.sort(key=lambda r, k=key: (r["project_id"], r.get("date") or r.get("claim_date", ""),
                                        len(r.get(k, "")), r.get(k, "")))
    return tables, files


def export_tables(db_path: str | Path) -> dict[str, list[dict[str, str]]]:
    """Public rows per export table (progress, inspections, change_orders, photos,
    project_documents, payments), for the build to use without writing files."""
    conn = connect(db_path)
    try:
        return collect(signed_entries(conn)[0])[0]
    finally:
        conn.close()


def to_csv(table: str, rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    # Read back by ingest, not for spreadsheets: values exactly (docs/security.md, csvsafe).
    w = csv.DictWriter(buf, fieldnames=public.columns(table), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def export(db_path: str | Path, out_dir: str | Path, pin: str | None = None) -> dict[str, int]:
    """Write the export folder atomically: a reader sees the old folder or the new, never half.

    Refuses a folder that holds anything but an earlier admin export, so a partner's export can
    never be overwritten by mistake. Returns rows per table.
    """
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise ExportError(f"DIR: {out} exists and is not an earlier admin export; choose an empty "
                          "or new folder")
    conn = connect(db_path)
    try:
        entries, result = signed_entries(conn, pin)
        tables, files = collect(entries)
        problems, count, head = result.problems, result.count, result.head
        problems += check_files(conn, storage_dir(db_path))
        problems += check_files(conn, documents.storage_dir(db_path), "document")
    finally:
        conn.close()
    if problems:
        raise ExportError(f"{db_path} fails verify: {problems[0]}; nothing exported")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.tmp-"))
    try:
        for name, rows in tables.items():
            (tmp / f"{name}.csv").write_text(to_csv(name, rows), encoding="utf-8")
        stores = {"photo": storage_dir(db_path), "document": documents.storage_dir(db_path)}
        for rel, (kind, managed) in sorted(files.items()):
            (tmp / rel).parent.mkdir(exist_ok=True)
            shutil.copyfile(stores[kind] / managed, tmp / rel)
        (tmp / MARKER).write_text(f"python -m admin export; audit rows {count}; head {head}\n",
                                  encoding="utf-8")
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {name: len(rows) for name, rows in tables.items()}
