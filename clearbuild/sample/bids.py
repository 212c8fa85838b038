"""Bid openings (every bidder, ranked, one winner per lot) and contract amendments, as whole columns.

At Seoul's size this is the largest table (44,000 notices × up to 12 bids), so bidders are
chosen arithmetically: a start and a stride into the pool of firms of the notice's kind of
work gives up to 12 distinct firms per notice without a Python loop per bid.
"""

from __future__ import annotations

import numpy as np

from . import common as c
from .companies import Companies
from .vocab import AMEND_REASONS, DISQUALIFY

AWARD, FAILED, OPEN = 1, 2, 3


def bid_results(rng: np.random.Generator, comp: Companies, notice_ids: np.ndarray, work_type: np.ndarray,
                est: np.ndarray, win_amount: np.ndarray, state: np.ndarray, lot_ids: np.ndarray,
                lot_titles: np.ndarray) -> tuple[dict[str, c.Col], np.ndarray]:
    """Bid results of every tender, and the winning company (index, -1 if none) per tender. A
    tender is a notice, or one lot of a notice divided into lots (lot_ids "" otherwise): each is
    bid, ranked and won on its own."""
    n = len(notice_ids)
    award, failed = state == AWARD, state == FAILED
    nb = np.zeros(n, dtype=np.int64)
    single = rng.random(n) < 0.04  # occasionally only one firm bids
    nb[award] = np.where(single, 1, 2 + rng.binomial(10, 0.35, n))[award]
    nb[failed] = np.where(rng.random(n) < 0.4, 0, rng.integers(1, 4, n))[failed]
    pools = {w: comp.pool(w) for w in np.unique(work_type)}
    size = np.array([len(pools[w]) for w in work_type], dtype=np.int64)
    nb = np.minimum(nb, size)
    # Skewed start: a few firms bid (and win) much more often than most, as in real markets.
    start = np.floor(size * rng.random(n) ** 1.5).astype(np.int64)
    stride = 1 + np.floor(rng.random(n) * np.maximum(1, size // 12)).astype(np.int64)
    nidx, k = c.runs(nb)
    total = len(nidx)
    firm = np.zeros(total, dtype=np.int64)
    for w, pool in pools.items():
        m = work_type[nidx] == w
        firm[m] = pool[(start[nidx[m]] + k[m] * stride[nidx[m]]) % len(pool)]
    winner = award[nidx] & (k == 0)
    disq = ~winner & ((rng.random(total) < 0.08) | failed[nidx])
    e = est[nidx].astype(float)
    w_amt = win_amount[nidx].astype(float)
    amount = np.where(winner, w_amt, np.where(disq, e * rng.uniform(0.80, 1.0, total),
                                              w_amt + (e - w_amt) * rng.uniform(0.02, 1.0, total)))
    amount = np.floor(amount).astype(np.int64)
    amount[winner] = win_amount[nidx][winner]
    # Rank among valid bids by amount: the winner is the lowest valid bid, rank 1.
    rank = np.zeros(total, dtype=np.int64)
    vi = np.flatnonzero(~disq)
    order = vi[np.lexsort((amount[vi], nidx[vi]))]
    if len(order):
        g = nidx[order]
        first = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
        run_start = np.repeat(first, np.diff(np.r_[first, len(g)]))
        rank[order] = np.arange(len(order)) - run_start + 1
    win_firm = np.full(n, -1, dtype=np.int64)
    win_firm[nidx[winner]] = firm[winner]
    cols: dict[str, c.Col] = {
        "notice_id": notice_ids[nidx],
        "lot_id": np.asarray(lot_ids, dtype=object)[nidx],
        "lot_title": np.asarray(lot_titles, dtype=object)[nidx],
        "company_id": comp.written[firm],
        "bid_amount": c.num(amount),
        "rank": c.num(rank, ~disq),
        "winner": c.flag(winner),
        "disqualified_reason": np.where(disq, c.pick(rng, DISQUALIFY, total), "").astype(object),
    }
    return cols, win_firm


def amendments(rng: np.random.Generator, contract_ids: np.ndarray, signed: np.ndarray, end: np.ndarray,
               amount: np.ndarray, eligible: np.ndarray, share: float = 0.12) -> dict[str, c.Col]:
    """Changes of amount and end date after signing, in date order, numbered 1, 2, 3 per contract."""
    n = len(contract_ids)
    count = np.where(eligible & (rng.random(n) < share), rng.integers(1, 4, n), 0)
    ci, k = c.runs(count)
    m = len(ci)
    # Dated in order while the contract runs (a contract is amended before it ends).
    frac = np.sort(rng.uniform(0.05, 0.95, m) + ci * 2.0) - ci * 2.0
    date = signed[ci] + (frac * (end[ci] - signed[ci])).astype(np.int64) + k
    big = rng.random(m) < 0.12  # some amendments overrun by more than 10%
    factor = np.where(big, rng.uniform(1.10, 1.35, m), rng.uniform(0.96, 1.08, m))
    cum = np.exp(c.run_cumsum(np.log(factor), ci, k))
    after = np.floor(amount[ci] * cum / 1000).astype(np.int64) * 1000
    before = np.where(k == 0, amount[ci], np.r_[0, after[:-1]])
    days = np.where(rng.random(m) < 0.4, 0, rng.integers(15, 150, m))
    end_after = end[ci] + c.run_cumsum(days, ci, k)
    end_before = end_after - days
    keep = date <= c.day(c.AS_OF)  # dates increase per contract, so this drops a suffix
    ci, k = ci[keep], k[keep]
    return {
        "contract_id": contract_ids[ci],
        "date": c.iso(date[keep]),
        "seq": c.num(k + 1),
        "amount_before": c.num(before[keep]), "amount_after": c.num(after[keep]),
        "end_before": c.iso(end_before[keep]), "end_after": c.iso(end_after[keep]),
        "reason": c.reasons(rng, AMEND_REASONS, before[keep], after[keep]),
    }
