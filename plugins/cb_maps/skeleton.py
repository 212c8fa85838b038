"""The folium part: one Leaflet map skeleton per configuration, rendered once and reused.

Why a skeleton: folium takes milliseconds per map and gives every element a random uuid. We build
the map (folium.Map, optional TileLayer, the boundaries as folium.GeoJson) once per settings,
number its elements from a placeholder, keep only its HTML div and its script, and per page only
replace the placeholder with the map id. No record data ever goes through folium: markers come
from a JSON block that cbmap.js reads (see data.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import folium
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

SLOT = "cbmapslot"  # replaced by the map id; cannot occur in folium's own output
ROOT_SLOT = "cbmaproot/"  # replaced by the page's root prefix

# Every file the maps load, relative to the theme's static folder; folium's CDN links are
# replaced by these (same names as folium's default_js/default_css entries where one exists).
VENDOR_JS = (
    ("leaflet", "vendor/leaflet/leaflet.js"),
    ("markercluster", "vendor/leaflet.markercluster/leaflet.markercluster.js"),
)
VENDOR_CSS = (
    ("leaflet_css", "vendor/leaflet/leaflet.css"),
    ("markercluster_css", "vendor/leaflet.markercluster/MarkerCluster.css"),
    ("markercluster_default_css", "vendor/leaflet.markercluster/MarkerCluster.Default.css"),
    ("cbmap_css", "css/cbmap.css"),
)
# folium assets we do not need at all (no AwesomeMarkers icons, no Bootstrap popups).
UNUSED = {"jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
          "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css"}
_RANDOM_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class SkeletonOptions:
    """Everything a skeleton depends on; hashable so skeletons are cached per value."""

    static: str  # the theme's static folder in output/, e.g. "static"
    center: tuple[float, float]
    zoom: int
    min_zoom: int
    max_zoom: int
    zoom_snap: float
    tiles: str | None
    tiles_attribution: str
    boundaries_key: str | None  # window.CB_GEO key of the boundary layer, None: no layer
    boundaries_attribution: str
    boundary_style: tuple[tuple[str, object], ...]
    scroll_wheel_zoom: bool


@dataclass(frozen=True)
class Skeleton:
    html: str
    script: str

    def fill(self, map_id: str) -> tuple[str, str]:
        return self.html.replace(SLOT, map_id), self.script.replace(SLOT, map_id)


class _BoundaryData(MacroElement):
    """Feeds the GeoJson layer from window.CB_GEO (a static .js file) instead of inlining 58 KB."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.addData((window.CB_GEO || {})[{{ this.key|tojson }}] || []);"
        "{% endmacro %}"
    )

    def __init__(self, key: str):
        super().__init__()
        self._name = "BoundaryData"
        self.key = key


class _Attach(MacroElement):
    """Hands the folium-made map to cbmap.js, which reads the page's JSON block."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "if (window.CBMap) { window.CBMap.attach({{ this._parent.get_name() }}, "
        "{{ this.geo.get_name() if this.geo else 'null' }}, {{ this.config_id|tojson }}); }"
        "{% endmacro %}"
    )

    def __init__(self, geo: folium.GeoJson | None):
        super().__init__()
        self._name = "Attach"
        self.geo = geo
        self.config_id = f"cbmap-{SLOT}-config"


def _vendored(element: Element, static: str) -> None:
    """Point folium's asset lists at our vendored files (relative to the page) or fail loudly."""
    for attr, vendored in (("default_js", VENDOR_JS), ("default_css", VENDOR_CSS)):
        own = dict(vendored)
        wanted = getattr(element, attr, None)
        if wanted is None:
            continue
        out = []
        for name, _url in wanted:
            if name in UNUSED:
                continue
            if name not in own:
                raise RuntimeError(f"cb_maps: folium asset {name!r} is not vendored in theme/static/vendor")
            out.append((name, f"{ROOT_SLOT}{static}/{own[name]}"))
        setattr(element, attr, out)


def _walk(element: Element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _compact(text: str) -> str:
    """Drop folium's indentation and blank lines (no multi-line strings occur in our elements)."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def build_map(opts: SkeletonOptions) -> folium.Map:
    """The folium tree of a map, with deterministic element ids (placeholder + counter)."""
    # folium 0.20 hands min_zoom/max_zoom to its tile layer only; as Leaflet options they bind the map.
    m = folium.Map(location=list(opts.center), zoom_start=opts.zoom, tiles=None,
                   minZoom=opts.min_zoom, maxZoom=opts.max_zoom, zoomSnap=opts.zoom_snap,
                   scrollWheelZoom=opts.scroll_wheel_zoom)
    if opts.tiles:
        if not opts.tiles_attribution:
            raise ValueError("cb_maps: CB_MAPS_TILES is set but CB_MAPS_TILES_ATTRIBUTION is empty")
        folium.TileLayer(opts.tiles, attr=opts.tiles_attribution, max_zoom=opts.max_zoom).add_to(m)
    geo = None
    if opts.boundaries_key:
        geo = folium.GeoJson({"type": "FeatureCollection", "features": []}, name="boundaries",
                             interactive=False, style=dict(opts.boundary_style),
                             attribution=opts.boundaries_attribution)
        geo.add_to(m)
        geo.add_child(_BoundaryData(opts.boundaries_key))
    m.add_child(_Attach(geo))
    fig = Figure()
    fig.add_child(m)
    fig._id = f"{SLOT}_fig"
    m._id = SLOT
    for n, el in enumerate(_walk(m)):
        if el is not m:
            el._id = f"{SLOT}_{n}"
        _vendored(el, opts.static)
    return m


@lru_cache(maxsize=16)
def skeleton(opts: SkeletonOptions) -> Skeleton:
    m = build_map(opts)
    fig = m.get_root()
    fig.render()
    html = _compact(fig.html.render())
    script = _compact(fig.script.render())
    for part in (html, script):
        if _RANDOM_ID.search(part):
            raise RuntimeError("cb_maps: folium left a random element id in the map skeleton")
        if "</" in part.replace("</div>", ""):
            raise ValueError("cb_maps: a setting put '</' into the map script")
    script = f'document.addEventListener("DOMContentLoaded", function () {{\n{script}\n}});'
    return Skeleton(html=html, script=script)


def full_page(opts: SkeletonOptions, root: str = "") -> str:
    """folium's own complete HTML page, CDN-free: for checking folium's asset lists in tests."""
    m = build_map(opts)
    return m.get_root().render().replace(ROOT_SLOT, root)
