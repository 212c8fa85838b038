"""How a contract was awarded: without competition, split below the limit, or after a rushed notice.

Korean law sets the limits in 추정가격 (estimated price, VAT excluded) while contracts carry their
amount with VAT, so an amount is divided by 1 + CB_SIGNALS_VAT_RATE before it is compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .base import Context, day, empty, frame, has, indicator, num, text


def direct(ctx: Context) -> pd.DataFrame:
    """Contracts with estimated price (VAT off) and the competitive threshold of their kind."""
    if "direct" not in ctx._cache:
        c = ctx.table("contracts")
        if not has(c, "contract_id", "method", "amount"):
            ctx._cache["direct"] = pd.DataFrame()
            return ctx._cache["direct"]
        limits = {str(k): float(v) for k, v in ctx.s("CB_SIGNALS_COMPETITIVE_THRESHOLDS").items()}
        by_type = text(c["work_type"]).map(limits) if "work_type" in c else pd.Series(np.nan, index=c.index)
        threshold = by_type.astype("float64").fillna(text(c["kind"]).map(limits).astype("float64"))
        amount = num(c["amount"])
        ctx._cache["direct"] = pd.DataFrame({
            "contract_id": c["contract_id"].astype(str), "agency": text(c["agency"]),
            "company_id": text(c["company_id"]), "kind": text(c["kind"]),
            "is_direct": text(c["method"]).isin([str(m) for m in ctx.s("CB_SIGNALS_DIRECT_METHODS")]),
            "amount": amount, "estimated": (amount / (1 + float(ctx.s("CB_SIGNALS_VAT_RATE")))).round(),
            "threshold": threshold, "signed": day(c["signed_at"])})
    return ctx._cache["direct"]


@indicator(
    id="direct-award",
    group="procurement",
    kinds=("contracts",),
    settings=("CB_SIGNALS_DIRECT_METHODS", "CB_SIGNALS_DIRECT_AWARD_MIN_AMOUNT",
              "CB_SIGNALS_COMPETITIVE_THRESHOLDS", "CB_SIGNALS_VAT_RATE"),
    fields={"amount": "money", "estimated": "money", "threshold": "money"},
)
def direct_award(ctx: Context) -> pd.DataFrame:
    d = direct(ctx)
    if d.empty:
        return empty()
    floor = ctx.s("CB_SIGNALS_DIRECT_AWARD_MIN_AMOUNT")
    limit = d.threshold if floor is None else pd.Series(float(floor), index=d.index)
    hit = d[d.is_direct & (d.estimated > limit)].sort_values("contract_id")
    return frame("contracts", hit.contract_id, amount=hit.amount, estimated=hit.estimated,
                 threshold=limit[hit.index])


@indicator(
    id="split-contracts",
    group="procurement",
    kinds=("contracts",),
    settings=("CB_SIGNALS_SPLIT_WINDOW_DAYS", "CB_SIGNALS_SPLIT_MIN_CONTRACTS",
              "CB_SIGNALS_COMPETITIVE_THRESHOLDS", "CB_SIGNALS_DIRECT_METHODS", "CB_SIGNALS_VAT_RATE"),
    fields={"contracts": "int", "total": "money", "threshold": "money", "first": "date", "last": "date",
            "ids": "ids"},
)
def split_contracts(ctx: Context) -> pd.DataFrame:
    d = direct(ctx)
    if d.empty:
        return empty()
    d = d[d.is_direct & d.signed.notna() & (d.estimated <= d.threshold)]
    if d.empty:
        return empty()
    d = d.sort_values(["agency", "company_id", "kind", "signed", "contract_id"]).reset_index(drop=True)
    group = d.groupby(["agency", "company_id", "kind"], sort=False).ngroup().to_numpy()
    days = (d.signed.to_numpy().astype("datetime64[D]").astype(np.int64))
    # One sortable number per (group, day): a window never reaches into the previous group.
    key = group.astype(np.int64) * 1_000_000 + (days - days.min())
    window = int(ctx.s("CB_SIGNALS_SPLIT_WINDOW_DAYS"))
    start = np.searchsorted(key, key - window, side="left")
    idx = np.arange(len(d))
    cum = np.concatenate([[0.0], np.cumsum(d.estimated.to_numpy())])
    total = cum[idx + 1] - cum[start]
    count = idx - start + 1
    trig = (count >= int(ctx.s("CB_SIGNALS_SPLIT_MIN_CONTRACTS"))) & (total > d.threshold.to_numpy())
    if not trig.any():
        return empty()
    # Every contract inside a triggering window is a member; overlapping windows merge into runs.
    mark = np.zeros(len(d) + 1, dtype=np.int64)
    np.add.at(mark, start[trig], 1)
    np.add.at(mark, idx[trig] + 1, -1)
    member = np.cumsum(mark[:-1]) > 0
    run_start = member & ~np.concatenate([[False], member[:-1] & (group[1:] == group[:-1])])
    run = np.cumsum(run_start)
    m = d[member].assign(run=run[member])
    runs = m.groupby("run").agg(contracts=("contract_id", "size"), total=("estimated", "sum"),
                                threshold=("threshold", "max"), first=("signed", "min"),
                                last=("signed", "max"), ids=("contract_id", lambda s: tuple(sorted(s))))
    m = m[["contract_id", "run"]].join(runs, on="run").sort_values("contract_id")
    return frame("contracts", m.contract_id, contracts=m.contracts, total=m.total,
                 threshold=m.threshold, first=m["first"].dt.strftime("%Y-%m-%d"),
                 last=m["last"].dt.strftime("%Y-%m-%d"), ids=m.ids)


@indicator(
    id="short-tender",
    group="procurement",
    kinds=("notices",),
    settings=("CB_SIGNALS_TENDER_MIN_DAYS",),
    fields={"days": "days", "required": "days", "estimated_price": "money"},
    cardinal="R003",
)
def short_tender(ctx: Context) -> pd.DataFrame:
    n = ctx.table("bid_notices")
    if not has(n, "notice_id", "published_at", "deadline"):
        return empty()
    days = (day(n["deadline"]) - day(n["published_at"])).dt.days
    est = num(n["estimated_price"]) if "estimated_price" in n else pd.Series(np.nan, index=n.index)
    kind = text(n["kind"]) if "kind" in n else pd.Series("", index=n.index)
    required = pd.Series(np.nan, index=n.index)
    for k, steps in ctx.s("CB_SIGNALS_TENDER_MIN_DAYS").items():
        mine = kind == str(k)
        for low, need in sorted((float(a), float(b)) for a, b in steps):  # later steps override
            required[mine & (est.fillna(0) >= low)] = need
    hit = n.assign(days=days, required=required, est=est)[days.notna() & (days < required)]
    hit = hit.sort_values("notice_id")
    return frame("notices", hit.notice_id, days=hit.days.astype(int), required=hit.required.astype(int),
                 estimated_price=hit.est)
