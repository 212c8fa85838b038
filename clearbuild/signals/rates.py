"""Rates per agency and per company: how often they award without competition, win alone, overrun.

A single flag says little about an agency; its rates against the others say more. Rates are
computed over all contracts (not only flagged ones) so they can be compared fairly, with the
number of contracts beside them so a rate over three contracts is read as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .awards import direct
from .base import Context, num
from .bids import LOT, bids
from .construction import _chain, amendments

COLUMNS = ["contracts", "amount", "direct", "direct_share", "tenders", "single_bid", "single_bid_rate",
           "original", "final", "overrun"]


def _contracts(ctx: Context) -> pd.DataFrame:
    """One row per contract: agency, company, direct?, original and final amount, single bidder?
    (of its lot, in a notice divided into lots: a lot is a tender of its own)."""
    d = direct(ctx)
    c = ctx.table("contracts")
    if d.empty:
        return pd.DataFrame()
    out = d[["contract_id", "agency", "company_id", "is_direct", "amount"]].copy()
    out["final"] = out["amount"]
    a = amendments(ctx)
    if not a.empty:
        ch = _chain(a, "contract_id", ["date", "seq"])
        original = out.contract_id.map(ch.amount_before)
        out["amount"] = original.fillna(out["amount"])
        out["final"] = out.contract_id.map(ch.amount_after).fillna(out["amount"])
    b = bids(ctx)
    notice = c["notice_id"].astype("string").fillna("").to_numpy() if "notice_id" in c else ""
    out["notice_id"] = notice
    out["lot"] = c["lot_id"].astype("string").fillna("").to_numpy() if "lot_id" in c else ""
    n_valid = pd.Series(np.nan, index=out.index)
    if not b.empty:  # the valid bids of the contract's lot (its whole notice when it names none)
        per_lot = b.groupby(LOT)["valid"].sum()
        n_valid = pd.Series(per_lot.reindex(pd.MultiIndex.from_arrays([out.notice_id, out.lot])).to_numpy(),
                            index=out.index)
        n_valid = n_valid.fillna(out.notice_id.map(b.groupby("notice_id")["valid"].sum()))
    if "tenderers" in c:  # open data: a published count where no bids are
        n_valid = n_valid.astype("float64").fillna(pd.Series(num(c["tenderers"]).to_numpy(), index=out.index))
    out["tender"] = n_valid.notna() & (n_valid >= 1)
    out["single"] = out.tender & (n_valid <= ctx.s("CB_SIGNALS_SINGLE_BIDDER_MAX_BIDS"))
    return out


def _rates(c: pd.DataFrame, key: str) -> pd.DataFrame:
    g = c.groupby(key, sort=True)
    r = pd.DataFrame({"contracts": g.size(), "amount": g["final"].sum(), "direct": g["is_direct"].sum(),
                      "tenders": g["tender"].sum(), "single_bid": g["single"].sum(),
                      "original": g["amount"].sum(), "final": g["final"].sum()})
    r["direct_share"] = r.direct / r.contracts * 100
    r["single_bid_rate"] = r.single_bid / r.tenders.where(r.tenders > 0) * 100  # NaN: never tendered
    r["overrun"] = (r.final - r.original) / r.original.where(r.original > 0) * 100
    return r[COLUMNS]


def rates(ctx: Context) -> dict[str, pd.DataFrame]:
    """{'agencies': ..., 'companies': ...}, indexed by agency name and company id."""
    c = _contracts(ctx)
    if c.empty:
        empty = pd.DataFrame(columns=COLUMNS)
        return {"agencies": empty, "companies": empty}
    return {"agencies": _rates(c, "agency"), "companies": _rates(c[c.company_id != ""], "company_id")}

