"""The company map's data: one marker file per district, loaded only when that district is shown.

Why per district: 61,000 companies inlined would make a 10 MB page; a district file is ~400 KB
and is loaded by a <script> tag (works from file://). Markers use cb_maps' columnar format
(``{"cols": [...], "rows": [...]}`` in ``window.CB_MAPDATA[key]``) so cbmap.js draws and filters
them; when cb_maps is not enabled the same format is written here and the page keeps its lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from clearbuild import urls

from .model import Chain, Record

DATA_DIR = "static/mapdata"
OTHER = "other"  # companies whose district is unknown


def marker(c: Record, district: str) -> dict[str, Any]:
    return {"id": c["company_id"], "lat": c.get("lat"), "lon": c.get("lon"), "title": c["name"],
            "url": urls.record_path("companies", c["company_id"]), "industry": c.get("industry") or "",
            "district": district, "small_business": bool(c.get("small_business")),
            "disabled_owned": bool(c.get("disabled_owned")), "startup": bool(c.get("startup"))}


def _encode(markers: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """cb_maps' columnar form, for builds without cb_maps (same columns, same order)."""
    rows_in = list(markers)
    cols = ["id", "lat", "lon", "title", "url"]
    cols += sorted({k for m in rows_in for k in m if k not in cols})
    rows = [[m.get(k) for k in cols] for m in rows_in
            if isinstance(m.get("lat"), float) and isinstance(m.get("lon"), float)]
    for r in rows:
        r[1], r[2] = round(r[1], 6), round(r[2], 6)
    return {"cols": cols, "rows": rows}


@dataclass
class DistrictSet:
    code: str  # district code or OTHER
    companies: list[Record]  # all of the district's companies, by name (the page's list)
    # cb_maps' ``encode_markers`` (or ``_encode``): the markers are made each time they are
    # needed (the page's descriptor, the district's file) and let go, not held between. Why:
    # held from the queueing to the district files' writing, ~20 MB of markers at Seoul's size
    # were let go among objects that live through the render, leaving holes in Python's arenas.
    encode: Callable[[Iterable[dict[str, Any]]], dict[str, Any]] = field(default=_encode, repr=False,
                                                                       compare=False)

    def encoded(self) -> dict[str, Any]:
        """The district's markers (those with coordinates), in cb_maps' columnar form."""
        return self.encode([marker(c, self.code) for c in self.companies])

    @property
    def key(self) -> str:
        return f"companies-{self.code}"

    @property
    def src(self) -> str:
        return f"{DATA_DIR}/{self.key}.js"

    def descriptor(self, label: str) -> dict[str, Any]:
        rows = self.encoded()["rows"]
        bounds = None
        if rows:
            lats, lons = [r[1] for r in rows], [r[2] for r in rows]
            bounds = [[min(lats), min(lons)], [max(lats), max(lons)]]
        return {"key": self.key, "src": self.src, "label": label, "count": len(rows), "bounds": bounds,
                "code": self.code}


def district_sets(ch: Chain, known: Iterable[str], maps: dict[str, Any] | None) -> list[DistrictSet]:
    """Companies by district: their district_code when it is a known district, else the district
    their coordinates fall in (cb_maps' district_at), else OTHER. Sorted, so files are stable."""
    codes = set(known)
    locate: Callable[[Any, Any], str | None] | None = (maps or {}).get("district_at")
    encode = (maps or {}).get("encode_markers") or _encode
    groups: dict[str, list[Record]] = {}
    for c in ch.companies.values():
        code = c.get("district_code") or ""
        if code not in codes and locate and c.get("lat") is not None and c.get("lon") is not None:
            code = locate(c["lat"], c["lon"]) or ""
        groups.setdefault(code if code in codes else OTHER, []).append(c)
    out = []
    for code in sorted(groups):
        rows = sorted(groups[code], key=lambda c: (c["name"], c["company_id"]))
        out.append(DistrictSet(code, rows, encode))
    return out


def data_source(maps: dict[str, Any] | None, key: str, encoded: dict[str, Any]) -> str:
    make = (maps or {}).get("data_file_source")
    if make:
        return make(key, encoded)
    from .jsdata import json_literal

    return ("window.CB_MAPDATA=window.CB_MAPDATA||{};"
            f"window.CB_MAPDATA[{json_literal(key)}]={json_literal(encoded)};\n")


def industries(ch: Chain) -> list[str]:
    return sorted({c["industry"] for c in ch.companies.values() if c.get("industry")})


def district_page_path(code: str) -> str:
    return f"companies/district/{code}/index.html"
