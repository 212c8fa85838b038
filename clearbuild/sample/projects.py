"""Allimi projects: where, what, who orders them, and their life from contract to completion.

A project is drawn before procurement (its name and budget become its works contract's) and
finished after it: its dates come from the contract, its delays from its design changes, and
its status from those dates against the export date, so no project is "completed" with no end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..schema import CATEGORY
from . import common as c
from .agencies import Agencies
from .names import Namer
from .places import Geo, addresses, place, spread
from .procurement import Needs, Procurement

CATEGORY_SHARE = (0.25, 0.05, 0.15, 0.08, 0.10, 0.10, 0.05, 0.06, 0.10, 0.06)  # order of schema.CATEGORY
MEDIAN_BUDGET = {"road": 1.2e9, "bridge": 4e9, "building": 8e9, "water": 1.5e9, "sewer": 2e9, "park": 1e9,
                 "river": 3e9, "rail": 5e9, "school": 3e9, "other": 0.8e9}
DEPARTMENT = {"road": "도로과", "bridge": "도로시설과", "building": "건축과", "water": "상수도과",
              "sewer": "치수과", "park": "공원녹지과", "river": "하천관리과", "rail": "시설처",
              "school": "시설과", "other": "시설관리과"}
NOTES = ("내부메모: 감사 지적사항 후속 조치 확인 필요", "내부메모: 민원인 연락처 별도 관리",
         "내부메모: 예산 전용 협의 중", "내부메모: 시공사 벌점 부과 검토")


@dataclass
class Skeleton:
    ids: np.ndarray
    district_idx: np.ndarray
    agency_idx: np.ndarray
    category: np.ndarray
    names: list[str]
    lat: np.ndarray
    lon: np.ndarray
    dong: np.ndarray
    budget: np.ndarray
    contracted: np.ndarray
    tendering: np.ndarray

    def needs(self) -> Needs:
        return Needs(self.agency_idx, self.names, self.budget, self.district_idx, self.category,
                     self.contracted, self.tendering)


def skeleton(g: Geo, rng: np.random.Generator, ag: Agencies, namer: Namer, n: int) -> Skeleton:
    didx = spread(rng, n, len(g.codes))
    category = c.pick(rng, CATEGORY, n, CATEGORY_SHARE)
    agency = didx.copy()  # the district office (agencies 0..24 are the districts, in code order)
    city = np.flatnonzero(np.asarray(ag.home) < 0)
    by_cat = {cat: [a for a in city if cat in ag.categories[a]] or list(city) for cat in CATEGORY}
    use_city = rng.random(n) < 0.45
    r = rng.integers(0, 1 << 20, n)
    for i in np.flatnonzero(use_city):
        options = by_cat[category[i]]
        agency[i] = options[r[i] % len(options)]
    lat, lon, dong = place(g, rng, didx)
    budget = np.array([MEDIAN_BUDGET[k] for k in category]) * rng.lognormal(0.0, 0.8, n)
    budget = (np.clip(budget, 5e7, 5e11) // 1000 * 1000).astype(np.int64)
    phase = rng.random(n)
    contracted, tendering = phase < 0.85, (phase >= 0.85) & (phase < 0.91)
    names = namer.projects(category, didx, dong)
    return Skeleton(c.ids("P-", n), didx, agency, category, names, lat, lon, dong, budget,
                    contracted, tendering)


@dataclass
class Life:
    """Each project's dates and status (day numbers; -1 where not applicable)."""

    contract: np.ndarray  # index into Procurement's contracts, -1 without one
    start: np.ndarray
    planned_end: np.ndarray
    actual_end: np.ndarray
    stop: np.ndarray  # last day with activity: actual end, else the export date
    status: np.ndarray
    started: np.ndarray


def life(rng: np.random.Generator, sk: Skeleton, proc: Procurement, days_added: np.ndarray,
         last_change: np.ndarray) -> Life:
    """Dates and status from the contract, the design changes' added days and the export date."""
    n = len(sk.ids)
    as_of = c.day(c.AS_OF)
    contract = np.full(n, -1, dtype=np.int64)
    contract[sk.contracted] = np.arange(int(sk.contracted.sum()))
    has = contract >= 0
    start = np.where(has, proc.start[np.maximum(contract, 0)], as_of + rng.integers(20, 120, n))
    planned_end = np.where(has, proc.end[np.maximum(contract, 0)], start + rng.integers(180, 720, n))
    slip = np.where(rng.random(n) < 0.6, 0, np.where(rng.random(n) < 0.8, rng.integers(1, 60, n),
                                                         -rng.integers(0, 20, n)))
    actual = np.maximum(planned_end + days_added + slip, last_change + 1)
    started = has & (start <= as_of)
    done = started & (actual <= as_of)
    status = np.where(sk.tendering, "tendering", "planned").astype(object)
    status[started] = np.where(rng.random(int(started.sum())) < 0.04, "suspended", "in_progress")
    status[done] = "completed"
    actual = np.where(done, actual, -1)
    stop = np.where(done, actual, as_of)
    return Life(contract, start, planned_end, actual, stop, status, started)


def table(g: Geo, rng: np.random.Generator, sk: Skeleton, lf: Life, ag: Agencies, namer: Namer,
          proc: Procurement, supervisors: np.ndarray) -> dict[str, c.Col]:
    n = len(sk.ids)
    has = lf.contract >= 0
    officials = c.person_names(rng, n)
    inspector = [f"{DEPARTMENT[k]} {p} 주무관" for k, p in zip(sk.category, officials, strict=True)]
    sup = np.where(has, supervisors[rng.integers(0, len(supervisors), n)], "").astype(object)
    sup[~has] = np.asarray([ag.names[a] + " " + DEPARTMENT[k] for a, k in
                            zip(sk.agency_idx[~has], sk.category[~has], strict=True)], dtype=object)
    return {
        "project_id": sk.ids, "name": np.asarray(sk.names, dtype=object),
        "agency": np.asarray(ag.names, dtype=object)[sk.agency_idx], "category": sk.category,
        "district_code": np.asarray(g.codes, dtype=object)[sk.district_idx], "dong_code": sk.dong,
        "address": addresses(g, rng, sk.district_idx, sk.dong, road_share=0.5),
        "lat": c.coord(sk.lat), "lon": c.coord(sk.lon), "budget": c.num(sk.budget),
        "contract_id": np.where(has, proc.contract_ids[np.maximum(lf.contract, 0)], "").astype(object),
        "start_date": c.iso(lf.start), "planned_end_date": c.iso(lf.planned_end),
        "actual_end_date": c.iso(lf.actual_end, lf.actual_end >= 0), "status": lf.status,
        "supervisor": sup, "inspector": np.asarray(inspector, dtype=object),
        "description": np.asarray(namer.descriptions(sk.names, sk.category), dtype=object),
        "supervisor_phone": c.phones(rng, n),
        "internal_note": np.where(rng.random(n) < 0.3, c.pick(rng, NOTES, n), "").astype(object),
    }
