"""Boundaries of the deployment's areas (districts, neighbourhoods) and point-in-polygon tests.

Why not shapely: the sample generator and ingest only need "which area holds this point" and
"a random point inside this area", which ray casting does in a few lines, and a compiled GEOS
dependency is one more thing an offline archive machine must install. Polygons are kept as
plain tuples so a District is hashable, picklable and cheap to send to render workers.

Coordinates in GeoJSON are (lon, lat); every function here takes and returns (lat, lon), the
order people read and the export format uses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .schema import Region

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
DISTRICTS_FILE = GEO_DIR / "seoul_municipalities_geo_simple.json"
NEIGHBOURHOODS_FILE = GEO_DIR / "seoul_submunicipalities_geo_simple.json"

Ring = tuple[tuple[float, float], ...]  # closed or open ring of (lon, lat)
Polygon = tuple[Ring, ...]  # outer ring first, then holes


class UniformRng(Protocol):
    """Both random.Random and numpy.random.Generator have uniform(low, high)."""

    def uniform(self, a: float, b: float) -> float: ...


@dataclass(frozen=True)
class District:
    """One area of a boundary file: a district (gu) or a neighbourhood (dong)."""

    code: str
    name: str
    name_eng: str
    polygons: tuple[Polygon, ...]
    bbox: tuple[float, float, float, float]  # south, west, north, east

    def contains(self, lat: float, lon: float) -> bool:
        s, w, n, e = self.bbox
        if not (s <= lat <= n and w <= lon <= e):
            return False
        return any(point_in_polygon(lat, lon, poly) for poly in self.polygons)

    @property
    def parent_code(self) -> str:
        """A neighbourhood's district: KOSTAT codes nest (first 5 of 7 digits)."""
        return self.code[:5]


def _polygons(geometry: dict[str, Any], where: str) -> tuple[Polygon, ...]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        raw = [coords]
    elif kind == "MultiPolygon":
        raw = coords
    else:
        raise ValueError(f"{where}: geometry type {kind!r} is not Polygon or MultiPolygon")
    return tuple(tuple(tuple((float(x), float(y)) for x, y, *_ in ring) for ring in poly)
                 for poly in raw)


def _bbox(polygons: tuple[Polygon, ...]) -> tuple[float, float, float, float]:
    lons = [x for poly in polygons for x, _ in poly[0]]
    lats = [y for poly in polygons for _, y in poly[0]]
    return min(lats), min(lons), max(lats), max(lons)


def load_districts(path: str | Path = DISTRICTS_FILE) -> dict[str, District]:
    """code -> District from a GeoJSON FeatureCollection with properties code, name, name_eng.

    Works for the neighbourhood file too (same properties); sorted by code so every caller
    iterates the areas in the same order (deterministic output).
    """
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, District] = {}
    for i, feat in enumerate(data.get("features", [])):
        props = feat.get("properties") or {}
        where = f"{path.name}: feature {i}"
        if "code" not in props or "name" not in props:
            raise ValueError(f"{where}: properties need 'code' and 'name'")
        polys = _polygons(feat.get("geometry") or {}, where)
        code = str(props["code"])
        if code in out:  # one area split over two features: merge its parts
            polys = out[code].polygons + polys
        out[code] = District(code, str(props["name"]), str(props.get("name_eng", "")),
                             polys, _bbox(polys))
    return dict(sorted(out.items()))


def point_in_ring(lat: float, lon: float, ring: Ring) -> bool:
    """Even-odd ray casting: count edges crossed by a ray from the point towards +lon."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_polygon(lat: float, lon: float, polygon: Polygon) -> bool:
    """Inside the outer ring and in none of the holes."""
    if not polygon or not point_in_ring(lat, lon, polygon[0]):
        return False
    return not any(point_in_ring(lat, lon, hole) for hole in polygon[1:])


def district_of(lat: float, lon: float, districts: dict[str, District]) -> str | None:
    """Code of the first area (in code order) that holds the point, or None."""
    for code, d in districts.items():
        if d.contains(lat, lon):
            return code
    return None


def region_bbox(districts: dict[str, District], margin: float = 0.0) -> Region:
    """Bounding box of all areas plus a margin in degrees (the region ingest accepts)."""
    boxes = [d.bbox for d in districts.values()]
    if not boxes:
        raise ValueError("no areas to take a bounding box of")
    return Region(min(b[0] for b in boxes) - margin, min(b[1] for b in boxes) - margin,
                  max(b[2] for b in boxes) + margin, max(b[3] for b in boxes) + margin)


def random_point_in(district: District, rng: UniformRng, tries: int = 10_000) -> tuple[float, float]:
    """(lat, lon) uniformly inside the area: rejection sampling in its bounding box."""
    s, w, n, e = district.bbox
    for _ in range(tries):
        lat, lon = float(rng.uniform(s, n)), float(rng.uniform(w, e))
        if district.contains(lat, lon):
            return lat, lon
    raise ValueError(f"no point found inside area {district.code} after {tries} tries")


# Vectorised forms: the sample generator places 60,000+ companies, one Python loop per point
# and edge would take minutes.

def ring_contains_many(ring: Ring, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Even-odd ray casting over many points at once (same rule as point_in_ring)."""
    inside = np.zeros(lats.shape, dtype=bool)
    pts = np.asarray(ring, dtype=float)
    xs, ys = pts[:, 0], pts[:, 1]
    xj, yj = np.roll(xs, 1), np.roll(ys, 1)
    for k in range(len(xs)):
        xi, yi, xk, yk = xs[k], ys[k], xj[k], yj[k]
        if yi == yk:
            continue  # horizontal edge: never crossed by a horizontal ray (as in point_in_ring)
        crosses = ((yi > lats) != (yk > lats)) & (lons < (xk - xi) * (lats - yi) / (yk - yi) + xi)
        inside ^= crosses
    return inside


def contains_many(district: District, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Boolean mask of the points inside the area."""
    lats = np.asarray(lats, dtype=float)
    lons = np.asarray(lons, dtype=float)
    s, w, n, e = district.bbox
    out = np.zeros(lats.shape, dtype=bool)
    box = (lats >= s) & (lats <= n) & (lons >= w) & (lons <= e)
    if not box.any():
        return out
    la, lo = lats[box], lons[box]
    hit = np.zeros(la.shape, dtype=bool)
    for poly in district.polygons:
        inner = ring_contains_many(poly[0], la, lo)
        for hole in poly[1:]:
            inner &= ~ring_contains_many(hole, la, lo)
        hit |= inner
    out[box] = hit
    return out


def random_points_in(district: District, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n (lats, lons) uniformly inside the area, drawn in batches (rejection sampling)."""
    s, w, north, e = district.bbox
    lats: list[np.ndarray] = []
    lons: list[np.ndarray] = []
    have = 0
    for _ in range(1000):
        if have >= n:
            break
        batch = max(16, int((n - have) * 2.5))
        la = rng.uniform(s, north, batch)
        lo = rng.uniform(w, e, batch)
        ok = contains_many(district, la, lo)
        lats.append(la[ok])
        lons.append(lo[ok])
        have += int(ok.sum())
    if have < n:
        raise ValueError(f"could not place {n} points inside area {district.code}")
    return np.concatenate(lats)[:n], np.concatenate(lons)[:n]


def areas_of(lats: np.ndarray, lons: np.ndarray, areas: dict[str, District]) -> np.ndarray:
    """Code of the area holding each point ('' for none), vectorised; first area in code order wins."""
    lats = np.asarray(lats, dtype=float)
    lons = np.asarray(lons, dtype=float)
    out = np.full(lats.shape, "", dtype=object)
    free = np.ones(lats.shape, dtype=bool)
    for code, area in areas.items():
        if not free.any():
            break
        idx = np.flatnonzero(free)
        hit = contains_many(area, lats[idx], lons[idx])
        out[idx[hit]] = code
        free[idx[hit]] = False
    return out
