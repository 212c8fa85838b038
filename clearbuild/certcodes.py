"""Performance-certificate codes, and the ledger of every code ever issued.

Why in the core library: the contracts plugin prints a code on each certificate and the nightly
records tonight's codes in a ledger; both must compute the same code from the same data, so the
rules (which contracts count, their amounts and end dates after amendments, the canonical text,
the hash) live here once. docs/contracts.md gives the canonical form.

Why a ledger: a code is a hash of the certificate's content, so it changes when the company
completes another contract of the kind, and a copy printed last month no longer matches the live
data. ``certificate-codes.csv`` beside the record histories (CB_HISTORY_DIR) keeps one row per
code ever issued, with the figures it certified and the export dates it was current, so /verify/
can say "valid as of these dates, superseded on this one" instead of "not found". Rows are never
removed and their figures never change (a code names its content); only the dates move.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import csvsafe
from .asof import day
from .dataset import Dataset
from .ingest.rules_contracts import WORK_TYPES_BY_KIND
from .safeio import write_atomically
from .schema import WORK_TYPE
from .terms import Field, Overrides, Paid

Record = dict[str, Any]
KINDS = WORK_TYPE  # the 8 kinds, in display order
CODE_HEX = 16  # 64 bits: no accidental collision among millions of certificates
SHARD_HEX = 2  # verify/codes/<first two hex digits>.js: 256 small files
LEDGER = "certificate-codes.csv"
COLUMNS = ("code", "company_id", "name", "kind", "count", "total", "first", "last",
           "first_seen", "last_seen", "superseded")


def cert_kind(contract: Record) -> str:
    """The certificate kind a contract counts towards: its work_type, else its kind's default."""
    return contract.get("work_type") or WORK_TYPES_BY_KIND[contract["kind"]][0]


def amendments_by_contract(amendments: Iterable[Record]) -> dict[str, list[Record]]:
    """contract_id -> its amendments in the order they apply (date, then sequence number)."""
    out: dict[str, list[Record]] = {}
    for a in amendments:
        out.setdefault(a["contract_id"], []).append(a)
    for rows in out.values():
        rows.sort(key=lambda a: (a["date"], a.get("seq") or 1))
    return out


def final_terms(contracts: Mapping[str, Record], amendments: dict[str, list[Record]]
                ) -> tuple[Mapping[str, int], Mapping[str, str]]:
    """contract_id -> amount and end date after its last amendment (the signed ones if none),
    held as the amended figures over the contracts' own (clearbuild.terms)."""
    amount: dict[str, int] = {}
    end: dict[str, str] = {}
    for cid, rows in amendments.items():
        for a in rows:
            if a.get("amount_after") is not None:
                amount[cid] = a["amount_after"]
            if a.get("end_after"):
                end[cid] = a["end_after"]
    return (Overrides(Field(contracts, "amount"), amount),
            Overrides(Field(contracts, "end_date", blank=""), end))


# Kinds certified by what the agency paid (issue 18; docs/contracts.md); a contract without any
# published claim keeps its amount after amendments, as works always do.
PAID_KINDS = ("general_services", "waste_services", "goods")


def certified_amounts(contracts: Mapping[str, Record], amount: Mapping[str, int],
                      payments: Mapping[str, list[Record]]) -> Mapping[str, int]:
    """contract_id -> the amount its certificate line certifies: what was paid for a paid kind
    with published claims, else its amount after amendments (``terms.Paid``)."""
    return Paid(contracts, amount, payments, lambda c: cert_kind(c) in PAID_KINDS)


def completed(end: str, as_of: str) -> bool:
    return bool(end) and end <= as_of


def completed_by_kind(contracts: Iterable[Record], end: dict[str, str], as_of: str
                      ) -> dict[str, list[Record]]:
    """kind -> one company's completed contracts of that kind (oldest end first); kinds with none
    are left out, so a company is never offered an empty certificate."""
    found: dict[str, list[Record]] = {}
    for c in contracts:
        if completed(end[c["contract_id"]], as_of):
            found.setdefault(cert_kind(c), []).append(c)
    return {kind: sorted(found[kind], key=lambda c: (end[c["contract_id"]], c["contract_id"]))
            for kind in KINDS if kind in found}


@dataclass(frozen=True)
class Issued:
    """A certificate's code and what /verify/ shows for it: enough to compare a paper copy."""

    code: str
    company_id: str
    name: str
    kind: str
    count: int
    total: int
    first: str  # earliest end date of its contracts
    last: str

    def entry(self) -> dict[str, Any]:
        return {"c": self.company_id, "n": self.name, "k": self.kind, "count": self.count,
                "total": self.total, "first": self.first, "last": self.last}


def canonical(company: Record, kind: str, rows: list[Record], amount: dict[str, int],
              end: dict[str, str]) -> str:
    """The exact text that is hashed: compact JSON, sorted keys, UTF-8, no as-of date."""
    body = {
        "v": 1,
        "company_id": company["company_id"],
        "name": company["name"],
        "kind": kind,
        "contracts": [[c["contract_id"], c["agency"], c["title"], c.get("start_date") or "",
                       end[c["contract_id"]] or "", int(amount[c["contract_id"]])] for c in rows],
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def code_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:CODE_HEX]


def display_code(code: str) -> str:
    """abcd1234ef567890 -> ABCD-1234-EF56-7890: easy to read aloud and to type."""
    up = code.upper()
    return "-".join(up[i:i + 4] for i in range(0, len(up), 4))


def certify(company: Record, kind: str, rows: list[Record], amount: dict[str, int],
            end: dict[str, str]) -> Issued:
    ends = [end[c["contract_id"]] for c in rows]
    return Issued(code_of(canonical(company, kind, rows, amount, end)), company["company_id"],
                  company["name"], kind, len(rows), sum(int(amount[c["contract_id"]]) for c in rows),
                  min(ends, default=""), max(ends, default=""))


def issued(ds: Dataset, as_of: str) -> list[Issued]:
    """Every certificate the contracts section publishes for this dataset, sorted by code.

    Uses the Dataset's cached record indexes, so the build that follows reads the same records.
    """
    contracts = ds.index("contracts", "contract_id")
    companies = ds.index("companies", "company_id")
    amount, end = final_terms(contracts, amendments_by_contract(ds.records("contract_amendments")))
    amount = certified_amounts(contracts, amount, ds.group("contract_payments", "contract_id"))
    by_company: dict[str, list[Record]] = {}
    for c in contracts.values():
        by_company.setdefault(c["company_id"], []).append(c)
    out = []
    for cid, rows in by_company.items():
        company = companies.get(cid)
        if company is None:  # ingest refuses such contracts; never certify an unknown company
            continue
        for kind, done in completed_by_kind(rows, end, as_of).items():
            out.append(certify(company, kind, done, amount, end))
    return sorted(out, key=lambda i: i.code)


# The ledger --------------------------------------------------------------------------------


class LedgerError(ValueError):
    """The ledger file cannot be read as written: one line naming the file, row and column."""


@dataclass
class Row:
    """One code in the ledger: its figures, and the export dates it was current."""

    cert: Issued
    first_seen: str
    last_seen: str
    superseded: str = ""  # the first recorded export date it was no longer current; "" if current

    def cells(self) -> list[str]:
        c = self.cert
        return [c.code, c.company_id, c.name, c.kind, str(c.count), str(c.total), c.first, c.last,
                self.first_seen, self.last_seen, self.superseded]


def _parse(path: Path, n: int, cells: dict[str, str]) -> Row:
    def bad(col: str, why: str) -> LedgerError:
        return LedgerError(f"{path}: row {n}, column {col}: {why} ({cells.get(col)!r})")

    code = cells["code"]
    if len(code) != CODE_HEX or any(ch not in "0123456789abcdef" for ch in code):
        raise bad("code", f"not {CODE_HEX} lower-case hex digits")
    if cells["kind"] not in KINDS:
        raise bad("kind", "not a certificate kind")
    numbers = {}
    for col in ("count", "total"):
        if not cells[col].isdigit():
            raise bad(col, "not a whole number")
        numbers[col] = int(cells[col])
    for col in ("first", "last", "first_seen", "last_seen", "superseded"):
        if cells[col] and day(cells[col]) != cells[col]:
            raise bad(col, "not a date YYYY-MM-DD")
    for col in ("first_seen", "last_seen"):
        if not cells[col]:
            raise bad(col, "empty")
    return Row(Issued(code, cells["company_id"], cells["name"], cells["kind"], numbers["count"],
                      numbers["total"], cells["first"], cells["last"]),
               cells["first_seen"], cells["last_seen"], cells["superseded"])


def read_ledger(folder: str | Path) -> dict[str, Row]:
    """code -> row; empty when there is no ledger yet."""
    path = Path(folder) / LEDGER
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return {}
    if tuple(header) != COLUMNS:
        raise LedgerError(f"{path}: row 1: header is {','.join(header)}, expected {','.join(COLUMNS)}")
    rows: dict[str, Row] = {}
    for n, cells in enumerate(reader, start=2):
        if len(cells) != len(COLUMNS):
            raise LedgerError(f"{path}: row {n}: {len(cells)} columns, expected {len(COLUMNS)}")
        row = _parse(path, n, dict(zip(COLUMNS, map(csvsafe.unescape, cells), strict=True)))
        if row.cert.code in rows:
            raise LedgerError(f"{path}: row {n}, column code: {row.cert.code} appears twice")
        rows[row.cert.code] = row
    return rows


def render_ledger(rows: dict[str, Row]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for code in sorted(rows):  # officials open it too: formula-like names reversibly quoted
        w.writerow([csvsafe.escape(str(c)) for c in rows[code].cells()])
    return out.getvalue()


def latest(rows: dict[str, Row]) -> str:
    """The last export date recorded."""
    return max((max(r.last_seen, r.superseded) for r in rows.values()), default="")


def record(folder: str | Path, certificates: Iterable[Issued], export_date: str) -> dict[str, int]:
    """Record the codes current in one export; returns counts for the nightly's log.

    New codes get a row; codes seen again get ``last_seen``; codes current at the last recording
    and missing tonight get ``superseded``. Recording the same export twice changes nothing, and
    an export older than the last recorded one is not recorded (the ledger only moves forward).
    """
    when = day(export_date)
    if when is None or when != export_date:
        raise ValueError(f"certificate ledger: export date {export_date!r} is not YYYY-MM-DD")
    folder = Path(folder)
    rows = read_ledger(folder)
    counts = {"current": 0, "new": 0, "superseded": 0}
    if when < latest(rows):
        return counts
    tonight = {c.code: c for c in certificates}
    for code, cert in tonight.items():
        row = rows.get(code)
        if row is None:
            rows[code] = Row(cert, when, when)
            counts["new"] += 1
        else:
            row.last_seen, row.superseded = max(row.last_seen, when), ""
    for code, row in rows.items():
        if code not in tonight and not row.superseded:
            row.superseded = when
            counts["superseded"] += 1
    counts["current"] = len(tonight)
    text = render_ledger(rows)
    path = folder / LEDGER
    if not (path.exists() and path.read_text(encoding="utf-8") == text):
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text)
    return counts


def superseded_as_of(rows: dict[str, Row], until: str, current: Iterable[str]) -> list[Row]:
    """The rows a build of the export dated ``until`` shows as superseded: the ledger as it stood
    on that date (first seen and superseded by then), less the codes this build issues itself."""
    now = set(current)
    return [rows[code] for code in sorted(rows) if code not in now
            and rows[code].first_seen <= until and rows[code].superseded
            and rows[code].superseded <= until]
