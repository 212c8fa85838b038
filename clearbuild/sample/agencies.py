"""The 49 ordering agencies: 25 district offices and 24 city departments, corporations, institutes.

A district office builds in its own district; the city-level ones build anywhere, and each
leans to the kinds of works it is responsible for (water for 상수도사업본부, rail for 서울교통공사).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..schema import CATEGORY
from .places import Geo
from .vocab import CITY_AGENCIES

DISTRICT_CATEGORIES = ("road", "road", "park", "sewer", "building", "other", "school")
# How many contracts an agency signs, relative to a district office.
WEIGHT = {"district": 1.0, "city": 1.2, "corporation": 1.5, "institute": 0.5,
          "서울교통공사": 4.0, "서울주택도시공사": 3.0, "서울시설공단": 2.0}


@dataclass(frozen=True)
class Agencies:
    names: tuple[str, ...]
    kinds: tuple[str, ...]  # district, city, corporation, institute
    home: tuple[int, ...]  # district index of a district office, -1 for city-wide agencies
    categories: tuple[tuple[str, ...], ...]

    def weights(self) -> np.ndarray:
        w = np.array([WEIGHT.get(n, WEIGHT[k]) for n, k in zip(self.names, self.kinds, strict=True)])
        return w / w.sum()

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(len(self.names), size=n, p=self.weights())

    def districts(self, rng: np.random.Generator, agency_idx: np.ndarray, k: int) -> np.ndarray:
        """Where each agency's record is: its own district, or anywhere for city-wide agencies."""
        home = np.asarray(self.home)[agency_idx]
        return np.where(home >= 0, home, rng.integers(0, k, len(agency_idx)))

    def category(self, rng: np.random.Generator, agency_idx: np.ndarray) -> np.ndarray:
        """A category of works the agency plausibly orders (mostly its own, sometimes any)."""
        r = rng.integers(0, 1 << 20, len(agency_idx))
        anyc = rng.random(len(agency_idx)) < 0.15
        return np.array([CATEGORY[x % len(CATEGORY)] if a else self.categories[i][x % len(self.categories[i])]
                         for i, x, a in zip(agency_idx, r, anyc, strict=True)], dtype=object)


def make(g: Geo) -> Agencies:
    names, kinds, home, cats = [], [], [], []
    for k, code in enumerate(g.codes):
        names.append(g.districts[code].name + "청")  # 강남구 -> 강남구청
        kinds.append("district")
        home.append(k)
        cats.append(DISTRICT_CATEGORIES)
    for name, kind, categories in CITY_AGENCIES:
        names.append(name)
        kinds.append(kind)
        home.append(-1)
        cats.append(categories)
    return Agencies(tuple(names), tuple(kinds), tuple(home), tuple(cats))
