"""Place names of the deployment's areas in both scripts, for search and the "near me" gazetteer.

The boundary files carry each area's Korean name and its official romanisation (``name_eng``,
KOSTAT: 양천구 Yangcheon-gu, 목1동 Mok 1(il)-dong). People do not type numbered
neighbourhoods: they say 목동 / Mokdong for 목1동 … 목5동, so every numbered neighbourhood also
answers to its base name in both scripts (``aliases``). Nothing is romanised here by rule: names
without an official romanisation in the boundary file stay Korean only.

``CB_NEIGHBOURHOODS`` names the neighbourhood (dong) boundary file (False: none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import config, geo

# 목1동, 신정4동, 면목3·8동 -> 목동, 신정동, 면목동 (digits and their separators before 동/가).
_KO_NUM = re.compile(r"(?<=[가-힣])[0-9·.,]+(?=(동|가)$)")
# Mok 1(il)-dong, Myeonmok3·8-dong -> Mok-dong, Myeonmok-dong.
_EN_NUM = re.compile(r"\s*[0-9][0-9·.,]*(\([a-z]+\))?(?=-(dong|ga)$)", re.I)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    name_eng: str
    lat: float
    lon: float
    kind: str  # district | neighbourhood


def aliases(name: str, name_eng: str = "") -> list[str]:
    """Every written form of an area, distinct, in a fixed order: the names as given, the base
    name without its number (both scripts), and the romanised base name without its hyphen."""
    out = [name, _KO_NUM.sub("", name)]
    if name_eng:
        base = _EN_NUM.sub("", name_eng)
        out += [name_eng, base, base.replace("-", ""), base.replace("-", " ")]
    return list(dict.fromkeys(s.strip() for s in out if s.strip()))


def _centroid(area: geo.District) -> tuple[float, float]:
    """Area-weighted centroid of the area's largest outer ring (lat, lon), 6 decimals."""
    best: tuple[float, float, float] = (0.0, 0.0, 0.0)
    for poly in area.polygons:
        ring = poly[0]
        a = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            a += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if a and abs(a) > abs(best[0]):
            best = (a, cy / (3 * a), cx / (3 * a))
    if not best[0]:
        s, w, n, e = area.bbox
        return round((s + n) / 2, 6), round((w + e) / 2, 6)
    return round(best[1], 6), round(best[2], 6)


@lru_cache(maxsize=8)
def _load(path: str, kind: str) -> tuple[dict[str, geo.District], dict[str, Area]]:
    found = geo.load_districts(path)
    return found, {c: Area(c, d.name, d.name_eng, *_centroid(d), kind) for c, d in found.items()}


def _file(settings: dict[str, Any], name: str) -> str | None:
    value = config.setting(settings, name)
    return str(config.resolve(value)) if value else None


def districts(settings: dict[str, Any]) -> dict[str, Area]:
    path = _file(settings, "CB_BOUNDARIES")
    return _load(path, "district")[1] if path else {}


def neighbourhoods(settings: dict[str, Any]) -> dict[str, Area]:
    path = _file(settings, "CB_NEIGHBOURHOODS")
    return _load(path, "neighbourhood")[1] if path else {}


def neighbourhood_shapes(settings: dict[str, Any]) -> dict[str, geo.District]:
    path = _file(settings, "CB_NEIGHBOURHOODS")
    return _load(path, "neighbourhood")[0] if path else {}


def names(settings: dict[str, Any]) -> dict[str, str]:
    """code -> every written form of that district or neighbourhood, space-joined (search text)."""
    out = {}
    for table in (districts(settings), neighbourhoods(settings)):
        for code, a in table.items():
            out[code] = " ".join(aliases(a.name, a.name_eng))
    return out
