"""The boundaries: a self-registering .js file for Leaflet, and small static SVG maps.

Why SVG for record pages: Seoul has 2,600 project pages and 61,000 company pages. A Leaflet map on
each would cost a script load and a JSON block per page; instead each district gets one SVG file
(the city with that district filled), written once, and a record page carries only a ~300-byte
inline <svg> that shows that file plus a dot. No JavaScript, works offline and in print.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from html import escape
from typing import Any

from clearbuild.geo import point_in_ring

from .data import json_for_html

ALL = "all"  # name of the minimap file with no district highlighted
Ring = Sequence[Sequence[float]]


def _polygons(geometry: Mapping[str, Any]) -> Iterator[Sequence[Ring]]:
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["coordinates"]
    else:
        raise ValueError(f"cb_maps: boundary geometry {geometry['type']!r} is not a (Multi)Polygon")


def _inside(lon: float, lat: float, ring: Ring) -> bool:
    return point_in_ring(lat, lon, ring)  # one ray-casting implementation, in the core library


class Boundaries:
    """The deployment's districts, projected once to a fixed-width SVG frame."""

    def __init__(self, geojson: Mapping[str, Any], width: int = 320, pad: int = 4,
                 code_prop: str = "code"):
        self.geojson = geojson
        self.features: dict[str, Mapping[str, Any]] = {}
        self.boxes: dict[str, tuple[float, float, float, float]] = {}
        for f in geojson["features"]:
            code = str(f["properties"][code_prop])
            self.features[code] = f
            pts = [p for poly in _polygons(f["geometry"]) for ring in poly for p in ring]
            self.boxes[code] = (min(p[1] for p in pts), min(p[0] for p in pts),
                                max(p[1] for p in pts), max(p[0] for p in pts))
        if not self.features:
            raise ValueError("cb_maps: the boundaries file has no features")
        self.codes = sorted(self.features)
        s = min(b[0] for b in self.boxes.values())
        w = min(b[1] for b in self.boxes.values())
        n = max(b[2] for b in self.boxes.values())
        e = max(b[3] for b in self.boxes.values())
        self.box = (s, w, n, e)
        self.kx = math.cos(math.radians((s + n) / 2))  # local equirectangular: fine at city scale
        self.pad = pad
        self.scale = (width - 2 * pad) / ((e - w) * self.kx)
        self.width = width
        self.height = round((n - s) * self.scale + 2 * pad)

    def center(self) -> tuple[float, float]:
        s, w, n, e = self.box
        return (round((s + n) / 2, 6), round((w + e) / 2, 6))

    def bounds(self, code: str | None = None) -> list[list[float]] | None:
        """[[south, west], [north, east]] of a district (or of all); None for an unknown code."""
        if code is None:
            box = self.box
        elif str(code) in self.boxes:
            box = self.boxes[str(code)]
        else:
            return None
        return [[round(box[0], 6), round(box[1], 6)], [round(box[2], 6), round(box[3], 6)]]

    def district_at(self, lat: float, lon: float) -> str | None:
        """Code of the district containing the point (first match in code order), else None."""
        for code in self.codes:
            s, w, n, e = self.boxes[code]
            if not (s <= lat <= n and w <= lon <= e):
                continue
            for poly in _polygons(self.features[code]["geometry"]):
                if _inside(lon, lat, poly[0]) and not any(_inside(lon, lat, h) for h in poly[1:]):
                    return code
        return None

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        s, w, n, e = self.box
        return ((lon - w) * self.kx * self.scale + self.pad, (n - lat) * self.scale + self.pad)

    def _path(self, feature: Mapping[str, Any]) -> str:
        parts = []
        for poly in _polygons(feature["geometry"]):
            for ring in poly:
                pts = [self.xy(p[1], p[0]) for p in ring]
                parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts) + "Z")
        return "".join(parts)

    def svg(self, highlight: str | None = None) -> str:
        """A standalone SVG of the city, one district filled; loaded as an image, so it never runs."""
        paths = []
        for code in self.codes:
            on = code == highlight
            fill, stroke = ("#f6e05e", "#744210") if on else ("#edf2f7", "#a0aec0")
            paths.append(f'<path fill="{fill}" stroke="{stroke}" stroke-width="{1.5 if on else 0.8}" '
                         f'd="{self._path(self.features[code])}"/>')
        if highlight in self.features:  # draw the filled district last so its outline is on top
            paths.append(paths.pop(self.codes.index(highlight)))
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" '
                f'width="{self.width}" height="{self.height}">' + "".join(paths) + "</svg>\n")

    def minimap_files(self) -> dict[str, str]:
        """file name -> SVG text: one per district plus ``all.svg``."""
        out = {f"{ALL}.svg": self.svg(None)}
        out.update({f"{code}.svg": self.svg(code) for code in self.codes})
        return out

    def minimap(self, lat: Any, lon: Any, src_dir: str, district: str | None = None,
                label: str = "") -> str:
        """The per-page snippet: the district's SVG file as an image plus a dot; '' without coordinates.

        ``src_dir`` is the folder of the SVG files as seen from the page (root + static + geo/minimap).
        """
        try:
            lat_f, lon_f = float(lat), float(lon)
        except (TypeError, ValueError):
            return ""
        if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
            return ""
        code = str(district) if district is not None and str(district) in self.features else ALL
        x, y = self.xy(lat_f, lon_f)
        x = min(max(x, 0.0), self.width)
        y = min(max(y, 0.0), self.height)
        w, h = self.width, self.height
        return (f'<svg class="cbminimap" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
                f'aria-label="{escape(label)}"><image href="{escape(src_dir)}{code}.svg" width="{w}" '
                f'height="{h}"/><circle cx="{x:.1f}" cy="{y:.1f}" r="5"/></svg>')

    def data_js(self, key: str) -> str:
        """The GeoJSON as a .js file registering itself in window.CB_GEO (works from file://).

        Coordinates are rounded to 6 decimals (0.1 m): the file shrinks by a third.
        """
        return (f"window.CB_GEO=window.CB_GEO||{{}};window.CB_GEO[{json_for_html(key)}]="
                f"{json_for_html(_rounded(self.geojson))};\n")


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value
