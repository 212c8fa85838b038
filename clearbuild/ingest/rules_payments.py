"""Business rules of contract payments (issue 18): a claim, then its payment, never the reverse.

Column checks already refuse a negative amount, an unknown contract and a payment dated before its
claim (schema date_order); these are the rules that look at several columns or at the contract.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..schema import Table
from .checks import IngestContext, _num, _problems, table_check
from .problems import Problem


@table_check("contract_payments")
def claim_before_payment(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """A payment answers a claim: paid without a claim date or amount is refused, as is a claim
    with no date at all; a paid amount needs its paid date."""
    paid = (df["paid_date"] != "") | (df["paid_amount"] != "")
    no_claim = df["claim_date"] == ""
    yield from _problems(df, paid & no_claim, "claim_date", "a payment without a claim (no claim_date)")
    yield from _problems(df, ~paid & no_claim, "claim_date", "a claim without a claim_date")
    yield from _problems(df, df["amount"] == "", "amount", "a claim without an amount")
    yield from _problems(df, (df["paid_amount"] != "") & (df["paid_date"] == ""), "paid_date",
                         "paid_amount without a paid_date")


@table_check("contract_payments")
def paid_within_claim(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """One cannot be paid more than one claimed: an overpayment is a typo or a second claim."""
    amount, paid = _num(df["amount"]), _num(df["paid_amount"])
    yield from _problems(df, amount.notna() & paid.notna() & (paid > amount), "paid_amount",
                         "paid_amount more than the amount claimed")


@table_check("contract_payments", reads={"contracts": ("contract_id", "signed_at")})
def claimed_under_contract(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """A claim follows the contract's signing; only an advance may come before work starts, and
    a final payment is claimed once per contract."""
    contracts = ctx.frames.get("contracts")
    if contracts is None or not len(contracts):
        return
    signed = df["contract_id"].map(dict(zip(contracts["contract_id"], contracts["signed_at"],
                                            strict=True))).fillna("")
    yield from _problems(df, (signed != "") & (df["claim_date"] != "") & (df["claim_date"] < signed),
                         "claim_date", "claim dated before the contract was signed")
    final = df[df["kind"] == "final"]
    twice = final["contract_id"].duplicated(keep="first").reindex(df.index, fill_value=False)
    yield from _problems(df, twice, "kind", "a second final payment claim for the same contract")
