"""Business rules of the contracting tables that a column type cannot express (issue 3, item 6).

Why here and not in the contracts plugin: a bad row must be refused (and reported with its file,
row and column) before any plugin sees it, so pages never have to guess around broken chains.
The column-level classes (unknown notice, missing company, negative or absurd amounts, failing
check digit) are refused by clearbuild.ingest.checks; these are the cross-row ones.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..schema import Table
from .checks import IngestContext, _num, _problems, canonical_brn, is_true, table_check
from .problems import Problem

# Which performance-certificate kinds (schema.WORK_TYPE) a contract kind may carry; the first is
# the kind a contract without work_type is certified under. docs/contracts.md shows this table.
WORK_TYPES_BY_KIND: dict[str, tuple[str, ...]] = {
    "construction": ("general_works", "construction_works", "electrical_works", "telecom_works",
                     "fire_works"),
    "services": ("general_services", "waste_services"),
    "goods": ("goods",),
}
# A bid or a contract more than this many times its notice's estimated price (or less than its
# inverse) is a typo in the export (an extra zero, won vs thousand won), not a real price.
PRICE_RATIO = 10


ESTIMATED = ("notice_id", "estimated_price")  # what _estimated reads of the notices


def _estimated(df: pd.DataFrame, ctx: IngestContext) -> pd.Series:
    notices = ctx.frames.get("bid_notices")
    if notices is None or not len(notices):
        return pd.Series(float("nan"), index=df.index)
    price = dict(zip(notices["notice_id"], _num(notices["estimated_price"]), strict=True))
    return df["notice_id"].map(price).astype(float)


def _absurd_ratio(amount: pd.Series, reference: pd.Series, part: pd.Series | None = None) -> pd.Series:
    """Over PRICE_RATIO times the reference, or under its inverse; a lot (``part``) may be a small
    share of its notice's estimated price, so only the upper bound applies to it."""
    ok = amount.notna() & reference.notna() & (reference > 0)
    low = amount * PRICE_RATIO < reference
    if part is not None:
        low &= ~part
    return ok & ((amount > reference * PRICE_RATIO) | low)


@table_check("companies")
def company_once(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """120-81-47521 and 1208147521 are one company: the second spelling is a duplicate."""
    canon = canonical_brn(df["company_id"])
    dup = (canon != "") & canon.duplicated(keep="first") & ~df["company_id"].duplicated(keep="first")
    yield from _problems(df, dup, "company_id", "duplicate company_id (same number, other spelling)")


@table_check("bid_results", reads={"bid_notices": ESTIMATED})
def bids_make_sense(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """A winner was not disqualified; a bid is within a factor of its notice's estimated price;
    one company bids once per notice (per lot), however its number is spelled."""
    win = is_true(df["winner"])
    yield from _problems(df, win & (df["disqualified_reason"].str.strip() != ""), "winner",
                         "the winner cannot also be disqualified")
    yield from _problems(df, _absurd_ratio(_num(df["bid_amount"]), _estimated(df, ctx), df["lot_id"] != ""),
                         "bid_amount",
                         f"absurd bid amount (over {PRICE_RATIO}x off the notice's estimated price)")
    where = df["notice_id"] + "|" + df["lot_id"] + "|"
    pair = where + canonical_brn(df["company_id"])
    raw = where + df["company_id"]
    dup = pair.duplicated(keep="first") & ~raw.duplicated(keep="first")
    yield from _problems(df, dup, "company_id", "duplicate notice_id+lot_id+company_id (other spelling)")


@table_check("contracts", reads={"bid_notices": (*ESTIMATED, "published_at")})
def contracts_make_sense(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """The certificate kind fits the contract kind; a contract is signed after its notice was
    published, at a price within a factor of the estimate. (Ids against the site's paths:
    clearbuild.ingest.rules_paths.)"""
    fits = [(not w) or (w in WORK_TYPES_BY_KIND.get(k, (w,)))
            for k, w in zip(df["kind"], df["work_type"], strict=True)]
    yield from _problems(df, ~pd.Series(fits, index=df.index, dtype=bool), "work_type",
                         "work_type does not fit the contract's kind")
    notices = ctx.frames.get("bid_notices")
    if notices is not None and len(notices):
        published = df["notice_id"].map(dict(zip(notices["notice_id"], notices["published_at"],
                                                  strict=True)))
        early = (published.notna() & (df["signed_at"] != "")
                 & (df["signed_at"] < published.fillna("").str[:10]))
        yield from _problems(df, early, "signed_at", "contract signed before its notice was published")
    absurd = _absurd_ratio(_num(df["amount"]), _estimated(df, ctx), df["lot_id"] != "")
    yield from _problems(df, absurd, "amount",
                         f"absurd contract amount (over {PRICE_RATIO}x off the notice's estimated price)")


@table_check("contract_amendments", reads={"contracts": ("contract_id", "start_date")})
def amendments_make_sense(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """An amendment changes something, within reason, and never ends a contract before it starts."""
    before, after = _num(df["amount_before"]), _num(df["amount_after"])
    nothing = (df["amount_after"] == "") & (df["end_after"] == "")
    yield from _problems(df, nothing, "amount_after", "amendment changes neither amount nor end date")
    yield from _problems(df, _absurd_ratio(after, before), "amount_after",
                         f"absurd amendment (amount changes over {PRICE_RATIO}x)")
    contracts = ctx.frames.get("contracts")
    if contracts is not None and len(contracts):
        start = df["contract_id"].map(dict(zip(contracts["contract_id"], contracts["start_date"],
                                               strict=True))).fillna("")
        yield from _problems(df, (start != "") & (df["end_after"] != "") & (df["end_after"] < start),
                             "end_after", "amended end date before the contract's start")
