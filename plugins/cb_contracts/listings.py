"""Listings of plans, notices and contracts, bucketed by stable keys instead of offset pages.

Why buckets: with offset pagination ("page 412 of 8,750") one new contract shifts every later
page, so a nightly rebuild rewrites thousands of files and links to "page 412" rot. A bucket is
named by what is in it (agency x year, kind x month, method x month, month), so a new contract
changes the handful of buckets it falls in and a link keeps pointing at the same records.

Agency names are Korean free text; their folder is a short hash of the name (``a`` + 8 hex of
SHA-256), which stays the same for as long as the name does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import Chain, Record

# record section -> (id column, date column)
SECTIONS = {
    "plans": ("plan_id", "planned_month"),
    "notices": ("notice_id", "published_at"),
    "contracts": ("contract_id", "signed_at"),
}
# dimension -> period length (4: year, 7: month); "month" is the period itself.
DIMENSIONS = {"agency": 4, "kind": 7, "method": 7, "month": 7}
# Contracts also by payment status (issue 18) x month signed: contracts/by/payment/<status>/<month>/.
# Why months, not years: most contracts are paid, so a year of paid contracts was one page of
# ~40,000 rows at Seoul's size (15 MB: no phone opens it, and rendering it took the build's
# memory to its peak); a month of them is ~3,300 rows (6,700 counted at twice Seoul's size),
# shorter than a month of all contracts.
SECTION_DIMENSIONS = {"plans": DIMENSIONS, "notices": DIMENSIONS,
                      "contracts": {**DIMENSIONS, "payment": 7}}


def agency_slug(name: str) -> str:
    return "a" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


def bucket_path(section: str, dim: str, value: str, period: str) -> str:
    if dim == "month":
        return f"{section}/by/month/{period}/index.html"
    folder = agency_slug(value) if dim == "agency" else value
    return f"{section}/by/{dim}/{folder}/{period}/index.html"


def dim_index_path(section: str, dim: str) -> str:
    return f"{section}/by/{dim}/index.html"


@dataclass
class Bucket:
    section: str
    dim: str
    value: str  # agency name, kind, method, or the month for dim == "month"
    period: str  # "2025" or "2025-03"
    # Its records' numbers in the section's newest-first order (``newest_first``): its page's
    # rows, records or (contract, company) pairs, are made where the page is rendered (``rows``).
    rows: Sequence[int]

    @property
    def path(self) -> str:
        return bucket_path(self.section, self.dim, self.value, self.period)


def newest_first(ch: Chain, section: str) -> list[Record]:
    if section == "contracts":
        return ch.newest
    id_col, date_col = SECTIONS[section]
    records = (ch.plans if section == "plans" else ch.notices).values()
    return sorted(records, key=lambda r: (r.get(date_col) or "", r[id_col]), reverse=True)


def buckets(ch: Chain, section: str, newest: list[Record]) -> list[Bucket]:
    """Every bucket of one section, rows newest first (``newest``: the section's records, sorted
    once, dealt out in order); records without a key are left out of that dimension only (a
    plan without a method still appears by agency and by month).

    Why numbers: at Seoul's size the buckets' lists of records and of the (contract, company)
    pairs they showed were ~27 MB of the parent (traced: the pairs' dict 16.7, the lists 9.8),
    held through the render; four bytes a row here."""
    date_col = SECTIONS[section][1]
    found: dict[tuple[str, str, str], list[int]] = {}
    dims = list(SECTION_DIMENSIONS[section].items())
    status = ch.pay_status
    for i, r in enumerate(newest):
        when = r.get(date_col) or ""
        if len(when) < 7:
            continue
        for dim, length in dims:
            value = (when[:7] if dim == "month" else status[r["contract_id"]] if dim == "payment"
                     else r.get(dim))
            if value:
                key = (dim, value, when[:length])
                at = found.get(key)
                if at is None:
                    found[key] = [i]
                else:
                    at.append(i)
    return [Bucket(section, dim, value, period, np.array(at, dtype=np.int32))
            for (dim, value, period), at in sorted(found.items())]


def rows(ch: Chain, newest: list[Record], bucket: Bucket) -> list[Any]:
    """A bucket's rows as its page shows them: records, or (contract, company) pairs."""
    records = [newest[i] for i in np.asarray(bucket.rows).tolist()]
    return ch.with_company(records) if bucket.section == "contracts" else records


def dimension_index(all_buckets: list[Bucket], section: str, dim: str) -> list[dict[str, Any]]:
    """For the {section}/by/{dim}/ page: each value with its periods (path, count), values sorted
    (agencies by name), periods newest first."""
    groups: dict[str, list[tuple[str, int, str]]] = {}
    for b in all_buckets:
        if b.section == section and b.dim == dim:
            key = b.period[:4] if dim == "month" else b.value
            groups.setdefault(key, []).append((b.period, len(b.rows), b.path))
    return [{"value": v, "periods": sorted(p, reverse=True), "count": sum(x[1] for x in p)}
            for v, p in sorted(groups.items(), reverse=dim == "month")]


def siblings(all_buckets: list[Bucket]) -> dict[tuple[str, str, str], list[tuple[str, int, str]]]:
    """(section, dim, value) -> its periods, so a bucket page links to the value's other periods.
    For the month dimension the whole section's months are siblings."""
    out: dict[tuple[str, str, str], list[tuple[str, int, str]]] = {}
    for b in all_buckets:
        key = (b.section, b.dim, "" if b.dim == "month" else b.value)
        out.setdefault(key, []).append((b.period, len(b.rows), b.path))
    for periods in out.values():
        periods.sort(reverse=True)
    return out
