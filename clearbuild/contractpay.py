"""What was claimed and paid on a contract (issue 18): the one reading of contract_payments that
the contract page, the payment-status listings, the late-agency-payment signal and the
certificates share.

A row is a claim (선금 advance, 기성금 progress, 준공금 final) and, once paid, its payment. A claim
is settled when what was paid reaches what was claimed; a paid_date without a paid_amount is the
whole claim. The legal deadline (지방계약법 시행령 제67조) counts from the claim to the payment,
or to the build's as-of date while the claim is open; docs/contracts.md cites it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from . import config

# A contract's payment status, as its page and contracts/by/payment/<status>/ name it.
STATUSES = ("paid", "partly_paid", "unpaid", "no_claim")
Record = Mapping[str, Any]


@dataclass(frozen=True)
class Deadline:
    days: int = 5
    workdays: bool = True
    kinds: tuple[str, ...] = ("progress", "final")

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> Deadline:
        s = dict(settings)
        return cls(int(config.setting(s, "CB_CONTRACT_PAYMENT_DAYS")),
                   bool(config.setting(s, "CB_CONTRACT_PAYMENT_WORKDAYS")),
                   tuple(config.setting(s, "CB_CONTRACT_PAYMENT_KINDS")))

    def elapsed(self, claimed: str, end: str) -> int:
        """Days from the claim to ``end`` as the deadline counts them (working days: Monday to
        Friday after the claim day up to and including ``end``; public holidays are not known)."""
        if self.workdays:
            a = np.datetime64(claimed) + np.timedelta64(1, "D")
            b = np.datetime64(end) + np.timedelta64(1, "D")
            return int(np.busday_count(a, b)) if b > a else 0
        return (date.fromisoformat(end) - date.fromisoformat(claimed)).days


def paid(p: Record) -> int:
    """What was paid against a claim: paid_amount, or the whole claim when only paid_date is set."""
    if not p.get("paid_date") and p.get("paid_amount") is None:
        return 0
    value = p.get("paid_amount")
    return int(value if value is not None else p.get("amount") or 0)


def settled(p: Record) -> bool:
    return bool(p.get("paid_date")) and paid(p) >= int(p.get("amount") or 0)


@dataclass(frozen=True)
class Claim:
    """One claim as a page shows it. Nothing here moves with the as-of date except when a claim
    crosses its deadline: an open claim's running count of days is left to the reader's browser
    (clearbuild.filters.days_since), so a new night's date alone changes no contract page."""

    row: Record
    days: int | None  # calendar days from claim to payment; None while the claim is open
    counted: int | None  # the same as the deadline counts them; None while open
    judged: bool  # the deadline applies to this kind
    overdue: bool  # judged and over the deadline (paid late, or open past it)
    settled: bool
    paid: int
    future: bool = False  # claimed after the as-of date

    @property
    def state(self) -> str:
        """paid | paid_late | open | overdue | future (claimed after the as-of date)."""
        if self.future:
            return "future"
        if self.settled:
            return "paid_late" if self.overdue else "paid"
        return "overdue" if self.overdue else "open"


def claims(rows: Iterable[Record], as_of: str, deadline: Deadline) -> list[Claim]:
    """A contract's claims in claim order, each judged against the deadline on ``as_of``."""
    out = []
    for p in sorted(rows, key=lambda p: (p.get("claim_date") or "", p.get("kind") or "")):
        done = settled(p)
        end = str(p["paid_date"]) if done else as_of
        claimed = str(p["claim_date"])
        days = (date.fromisoformat(end) - date.fromisoformat(claimed)).days
        counted = deadline.elapsed(claimed, end) if days >= 0 else 0
        judged = p.get("kind") in deadline.kinds
        out.append(Claim(p, days if done else None, counted if done else None, judged,
                         judged and counted > deadline.days, done, paid(p), future=days < 0))
    return out


def status(rows: Iterable[Record]) -> str:
    """paid: every claim settled; partly_paid: something paid, something still owed; unpaid:
    claims and nothing paid; no_claim: no claim yet."""
    rows = list(rows)
    if not rows:
        return "no_claim"
    if all(settled(p) for p in rows):
        return "paid"
    return "partly_paid" if any(paid(p) for p in rows) else "unpaid"


def totals(rows: Iterable[Record]) -> tuple[int, int]:
    """(claimed, paid) over a contract's claims."""
    rows = list(rows)
    return sum(int(p.get("amount") or 0) for p in rows), sum(paid(p) for p in rows)
