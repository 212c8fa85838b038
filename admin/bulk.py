"""CSV bulk import of progress, claims and payments: all rows or none, with a dry run.

Why all-or-nothing: a half-imported file is the worst case for an official, who then has to
work out which rows got in. Every row is checked inside one write transaction, each one seeing
the rows before it (so progress going down within the file is caught too); if any row is bad, or
on --dry-run, the transaction is rolled back and the report lists every bad row.
"""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from . import validate
from .entries import add_in_tx
from .users import AuthError, User, require
from .validate import Context, ValidationError

KINDS = {"progress": "progress", "claims": "claim", "claim": "claim", "payments": "payment",
         "payment": "payment"}
EXTRA = ("note", "corrects")
MAX_ROWS = 100_000


class BulkError(Exception):
    """A problem with the whole file (not one row)."""


@dataclass
class Report:
    kind: str
    path: str
    dry_run: bool
    rows: int = 0
    added: list[tuple[int, int]] = field(default_factory=list)   # (line, entry id)
    errors: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.errors and bool(self.added)

    def lines(self) -> list[str]:
        out = list(self.errors)
        if self.errors:
            out.append(f"refused: {len(self.errors)} of {self.rows} rows of {self.path} have errors; "
                       "nothing written")
        elif self.dry_run:
            out.append(f"dry run: all {self.rows} rows of {self.path} are fine; nothing written "
                       "(run again without --dry-run to add them)")
        else:
            ids = [i for _, i in self.added]
            out += [f"{self.path}:{line}: entry {i}" for line, i in self.added]
            out.append(f"added {len(ids)} {self.kind} entries: {ids[0]}-{ids[-1]}")
        return out


def columns(kind: str) -> tuple[str, ...]:
    return validate.FIELDS[kind] + EXTRA


def read(path: Path, kind: str) -> list[tuple[int, dict[str, str]]]:
    """(line number as a spreadsheet shows it, row) for every data row."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = [h.strip() for h in reader.fieldnames or []]
            allowed = columns(kind)
            unknown = [h for h in header if h not in allowed]
            if unknown:
                raise BulkError(f"{path.name}: column '{unknown[0]}' is not one of {', '.join(allowed)}")
            missing = [c for c in validate.FIELDS[kind] if c not in header and c not in validate.OPTIONAL]
            if missing:
                raise BulkError(f"{path.name}: missing column '{missing[0]}' (header: {', '.join(allowed)})")
            reader.fieldnames = header
            rows = [(i + 2, {k: (v or "").strip() for k, v in r.items() if k is not None})
                    for i, r in enumerate(reader)]
    except FileNotFoundError:
        raise BulkError(f"FILE: {path} not found") from None
    except UnicodeDecodeError as e:
        raise BulkError(f"{path.name}: not UTF-8 (byte {e.start}); save it as CSV UTF-8") from None
    except csv.Error as e:
        raise BulkError(f"{path.name}: not a readable CSV ({e})") from None
    if not rows:
        raise BulkError(f"{path.name}: no data rows")
    if len(rows) > MAX_ROWS:
        raise BulkError(f"{path.name}: {len(rows)} rows; split it into files of at most {MAX_ROWS}")
    return rows


def run(conn: sqlite3.Connection, actor: User, what: str, path: str | Path, ctx: Context,
        dry_run: bool = False) -> Report:
    """Check (and unless dry_run, add) every row of a bulk CSV file."""
    if what not in KINDS:
        raise BulkError(f"KIND: {what!r} is not one of progress, claims, payments")
    kind = KINDS[what]
    require(actor, f"add.{kind}")
    path = Path(path)
    rows = read(path, kind)
    report = Report(kind, path.name, dry_run, rows=len(rows))
    conn.execute("BEGIN IMMEDIATE")
    try:
        for line, row in rows:
            try:
                fields = validate.clean(kind, row, ctx)
                note = validate.note(row.get("note"))
                corrects = row.get("corrects") or None
                cid = validate.entry_id("corrects", corrects) if corrects else None
                conn.execute("SAVEPOINT bulk_row")
                try:
                    report.added.append((line, add_in_tx(conn, actor, kind, fields, note, cid)))
                except BaseException:
                    conn.execute("ROLLBACK TO bulk_row")
                    raise
                finally:
                    conn.execute("RELEASE bulk_row")
            except (ValidationError, AuthError) as e:
                report.errors.append(f"{path.name}:{line}: {e}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT" if report.written else "ROLLBACK")
    return report
