"""Tenders divided into lots: each lot is a small tender of its own inside one bid notice.

A lot has its own bidders, ranks and winner, and its own contract, so "one winner per notice"
becomes one winner per (notice, lot); an empty lot_id means the whole tender. A notice is either
divided into lots or not: its bid results all name a lot, or none does. Lots are known from the
bid results only (there is no lots table), so a contract's lot must be one its notice's accepted
bid results carry.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..schema import Table
from .checks import IngestContext, _problems, is_true, table_check
from .problems import Problem


@table_check("bid_results")
def one_winner_per_lot(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """Two winners of one lot (or of one undivided notice) means the export is wrong about both:
    refuse the later ones. Winners of different lots of one notice are what lots are for."""
    win = is_true(df["winner"])
    dup = win & df[win].duplicated(["notice_id", "lot_id"]).reindex(df.index, fill_value=False)
    lot = df["lot_id"] != ""
    yield from _problems(df, dup & ~lot, "winner", "a second winner for the same notice")
    yield from _problems(df, dup & lot, "winner", "a second winner for the same lot of the notice")


@table_check("bid_results")
def lots_all_or_none(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """A bid without a lot in a notice whose other bids name theirs belongs to no lot's ranking."""
    divided = set(df.loc[df["lot_id"] != "", "notice_id"])
    yield from _problems(df, (df["lot_id"] == "") & df["notice_id"].isin(divided), "lot_id",
                         "bid without a lot_id in a notice divided into lots")


@table_check("contracts", reads={"bid_results": ("notice_id", "lot_id")})
def contract_lot_known(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """A contract's lot is one its notice's (accepted) bid results carry; otherwise its page
    would point at a lot nobody bid for."""
    bids = ctx.frames.get("bid_results")
    known: set[tuple[str, str]] = set()
    if bids is not None and len(bids):
        known = set(zip(bids["notice_id"], bids["lot_id"], strict=True))
    pairs = pd.Series(list(zip(df["notice_id"], df["lot_id"], strict=True)), index=df.index, dtype=object)
    unknown = (df["lot_id"] != "") & ~pairs.isin(known)
    yield from _problems(df, unknown, "lot_id", "no bid result of its notice carries this lot_id")
