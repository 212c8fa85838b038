"""Payment indicators: were the firms and the workers paid on time (direct payment system)?

Both count days from the claim to the payment, or to 'today' (the data's date) while a claim is
unpaid; claims dated after 'today' are ignored (not yet due). Whether a claim is late is judged
here; how long an open claim has waited is not stored in the flag (it would change the flag, and
every page showing it, every night): the flag carries the oldest open claim's date instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import contractpay
from .base import Context, day, empty, frame, has, indicator, num, text


def claims(ctx: Context) -> pd.DataFrame:
    p = ctx.table("payments")
    if not has(p, "project_id", "claim_date", "payee_kind"):
        return pd.DataFrame()
    claimed = day(p["claim_date"])
    paid = day(p["paid_date"]) if "paid_date" in p else pd.Series(pd.NaT, index=p.index)
    today = ctx.today_ts()
    amount = num(p["amount"])
    paid_amount = num(p["paid_amount"]) if "paid_amount" in p else pd.Series(float("nan"), index=p.index)
    paid_amount = paid_amount.where(paid_amount.notna() | paid.isna(), amount).fillna(0)
    outstanding = (amount - paid_amount).clip(lower=0)
    # A claim paid only in part is not settled: its days keep running to today.
    settled = paid.notna() & (outstanding <= 0)
    out = pd.DataFrame({"payment_id": text(p["payment_id"]) if "payment_id" in p else "",
                        "project_id": p["project_id"].astype(str), "kind": text(p["payee_kind"]),
                        "days": (paid.where(settled, today) - claimed).dt.days, "unpaid": ~settled,
                        "claimed": claimed, "amount": amount, "outstanding": outstanding})
    return out[claimed.notna() & (claimed <= today)]


def waits(late: pd.DataFrame, days: str) -> pd.DataFrame:
    """The longest wait of the claims paid late (days, fixed once paid) and the claim date of the
    oldest one still open: its wait grows every night, so the flag carries the date and the page
    counts to the data's date in the browser (field type "since")."""
    return late.assign(paid_days=late[days].where(~late.unpaid),
                       open_since=late["claimed"].where(late.unpaid))


def oldest(g: pd.core.groupby.DataFrameGroupBy) -> pd.Series:
    first = g["open_since"].min()
    return first.dt.strftime("%Y-%m-%d").where(first.notna(), None)


def late_by_record(late: pd.DataFrame, kind: str, key: str, id_col: str, days: str,
                   limit: int) -> pd.DataFrame:
    """One flag per record from its late claims: how many, how many still unpaid, the longest
    wait of those paid and since when the oldest open one waits."""
    g = waits(late, days).sort_values(id_col).groupby(key, sort=True)
    hit = pd.DataFrame({"late": g.size(), "unpaid": g["unpaid"].sum(), "max_days": g["paid_days"].max(),
                        "oldest": oldest(g), "ids": g[id_col].agg(tuple)})
    return frame(kind, hit.index, late=hit.late, paid_late=hit.late - hit.unpaid, unpaid=hit.unpaid,
                 max_days=hit.max_days, oldest=hit.oldest, limit=limit, ids=hit.ids,
                 variant=variant(hit.late - hit.unpaid, hit.unpaid))


def variant(paid_late: pd.Series, unpaid: pd.Series) -> pd.Series:
    """"paid": every late claim is paid (no wait still running); "open": none is; "": both."""
    return pd.Series(np.where(unpaid == 0, "paid", np.where(paid_late == 0, "open", "")),
                     index=unpaid.index)


@indicator(
    id="late-payment",
    group="payments",
    kinds=("projects",),
    settings=("CB_SIGNALS_PAYMENT_DAYS", "CB_SIGNALS_LATE_PAYMENT_KINDS"),
    fields={"late": "int", "paid_late": "int", "unpaid": "int", "max_days": "days", "oldest": "since",
            "limit": "days", "ids": "ids"},
)
def late_payment(ctx: Context) -> pd.DataFrame:
    c = claims(ctx)
    if c.empty:
        return empty()
    limit = int(ctx.s("CB_SIGNALS_PAYMENT_DAYS"))
    late = c[c.kind.isin([str(k) for k in ctx.s("CB_SIGNALS_LATE_PAYMENT_KINDS")]) & (c.days > limit)]
    return late_by_record(late, "projects", "project_id", "payment_id", "days", limit)


@indicator(
    id="unpaid-wages",
    group="payments",
    kinds=("projects",),
    settings=("CB_SIGNALS_WAGE_DAYS",),
    fields={"claims": "int", "paid_late": "int", "unpaid": "int", "outstanding": "money", "max_days": "days",
            "oldest": "since", "limit": "days", "ids": "ids"},
)
def unpaid_wages(ctx: Context) -> pd.DataFrame:
    c = claims(ctx)
    if c.empty:
        return empty()
    limit = int(ctx.s("CB_SIGNALS_WAGE_DAYS"))
    bad = waits(c[(c.kind == "wages") & (c.days > limit)], "days")
    g = bad.sort_values("payment_id").groupby("project_id", sort=True)
    hit = pd.DataFrame({"claims": g.size(), "unpaid": g["unpaid"].sum(),
                        "outstanding": g["outstanding"].sum(), "max_days": g["paid_days"].max(),
                        "oldest": oldest(g), "ids": g["payment_id"].agg(tuple)})
    return frame("projects", hit.index, claims=hit.claims, paid_late=hit.claims - hit.unpaid,
                 unpaid=hit.unpaid, outstanding=hit.outstanding,
                 max_days=hit.max_days, oldest=hit.oldest, limit=limit, ids=hit.ids,
                 variant=variant(hit.claims - hit.unpaid, hit.unpaid))


def late_agency_claims(ctx: Context) -> pd.DataFrame:
    """Contract payment claims (issue 18) paid, or still waiting, later than the agency's legal
    deadline, the one the contract pages use (clearbuild.contractpay, CB_CONTRACT_PAYMENT_*);
    claims after today dropped.

    Why the late ones are picked before their ids are made: at twice Seoul's size the 1.14
    million claims' text columns (ids made of contract, kind and date where a claim has none)
    were most of this indicator's +361 MB; a few in ten claims are late."""
    p = ctx.table("contract_payments")
    if not has(p, "contract_id", "claim_date", "kind"):
        return pd.DataFrame()
    deadline = contractpay.Deadline.of(ctx.settings)
    deadline = contractpay.Deadline(int(ctx.s("CB_SIGNALS_AGENCY_PAYMENT_DAYS")), deadline.workdays,
                                    deadline.kinds)
    claimed = day(p["claim_date"])
    paid = day(p["paid_date"]) if "paid_date" in p else pd.Series(pd.NaT, index=p.index)
    amount = num(p["amount"])
    paid_amount = num(p["paid_amount"]) if "paid_amount" in p else pd.Series(float("nan"), index=p.index)
    paid_amount = paid_amount.where(paid_amount.notna() | paid.isna(), amount).fillna(0)
    settled = paid.notna() & (paid_amount >= amount.fillna(0))
    today = ctx.today_ts()
    keep = claimed.notna() & (claimed <= today)
    end = paid.where(settled, today)
    a = claimed[keep].to_numpy("datetime64[D]") + np.timedelta64(1, "D")
    b = end[keep].to_numpy("datetime64[D]") + np.timedelta64(1, "D")
    counted = (np.busday_count(a, np.maximum(a, b)) if deadline.workdays
               else (b - a).astype("timedelta64[D]").astype(np.int64))
    kind = text(p["kind"])[keep]
    late = kind.isin(deadline.kinds).to_numpy() & (counted > deadline.days)
    rows = keep[keep].index[late]  # the late claims, in file order
    kind, counted = kind[late], counted[late]
    cid = p["contract_id"].loc[rows].astype(str)
    pid = text(p["payment_id"].loc[rows]) if "payment_id" in p else pd.Series("", index=rows)
    ids = pid.where(pid != "", cid + "-" + kind + "-" + text(p["claim_date"].loc[rows]))
    return pd.DataFrame({"contract_id": cid, "id": ids, "counted": counted, "unpaid": ~settled[rows],
                         "claimed": claimed[rows], "limit": deadline.days})


@indicator(
    id="late-agency-payment",
    group="payments",
    kinds=("contracts",),
    settings=("CB_SIGNALS_AGENCY_PAYMENT_DAYS",),
    fields={"late": "int", "paid_late": "int", "unpaid": "int", "max_days": "days",
            "oldest": "since_work", "limit": "days", "ids": "ids"},
)
def late_agency_payment(ctx: Context) -> pd.DataFrame:
    late = late_agency_claims(ctx)
    if late.empty:
        return empty()
    return late_by_record(late, "contracts", "contract_id", "id", "counted", int(late["limit"].iloc[0]))
