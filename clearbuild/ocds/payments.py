"""Contract payments (issue 18) as OCDS ``contracts.implementation.transactions``, both ways.

A transaction is a payment made; a claim is not an OCDS object. Each contract_payments row is
one transaction: ``date`` and ``value`` are the payment (absent while unpaid), and three extension
fields carry the claim: ``paymentKind`` (advance, progress, final), ``claimDate`` and
``claimValue``. A row's own payment_id is the transaction id; without one the id is
``<contract_id>-<kind>-<claim_date>``, and such an id comes back as an empty payment_id. An
import of someone else's transactions (no claim fields) reads each as a progress payment claimed
on the day it was paid, and says so in the import report.
"""

from __future__ import annotations

from typing import Any

from ..schema import CONTRACT_PAYMENT_KIND
from .common import At, as_list, day, text
from .context import Ctx


def _own_id(contract_id: str, p: dict[str, Any]) -> str:
    return f"{contract_id}-{p['kind']}-{p['claim_date']}"


def export(rows: list[dict[str, Any]], contract_id: str, o: Any, payer: dict[str, str],
           payee: dict[str, str]) -> list[dict[str, Any]]:
    """The transactions of one contract, in claim order; ``o`` is the ExportOptions."""
    out = []
    for p in sorted(rows, key=lambda p: (p.get("claim_date") or "", p["kind"], p.get("payment_id") or "")):
        paid = p.get("paid_date")
        amount = p.get("paid_amount") if p.get("paid_amount") is not None else p.get("amount")
        t: dict[str, Any] = {"id": p.get("payment_id") or _own_id(contract_id, p),
                             "paymentKind": p["kind"], "claimDate": o.stamp(p["claim_date"]),
                             "claimValue": o.value(p["amount"]), "payer": payer, "payee": payee}
        if paid:
            t.update(date=o.stamp(paid), value=o.value(amount))
        out.append(t)
    return out


def read(ctx: Ctx, contract_id: str, items: Any, at: At) -> None:
    """contract_payments rows from one contract's transactions."""
    sink = ctx.sink
    for i, t in enumerate(as_list(items, at, sink)):
        tat = at / i
        if not isinstance(t, dict):
            continue
        paid_date = day(t.get("date"), tat / "date", sink)
        paid, _ = ctx.money.amount(t["value"], tat / "value", sink) if t.get("value") else ("", "")
        if not paid and t.get("amount"):  # OCDS 1.0 name of value
            paid, _ = ctx.money.amount(t["amount"], tat / "amount", sink)
        claimed, _ = (ctx.money.amount(t["claimValue"], tat / "claimValue", sink) if t.get("claimValue")
                      else ("", ""))
        claim_date = day(t.get("claimDate"), tat / "claimDate", sink)
        kind = text(t.get("paymentKind"))
        if kind not in CONTRACT_PAYMENT_KIND:
            kind = "progress"
            sink.flag(tat, t.get("id"), "transaction without a claim: read as a progress payment "
                      "claimed on the day it was paid")
        row = {"payment_id": text(t.get("id")), "contract_id": contract_id, "kind": kind,
               "claim_date": claim_date or paid_date, "amount": claimed or paid,
               "paid_date": paid_date, "paid_amount": paid if paid_date else ""}
        if row["payment_id"] == _own_id(contract_id, row):
            row["payment_id"] = ""
        ctx.add("contract_payments", row, tat)
