"""Integrity signals: red-flag indicators computed over the whole Dataset at build time.

Each indicator is a small vectorised function (bids, awards, construction, payments modules)
registered with its plain-language title, explanation, formula, source, limits and threshold
settings in Korean and English. ``compute`` runs them all once and returns a ``Signals`` that
pages query per record. A flag is a reason to look, not proof of wrongdoing.

    from clearbuild.signals import compute
    sig = compute(dataset, settings)
    sig.for_record("contracts", "C-1")  -> [Flag(indicator="direct-award", values={...})]
    sig.flag_map()                      -> {("notices", "N-1"): ["single-bidder"], ...}
"""

from __future__ import annotations

import functools
import time
from datetime import date
from typing import Any

import pandas as pd

from .. import asof, forked
from ..dataset import Dataset
from . import awards, bids, closebids, construction, payments  # noqa: F401  (registers the indicators)
from .base import REGISTRY, Context, Indicator, text
from .flags import FlagList, FlagTable
from .rates import rates
from .result import Flag, Signals, explain
from .settings import DEFAULTS, setting

__all__ = ["DEFAULTS", "REGISTRY", "Apart", "Flag", "Indicator", "Signals", "compute", "explain",
           "indicators", "setting", "today_for"]

# Display order: procurement as a tender runs, then works, then money.
ORDER = ["single-bidder", "direct-award", "short-tender", "bid-near-estimate", "lowest-disqualified",
         "all-but-winner-disqualified", "identical-bids", "close-second-bid", "split-contracts",
         "cost-overrun", "time-overrun", "progress-lag", "many-changes", "unexplained-change", "late-payment",
         "late-agency-payment",
         "unpaid-wages"]
assert sorted(ORDER) == sorted(REGISTRY), "every indicator needs a place in ORDER"


def indicators(settings: dict[str, Any] | None = None) -> list[Indicator]:
    disabled = set(setting(settings or {}, "CB_SIGNALS_DISABLED"))
    unknown = disabled - set(REGISTRY)
    if unknown:
        raise ValueError(f"CB_SIGNALS_DISABLED names unknown indicators: {sorted(unknown)}")
    return [REGISTRY[i] for i in ORDER if i not in disabled]


def today_for(ds: Dataset, settings: dict[str, Any]) -> date:
    """The build's one as-of date (clearbuild.asof): never the clock."""
    return asof.as_date(ds, settings)


def compute(ds: Dataset, settings: dict[str, Any] | None = None) -> Signals:
    settings = dict(settings or {})
    ctx = Context(ds, settings, today_for(ds, settings))
    chosen = indicators(settings)
    tables: list[FlagTable] = []
    seconds: dict[str, float] = {}
    for ind in chosen:
        t = time.perf_counter()
        df = ind.compute(ctx)
        if df is not None and not df.empty:  # the flags as columns, a Flag made when read
            tables.append(FlagTable(ind.id, df, [c for c in ind.fields if c in df.columns]))
        del df
        seconds[ind.id] = time.perf_counter() - t
    t = time.perf_counter()
    order = {ind.id: i for i, ind in enumerate(chosen)}
    flags = FlagList(tables, order)  # by (kind, id), then the indicators' order
    links = _links(ds)
    records = _records(ds, set(flags.keys()))
    r = rates(ctx)
    seconds["records+rates"] = time.perf_counter() - t
    return Signals(ctx.today, settings, chosen, flags, links, records, r, seconds, _lots(ds))


class Apart:
    """``compute`` in a forked child (clearbuild.forked), its result kept in the child's unnamed
    temporary file until ``result()`` reads it.

    Why: the computation's temporaries (the bids' and contracts' frames, the late claims, the
    flagged records' text) are made and let go in the child, not on the parent's heap. cb_signals
    starts it right after the Dataset, where the child stacks on the parent's smallest heap, and
    reads the result only once every section has made its context: held from the start, the
    Signals (58 MB at twice Seoul's size) sat under every stage between and raised each by 60-120
    MB (docs/performance.md)."""

    def __init__(self, ds: Dataset, settings: dict[str, Any] | None = None) -> None:
        self.settings = dict(settings or {})
        self._job = forked.Forked(functools.partial(_computed, ds, self.settings))

    def wait(self) -> None:
        """Wait for the child to end (its result stays in the file until ``result``)."""
        self._job.collect()

    def result(self) -> Signals:
        """The Signals, read once; the child's failure raised with its traceback (ForkedError)."""
        sig = self._job.result()
        sig.settings = self.settings
        return sig


def _computed(ds: Dataset, settings: dict[str, Any]) -> Signals:
    sig = compute(ds, settings)
    sig.settings = {}  # Pelican's settings hold what need not pickle; the parent puts its own back
    return sig


def _links(ds: Dataset) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """contract -> its bid notice; project -> its works contract(s)."""
    links: dict[tuple[str, str], list[tuple[str, str]]] = {}
    c = ds.table("contracts")
    if not c.empty and "notice_id" in c:
        for cid, nid in zip(text(c["contract_id"]).tolist(), text(c["notice_id"]).tolist(), strict=True):
            if nid:
                links.setdefault(("contracts", cid), []).append(("notices", nid))
    pairs: set[tuple[str, str]] = set()
    p = ds.table("projects")
    if not p.empty and "contract_id" in p:
        pids, cids = text(p["project_id"]).tolist(), text(p["contract_id"]).tolist()
        pairs |= {(pid, cid) for pid, cid in zip(pids, cids, strict=True) if cid}
    if not c.empty and "project_id" in c:
        cids, pids = text(c["contract_id"]).tolist(), text(c["project_id"]).tolist()
        pairs |= {(pid, cid) for cid, pid in zip(cids, pids, strict=True) if pid}
    for pid, cid in sorted(pairs):
        links.setdefault(("projects", pid), []).append(("contracts", cid))
    return links


def _lots(ds: Dataset) -> dict[tuple[str, str], str]:
    """contract -> its lot, for the contracts of notices divided into lots."""
    c = ds.table("contracts")
    if c.empty or "lot_id" not in c:
        return {}
    return {("contracts", cid): lot for cid, lot in zip(text(c["contract_id"]).tolist(),
                                                        text(c["lot_id"]).tolist(), strict=True) if lot}


def _records(ds: Dataset, keys: set[tuple[str, str]]) -> pd.DataFrame:
    """Title, agency, district and year of each flagged record: what /signals/ lists and filters by."""
    from .records import describe

    return describe(ds, keys)
