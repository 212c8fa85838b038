"""Marker data as JSON that can sit in HTML or in a self-registering .js file and never run.

Why a module of its own: this is the security boundary of the maps. Record text (a contractor's
name with ``${...}``, a quote, ``</script>``) reaches the browser only through ``json_for_html``,
which is parsed with JSON.parse (inline blocks) or evaluated as a JSON literal (data files); it is
never spliced into JavaScript source or into folium popups.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from clearbuild import safeio

# The first columns of every encoded marker table, in this order; the rest follow sorted.
BASE_COLUMNS = ("id", "lat", "lon", "title", "url")
# Map ids become DOM ids and, with "-" as "_", JS variable names (through folium's get_name()).
MAP_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
# Data keys name a marker set in window.CB_MAPDATA, e.g. "companies-11230".
DATA_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
EXTRA_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ROOT = re.compile(r"^(?:\./)?(?:\.\./)*$")
SAFE_REL = re.compile(r"^(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?![/\\])[^\x00-\x20\x7f\\<>\"']+$")
HTTP = re.compile(r"^https?://[^\x00-\x20\x7f\\<>\"']+$", re.IGNORECASE)
COORD_DIGITS = 6  # 0.1 m: enough for a map, and float reprs stay short and stable



def json_for_html(value: Any) -> str:
    """Compact JSON safe inside <script type="application/json"> and as a JS literal, keys in the
    data's own order (clearbuild.safeio.script_json)."""
    return safeio.script_json(value, sort_keys=False)


def check_map_id(map_id: str) -> str:
    """The map id as a JS identifier part: 'projects-map' -> 'projects_map'."""
    if not isinstance(map_id, str) or not MAP_ID.match(map_id):
        raise ValueError(f"cb_maps: map id {map_id!r} must match {MAP_ID.pattern}")
    return map_id.replace("-", "_")


def check_data_key(key: str) -> str:
    if not isinstance(key, str) or not DATA_KEY.match(key):
        raise ValueError(f"cb_maps: data key {key!r} must match {DATA_KEY.pattern}")
    return key


def check_root(root: str) -> str:
    """The page's prefix back to the site root ('', './', '../../'): nothing else is a root."""
    if not isinstance(root, str) or not ROOT.match(root):
        raise ValueError(f"cb_maps: root {root!r} must be '' or a run of '../'")
    return root


def check_link_root(link_root: str) -> str:
    """Prefix of record links, e.g. '../../en/' on English pages: '' or a relative folder."""
    if link_root != "" and (not isinstance(link_root, str) or not link_root.endswith("/")
                            or not SAFE_REL.match(link_root)):
        raise ValueError(f"cb_maps: link_root {link_root!r} must be '' or a relative folder ending in '/'")
    return link_root


def safe_url(url: Any) -> str | None:
    """A link from data: a relative path (from the site root) or http(s); anything else is dropped."""
    if not isinstance(url, str) or not url:
        return None
    if HTTP.match(url) or SAFE_REL.match(url):
        return url
    return None


def plain(value: Any) -> Any:
    """A JSON-ready scalar from whatever pandas hands us (numpy scalars, NaN, NA, NaT, dates)."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return plain(item())  # numpy scalar -> Python scalar
        except (TypeError, ValueError):
            pass
    try:
        if value != value:  # NaT compares unequal to itself
            return None
    except TypeError:  # pandas.NA refuses to be a bool
        return None
    return str(value)


def _coord(value: Any) -> float | None:
    v = plain(value)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return round(float(v), COORD_DIGITS)


def point(marker: Mapping[str, Any]) -> tuple[float, float] | None:
    """(lat, lon) of a record, or None when either is missing or not a number."""
    lat, lon = _coord(marker.get("lat")), _coord(marker.get("lon"))
    return None if lat is None or lon is None else (lat, lon)


def encode_markers(markers: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Columnar form {"cols": [...], "rows": [[...], ...]}: keys are not repeated 61,000 times.

    Records without coordinates are skipped (they still belong in the page's list). Order is the
    caller's: sort before calling for deterministic output.
    """
    rows_in = list(markers)
    extra: set[str] = set()
    for m in rows_in:
        extra.update(k for k in m if k not in BASE_COLUMNS)
    for k in extra:
        if not EXTRA_KEY.match(k):
            raise ValueError(f"cb_maps: marker field {k!r} must match {EXTRA_KEY.pattern}")
    cols = list(BASE_COLUMNS) + sorted(extra)
    rows: list[list[Any]] = []
    for i, m in enumerate(rows_in):
        if "id" not in m or plain(m["id"]) in (None, ""):
            raise ValueError(f"cb_maps: marker {i} has no id")
        where = point(m)
        if where is None:
            continue
        row = [str(plain(m["id"])), where[0], where[1], _text(m.get("title")), safe_url(m.get("url"))]
        row.extend(plain(m.get(k)) for k in cols[len(BASE_COLUMNS):])
        rows.append(row)
    return {"cols": cols, "rows": rows}


def _text(value: Any) -> str:
    v = plain(value)
    return "" if v is None else str(v)


def bounds_of(encoded: Mapping[str, Any]) -> list[list[float]] | None:
    """[[south, west], [north, east]] of an encoded marker table, None when it is empty."""
    rows = encoded["rows"]
    if not rows:
        return None
    lats = [r[1] for r in rows]
    lons = [r[2] for r in rows]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def data_file_source(key: str, markers: Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> str:
    """A .js file that registers its markers: works from file://, where fetch() of JSON does not."""
    check_data_key(key)
    encoded = markers if isinstance(markers, Mapping) else encode_markers(markers)
    return (
        "window.CB_MAPDATA=window.CB_MAPDATA||{};"
        f"window.CB_MAPDATA[{json_for_html(key)}]={json_for_html(encoded)};\n"
    )


def check_src(src: str) -> str:
    """A data file's path from the site root: relative, inside output/, a .js file."""
    if not isinstance(src, str) or not SAFE_REL.match(src) or ".." in src.split("/") \
            or not src.endswith(".js"):
        raise ValueError(f"cb_maps: data file path {src!r} must be a relative .js path inside output/")
    return src


def write_data_file(output_dir: str | Path, src: str, key: str,
                    markers: Iterable[Mapping[str, Any]], label: str = "") -> dict[str, Any]:
    """Write one marker set to ``output_dir/src`` and describe it for ``cb_map_external``.

    ``src`` is relative to the site root (e.g. ``static/mapdata/companies-11230.js``).
    """
    check_src(src)
    encoded = encode_markers(markers)
    text = data_file_source(key, encoded)
    safeio.write_if_changed(Path(output_dir) / src, text)
    size = len(text.encode("utf-8"))
    return {"key": key, "src": src, "label": label or key, "count": len(encoded["rows"]),
            "bounds": bounds_of(encoded), "bytes": size}


def check_bounds(bounds: Sequence[Sequence[float]] | None) -> list[list[float]] | None:
    if bounds is None:
        return None
    try:
        (s, w), (n, e) = bounds
        out = [[float(s), float(w)], [float(n), float(e)]]
    except (TypeError, ValueError):
        raise ValueError(f"cb_maps: bounds {bounds!r} must be [[south, west], [north, east]]") from None
    if any(math.isnan(v) for pair in out for v in pair):
        raise ValueError(f"cb_maps: bounds {bounds!r} contain NaN")
    return out
