"""The HTML fragments templates ask for: a map, an external-data map, the assets, a minimap.

Why a class bound to settings: templates call these thousands of times per build, so everything
that depends only on settings (the folium skeleton, the projected boundaries, the asset tags) is
computed once here and a call only formats strings and dumps the page's own JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from clearbuild import safeio
from clearbuild.config import resolve

from . import data, skeleton
from .geo import Boundaries
from .settings import Settings

DEFAULT_LABELS = {"open": "자세히 보기", "loading": "불러오는 중…", "failed": "불러오지 못했습니다",
                  "more": "…", "skip": "지도 건너뛰기", "legend": "범례", "cluster": "곳: Enter로 확대"}


class Maps:
    def __init__(self, settings: Settings):
        self.s = settings
        self.boundaries: Boundaries | None = None
        if settings.boundaries:
            geojson = json.loads(resolve(settings.boundaries).read_text(encoding="utf-8"))
            self.boundaries = Boundaries(geojson, width=settings.minimap_width)
        center = settings.center or (self.boundaries.center() if self.boundaries else None)
        if center is None:
            raise ValueError("cb_maps: set CB_MAPS_CENTER when CB_MAPS_BOUNDARIES is off")
        self.opts = skeleton.SkeletonOptions(
            static=settings.static, center=(float(center[0]), float(center[1])), zoom=settings.zoom,
            min_zoom=settings.min_zoom, max_zoom=settings.max_zoom, zoom_snap=settings.zoom_snap,
            tiles=settings.tiles,
            tiles_attribution=settings.tiles_attribution,
            boundaries_key=settings.boundaries_key if self.boundaries else None,
            boundaries_attribution=settings.boundaries_attribution,
            boundary_style=tuple(sorted(settings.boundary_style.items())),
            scroll_wheel_zoom=settings.scroll_wheel_zoom)
        self.skeleton = skeleton.skeleton(self.opts)
        self.geo_src = f"{settings.static}/geo/{settings.boundaries_key}.js"
        self.minimap_dir = f"{settings.static}/geo/minimap/"

    # -- assets -------------------------------------------------------------------------------

    def assets(self, root: str) -> Markup:
        """CSS and deferred scripts every map needs, once per page (head or before the first map)."""
        root = data.check_root(root)
        st = self.s.static
        tags = [f'<link rel="stylesheet" href="{root}{st}/{path}">' for _, path in skeleton.VENDOR_CSS]
        srcs = [path for _, path in skeleton.VENDOR_JS]
        if self.boundaries:
            srcs.append(self.geo_src.removeprefix(f"{st}/"))
        srcs.append("js/cbmap.js")
        tags += [f'<script defer src="{root}{st}/{src}"></script>' for src in srcs]
        return Markup("\n".join(tags))

    # -- maps ---------------------------------------------------------------------------------

    def _fragment(self, map_id: str, config: dict[str, Any], height: str | None, assets: bool) -> Markup:
        js = data.check_map_id(map_id)
        html, script = self.skeleton.fill(js)
        height = _css_length(height or self.s.height)
        parts = [str(self.assets(config["root"]))] if assets else []
        skip = escape(str(config["labels"].get("skip") or DEFAULT_LABELS["skip"]))
        parts.append(f'<a class="cbmap-skip" href="#cbmap-{js}-after">{skip}</a>')
        parts.append(f'<div class="cbmap cbmap-{config["kind"]}" id="cbmap-{map_id}" '
                     f'style="height:{height}">{html}</div>')
        parts.append(f'<script type="application/json" id="cbmap-{js}-config">'
                     f"{data.json_for_html(config)}</script>")
        parts.append(f"<script>\n{script}\n</script>")
        parts.append(f'<span class="cbmap-after" id="cbmap-{js}-after" tabindex="-1"></span>')
        return Markup("\n".join(parts))

    def _config(self, map_id: str, root: str, *, kind: str = "projects", center: Any = None,
                zoom: Any = None, bounds: Any = None, fields: Iterable[Sequence[str]] | None = None,
                colour_by: str | None = None, highlight: Any = None,
                district_labels: bool | str = True, labels: Mapping[str, str] | None = None,
                filters: bool = True, filter_for: str | None = None, link_root: str | None = None,
                cluster: bool = True) -> dict[str, Any]:
        """Everything page-specific, as JSON for cbmap.js; the folium script stays the same."""
        data.check_map_id(map_id)
        if not data.EXTRA_KEY.match(kind):
            raise ValueError(f"cb_maps: map kind {kind!r} must match {data.EXTRA_KEY.pattern}")
        if filter_for is not None and not data.MAP_ID.match(filter_for):
            raise ValueError(f"cb_maps: filter_for {filter_for!r} must be an element id like project-list")
        root = data.check_root(root)
        view: dict[str, Any] = {}
        if bounds is not None:
            view["bounds"] = data.check_bounds(bounds)
        elif center is not None:
            view["center"] = [float(center[0]), float(center[1])]
            if zoom is not None:
                view["zoom"] = int(zoom)
        label_prop = ("name" if district_labels is True else district_labels) or None
        return {
            "v": 1, "id": map_id, "kind": kind, "root": root,
            "link_root": data.check_link_root(root if link_root is None else link_root),
            "view": view, "fields": [[str(k), str(label)] for k, label in (fields or ())],
            "colour_by": colour_by, "filters": bool(filters), "filter_for": filter_for,
            "highlight": None if highlight is None else str(highlight),
            "district_labels": label_prop if self.boundaries else None,
            "styles": {"highlight": self.s.highlight_style, "dim": self.s.dim_style},
            "cluster": self.s.cluster if cluster else None, "fill_limit": self.s.fill_limit,
            "labels": {**DEFAULT_LABELS, **(labels or {})},
        }

    def map(self, map_id: str, markers: Iterable[Mapping[str, Any]], root: str, center: Any = None,
            zoom: Any = None, bounds: Any = None, height: str | None = None, kind: str = "projects",
            filters: bool = True, filter_for: str | None = None,
            fields: Iterable[Sequence[str]] | None = None, colour_by: str | None = "status",
            highlight: Any = None, district_labels: bool | str = True,
            labels: Mapping[str, str] | None = None, link_root: str | None = None,
            assets: bool = True) -> Markup:
        """A clustered map whose markers travel inline, as one JSON block (up to a few thousand)."""
        config = self._config(map_id, root, kind=kind, center=center, zoom=zoom, bounds=bounds,
                              fields=fields, colour_by=colour_by, highlight=highlight,
                              district_labels=district_labels, labels=labels, filters=filters,
                              filter_for=filter_for, link_root=link_root)
        config["markers"] = data.encode_markers(markers)
        return self._fragment(map_id, config, height, assets)

    def point_map(self, map_id: str, marker: Mapping[str, Any] | None, root: str,
                  height: str | None = None, zoom: int | None = None, kind: str = "projects",
                  colour_by: str | None = "status", labels: Mapping[str, str] | None = None,
                  link_root: str | None = None, assets: bool = True,
                  district_labels: bool | str = True) -> Markup:
        """One record's place: its district filled, one marker; a static SVG for readers without JS.

        Without tiles the view is the marker's district (``district`` key of the marker);
        with tiles it is the marker at ``zoom`` (default CB_MAPS_POINT_ZOOM).
        """
        if not marker or data.point(marker) is None:
            return Markup("")
        district = marker.get("district")
        center = (marker["lat"], marker["lon"])
        if self.s.tiles or district is None or self.district_bounds(district) is None:
            view = {"center": center, "zoom": zoom or self.s.point_zoom}
        else:
            view = {}
        config = self._config(map_id, root, kind=kind, colour_by=colour_by, highlight=district,
                              labels=labels, filters=False, link_root=link_root, cluster=False,
                              district_labels=district_labels, **view)
        config["markers"] = data.encode_markers([marker])
        fallback = self.minimap(marker["lat"], marker["lon"], root, district, str(marker.get("title", "")))
        out = self._fragment(map_id, config, height or self.s.point_height, assets)
        return out + Markup(f"\n<noscript>{fallback}</noscript>") if fallback else out

    def external(self, map_id: str, data_files: Iterable[Mapping[str, Any]], root: str,
                 initial: str | None = None, center: Any = None, zoom: Any = None, bounds: Any = None,
                 height: str | None = None, kind: str = "companies", filters: bool = True,
                 filter_for: str | None = None, fields: Iterable[Sequence[str]] | None = None,
                 colour_by: str | None = None, highlight: Any = None,
                 district_labels: bool | str = True, labels: Mapping[str, str] | None = None,
                 link_root: str | None = None, assets: bool = True) -> Markup:
        """A map whose markers live in .js data files (see write_data_file), loaded one at a time."""
        config = self._config(map_id, root, kind=kind, center=center, zoom=zoom, bounds=bounds,
                              fields=fields, colour_by=colour_by, highlight=highlight,
                              district_labels=district_labels, labels=labels, filters=filters,
                              filter_for=filter_for, link_root=link_root)
        sets = []
        for d in data_files:
            key, src = data.check_data_key(d["key"]), data.check_src(d["src"])
            sets.append({"key": key, "src": src, "label": str(d.get("label") or key),
                         "count": int(d.get("count") or 0), "bounds": data.check_bounds(d.get("bounds"))})
        keys = [d["key"] for d in sets]
        if initial is not None and initial not in keys:
            raise ValueError(f"cb_maps: initial data set {initial!r} is not one of {keys}")
        config.update({"datasets": sets, "initial": initial})
        return self._fragment(map_id, config, height, assets)

    def minimap(self, lat: Any, lon: Any, root: str, district: Any = None, label: str = "") -> Markup:
        """A static SVG map for a record page (no JS): its district filled, a dot at the point."""
        if not self.boundaries:
            return Markup("")
        root = data.check_root(root)
        code = None if district is None else str(district)
        return Markup(self.boundaries.minimap(lat, lon, root + self.minimap_dir, code, label))

    def district_bounds(self, code: Any = None) -> list[list[float]] | None:
        return self.boundaries.bounds(None if code is None else str(code)) if self.boundaries else None

    def district_at(self, lat: Any, lon: Any) -> str | None:
        try:
            return self.boundaries.district_at(float(lat), float(lon)) if self.boundaries else None
        except (TypeError, ValueError):
            return None

    # -- files --------------------------------------------------------------------------------

    def write_static(self, output_dir: str | Path) -> list[str]:
        """Boundaries as districts.js and the minimap SVGs; returns the paths written (root-relative)."""
        if not self.boundaries:
            return []
        files = {self.geo_src: self.boundaries.data_js(self.s.boundaries_key)}
        files.update({self.minimap_dir + name: text
                      for name, text in self.boundaries.minimap_files().items()})
        for rel, text in files.items():
            safeio.write_if_changed(Path(output_dir) / rel, text)
        return sorted(files)


def _css_length(value: str) -> str:
    text = str(value).strip()
    number = text.rstrip("pxremvh%")
    unit = text[len(number):]
    try:
        float(number)
    except ValueError:
        raise ValueError(f"cb_maps: height {value!r} must be a CSS length like 480px") from None
    if unit not in ("px", "rem", "em", "vh", "%"):
        raise ValueError(f"cb_maps: height {value!r} must be in px, rem, em, vh or %")
    return str(escape(text))
