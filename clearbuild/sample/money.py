"""Subcontracts and payment claims (direct payment system): who was owed what, and when paid.

Most claims are paid within the 15 days the direct-payment rule allows, some late, a few not
at all; unpaid claims near the export date are simply still open. Payment rows come from a
different system than contracts, so they write business numbers as plain digits.
"""

from __future__ import annotations

import numpy as np

from . import common as c
from .agencies import Agencies
from .companies import Companies
from .projects import Life, Skeleton
from .vocab import BANKS, SUB_SCOPES

SPECIALTY = ("construction_works", "electrical_works", "telecom_works", "fire_works")
SCOPE_OF = {"electrical_works": "전기공사", "telecom_works": "정보통신공사", "fire_works": "소방설비공사"}


def subcontracts(rng: np.random.Generator, sk: Skeleton, lf: Life, comp: Companies,
                 contract_amount: np.ndarray) -> tuple[dict[str, c.Col], np.ndarray, np.ndarray]:
    """Subcontracts of started projects; also (project index, company index) per subcontract."""
    idx = np.flatnonzero(lf.started)
    count = np.minimum(5, rng.poisson(2.0, len(idx)))
    pi, _ = c.runs(count)
    p = idx[pi]
    q = len(p)
    trade = c.pick(rng, SPECIALTY, q, [0.6, 0.2, 0.1, 0.1])
    firm = np.zeros(q, dtype=np.int64)
    for w in SPECIALTY:
        m = trade == w
        pool = comp.pool(w)
        firm[m] = pool[rng.integers(0, len(pool), int(m.sum()))]
    scope = np.array([SCOPE_OF.get(w, "") for w in trade], dtype=object)
    other = scope == ""
    scope[other] = c.pick(rng, [s for s in SUB_SCOPES if s not in SCOPE_OF.values()], int(other.sum()))
    share = rng.uniform(0.05, 0.15, q)
    amount = (contract_amount[lf.contract[p]] * share // 1000 * 1000).astype(np.int64)
    cols = {"subcontract_id": c.ids("SC-", q), "project_id": sk.ids[p], "company_id": comp.written[firm],
            "scope": scope, "amount": c.num(amount)}
    return cols, p, firm


def payments(rng: np.random.Generator, sk: Skeleton, lf: Life, comp: Companies, ag: Agencies,
             contract_amount: np.ndarray, contractor: np.ndarray, sub_project: np.ndarray,
             sub_firm: np.ndarray) -> dict[str, c.Col]:
    """Claims of started projects: subcontractors, wages, equipment and materials."""
    idx = np.flatnonzero(lf.started)
    months = np.maximum(1, (lf.stop[idx] - lf.start[idx]) // 30)
    count = np.minimum(40, months * 2)
    pi, _ = c.runs(count)
    p = idx[pi]
    q = len(p)
    claim = lf.start[p] + (rng.random(q) * np.maximum(1, lf.stop[p] - lf.start[p])).astype(np.int64)
    order = np.lexsort((claim, p))  # ids in claim order within each project
    p, claim = p[order], claim[order]
    kind = c.pick(rng, ["subcontractor", "wages", "equipment", "materials"], q, [0.45, 0.3, 0.12, 0.13])
    payee = np.full(q, -1, dtype=np.int64)
    # A subcontractor claim names one of the project's own subcontractors; none: it is wages.
    order = np.argsort(sub_project, kind="stable")
    sp, sf = sub_project[order], sub_firm[order]
    lo, hi = np.searchsorted(sp, p, "left"), np.searchsorted(sp, p, "right")
    has_sub = hi > lo
    is_sub = (kind == "subcontractor") & has_sub
    kind[(kind == "subcontractor") & ~has_sub] = "wages"
    pick_i = lo + (rng.random(q) * np.maximum(1, hi - lo)).astype(np.int64)
    payee[is_sub] = sf[pick_i[is_sub]]
    for k, industry in (("equipment", "건설장비임대업"), ("materials", "건설자재유통업")):
        m = kind == k
        pool = comp.pool("goods", industry)
        payee[m] = pool[rng.integers(0, len(pool), int(m.sum()))]
    base = contract_amount[lf.contract[p]].astype(float)
    amount = base * np.where(kind == "wages", rng.uniform(0.002, 0.01, q), rng.uniform(0.005, 0.03, q))
    amount = (np.maximum(amount, 100_000) // 1000 * 1000).astype(np.int64)
    r = rng.random(q)
    delay = np.where(r < 0.8, rng.integers(2, 15, q), np.where(r < 0.92, rng.integers(16, 61, q), -1))
    paid = claim + delay
    is_paid = (delay >= 0) & (paid <= c.day(c.AS_OF))
    partial = is_paid & (rng.random(q) < 0.05)
    paid_amount = np.where(partial, (amount * rng.uniform(0.5, 0.95, q)) // 1000 * 1000, amount)
    direct = rng.random(q) < 0.5  # the agency pays directly, else the main contractor
    payer = np.where(direct, np.asarray(ag.names, dtype=object)[sk.agency_idx[p]],
                     comp.names[contractor[lf.contract[p]]])
    account = [f"{b} {x:03d}-{y:02d}-{z:06d}" for b, x, y, z in zip(
        c.pick(rng, BANKS, q), rng.integers(100, 1000, q), rng.integers(1, 100, q),
        rng.integers(0, 1_000_000, q), strict=True)]
    return {
        "payment_id": c.ids("PAY-", q, 6), "project_id": sk.ids[p], "payer": payer.astype(object),
        "payee_company_id": np.where(payee >= 0, comp.digits[np.maximum(payee, 0)], "").astype(object),
        "payee_kind": kind, "claim_date": c.iso(claim), "amount": c.num(amount),
        "paid_date": c.iso(paid, is_paid), "paid_amount": c.num(paid_amount, is_paid),
        "bank_account": np.asarray(account, dtype=object),
    }
