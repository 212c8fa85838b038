"""Entries: add, correct, approve, reject. Nothing is edited in place.

A correction is a new entry that names the one it corrects; together they form a chain whose
public version is its newest approved entry. Only one open correction per entry is allowed, so a
chain never forks. Checks that compare with other records run inside the write transaction
(BEGIN IMMEDIATE), so two officials typing at once cannot both slip past them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import audit, documents, photos, validate
from .db import transaction
from .users import APPROVE, AuthError, User, require
from .validate import Context, ValidationError


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    project_id: str
    corrects: int | None
    claim_id: int | None
    fields: dict[str, Any]
    note: str
    author: str
    created_at: str
    decision: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    decision_note: str = ""

    @property
    def state(self) -> str:
        return self.decision or "pending"


SELECT = ("SELECT e.*, d.decision, d.by_user AS decided_by, d.at AS decided_at, "
          "d.note AS decision_note FROM entries e LEFT JOIN decisions d ON d.entry_id = e.id")


def _entry(r: sqlite3.Row) -> Entry:
    return Entry(r["id"], r["kind"], r["project_id"], r["corrects"], r["claim_id"],
                 json.loads(r["fields"]), r["note"], r["author"], r["created_at"],
                 r["decision"], r["decided_by"], r["decided_at"], r["decision_note"] or "")


def get(conn: sqlite3.Connection, entry_id: int, field: str = "ENTRY_ID") -> Entry:
    r = conn.execute(SELECT + " WHERE e.id = ?", (entry_id,)).fetchone()
    if r is None:
        raise ValidationError(field, f"no entry {entry_id}")
    return _entry(r)


def all_entries(conn: sqlite3.Connection, kind: str | None = None) -> list[Entry]:
    if kind:
        return [_entry(r) for r in conn.execute(SELECT + " WHERE e.kind = ? ORDER BY e.id", (kind,))]
    return [_entry(r) for r in conn.execute(SELECT + " ORDER BY e.id")]


def roots(entries: list[Entry]) -> dict[int, int]:
    """entry id -> id of the first entry of its correction chain (what the export's id names)."""
    by_id = {e.id: e for e in entries}
    out: dict[int, int] = {}
    for e in entries:  # ids ascend and a correction always follows what it corrects
        out[e.id] = out[e.corrects] if e.corrects in by_id and e.corrects is not None else e.id
    return out


def current(entries: list[Entry], approved_only: bool) -> dict[int, Entry]:
    """root id -> the chain's version to show: newest approved one (public), or newest not
    rejected one (what officials work with)."""
    root = roots(entries)
    out: dict[int, Entry] = {}
    for e in entries:
        if e.decision == "rejected" or (approved_only and e.decision != "approved"):
            continue
        out[root[e.id]] = e  # ascending ids: the last one wins
    return out


def _open_correction(conn: sqlite3.Connection, entry_id: int) -> int | None:
    r = conn.execute("SELECT e.id FROM entries e LEFT JOIN decisions d ON d.entry_id = e.id "
                     "WHERE e.corrects = ? AND COALESCE(d.decision, '') != 'rejected'",
                     (entry_id,)).fetchone()
    return r["id"] if r else None


def _live(conn: sqlite3.Connection, kind: str, project_id: str) -> list[Entry]:
    """Entries of a project that count for checks: not rejected and not already corrected."""
    rows = conn.execute(SELECT + " WHERE e.kind = ? AND e.project_id = ? ORDER BY e.id",
                        (kind, project_id)).fetchall()
    entries = [_entry(r) for r in rows]
    corrected = {e.corrects for e in entries if e.decision != "rejected"}
    return [e for e in entries if e.decision != "rejected" and e.id not in corrected]


def _check_correction(conn: sqlite3.Connection, kind: str, corrects: int, note: str) -> None:
    old = get(conn, corrects, "corrects")
    if old.kind != kind:
        raise ValidationError("corrects", f"entry {corrects} is a {old.kind} entry, not {kind}")
    if old.decision == "rejected":
        raise ValidationError("corrects", f"entry {corrects} was rejected; add a new entry instead")
    newer = _open_correction(conn, corrects)
    if newer is not None:
        raise ValidationError("corrects", f"entry {corrects} is already corrected by entry {newer}; "
                                          f"correct {newer} instead")
    if not note:
        raise ValidationError("note", "a correction needs a note saying what was wrong")


def _check_progress(conn: sqlite3.Connection, f: dict[str, Any], note: str, corrects: int | None) -> None:
    others = [e for e in _live(conn, "progress", f["project_id"]) if e.id != corrects]
    for e in others:
        if e.fields["date"] == f["date"]:
            raise ValidationError("date", f"{f['project_id']} already has progress on {f['date']} "
                                          f"(entry {e.id}); to change it, correct entry {e.id}")
    before = [e for e in others if e.fields["date"] < f["date"]]
    after = [e for e in others if e.fields["date"] > f["date"]]
    if before and not note:
        prev = max(before, key=lambda e: e.fields["date"])
        if f["actual_pct"] < prev.fields["actual_pct"]:
            raise ValidationError("note", f"actual progress {f['actual_pct']:g}% is below the "
                                  f"{prev.fields['actual_pct']:g}% of {prev.fields['date']} "
                                  f"(entry {prev.id}); a note explaining the drop is required")
    if after and not note:
        nxt = min(after, key=lambda e: e.fields["date"])
        if f["actual_pct"] > nxt.fields["actual_pct"]:
            raise ValidationError("note", f"actual progress {f['actual_pct']:g}% is above the "
                                  f"{nxt.fields['actual_pct']:g}% of the later {nxt.fields['date']} "
                                  f"(entry {nxt.id}), so progress would go down; a note is required")


# payment kind -> the kind of claim it pays
CLAIM_OF = {"payment": "claim", "contract-paid": "contract-payment"}


def _check_payment(conn: sqlite3.Connection, f: dict[str, Any], note: str,
                   corrects: int | None, kind: str = "payment") -> tuple[str, int]:
    """Returns (project or contract id, claim id) once the payment fits its claim. A contract
    payment above its claim is refused outright (ingest would refuse the row)."""
    claim = get(conn, f["claim_id"], "claim_id")
    if claim.kind != CLAIM_OF[kind]:
        raise ValidationError("claim_id", f"entry {claim.id} is a {claim.kind} entry, not a "
                                          f"{CLAIM_OF[kind]} claim")
    if claim.decision == "rejected":
        raise ValidationError("claim_id", f"claim {claim.id} was rejected")
    entries = all_entries(conn, CLAIM_OF[kind]) + all_entries(conn, kind)
    root = roots(entries)
    head = current(entries, approved_only=False).get(root[claim.id], claim)
    if f["paid_date"] < head.fields["claim_date"]:
        raise ValidationError("paid_date", f"{f['paid_date']} is before the claim date "
                                           f"{head.fields['claim_date']} (claim {head.id})")
    paid = sum(p.fields["paid_amount"] for p in current(entries, approved_only=False).values()
               if p.kind == kind and root.get(p.claim_id or 0) == root[claim.id]
               and root[p.id] != root.get(corrects or 0))
    total = paid + f["paid_amount"]
    if total > head.fields["amount"] and kind == "contract-paid":
        raise ValidationError("paid_amount", f"payments would total {total:,}, above the claim's "
                                             f"{head.fields['amount']:,} (claim {head.id})")
    if total > head.fields["amount"] and not note:
        raise ValidationError("paid_amount", f"payments would total {total:,}, above the claim's "
                                             f"{head.fields['amount']:,} (claim {head.id}); "
                                             "a note is required")
    return claim.project_id, claim.id


def add_in_tx(conn: sqlite3.Connection, actor: User, kind: str, fields: dict[str, Any],
              note: str = "", corrects: int | None = None) -> int:
    """Check against other records and insert; the caller holds the write transaction."""
    require(actor, f"add.{kind}")
    if corrects is not None:
        _check_correction(conn, kind, corrects, note)
    claim_id = None
    fields = dict(fields)
    if kind == "progress":
        _check_progress(conn, fields, note, corrects)
    if kind in CLAIM_OF:
        project_id, claim_id = _check_payment(conn, fields, note, corrects, kind)
        fields.pop("claim_id")
    else:
        project_id = fields.pop("project_id")
    return int(audit.insert(conn, actor.name, f"add.{kind}", "entries", {
        "kind": kind, "project_id": project_id, "corrects": corrects, "claim_id": claim_id,
        "fields": audit.canonical(fields), "note": note, "author": actor.name,
        "created_at": audit.now()}, actor.key))


def add(conn: sqlite3.Connection, actor: User, kind: str, values: dict[str, Any], ctx: Context,
        note: str = "", corrects: int | str | None = None, photo_dir: Path | None = None,
        document_dir: Path | None = None) -> int:
    """Validate and add one entry; returns its id. Nothing is written if any check fails."""
    require(actor, f"add.{kind}")
    fields = validate.clean(kind, values, ctx)
    note = validate.note(note)
    corrects_id = validate.entry_id("corrects", corrects) if corrects not in (None, "") else None
    if kind == "photo":
        if photo_dir is None:
            raise ValueError("photo_dir is required for photos")
        fields["file"], fields["sha256"] = photos.store(fields["file"], photo_dir)
    if kind == "document":
        if document_dir is None:
            raise ValueError("document_dir is required for documents")
        fields["file"], fields["sha256"] = documents.store(fields["file"], document_dir)
    with transaction(conn):
        return add_in_tx(conn, actor, kind, fields, note, corrects_id)


def decide(conn: sqlite3.Connection, actor: User, entry_id: int | str, approve: bool,
           note: str = "") -> None:
    """Approve or reject an entry: only a different user of an approving role may."""
    eid = validate.entry_id("ENTRY_ID", entry_id)
    note = validate.note(note)
    with transaction(conn):
        e = get(conn, eid)
        require(actor, f"approve.{e.kind}")
        if e.author == actor.name:
            raise AuthError(f"entry {eid} was entered by you; another {' or '.join(APPROVE[e.kind])} "
                            "must approve it")
        if e.decision:
            raise ValidationError("ENTRY_ID", f"entry {eid} was already {e.decision} by "
                                              f"{e.decided_by} at {e.decided_at}")
        if not approve and not note:
            raise ValidationError("note", "say why the entry is rejected")
        entries = [x for x in all_entries(conn, e.kind)]
        root = roots(entries)
        newer = [x.id for x in entries if root[x.id] == root[eid] and x.id > eid
                 and x.decision == "approved"]
        if newer:
            raise ValidationError("ENTRY_ID", f"entry {eid} was replaced by approved correction "
                                              f"{newer[-1]}")
        audit.insert(conn, actor.name, "approve" if approve else "reject", "decisions", {
            "entry_id": eid, "decision": "approved" if approve else "rejected",
            "by_user": actor.name, "at": audit.now(), "note": note}, actor.key)
