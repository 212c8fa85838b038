"""Where sample records are: points inside the real district polygons, their dong and address.

Rows are placed district by district with vectorised rejection sampling, so 61,000 companies
take well under a second and every point passes the same polygon test the tests apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .. import geo
from .vocab import CITY, ROADS


def dong_root(name: str) -> str:
    """The stem schools and parks are named after: 역삼1동 -> 역삼, 종로1·2·3·4가동 -> 종로, 창1동 -> 창동."""
    head = re.match(r"[^\d·]*", name).group(0)
    root = head[:-1] if head == name and head.endswith("동") else head
    if len(root) < 2:
        return head + "동" if head != name else name
    return root


@dataclass(frozen=True)
class Geo:
    districts: dict[str, geo.District]
    dongs: dict[str, geo.District]

    @property
    def codes(self) -> list[str]:
        return list(self.districts)

    def dongs_of(self, code: str) -> dict[str, geo.District]:
        return {k: v for k, v in self.dongs.items() if v.parent_code == code}

    def roads(self, code: str) -> tuple[str, ...]:
        return ROADS.get(code, (self.districts[code].name + "로",))


@lru_cache(maxsize=4)
def load(districts_file: str = str(geo.DISTRICTS_FILE),
         dongs_file: str = str(geo.NEIGHBOURHOODS_FILE)) -> Geo:
    dongs = geo.load_districts(dongs_file) if dongs_file and Path(dongs_file).exists() else {}
    return Geo(geo.load_districts(districts_file), dongs)


def spread(rng: np.random.Generator, n: int, k: int, weights: np.ndarray | None = None) -> np.ndarray:
    """n indices into k districts, every district used once before any repeats (when n >= k)."""
    first = rng.permutation(k)[: min(n, k)]
    p = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
    rest = rng.choice(k, size=max(0, n - k), p=p)
    return np.concatenate([first, rest]).astype(np.int64)


def place(g: Geo, rng: np.random.Generator, district_idx: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lat, lon and dong code ('' when no dong polygon holds the point) for each row's district."""
    n = len(district_idx)
    lats = np.zeros(n)
    lons = np.zeros(n)
    dongs = np.full(n, "", dtype=object)
    for k, code in enumerate(g.codes):
        rows = np.flatnonzero(district_idx == k)
        if not len(rows):
            continue
        la, lo = geo.random_points_in(g.districts[code], len(rows), rng)
        # 6 decimals (~10 cm) is what is written; test the rounded point, not the drawn one.
        la, lo = np.round(la, 6), np.round(lo, 6)
        inside = geo.contains_many(g.districts[code], la, lo)
        while not inside.all():  # a point rounded across the boundary: draw it again
            bad = np.flatnonzero(~inside)
            la2, lo2 = geo.random_points_in(g.districts[code], len(bad), rng)
            la[bad], lo[bad] = np.round(la2, 6), np.round(lo2, 6)
            inside = geo.contains_many(g.districts[code], la, lo)
        lats[rows], lons[rows] = la, lo
        dongs[rows] = geo.areas_of(la, lo, g.dongs_of(code))
    return lats, lons, dongs


def addresses(g: Geo, rng: np.random.Generator, district_idx: np.ndarray, dong_codes: np.ndarray,
              road_share: float = 0.6) -> list[str]:
    """Road-name addresses ('서울특별시 강남구 테헤란로 123') or lot addresses with the dong."""
    n = len(district_idx)
    use_road = rng.random(n) < road_share
    number = rng.integers(1, 400, n)
    sub = rng.integers(0, 30, n)
    which = rng.integers(0, 3, n)
    out = []
    for i in range(n):
        code = g.codes[district_idx[i]]
        dist = g.districts[code].name
        dong = g.dongs.get(dong_codes[i])
        if use_road[i] or dong is None:
            roads = g.roads(code)
            out.append(f"{CITY} {dist} {roads[which[i] % len(roads)]} {number[i]}")
        else:
            lot = f"{number[i]}-{sub[i]}" if sub[i] else f"{number[i]}"
            out.append(f"{CITY} {dist} {dong.name} {lot}")
    return out
