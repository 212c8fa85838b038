"""Claims and what was paid against them: days to pay and overdue, the direct-payment rule.

Why a claim is the unit: subcontractors and workers are owed per claim, and a delay is the time
from the claim to the payment that settles it. Part payments add up; the claim counts as paid on
the date of the payment that brought the total up to the claimed amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .entries import Entry, current, roots


@dataclass(frozen=True)
class Claim:
    root: int          # id of the claim's first entry: the exported payment_id is ADM-<root>
    claim: Entry       # the version shown (newest approved, or newest open for officials)
    payments: tuple[Entry, ...]

    @property
    def amount(self) -> int:
        return int(self.claim.fields["amount"])

    @property
    def paid_amount(self) -> int | None:
        return sum(p.fields["paid_amount"] for p in self.payments) if self.payments else None

    @property
    def paid_date(self) -> str | None:
        """Date of the payment that settled the claim, else of the latest part payment."""
        total = 0
        for p in sorted(self.payments, key=lambda p: (p.fields["paid_date"], p.id)):
            total += p.fields["paid_amount"]
            if total >= self.amount:
                return str(p.fields["paid_date"])
        return max((str(p.fields["paid_date"]) for p in self.payments), default=None)

    @property
    def settled(self) -> bool:
        return (self.paid_amount or 0) >= self.amount


def claims(entries: list[Entry], approved_only: bool, kinds: tuple[str, str] = ("claim", "payment")
           ) -> list[Claim]:
    """Every claim with its payments, by claim root id. Public view: approved claims, approved
    payments only, each at its newest approved version. ``kinds``: (claim kind, payment kind);
    ("contract-payment", "contract-paid") for contract payments."""
    root = roots(entries)
    shown = current(entries, approved_only)
    paid: dict[int, list[Entry]] = {}
    for e in shown.values():
        if e.kind == kinds[1] and e.claim_id in root:
            paid.setdefault(root[e.claim_id], []).append(e)
    return [Claim(r, e, tuple(paid.get(r, ()))) for r, e in sorted(shown.items())
            if e.kind == kinds[0]]


def days_to_pay(claim_date: str, paid_date: str | None, today: date) -> int:
    """Days from claim to settling payment; for an unsettled claim, days open so far."""
    end = date.fromisoformat(paid_date) if paid_date else today
    return (end - date.fromisoformat(claim_date)).days


def status(c: Claim, today: date, overdue_days: int) -> tuple[int, str]:
    """(days, 'paid' | 'paid late' | 'open' | 'OVERDUE')."""
    if c.settled:
        days = days_to_pay(c.claim.fields["claim_date"], c.paid_date, today)
        return days, "paid late" if days > overdue_days else "paid"
    days = days_to_pay(c.claim.fields["claim_date"], None, today)
    return days, "OVERDUE" if days > overdue_days else "open"

