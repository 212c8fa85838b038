"""What the /signals/ pages show, computed from a Signals result: pure functions, no Pelican.

The flagged-record list is one page while it is small; a long list is split by year (newest
first), and a year still too long into numbered parts, so no page grows past
CB_SIGNALS_PAGE_ROWS rows (about 250 KB at the default) on a phone; each part links to the
previous and next one. Filters then work within the page they are on. Every row carries its
indicators, agency, district and year as data-* attributes for the filter script; without
JavaScript it is a plain list.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clearbuild import urls
from clearbuild.signals import Indicator, Signals
from clearbuild.signals.flags import FlagList

KINDS = ("projects", "contracts", "notices")


class Row(NamedTuple):
    """One flagged record in a list. Why a tuple: at Seoul's size the lists hold 96,509 rows and
    a copy per indicator (122,761), queued whole until they are rendered: as dicts, with their
    link and signal ids as strings, they were 107 MB of the parent's heap that every render
    worker maps; ``url`` and ``signals`` are worked out when the page reads them."""

    kind: str
    id: str
    title: str
    agency: str
    district: str
    year: str
    flags: tuple[Any, ...]  # its own flags (Flag), or the one an indicator's list is about

    @property
    def signals(self) -> str:
        return " ".join(f.indicator for f in self.flags)

    @property
    def url(self) -> str:
        return urls.record_path(self.kind, self.id)


@dataclass
class Listing:
    path: str  # page path, e.g. signals/index.html or signals/years/2024/index.html
    rows: Sequence[Any]  # Row; while queued, what ``Lists.rows`` makes them of
    year: str = ""
    part: int = 0
    parts: int = 0
    nav: list[dict[str, Any]] = field(default_factory=list)  # sibling chunks: label, path, count
    prev: dict[str, Any] | None = None  # the chunk before and after this one in nav order
    next: dict[str, Any] | None = None


def flagged(sig: Signals) -> tuple[pa.Table, np.ndarray, np.ndarray, np.ndarray]:
    """The lists' rows as columns: each flagged record's text (``COLUMNS``), newest year first
    (then projects, contracts, notices; then by id), and for each flag, in the flags' order,
    its record's number there, its place among the record's own flags and its indicator's id.

    Why columns: made as a Flag per flag and a tuple per record, the lists took a 138 MB peak at
    Seoul's size for 122,761 flags (traced), and what that freed stayed in the parent's heap
    (43 MB more after the lists than before, for a 10 MB table) through the render."""
    flags = sig.flags
    if isinstance(flags, FlagList):
        kinds, ids, indicator = flags.columns()
    else:  # a list of Flag objects (tests, a Signals made by hand)
        kinds = pa.array([f.kind for f in flags], type=pa.string())
        ids = pa.array([str(f.id) for f in flags], type=pa.string())
        indicator = np.array([f.indicator for f in flags], dtype=object)
    n = len(ids)
    coded = pc.binary_join_element_wise(kinds, ids, "\x00").dictionary_encode()  # first seen first
    of_flag = coded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    first = np.unique(of_flag, return_index=True)[1] if n else np.zeros(0, dtype=np.int64)
    place = pd.Series(of_flag).groupby(of_flag).cumcount().to_numpy() if n else of_flag
    at = pa.array(first)
    keys = pd.DataFrame({"kind": pd.Series(kinds.take(at), dtype="str"),
                         "id": pd.Series(ids.take(at), dtype="str")})
    known = sig.records[list(COLUMNS)].astype("str").drop_duplicates(["kind", "id"], keep="last")
    rec = keys.merge(known, on=["kind", "id"], how="left", sort=False)  # the keys' order kept
    rec = rec.fillna({"title": "", "agency": "", "district": "", "year": ""})
    rec["title"] = rec["title"].where(rec["title"] != "", rec["id"])
    rec["_year"] = -pd.to_numeric(rec["year"].where(rec["year"] != "", "0")).astype(np.int64)
    rec["_kind"] = rec["kind"].map({k: i for i, k in enumerate(KINDS)}).fillna(len(KINDS)).astype(np.int64)
    order = rec.sort_values(["_year", "_kind", "id"], kind="mergesort").index.to_numpy()
    number = np.empty(len(order), dtype=np.int64)
    number[order] = np.arange(len(order))
    at = pa.array(order)
    table = pa.table({c: pa.array(rec[c], type=pa.string()).take(at) for c in COLUMNS})
    return table, number[of_flag], place, indicator


def listings(base: str, items: np.ndarray, limit: int, years: Sequence[str]) -> list[Listing]:
    """The pages a list needs: base/index.html, or base/ + year/ (+ part/) pages when long.
    ``items``: the list's rows as ``Lists`` holds them, each one's year in ``years``."""
    if len(items) <= limit:
        return [Listing(f"{base}/index.html", items)]
    at: dict[str, list[int]] = {}
    for i, year in enumerate(years):
        at.setdefault(year or "unknown", []).append(i)
    by_year = {year: items[np.asarray(idx)] for year, idx in at.items()}
    pages = [Listing(f"{base}/index.html", [])]  # the summary page: links to the years
    for year, mine in by_year.items():
        parts = max(1, math.ceil(len(mine) / limit))
        for i in range(parts):
            path = f"{base}/{year}/index.html" if i == 0 else f"{base}/{year}/{i + 1}/index.html"
            pages.append(Listing(path, mine[i * limit:(i + 1) * limit], year, i + 1, parts))
    nav = [{"label": p.year, "part": p.part, "parts": p.parts, "path": p.path, "count": len(p.rows)}
           for p in pages[1:]]
    for p in pages:
        p.nav = nav
    for i, p in enumerate(pages[1:]):
        p.prev = nav[i - 1] if i > 0 else None
        p.next = nav[i + 1] if i + 1 < len(nav) else None
    pages[0].next = nav[0] if nav else None
    return pages


COLUMNS = ("kind", "id", "title", "agency", "district", "year")  # a Row's text, in order


class Lists:
    """Every /signals/ list (all flagged records, then each indicator's) as pages whose rows
    are made where they are rendered (``list_context``). A queued page holds its rows as an
    array of (record number, flag): the record's own flags (-1), or the one of the indicator
    its list is about.

    Why: queued whole, the lists' rows (at Seoul's size 96,509 flagged records and a copy per
    indicator, 122,761) were 59 MB of the parent's heap (traced), held through the render,
    mapped by every render worker, and growing with the corpus. Here the records' text is one
    Arrow table and a page's rows two integers each."""

    def __init__(self, sig: Signals, limit: int, summary: dict[str, Any]) -> None:
        self.sig, self.summary = sig, summary
        self.table, record, place, indicator = flagged(sig)
        years = self.table.column("year").to_pylist()
        mine = np.stack([np.arange(len(years), dtype=np.int32), np.full(len(years), -1, np.int32)], 1)
        self.pages = [(p.path, ("", p)) for p in listings("signals", mine, limit, years)]
        for ind in sig.indicators:
            of = np.flatnonzero(indicator == ind.id)
            of = of[np.lexsort((place[of], record[of]))]  # by record, then the record's order
            items = np.stack([record[of], place[of]], 1).astype(np.int32).reshape(-1, 2)
            self.pages += [(p.path, (ind.id, p)) for p in
                           listings(f"signals/{ind.id}", items, limit, [years[i] for i in items[:, 0]])]

    def rows(self, items: Sequence[Any]) -> list[Row]:
        """The rows ``items`` (record number, flag) stand for, in their order."""
        if not len(items):
            return []
        items = np.asarray(items)
        taken = self.table.take(pa.array(items[:, 0]))
        own = self.sig.own
        out = []
        text_of = zip(*(taken.column(c).to_pylist() for c in COLUMNS), strict=True)
        for text, j in zip(text_of, items[:, 1].tolist(), strict=True):
            flags = own(text[0], text[1])
            out.append(Row(*text, tuple(flags) if j < 0 else (flags[j],)))
        return out

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.sig.indicators if i.id == indicator_id), None)


def list_context(lists: Lists, job: tuple[str, Listing]) -> dict[str, Any]:
    """A /signals/ list page's context: its rows made now; the summary (counts, date) only on
    the pages that show it (the list of everything, when not a year's page)."""
    indicator, listing = job
    shown = dataclasses.replace(listing, rows=lists.rows(listing.rows))
    context = {"listing": shown, "options": options(shown.rows), "indicator": lists.indicator(indicator),
               "indicators": lists.sig.indicators}
    if not indicator and not listing.year:
        context.update(lists.summary)
    return context


def options(all_rows: list[Row]) -> dict[str, list[str]]:
    """Filter choices present in the rows, sorted (years newest first)."""
    return {"agencies": sorted({r.agency for r in all_rows if r.agency}),
            "districts": sorted({r.district for r in all_rows if r.district}),
            "years": sorted({r.year for r in all_rows if r.year}, reverse=True)}


def _num(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def rate_table(sig: Signals, group: str, names: dict[str, str] | None = None,
               least: int = 0) -> list[dict[str, Any]]:
    """Rows of rates per agency or company (those with at least `least` contracts), with how many
    of their records are flagged."""
    df = sig.rates.get(group)
    if df is None or df.empty:
        return []
    df = df[df.contracts >= least]
    flagged: dict[str, int] = {}
    if group == "agencies":
        for a in sig.records["agency"].tolist():
            flagged[a] = flagged.get(a, 0) + 1
    out = []
    for key, r in zip(df.index.tolist(), df.to_dict("records"), strict=True):
        out.append({"key": key, "name": (names or {}).get(key, key), "contracts": int(r["contracts"]),
                    "amount": _num(r["amount"]), "direct": int(r["direct"]),
                    "direct_share": _num(r["direct_share"]), "tenders": int(r["tenders"]),
                    "single_bid": int(r["single_bid"]), "single_bid_rate": _num(r["single_bid_rate"]),
                    "overrun": _num(r["overrun"]), "flagged": flagged.get(key, 0)})
    return out


def top(table: list[dict[str, Any]], column: str, n: int, min_contracts: int) -> list[dict[str, Any]]:
    """The n highest on one rate among those with enough contracts (ties by name, for stable output)."""
    ok = [r for r in table if r["contracts"] >= min_contracts and r[column] is not None
          and (column != "single_bid_rate" or r["tenders"] >= min_contracts)]
    return sorted(ok, key=lambda r: (-r[column], r["name"]))[:n]


def chart(rows_: list[dict[str, Any]], column: str) -> list[tuple[str, float]]:
    return [(r["name"], round(r[column], 1)) for r in rows_]
