"""What supervisors record on site: design changes, monthly progress and inspections.

Design changes are also the amendments of the project's works contract (설계변경 -> 변경계약),
so the Allimi page and the contract page tell the same story with the same amounts.
"""

from __future__ import annotations

import numpy as np

from . import common as c
from .projects import Life, Skeleton
from .vocab import CHANGE_REASONS, FINDINGS, LAG_NOTES, PASS_NOTES


def change_orders(rng: np.random.Generator, sk: Skeleton, start: np.ndarray, end: np.ndarray,
                  amount: np.ndarray, contract_ids: np.ndarray
                  ) -> tuple[dict[str, c.Col], dict[str, c.Col], np.ndarray, np.ndarray]:
    """Change orders and the matching contract amendments; days added and last change per project.

    ``start``, ``end``, ``amount`` and ``contract_ids`` are per contracted project, in project order.
    """
    n = len(sk.ids)
    pidx = np.flatnonzero(sk.contracted)
    m = len(pidx)
    as_of = c.day(c.AS_OF)
    count = c.pick(rng, ["0", "1", "2", "3"], m, [0.6, 0.25, 0.1, 0.05]).astype(np.int64)
    span = np.maximum(1, ((end - start) * 0.8).astype(np.int64))
    ci, k = c.runs(count)
    q = len(ci)
    # Dates spread over the first 80% of the works, in order.
    frac = np.sort(rng.random(q) + ci * 2.0) - ci * 2.0
    date = start[ci] + (frac * span[ci]).astype(np.int64) + k  # + k keeps same-day changes apart
    big = rng.random(q) < 0.15  # overruns of more than 10% are what auditors look for
    factor = np.where(big, rng.uniform(1.10, 1.40, q), rng.uniform(0.95, 1.09, q))
    cum = np.exp(c.run_cumsum(np.log(factor), ci, k))
    after = (np.floor(amount[ci] * cum / 1000) * 1000).astype(np.int64)
    before = np.where(k == 0, amount[ci], np.r_[0, after[:-1]])
    days = np.where(rng.random(q) < 0.5, 0, rng.integers(10, 121, q))
    end_after = end[ci] + c.run_cumsum(days, ci, k)
    reason = c.reasons(rng, CHANGE_REASONS, before, after)
    keep = date <= as_of
    added = np.zeros(n, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    np.add.at(added, pidx[ci[keep]], days[keep])
    np.maximum.at(last, pidx[ci[keep]], date[keep])
    ci, k, date, before, after, days, end_after, reason = (
        a[keep] for a in (ci, k, date, before, after, days, end_after, reason))
    orders = {
        "change_id": c.ids("CO-", len(ci)), "project_id": sk.ids[pidx[ci]], "date": c.iso(date),
        "reason": reason, "amount_before": c.num(before), "amount_after": c.num(after),
        "days_added": c.num(days),
    }
    amendments = {
        "contract_id": contract_ids[ci], "date": c.iso(date), "seq": c.num(k + 1),
        "amount_before": c.num(before), "amount_after": c.num(after),
        "end_before": c.iso(end_after - days), "end_after": c.iso(end_after), "reason": reason,
    }
    return orders, amendments, added, last


def month_ends(start: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows (project index, date) for every month end after start and before stop, then stop."""
    m0 = start.astype("datetime64[D]").astype("datetime64[M]")
    m1 = stop.astype("datetime64[D]").astype("datetime64[M]")
    months = np.maximum(0, (m1 - m0).astype(np.int64))
    pi, k = c.runs(months + 1)
    last_row = k == months[pi]
    ends = ((m0[pi] + k + 1).astype("datetime64[D]") - 1).astype(np.int64)
    date = np.where(last_row, stop[pi], ends)
    keep = (date >= start[pi]) & (last_row | (ends < stop[pi]))
    return pi[keep], k[keep], date[keep]


def s_curve(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return 100.0 * (3 * t**2 - 2 * t**3)


def progress(rng: np.random.Generator, sk: Skeleton, lf: Life) -> dict[str, c.Col]:
    idx = np.flatnonzero(lf.started)
    start, stop = lf.start[idx], lf.stop[idx]
    pi, _, date = month_ends(start, stop)
    p = idx[pi]
    planned = s_curve((date - lf.start[p]) / np.maximum(1, lf.planned_end[p] - lf.start[p]))
    r = rng.random(len(idx))  # most on schedule, a quarter lagging, a few ahead
    lag = np.where(r < 0.7, rng.uniform(0.97, 1.0, len(idx)),
                   np.where(r < 0.95, rng.uniform(0.6, 0.9, len(idx)), 1.04))[pi]
    done = lf.actual_end[p] >= 0
    actual = np.where(done, s_curve((date - lf.start[p]) / np.maximum(1, lf.actual_end[p] - lf.start[p])),
                      np.minimum(planned * lag, 99.0))
    lagging = planned - actual >= 10
    note = np.where(lagging & (rng.random(len(p)) < 0.3), c.pick(rng, LAG_NOTES, len(p)), "")
    note = np.where(lf.status[p] == "suspended", "공사 일시중지", note)
    return {"project_id": sk.ids[p], "date": c.iso(date), "planned_pct": np.char.mod("%.1f", planned),
            "actual_pct": np.char.mod("%.1f", actual), "note": note.astype(object)}


def inspections(rng: np.random.Generator, sk: Skeleton, lf: Life) -> dict[str, c.Col]:
    idx = np.flatnonzero(lf.started)
    months = np.maximum(1, (lf.stop[idx] - lf.start[idx]) // 30)
    count = 1 + np.minimum(7, rng.poisson(months / 4))
    pi, _ = c.runs(count)
    p = idx[pi]
    date = lf.start[p] + (rng.random(len(p)) * (lf.stop[p] - lf.start[p])).astype(np.int64)
    kind = c.pick(rng, ["safety", "quality"], len(p), [0.6, 0.4])
    done = np.flatnonzero(lf.actual_end[idx] >= 0)  # a completion inspection for every finished project
    p = np.concatenate([p, idx[done]])
    date = np.concatenate([date, np.minimum(lf.actual_end[idx[done]] + rng.integers(0, 15, len(done)),
                                            c.day(c.AS_OF))])
    kind = np.concatenate([kind, np.full(len(done), "completion", dtype=object)])
    order = np.lexsort((date, p))
    p, date, kind = p[order], date[order], kind[order]
    q = len(p)
    result = c.pick(rng, ["pass", "conditional", "fail"], q, [0.8, 0.12, 0.08])
    one, two = c.pick(rng, FINDINGS, q), c.pick(rng, FINDINGS, q)
    two_findings = rng.random(q) < 0.4
    findings = np.where(result == "pass", c.pick(rng, PASS_NOTES, q),
                        np.where(two_findings & (one != two), np.char.add(np.char.add(one.astype(str), "; "),
                                                                          two.astype(str)), one))
    return {"inspection_id": c.ids("INS-", q, 6), "project_id": sk.ids[p], "date": c.iso(date), "kind": kind,
            "result": result, "findings": findings.astype(object), "inspector_phone": c.phones(rng, q)}
