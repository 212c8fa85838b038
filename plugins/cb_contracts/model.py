"""The contracting chain (plan -> notice -> bids -> contract -> amendments), indexed once per build.

Why one object: at Seoul scale (175,000 contracts, 44,000 notices with ~260,000 bids, 61,000
companies) every page needs a few rows of several tables. Each table is turned into records and
grouped exactly once here; page contexts then hold references to these shared records, never
copies, and no page ever scans a table. The bids are the exception: a page reads one notice's
or one company's, made from the Dataset's groups when it asks (``BidPairs``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from clearbuild import asof, certcodes, contractpay
from clearbuild.dataset import Dataset
from clearbuild.rows import RowGroups

Record = dict[str, Any]
Pair = tuple[Record, Record]


def lot_key(lot_id: str) -> tuple[Any, ...]:
    """Lots in their natural order (2 before 10), named lots after numbered ones."""
    return (not lot_id.isdigit(), int(lot_id) if lot_id.isdigit() else 0, lot_id)


def _rank_key(pair: Pair) -> tuple[Any, ...]:
    """By lot (a notice in lots ranks each lot apart), then winner first, then ranked bids, then
    unranked, then disqualified; ties by company."""
    r = pair[0]
    rank = r.get("rank")
    return (lot_key(r.get("lot_id") or ""), not r.get("winner"), bool(r.get("disqualified_reason")),
            rank is None, rank or 0, r["company_id"])


def _newest_notice_first(pair: Pair) -> tuple[str, str]:
    return pair[1]["published_at"], pair[0]["notice_id"]


class BidPairs(Mapping[str, list[Pair]]):
    """A notice's or a company's bids, each paired with the record on its other side, made when
    read from the Dataset's grouped bids (``Dataset.group``) and put in the page's order.

    Why not built once for all: at Seoul's size the 242,000 bids as dicts (77 MB) and their
    pairs in two indexes were held for the whole build (the parent before the render: 1,817 ->
    1,728 MB without them), and a page reads the bids of one notice or one company."""

    def __init__(self, groups: Mapping[str, list[Record]], other: Mapping[str, Record], column: str,
                 order: Callable[[Pair], Any], newest_first: bool = False) -> None:
        self._groups, self._other, self._column = groups, other, column
        self._order, self._reverse = order, newest_first

    def __getitem__(self, key: str) -> list[Pair]:
        other, column = self._other, self._column
        pairs = [(r, other[r[column]]) for r in self._groups[key]]
        pairs.sort(key=self._order, reverse=self._reverse)  # stable: ties stay in file order
        return pairs

    def __contains__(self, key: object) -> bool:
        return key in self._groups

    def __iter__(self) -> Iterator[str]:
        return iter(self._groups)

    def __len__(self) -> int:
        return len(self._groups)


class Statuses(Mapping[str, str]):
    """contract_id -> its payment status (``contractpay.status`` of its claims), worked out when
    read. Why: held for every contract they were a dict of 175,000 entries at Seoul's size
    (7.3 MB of the parent, traced), read once by the listings and once by the contract's page,
    which has the claims at hand anyway."""

    def __init__(self, contracts: Mapping[str, Record], payments: Mapping[str, list[Record]]) -> None:
        self._contracts, self._payments = contracts, payments

    def __getitem__(self, contract_id: str) -> str:
        if contract_id not in self._contracts:
            raise KeyError(contract_id)
        return contractpay.status(self._payments.get(contract_id, ()))

    def __iter__(self) -> Iterator[str]:
        return iter(self._contracts)

    def __len__(self) -> int:
        return len(self._contracts)


@dataclass
class Chain:
    plans: dict[str, Record]
    notices: dict[str, Record]
    contracts: dict[str, Record]
    companies: dict[str, Record]
    projects: dict[str, Record]  # for links back to Allimi project pages
    as_of: str  # the date "open" and "completed" are judged against (ISO)
    # Pairs share their records: a page context holds exactly what the page shows (the renderer
    # hashes contexts to skip unchanged pages), without copying a record.
    results_by_notice: Mapping[str, list[Pair]] = field(default_factory=dict)  # (bid, company)
    results_by_company: Mapping[str, list[Pair]] = field(default_factory=dict)  # (bid, notice), newest
    newest: list[Record] = field(default_factory=list)  # contracts, newest signing first
    # Groups of records held anyway (``RowGroups.of``): a group is a new list each read.
    contracts_by_company: Mapping[str, list[Record]] = field(default_factory=dict)  # newest first
    contracts_by_notice: Mapping[str, list[Record]] = field(default_factory=dict)
    notices_by_plan: Mapping[str, list[Record]] = field(default_factory=dict)  # oldest first
    amendments: dict[str, list[Record]] = field(default_factory=dict)
    lot_titles: dict[tuple[str, str], str] = field(default_factory=dict)  # (notice_id, lot_id) -> title
    # contract_id -> amount and end date after its last amendment (the signed ones if none)
    amount: Mapping[str, int] = field(default_factory=dict)
    end: Mapping[str, str] = field(default_factory=dict)
    # contract_id -> its payment claims (contract_payments rows), and its status (contractpay.STATUSES)
    payments: Mapping[str, list[Record]] = field(default_factory=dict)
    pay_status: Mapping[str, str] = field(default_factory=dict)
    certified: Mapping[str, int] = field(default_factory=dict)  # what a certificate line counts
    deadline: contractpay.Deadline = field(default_factory=contractpay.Deadline)

    def final_amount(self, c: Record) -> int:
        return self.amount[c["contract_id"]]

    def final_end(self, c: Record) -> str:
        return self.end[c["contract_id"]]

    def completed(self, c: Record) -> bool:
        return certcodes.completed(self.end[c["contract_id"]], self.as_of)

    def with_company(self, contracts: list[Record]) -> list[Pair]:
        """(contract, company) pairs, made when asked for: held for every contract they were
        16.7 MB of the parent at Seoul's size (traced)."""
        companies = self.companies
        return [(c, companies[c["company_id"]]) for c in contracts]

    def is_open(self, n: Record) -> bool:
        return n["deadline"][:10] >= self.as_of


def build_chain(ds: Dataset, deadline: contractpay.Deadline | None = None) -> Chain:
    """Every grouping the pages need, each in one pass over its table (sorted once, grouped in
    order, so no group is sorted again)."""
    # ds.index caches: cb_allimi reads the same contract and company records, not copies.
    ch = Chain(plans=ds.index("procurement_plans", "plan_id"),
               notices=ds.index("bid_notices", "notice_id"),
               contracts=ds.index("contracts", "contract_id"),
               companies=ds.index("companies", "company_id"),
               projects=ds.index("projects", "project_id"),
               as_of=asof.of(ds), deadline=deadline or contractpay.Deadline())
    notices, companies = ch.notices, ch.companies
    ch.notices_by_plan = RowGroups.of(
        sorted(notices.values(), key=lambda n: (n["published_at"], n["notice_id"])), "plan_id")
    # Bids are read per notice or company when a page asks (BidPairs), from the Dataset's groups.
    by_notice = ds.group("bid_results", "notice_id")
    ch.results_by_notice = BidPairs(by_notice, companies, "company_id", _rank_key)
    ch.results_by_company = BidPairs(ds.group("bid_results", "company_id"), notices, "notice_id",
                                     _newest_notice_first, newest_first=True)
    for nid, rows in by_notice.items():
        for r in rows:  # a lot's title: the first its bids give, in file order
            if r.get("lot_id"):
                key = (nid, r["lot_id"])
                ch.lot_titles[key] = ch.lot_titles.get(key) or r.get("lot_title") or ""
    ch.newest = sorted(ch.contracts.values(), key=lambda c: (c["signed_at"], c["contract_id"]),
                       reverse=True)
    ch.contracts_by_company = RowGroups.of(ch.newest, "company_id", blank=True)
    ch.contracts_by_notice = RowGroups.of(ch.newest, "notice_id")
    # The same amounts and end dates the nightly's certificate ledger computes (clearbuild.certcodes).
    ch.amendments = certcodes.amendments_by_contract(ds.records("contract_amendments"))
    ch.amount, ch.end = certcodes.final_terms(ch.contracts, ch.amendments)
    ch.payments = ds.group("contract_payments", "contract_id")
    ch.pay_status = Statuses(ch.contracts, ch.payments)
    ch.certified = certcodes.certified_amounts(ch.contracts, ch.amount, ch.payments)
    return ch
