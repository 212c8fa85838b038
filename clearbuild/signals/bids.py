"""Bid-opening indicators: who bid, who was refused, and how close the winner came to the estimate.

All read bid_results (every bidder of a notice, not only the winner) grouped by notice and lot: a
tender divided into lots is several tenders, each with its bidders and its winner, so "one valid
bid" or "everyone but the winner refused" is judged per lot (lot "" is an undivided notice). A
notice carries one flag per indicator: the first flagged lot's numbers, that lot named and every
flagged lot listed (fields lot, lots; variants "lot", "lots"). A notice without published bids is
never flagged, since no flag can be better than the data under it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .base import Context, empty, frame, has, indicator, num, text, truth

LOT = ["notice_id", "lot"]


def bids(ctx: Context) -> pd.DataFrame:
    """bid_results with amount, valid, routine and winner columns, computed once per run."""
    if "bids" not in ctx._cache:
        b = ctx.table("bid_results")
        if not has(b, "notice_id", "bid_amount"):
            ctx._cache["bids"] = pd.DataFrame()
            return ctx._cache["bids"]
        none = pd.Series("", index=b.index)
        reason = text(b["disqualified_reason"]) if "disqualified_reason" in b else none
        routine = pd.Series(False, index=b.index)
        for r in ctx.s("CB_SIGNALS_ROUTINE_REASONS"):
            routine |= reason.str.contains(str(r), regex=False)
        valid = reason == ""
        winner = truth(b["winner"]) if "winner" in b else pd.Series(False, index=b.index)
        lot = text(b["lot_id"]) if "lot_id" in b else none
        out = pd.DataFrame({"notice_id": text(b["notice_id"]), "lot": lot,
                            "company_id": text(b["company_id"]),
                            "amount": num(b["bid_amount"]), "reason": reason, "valid": valid,
                            "refused": ~valid & ~routine, "winner": winner & valid})
        ctx._cache["bids"] = out
    return ctx._cache["bids"]


def per_notice(hit: pd.DataFrame) -> pd.DataFrame:
    """Per-(notice, lot) results (columns notice_id, lot, values) -> one row per notice, indexed by
    notice_id: the first flagged lot's values, plus lot (None for an undivided notice), lots (every
    flagged lot) and variant ("lot" for one flagged lot, "lots" for several)."""
    hit = hit.sort_values(LOT)
    lots = hit[hit.lot != ""].groupby("notice_id")["lot"].agg(tuple)
    one = hit.drop_duplicates("notice_id").set_index("notice_id")
    many = lots.reindex(one.index)
    one["lots"] = many.where(many.notna(), None)
    one["variant"] = [("lot" if len(x) == 1 else "lots") if isinstance(x, tuple) else "" for x in one.lots]
    one["lot"] = one["lot"].where(one["lot"] != "", None)
    return one


def notice_frame(one: pd.DataFrame, **cols: pd.Series) -> pd.DataFrame:
    return frame("notices", one.index, **cols, lot=one.lot, lots=one.lots, variant=one.variant)


def winners(b: pd.DataFrame) -> pd.Series:
    """The winning bid of each (notice, lot), indexed by both."""
    return b[b.winner].drop_duplicates(LOT).set_index(LOT)["amount"]


@indicator(
    id="single-bidder",
    group="procurement",
    kinds=("notices", "contracts"),
    settings=("CB_SIGNALS_SINGLE_BIDDER_MAX_BIDS",),
    fields={"valid_bids": "int", "bids": "int", "lot": "text", "lots": "ids"},
    cardinal="R018",
)
def single_bidder(ctx: Context) -> pd.DataFrame:
    most = ctx.s("CB_SIGNALS_SINGLE_BIDDER_MAX_BIDS")
    out = [empty()]
    b = bids(ctx)
    if not b.empty:
        g = b.groupby(LOT, sort=True).agg(bids=("valid", "size"), valid_bids=("valid", "sum")).reset_index()
        hit = g[(g.valid_bids >= 1) & (g.valid_bids <= most)]
        if not hit.empty:
            one = per_notice(hit)
            out.append(notice_frame(one, valid_bids=one.valid_bids, bids=one.bids))
    # Open data (OCDS tender.numberOfTenderers) may give a count but no bids: flag the contract,
    # unless its notice's bid results are published (then the notice carries the flag).
    c = ctx.table("contracts")
    if has(c, "contract_id", "tenderers"):
        n = num(c["tenderers"])
        known = text(c["notice_id"]).isin(set(b["notice_id"])) if not b.empty and "notice_id" in c \
            else pd.Series(False, index=c.index)
        hit = c[(n >= 1) & (n <= most) & ~known].sort_values("contract_id")
        out.append(frame("contracts", hit.contract_id, valid_bids=n[hit.index].astype(int),
                         bids=n[hit.index].astype(int)))
    return pd.concat(out, ignore_index=True)


@indicator(
    id="bid-near-estimate",
    group="procurement",
    kinds=("notices",),
    settings=("CB_SIGNALS_BID_NEAR_ESTIMATE_PCT",),
    fields={"winning_bid": "money", "estimated_price": "money", "ratio": "pct", "lots": "ids"},
)
def bid_near_estimate(ctx: Context) -> pd.DataFrame:
    """The estimated price is the whole notice's, so a notice in lots is judged on the sum of its
    lots' winning bids, and only when every lot has a winner (variant "lots")."""
    b, n = bids(ctx), ctx.table("bid_notices")
    if b.empty or not has(n, "notice_id", "estimated_price"):
        return empty()
    w = winners(b).reset_index()
    all_lots = b.groupby("notice_id")["lot"].nunique()
    g = w.groupby("notice_id").agg(winning_bid=("amount", "sum"), won=("lot", "size"))
    g = g[g.won == all_lots.reindex(g.index)]
    lots = w[w.lot != ""].sort_values(LOT).groupby("notice_id")["lot"].agg(tuple)
    est = pd.Series(num(n["estimated_price"]).to_numpy(), index=n["notice_id"].astype(str))
    both = g[["winning_bid"]].join(est.rename("estimated_price"), how="inner")
    both = both[both.estimated_price > 0]
    both["ratio"] = both.winning_bid / both.estimated_price * 100
    hit = both[both.ratio >= ctx.s("CB_SIGNALS_BID_NEAR_ESTIMATE_PCT")].sort_index()
    many = lots.reindex(hit.index)
    return frame("notices", hit.index, winning_bid=hit.winning_bid, estimated_price=hit.estimated_price,
                 ratio=hit.ratio, lots=many.where(many.notna(), None),
                 variant=np.where(many.notna(), "lots", ""))


@indicator(
    id="lowest-disqualified",
    group="procurement",
    kinds=("notices",),
    settings=("CB_SIGNALS_LOWEST_DISQUALIFIED_MIN_GAP_PCT", "CB_SIGNALS_ROUTINE_REASONS"),
    fields={"lowest_bid": "money", "lowest_reason": "text", "winning_bid": "money", "gap": "pct",
            "lot": "text", "lots": "ids"},
    cardinal="R036",
)
def lowest_disqualified(ctx: Context) -> pd.DataFrame:
    b = bids(ctx)
    if b.empty:
        return empty()
    lowest = b.dropna(subset=["amount"]).sort_values(["notice_id", "lot", "amount", "valid"]) \
        .drop_duplicates(LOT).set_index(LOT)
    both = lowest[lowest.refused].join(winners(b).rename("winning_bid"), how="inner")
    both = both[both.amount > 0]
    both["gap"] = (both.winning_bid - both.amount) / both.amount * 100
    hit = both[(both.winning_bid > both.amount)
               & (both.gap > ctx.s("CB_SIGNALS_LOWEST_DISQUALIFIED_MIN_GAP_PCT"))].reset_index()
    if hit.empty:
        return empty()
    one = per_notice(hit)
    return notice_frame(one, lowest_bid=one.amount, lowest_reason=one.reason, winning_bid=one.winning_bid,
                        gap=one.gap)


@indicator(
    id="all-but-winner-disqualified",
    group="procurement",
    kinds=("notices",),
    settings=("CB_SIGNALS_ALL_BUT_WINNER_MIN_BIDS", "CB_SIGNALS_ROUTINE_REASONS"),
    fields={"bids": "int", "refused": "int", "reasons": "text", "lot": "text", "lots": "ids"},
    cardinal="R035",
)
def all_but_winner_disqualified(ctx: Context) -> pd.DataFrame:
    b = bids(ctx)
    if b.empty:
        return empty()
    g = b.groupby(LOT, sort=True).agg(bids=("valid", "size"), refused=("refused", "sum"),
                                      winners=("winner", "sum"))
    g = g[(g.bids >= ctx.s("CB_SIGNALS_ALL_BUT_WINNER_MIN_BIDS")) & (g.winners >= 1)
          & (g.refused == g.bids - 1)]
    if g.empty:
        return empty()
    r = b[b.refused].set_index(LOT)
    r = r[r.index.isin(g.index)]
    reasons = r.groupby(level=LOT)["reason"].agg(lambda s: ", ".join(sorted(set(s))))
    one = per_notice(g.assign(reasons=reasons.reindex(g.index).fillna("")).reset_index())
    return notice_frame(one, bids=one.bids, refused=one.refused, reasons=one.reasons)


@indicator(
    id="identical-bids",
    group="procurement",
    kinds=("notices",),
    settings=("CB_SIGNALS_IDENTICAL_BIDS_MIN",),
    fields={"amount": "money", "bidders": "int", "companies": "brns", "lot": "text", "lots": "ids"},
    cardinal="R028",
)
def identical_bids(ctx: Context) -> pd.DataFrame:
    """Same amount by different firms within one lot: one firm bidding alike on two lots is not it."""
    b = bids(ctx)
    if b.empty:
        return empty()
    b = b.dropna(subset=["amount"])
    size = b.groupby([*LOT, "amount"])["company_id"].transform("size")
    same = b.assign(n=size)[size >= ctx.s("CB_SIGNALS_IDENTICAL_BIDS_MIN")]
    if same.empty:
        return empty()
    same = same.sort_values([*LOT, "n", "amount", "company_id"], ascending=[True, True, False, True, True])
    top = same.drop_duplicates(LOT).set_index(LOT)
    members = same.set_index(LOT)
    members = members[members.amount == top.amount.reindex(members.index)]
    ids = members.groupby(level=LOT)["company_id"].agg(lambda s: tuple(sorted(s)))
    one = per_notice(top.assign(companies=ids.reindex(top.index)).reset_index())
    return notice_frame(one, amount=one.amount, bidders=one.n, companies=one.companies)

