"""Bid-opening indicators: who bid, who was refused, and how close the winner came to the estimate.

All read bid_results (every bidder of a notice, not only the winner) grouped by notice; a notice
without published bids is never flagged, since no flag can be better than the data under it.
"""

from __future__ import annotations

import pandas as pd

from .base import Context, empty, frame, has, indicator, num, text, truth


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
        out = pd.DataFrame({"notice_id": text(b["notice_id"]), "company_id": text(b["company_id"]),
                            "amount": num(b["bid_amount"]), "reason": reason, "valid": valid,
                            "refused": ~valid & ~routine, "winner": winner & valid})
        ctx._cache["bids"] = out
    return ctx._cache["bids"]


@indicator(
    id="single-bidder",
    group="procurement",
    kinds=("notices", "contracts"),
    settings=("CB_SIGNALS_SINGLE_BIDDER_MAX_BIDS",),
    fields={"valid_bids": "int", "bids": "int"},
)
def single_bidder(ctx: Context) -> pd.DataFrame:
    most = ctx.s("CB_SIGNALS_SINGLE_BIDDER_MAX_BIDS")
    out = [empty()]
    b = bids(ctx)
    if not b.empty:
        g = b.groupby("notice_id", sort=True).agg(bids=("valid", "size"), valid_bids=("valid", "sum"))
        hit = g[(g.valid_bids >= 1) & (g.valid_bids <= most)]
        out.append(frame("notices", hit.index, valid_bids=hit.valid_bids, bids=hit.bids))
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
    fields={"winning_bid": "money", "estimated_price": "money", "ratio": "pct"},
)
def bid_near_estimate(ctx: Context) -> pd.DataFrame:
    b, n = bids(ctx), ctx.table("bid_notices")
    if b.empty or not has(n, "notice_id", "estimated_price"):
        return empty()
    w = b[b.winner].drop_duplicates("notice_id").set_index("notice_id")["amount"]
    est = pd.Series(num(n["estimated_price"]).to_numpy(), index=n["notice_id"].astype(str))
    both = pd.DataFrame({"winning_bid": w}).join(est.rename("estimated_price"), how="inner")
    both = both[both.estimated_price > 0]
    both["ratio"] = both.winning_bid / both.estimated_price * 100
    hit = both[both.ratio >= ctx.s("CB_SIGNALS_BID_NEAR_ESTIMATE_PCT")].sort_index()
    return frame("notices", hit.index, winning_bid=hit.winning_bid, estimated_price=hit.estimated_price,
                 ratio=hit.ratio)


@indicator(
    id="lowest-disqualified",
    group="procurement",
    kinds=("notices",),
    settings=("CB_SIGNALS_LOWEST_DISQUALIFIED_MIN_GAP_PCT", "CB_SIGNALS_ROUTINE_REASONS"),
    fields={"lowest_bid": "money", "lowest_reason": "text", "winning_bid": "money", "gap": "pct"},
)
def lowest_disqualified(ctx: Context) -> pd.DataFrame:
    b = bids(ctx)
    if b.empty:
        return empty()
    lowest = b.dropna(subset=["amount"]).sort_values(["notice_id", "amount", "valid"]) \
        .drop_duplicates("notice_id").set_index("notice_id")
    w = b[b.winner].drop_duplicates("notice_id").set_index("notice_id")["amount"].rename("winning_bid")
    both = lowest[lowest.refused].join(w, how="inner")
    both = both[both.amount > 0]
    both["gap"] = (both.winning_bid - both.amount) / both.amount * 100
    hit = both[(both.winning_bid > both.amount)
               & (both.gap > ctx.s("CB_SIGNALS_LOWEST_DISQUALIFIED_MIN_GAP_PCT"))].sort_index()
    return frame("notices", hit.index, lowest_bid=hit.amount, lowest_reason=hit.reason,
                 winning_bid=hit.winning_bid, gap=hit.gap)


@indicator(
    id="all-but-winner-disqualified",
    group="procurement",
    kinds=("notices",),
    settings=("CB_SIGNALS_ALL_BUT_WINNER_MIN_BIDS", "CB_SIGNALS_ROUTINE_REASONS"),
    fields={"bids": "int", "refused": "int", "reasons": "text"},
)
def all_but_winner_disqualified(ctx: Context) -> pd.DataFrame:
    b = bids(ctx)
    if b.empty:
        return empty()
    g = b.groupby("notice_id", sort=True).agg(bids=("valid", "size"), refused=("refused", "sum"),
                                              winners=("winner", "sum"))
    hit = g[(g.bids >= ctx.s("CB_SIGNALS_ALL_BUT_WINNER_MIN_BIDS")) & (g.winners >= 1)
            & (g.refused == g.bids - 1)]
    r = b[b.refused & b.notice_id.isin(hit.index)]
    reasons = r.groupby("notice_id")["reason"].agg(lambda s: ", ".join(sorted(set(s))))
    return frame("notices", hit.index, bids=hit.bids, refused=hit.refused,
                 reasons=reasons.reindex(hit.index).fillna(""))


@indicator(
    id="identical-bids",
    group="procurement",
    kinds=("notices",),
    settings=("CB_SIGNALS_IDENTICAL_BIDS_MIN",),
    fields={"amount": "money", "bidders": "int", "companies": "brns"},
)
def identical_bids(ctx: Context) -> pd.DataFrame:
    b = bids(ctx)
    if b.empty:
        return empty()
    b = b.dropna(subset=["amount"])
    size = b.groupby(["notice_id", "amount"])["company_id"].transform("size")
    same = b.assign(n=size)[size >= ctx.s("CB_SIGNALS_IDENTICAL_BIDS_MIN")]
    if same.empty:
        return empty()
    same = same.sort_values(["notice_id", "n", "amount", "company_id"], ascending=[True, False, True, True])
    top = same.drop_duplicates("notice_id").set_index("notice_id")
    members = same[same.amount == same.notice_id.map(top.amount)]
    ids = members.groupby("notice_id")["company_id"].agg(lambda s: tuple(sorted(s)))
    return frame("notices", top.index, amount=top.amount, bidders=top.n,
                 companies=ids.reindex(top.index).to_numpy())

