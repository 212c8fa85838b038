"""The contracting chain: procurement plans -> bid notices -> bid results -> contracts.

Contracts come first (their number is what a benchmark asks for); each competitive contract
then gets the notice it was awarded from, dated before its signing, and the notice its plan.
Notices beyond those are still open (deadline after the export date) or failed (유찰). When
there are fewer notices than 75% of the contracts, the rest are sole-source, as in Seoul, where
most small contracts are 수의계약. About 4% of the notices are divided into 2-4 lots (lots.py),
each lot awarded and contracted on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..schema import KIND
from . import common as c
from . import lots as lot_mod
from .agencies import Agencies
from .bids import AWARD, FAILED, OPEN, amendments, bid_results
from .companies import Companies
from .names import Namer
from .vocab import ELIGIBILITY, INDUSTRIES, WORK_TYPES_BY_KIND

KIND_SHARE = (0.30, 0.42, 0.28)
# Median amounts (won) of competitive and of sole-source contracts by kind.
MEDIAN = {"construction": (900e6, 25e6), "services": (180e6, 15e6), "goods": (70e6, 8e6)}
DURATION = {"construction": (60, 900), "services": (30, 365), "goods": (7, 60)}


@dataclass
class Needs:
    """What Allimi projects need from procurement: a works contract, or an open notice."""

    agency_idx: np.ndarray
    names: list[str]
    budget: np.ndarray
    district_idx: np.ndarray
    category: np.ndarray
    contracted: np.ndarray  # bool per project: has its works contract
    tendering: np.ndarray  # bool per project: no contract yet, its notice is open


@dataclass
class Procurement:
    tables: dict[str, dict[str, c.Col]]
    contract_ids: np.ndarray  # generation order; the first len(needs) build the contracted projects
    signed: np.ndarray
    start: np.ndarray
    end: np.ndarray
    amount: np.ndarray
    firm: np.ndarray
    agency_idx: np.ndarray


def _work_types(rng: np.random.Generator, kinds: np.ndarray) -> np.ndarray:
    out = np.empty(len(kinds), dtype=object)
    for kind, table in WORK_TYPES_BY_KIND.items():
        m = kinds == kind
        out[m] = c.pick(rng, [w for w, _ in table], int(m.sum()), [p for _, p in table])
    return out


def _amounts(rng: np.random.Generator, kinds: np.ndarray, competitive: np.ndarray) -> np.ndarray:
    med = np.array([MEDIAN[k][0 if comp else 1] for k, comp in zip(kinds, competitive, strict=True)])
    a = med * rng.lognormal(0.0, 0.9, len(kinds))
    a = np.where(competitive, a, np.minimum(a, 190e6))  # sole-source has a legal ceiling
    return (np.maximum(a, 1e6) // 1000 * 1000).astype(np.int64)


def _years(days: np.ndarray) -> np.ndarray:
    return (np.asarray(days).astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970).astype(str)


def _dated_ids(prefix: str, order_key: np.ndarray, width: int = 6) -> np.ndarray:
    """Ids numbered in date order (ties by generation order), returned in generation order."""
    out = np.empty(len(order_key), dtype=object)
    out[np.argsort(order_key, kind="stable")] = c.ids(prefix, len(order_key), width)
    return out


def make(rng: np.random.Generator, comp: Companies, ag: Agencies, namer: Namer, n_districts: int,
         n_contracts: int, n_notices: int, n_plans: int, needs: Needs,
         lot_rng: np.random.Generator | None = None) -> Procurement:
    """The chain; ``lot_rng`` draws which notices are divided into lots (a stream of its own, so
    the projects' works contracts, drawn from ``rng``, do not move with it)."""
    lot_rng = rng if lot_rng is None else lot_rng
    pc = np.flatnonzero(needs.contracted)
    n_pc = len(pc)
    n = max(n_contracts, n_pc)
    n_o = n - n_pc
    kind = np.concatenate([np.full(n_pc, "construction", dtype=object), c.pick(rng, KIND, n_o, KIND_SHARE)])
    wt = _work_types(rng, kind)
    wt[:n_pc] = c.pick(rng, ["general_works", "construction_works"], n_pc, [0.7, 0.3])
    agency = np.concatenate([needs.agency_idx[pc], ag.draw(rng, n_o)]).astype(np.int64)
    didx = np.concatenate([needs.district_idx[pc], ag.districts(rng, agency[n_pc:], n_districts)])
    cat = np.concatenate([needs.category[pc], ag.category(rng, agency[n_pc:])])

    n_open = round(0.025 * n_notices)
    n_failed = round(0.025 * n_notices)
    slots = max(0, n_notices - n_open - n_failed)
    n_comp = min(slots, round(0.75 * n))
    competitive = np.zeros(n, dtype=bool)
    competitive[: min(n_pc, n_comp)] = True  # works contracts of projects are tendered first
    rest = n_comp - int(competitive.sum())
    if rest > 0:
        competitive[n_pc + rng.choice(n_o, rest, replace=False)] = True
    # A few notices are divided into lots: their later lots take the head's agency and kind.
    lots = lot_mod.group(lot_rng, competitive, n_pc)
    competitive = lots.competitive
    lotted = np.flatnonzero(lots.lot > 0)  # contracts that are one lot of their notice
    mem = lots.members()
    hd = lots.head[mem]
    kind[mem], wt[mem], agency[mem], didx[mem], cat[mem] = kind[hd], wt[hd], agency[hd], didx[hd], cat[hd]
    amount = _amounts(rng, kind, competitive)
    amount[:n_pc] = (needs.budget[pc] * rng.uniform(0.82, 0.95, n_pc)).astype(np.int64)
    first, last = c.day(c.START), c.day(c.AS_OF)
    signed = np.where(competitive, rng.integers(first + 50, last + 1, n), rng.integers(first, last + 1, n))
    # Works contracts of projects lean recent, so the demo has as many works under way as done.
    signed[:n_pc] = last - ((last - first - 50) * rng.random(n_pc) ** 1.6).astype(np.int64)
    signed[mem] = np.minimum(signed[hd] + lot_rng.integers(0, 10, len(mem)), last)  # lots sign after the head
    start = signed + rng.integers(0, 15, n)
    lo = np.array([DURATION[k][0] for k in kind])
    hi = np.array([DURATION[k][1] for k in kind])
    lo[:n_pc] = 120
    end = start + (lo + (hi - lo) * rng.random(n) ** 1.3).astype(np.int64)
    years = _years(signed)
    titles = np.asarray(needs.names, dtype=object)[pc].tolist() + namer.procurement(
        kind[n_pc:], wt[n_pc:], didx[n_pc:], np.asarray(ag.names)[agency[n_pc:]], cat[n_pc:], years[n_pc:])
    titles = np.asarray(titles, dtype=object)
    base_titles = titles.copy()  # a lot's contract is named after its region (권역) of the tender
    regions = zip(titles[lotted], lots.lot[lotted], strict=True)
    titles[lotted] = np.asarray([f"{t} ({k}권역)" for t, k in regions], dtype=object)

    # Notices: [awarded with a contract | awarded, contract pending | failed | open]; a notice in
    # lots is counted once, by the contract of its first lot.
    con = np.flatnonzero(competitive & (lots.lot <= 1))  # contract (head) of each of the first n_cn
    n_cn = len(con)
    surplus = slots - n_cn
    state = np.concatenate([np.full(n_cn + surplus, AWARD), np.full(n_failed, FAILED),
                            np.full(n_open, OPEN)])
    nn = len(state)
    notice_of_c = np.full(n, -1, dtype=np.int64)  # each competitive contract's notice (index)
    notice_of_c[con] = np.arange(n_cn)
    notice_of_c[mem] = notice_of_c[hd]
    extra = nn - n_cn
    n_kind = np.concatenate([kind[con], c.pick(rng, KIND, extra, KIND_SHARE)])
    n_agency = np.concatenate([agency[con], ag.draw(rng, extra)]).astype(np.int64)
    n_didx = np.concatenate([didx[con], ag.districts(rng, n_agency[n_cn:], n_districts)])
    n_cat = np.concatenate([cat[con], ag.category(rng, n_agency[n_cn:])])
    n_wt = np.concatenate([wt[con], _work_types(rng, n_kind[n_cn:])])
    o = n_cn + surplus + n_failed
    opening = np.empty(nn, dtype=np.int64)
    opening[:n_cn] = signed[con] - rng.integers(3, 21, n_cn)
    opening[n_cn:n_cn + surplus] = last - rng.integers(1, 26, surplus)
    opening[n_cn + surplus:o] = rng.integers(first + 40, last, n_failed)
    opening[o:] = last + rng.integers(2, 22, n_open)
    published = opening - rng.integers(7, 31, nn)
    published[o:] = last - rng.integers(0, 15, n_open)
    n_years = _years(published[n_cn:])
    size = lots.size()[con]
    head_titles = np.asarray([t if k < 2 else f"{t} 외 {k - 1}건"
                              for t, k in zip(base_titles[con], size, strict=True)], dtype=object)
    n_titles = np.concatenate([head_titles, np.asarray(namer.procurement(
        n_kind[n_cn:], n_wt[n_cn:], n_didx[n_cn:], np.asarray(ag.names)[n_agency[n_cn:]],
        n_cat[n_cn:], n_years), dtype=object)])
    # Projects in tendering are the first open notices.
    tender = np.flatnonzero(needs.tendering)[: n_open]
    t = slice(o, o + len(tender))
    n_kind[t], n_wt[t] = "construction", "general_works"
    n_agency[t], n_didx[t] = needs.agency_idx[tender], needs.district_idx[tender]
    n_cat[t] = needs.category[tender]
    n_titles[t] = np.asarray(needs.names, dtype=object)[tender]
    win = np.concatenate([amount[con], np.zeros(extra, dtype=np.int64)])
    ratio = rng.uniform(0.87, 0.97, nn)
    est = (win / ratio // 1000 * 1000).astype(np.int64)
    lot_est = (amount[lotted] / ratio[notice_of_c[lotted]] // 1000 * 1000).astype(np.int64)
    est[notice_of_c[lotted[lots.lot[lotted] == 1]]] = 0
    np.add.at(est, notice_of_c[lotted], lot_est)  # a lotted notice's estimate: its lots' together
    est[n_cn:] = _amounts(rng, n_kind[n_cn:], np.ones(extra, dtype=bool))
    est[t] = (needs.budget[tender] * 0.9 // 1000 * 1000).astype(np.int64)
    win[n_cn:] = (est[n_cn:] * rng.uniform(0.87, 0.95, extra)).astype(np.int64)
    pub_min = rng.integers(54, 108, nn) * 10  # 09:00-17:50
    notice_ids = _dated_ids("N-", published * 2000 + pub_min)
    method = c.pick(rng, ["open", "restricted", "designated"], nn, [0.7, 0.2, 0.1])
    industry_of = {w: name for name, w, _, _ in reversed(INDUSTRIES)}
    elig_form = c.pick(rng, ELIGIBILITY, nn)
    in_lots = np.zeros(nn, dtype=bool)
    in_lots[notice_of_c[lotted]] = True
    plain = np.flatnonzero(~in_lots)  # tenders: every undivided notice, and every lot
    u_notice = np.concatenate([plain, notice_of_c[lotted]])
    lot_no = np.concatenate([np.zeros(len(plain), dtype=np.int64), lots.lot[lotted]])
    results, u_firm = bid_results(
        rng, comp, notice_ids[u_notice], n_wt[u_notice], np.concatenate([est[plain], lot_est]),
        np.concatenate([win[plain], amount[lotted]]), state[u_notice],
        np.where(lot_no > 0, lot_no.astype(str), "").astype(object),
        np.concatenate([np.full(len(plain), "", dtype=object), titles[lotted]]))

    # Plans: most notices come from one; the other plans have no notice (yet).
    with_plan = min(n_plans, round(0.85 * nn))
    plan_of = np.full(nn, -1, dtype=np.int64)
    linked = rng.choice(nn, with_plan, replace=False) if with_plan else np.zeros(0, dtype=np.int64)
    plan_of[linked] = np.arange(with_plan)
    free = n_plans - with_plan
    p_notice = np.full(n_plans, -1, dtype=np.int64)
    p_notice[plan_of[linked]] = linked
    p_kind = np.concatenate([n_kind[linked], c.pick(rng, KIND, free, KIND_SHARE)])
    p_agency = np.concatenate([n_agency[linked], ag.draw(rng, free)]).astype(np.int64)
    p_didx = ag.districts(rng, p_agency, n_districts)
    p_wt = _work_types(rng, p_kind)
    p_month_day = np.concatenate([published[linked] - rng.integers(0, 75, with_plan),
                                  rng.integers(first, last + 40, free)])
    p_month_day = np.maximum(p_month_day, first)
    p_years = _years(p_month_day[with_plan:])
    p_title = np.concatenate([n_titles[linked], np.asarray(namer.procurement(
        p_kind[with_plan:], p_wt[with_plan:], p_didx[with_plan:], np.asarray(ag.names)[p_agency[with_plan:]],
        ag.category(rng, p_agency[with_plan:]), p_years), dtype=object)])
    p_est = np.concatenate([est[linked] * rng.uniform(0.9, 1.15, with_plan), _amounts(
        rng, p_kind[with_plan:], np.ones(free, dtype=bool))]) // 1_000_000 * 1_000_000
    p_ids = _dated_ids("PL-", p_month_day)
    p_method = np.concatenate([method[linked], c.pick(rng, ["open", "restricted", "designated",
                                                            "sole_source"], free, [0.6, 0.15, 0.1, 0.15])])

    contract_ids = _dated_ids("C-", signed * 10)
    notice_of = np.full(n, "", dtype=object)
    comp_idx = np.flatnonzero(competitive)
    notice_of[comp_idx] = notice_ids[notice_of_c[comp_idx]]
    firm = np.empty(n, dtype=np.int64)
    alone = plain < n_cn  # undivided notices with a contract: the first units
    firm[con[plain[alone]]] = u_firm[:len(plain)][alone]
    firm[lotted] = u_firm[len(plain):]
    c_method = np.full(n, "sole_source", dtype=object)
    c_method[comp_idx] = method[notice_of_c[comp_idx]]
    sole = np.flatnonzero(~competitive)
    for w in np.unique(wt[sole]):
        m = sole[wt[sole] == w]
        pool = comp.pool(w)
        firm[m] = pool[np.floor(len(pool) * rng.random(len(m)) ** 1.5).astype(np.int64)]
    tables = {
        "procurement_plans": {
            "plan_id": p_ids, "agency": np.asarray(ag.names, dtype=object)[p_agency], "title": p_title,
            "kind": p_kind, "method": p_method,
            "estimated_amount": c.num(np.maximum(p_est, 1_000_000)),
            "planned_month": c.iso_month(p_month_day)},
        "bid_notices": {
            "notice_id": notice_ids,
            "plan_id": np.where(plan_of >= 0, p_ids[np.maximum(plan_of, 0)], "").astype(object),
            "agency": np.asarray(ag.names, dtype=object)[n_agency], "title": n_titles, "kind": n_kind,
            "method": method, "estimated_price": c.num(est),
            "eligibility": np.asarray([f.format(i=industry_of[w])
                                       for f, w in zip(elig_form, n_wt, strict=True)], dtype=object),
            "published_at": c.iso_datetime(published, pub_min),
            "deadline": c.iso_datetime(opening, np.full(nn, 600)),
            "opening_at": c.iso_datetime(opening, np.full(nn, 660))},
        "bid_results": results,
        "contracts": {
            "contract_id": contract_ids, "notice_id": notice_of,
            "lot_id": np.where(lots.lot > 0, lots.lot.astype(str), "").astype(object),
            "agency": np.asarray(ag.names, dtype=object)[agency], "title": titles, "kind": kind,
            "method": c_method,
            "work_type": wt, "company_id": comp.written[firm], "amount": c.num(amount),
            "signed_at": c.iso(signed), "start_date": c.iso(start), "end_date": c.iso(end),
            "project_id": np.full(n, "", dtype=object),  # filled in by the projects
            "tenderers": np.full(n, "", dtype=object),  # the sample publishes every bid instead
            "officer_phone": c.phones(rng, n, "02")},
        "contract_amendments": amendments(rng, contract_ids[n_pc:], signed[n_pc:], end[n_pc:], amount[n_pc:],
                                          kind[n_pc:] != "goods"),
    }
    return Procurement(tables, contract_ids, signed, start, end, amount, firm, agency)
