"""Cardinal's R024, price close to winning bid: the runner-up's bid is unusually close above the
winner's, compared with every other tender of the same data (a low outlier).

Follows Cardinal (https://cardinal.readthedocs.io/en/latest/cli/indicators/R/024.html): per
tender, difference = (lowest valid losing bid − winning bid) ÷ winning bid, counted only when the
lowest losing bid is not below the winner (otherwise the award was not on price alone); a tender
is flagged when its difference is at or below the lower fence Q1 − 1.5 × IQR of all the
differences, and only when Q1 and the fence are above zero. Differences from Cardinal are in
docs/signals.md (per lot, quartiles by linear interpolation, a minimum number of tenders).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .base import Context, empty, indicator
from .bids import LOT, bids, notice_frame, per_notice


def runner_up_gaps(ctx: Context) -> pd.DataFrame:
    """Per (notice, lot) with a winner and a valid losing bid not below it: winning_bid,
    second_bid, the winner's and runner-up's company ids and difference (a fraction)."""
    b = bids(ctx)
    if b.empty:
        return pd.DataFrame()
    v = b[b.valid & b.amount.notna()].sort_values([*LOT, "amount", "company_id"])
    win = v[v.winner].drop_duplicates(LOT).set_index(LOT)
    winners = set(zip(v.loc[v.winner, "notice_id"], v.loc[v.winner, "lot"], v.loc[v.winner, "company_id"],
                      strict=True))
    losing = [(n, lot, c) not in winners for n, lot, c in zip(v.notice_id, v.lot, v.company_id, strict=True)]
    second = v[np.asarray(losing, dtype=bool)].drop_duplicates(LOT).set_index(LOT)
    g = win[["amount", "company_id"]].rename(columns={"amount": "winning_bid", "company_id": "winner"}).join(
        second[["amount", "company_id"]].rename(columns={"amount": "second_bid", "company_id": "runner_up"}),
        how="inner")
    g = g[(g.winning_bid > 0) & (g.second_bid >= g.winning_bid)]
    return g.assign(difference=(g.second_bid - g.winning_bid) / g.winning_bid)


@indicator(
    id="close-second-bid",
    group="procurement",
    kinds=("notices",),
    settings=("CB_SIGNALS_CLOSE_BID_MIN_TENDERS",),
    fields={"winning_bid": "money", "second_bid": "money", "gap": "money", "difference": "pct",
            "fence": "pct", "companies": "brns", "lot": "text", "lots": "ids"},
    cardinal="R024",
)
def close_second_bid(ctx: Context) -> pd.DataFrame:
    g = runner_up_gaps(ctx)
    if len(g) < max(1, ctx.s("CB_SIGNALS_CLOSE_BID_MIN_TENDERS")):  # too few for quartiles to mean much
        return empty()
    q1, q3 = np.percentile(g.difference.to_numpy(), [25, 75])
    fence = q1 - 1.5 * (q3 - q1)
    if not (q1 > 0 and fence > 0):
        return empty()
    hit = g[g.difference <= fence].reset_index()
    if hit.empty:
        return empty()
    hit = hit.assign(companies=[tuple(sorted(p)) for p in zip(hit.winner, hit.runner_up, strict=True)])
    one = per_notice(hit)
    return notice_frame(one, winning_bid=one.winning_bid, second_bid=one.second_bid,
                        gap=one.second_bid - one.winning_bid, difference=one.difference * 100,
                        fence=np.full(len(one), fence * 100), companies=one.companies)
