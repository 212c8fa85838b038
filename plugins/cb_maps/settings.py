"""Every CB_MAPS_* setting with its default, in one place (docs/maps.md lists them)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clearbuild.config import setting as core_setting

from .data import check_data_key

DEFAULTS: dict[str, Any] = {
    # GeoJSON of the districts drawn under every map; None: the core CB_BOUNDARIES file.
    # False: no boundary layer (then CB_MAPS_CENTER is required).
    "CB_MAPS_BOUNDARIES": None,
    # Shown in the map's attribution control; None: the core CB_BOUNDARIES_ATTRIBUTION.
    "CB_MAPS_BOUNDARIES_ATTRIBUTION": None,
    "CB_MAPS_BOUNDARIES_KEY": "districts",
    # Map control labels per language ({"uk": {"skip": ..., "loading": ...}}); a language not
    # listed keeps the built-in Korean ones (render.DEFAULT_LABELS) under what a template passes.
    "CB_MAPS_LABELS": {},  # file static/geo/<key>.js, window.CB_GEO[<key>]
    # Tile URL template (e.g. "https://tiles.example.org/{z}/{x}/{y}.png"); None: no tiles, offline.
    "CB_MAPS_TILES": None,
    "CB_MAPS_TILES_ATTRIBUTION": "",  # required when CB_MAPS_TILES is set (HTML, from the operator)
    "CB_MAPS_CENTER": None,  # (lat, lon); None: the middle of the boundaries
    "CB_MAPS_ZOOM": 11,
    "CB_MAPS_MIN_ZOOM": 9,
    "CB_MAPS_MAX_ZOOM": 18,
    # Zoom steps; None: 0.5 without tiles (the city fits its box snugly), 1 with raster tiles
    # (fractional zooms blur them).
    "CB_MAPS_ZOOM_SNAP": None,
    "CB_MAPS_HEIGHT": "480px",
    "CB_MAPS_POINT_HEIGHT": "260px",  # cb_point_map on record pages
    "CB_MAPS_POINT_ZOOM": 15,  # cb_point_map's zoom when tiles are on (without, it shows the district)
    "CB_MAPS_SCROLL_WHEEL_ZOOM": False,  # the page scrolls past the map instead of zooming it
    # Folder of the theme's static files in output/; None: Pelican's THEME_STATIC_DIR.
    "CB_MAPS_STATIC_DIR": None,
    "CB_MAPS_BOUNDARY_STYLE": {"color": "#4a5568", "weight": 1.2, "opacity": 0.8,
                               "fillColor": "#cbd5e0", "fillOpacity": 0.12},
    "CB_MAPS_HIGHLIGHT_STYLE": {"color": "#744210", "weight": 2.5, "fillColor": "#f6e05e",
                                "fillOpacity": 0.18},
    "CB_MAPS_DIM_STYLE": {"color": "#a0aec0", "weight": 0.8, "fillColor": "#e2e8f0", "fillOpacity": 0.05},
    "CB_MAPS_CLUSTER": {"maxClusterRadius": 50, "disableClusteringAtZoom": 17},
    "CB_MAPS_FILL_LIMIT": 500,  # rows cbmap.js writes into a data-cbmap-fill list
    "CB_MAPS_MINIMAP_WIDTH": 320,  # px of the record-page SVG map
    "CB_MAPS_WRITE_STATIC": True,  # write static/geo/ (boundaries .js, minimap SVGs) on finalized
}

STATIC = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")


@dataclass(frozen=True)
class Settings:
    boundaries: str | None
    boundaries_attribution: str
    boundaries_key: str
    tiles: str | None
    tiles_attribution: str
    center: tuple[float, float] | None
    zoom: int
    min_zoom: int
    max_zoom: int
    zoom_snap: float
    height: str
    point_height: str
    point_zoom: int
    scroll_wheel_zoom: bool
    static: str
    boundary_style: dict[str, Any]
    highlight_style: dict[str, Any]
    dim_style: dict[str, Any]
    cluster: dict[str, Any]
    fill_limit: int
    minimap_width: int
    write_static: bool

    @classmethod
    def from_pelican(cls, settings: Mapping[str, Any]) -> Settings:
        def get(name: str) -> Any:
            return settings.get(name, DEFAULTS[name])

        boundaries = get("CB_MAPS_BOUNDARIES")
        if boundaries is None:
            boundaries = core_setting(dict(settings), "CB_BOUNDARIES")
        attribution = get("CB_MAPS_BOUNDARIES_ATTRIBUTION")
        if attribution is None:
            attribution = core_setting(dict(settings), "CB_BOUNDARIES_ATTRIBUTION")
        static = get("CB_MAPS_STATIC_DIR") or settings.get("THEME_STATIC_DIR") or "static"
        if not STATIC.match(str(static)) or ".." in str(static).split("/"):
            raise ValueError(f"cb_maps: static folder {static!r} must be a plain relative folder")
        center = get("CB_MAPS_CENTER")
        return cls(
            boundaries=str(boundaries) if boundaries else None,
            boundaries_attribution=str(attribution or ""),
            boundaries_key=check_data_key(get("CB_MAPS_BOUNDARIES_KEY")),
            tiles=get("CB_MAPS_TILES") or None,
            tiles_attribution=str(get("CB_MAPS_TILES_ATTRIBUTION") or ""),
            center=(float(center[0]), float(center[1])) if center else None,
            zoom=int(get("CB_MAPS_ZOOM")),
            min_zoom=int(get("CB_MAPS_MIN_ZOOM")),
            max_zoom=int(get("CB_MAPS_MAX_ZOOM")),
            zoom_snap=float(get("CB_MAPS_ZOOM_SNAP") or (1 if get("CB_MAPS_TILES") else 0.5)),
            height=str(get("CB_MAPS_HEIGHT")),
            point_height=str(get("CB_MAPS_POINT_HEIGHT")),
            point_zoom=int(get("CB_MAPS_POINT_ZOOM")),
            scroll_wheel_zoom=bool(get("CB_MAPS_SCROLL_WHEEL_ZOOM")),
            static=str(static).strip("/"),
            boundary_style=dict(get("CB_MAPS_BOUNDARY_STYLE")),
            highlight_style=dict(get("CB_MAPS_HIGHLIGHT_STYLE")),
            dim_style=dict(get("CB_MAPS_DIM_STYLE")),
            cluster=dict(get("CB_MAPS_CLUSTER")),
            fill_limit=int(get("CB_MAPS_FILL_LIMIT")),
            minimap_width=int(get("CB_MAPS_MINIMAP_WIDTH")),
            write_static=bool(get("CB_MAPS_WRITE_STATIC")),
        )
