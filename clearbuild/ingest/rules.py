"""Checks that belong to one table: the business rules a column type cannot express."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..public import parse_approvals
from ..schema import Table
from .checks import IngestContext, _problems, table_check
from .problems import Problem


@table_check("contract_amendments", reads={"contracts": ("contract_id", "signed_at")})
def amendments_in_order(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """An amendment cannot predate its contract, and amendments are numbered in date order."""
    contracts = ctx.frames.get("contracts")
    if contracts is not None and len(contracts):
        signed = df["contract_id"].map(dict(zip(contracts["contract_id"], contracts["signed_at"],
                                                strict=True)))
        yield from _problems(df, signed.notna() & (df["date"] < signed.fillna("")), "date",
                             "amendment dated before the contract was signed")
    seq = pd.to_numeric(df["seq"].where(df["seq"] != "", "1"), errors="coerce")
    order = df.assign(_seq=seq).sort_values(["contract_id", "_seq", "_row"], kind="stable")
    prev = order.groupby("contract_id")["date"].shift()
    late = (prev.notna() & (order["date"] < prev.fillna(""))).reindex(df.index)
    yield from _problems(df, late, "date", "amendments out of date order")


@table_check("apartment_documents")
def approvals_in_order(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """An approval trail is a sequence: each step on or after the one before it."""
    bad_form, bad_order = [], []
    for trail in df["approvals"]:
        try:
            dates = [d for _, d, _ in parse_approvals(trail)]
            bad_form.append(False)
            bad_order.append(dates != sorted(dates))
        except ValueError:
            bad_form.append(True)
            bad_order.append(False)
    yield from _problems(df, pd.Series(bad_form, index=df.index), "approvals",
                         "approval trail not in role:YYYY-MM-DD form")
    yield from _problems(df, pd.Series(bad_order, index=df.index), "approvals",
                         "approval trail out of date order")
