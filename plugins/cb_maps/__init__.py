"""cb_maps: Leaflet maps written by folium, offline, deterministic, with data only as JSON.

Other plugins never import this one: templates reach it through Jinja globals (cb_map,
cb_map_external, cb_point_map, cb_map_assets, cb_minimap, cb_district_bounds, cb_district_at)
and Python code through the build context's ``maps`` (clearbuild.buildcontext), a dict of the
same callables plus ``write_data_file``. Both are set on ``generator_init``; the boundary .js
file and the minimap SVGs are written on ``finalized``. docs/maps.md has the settings and the contract.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from pelican import signals

from clearbuild import buildcontext

from . import data
from .render import Maps
from .settings import DEFAULTS, Settings

__all__ = ["DEFAULTS", "Maps", "Settings", "maps_for", "register"]

log = logging.getLogger(__name__)
_cache: dict[str, Maps] = {}


def maps_for(settings: Mapping[str, Any]) -> Maps:
    """One Maps per distinct settings: the folium skeleton and boundaries are built once per build."""
    resolved = Settings.from_pelican(settings)
    key = repr(resolved)
    if key not in _cache:
        _cache[key] = Maps(resolved)
    return _cache[key]


def write_data_file(output_dir: str | Path, src: str, key: str,
                    markers: Iterable[Mapping[str, Any]], label: str = "") -> dict[str, Any]:
    return data.write_data_file(output_dir, src, key, markers, label)


def callables(maps: Maps, output_path: str | Path) -> dict[str, Any]:
    return {
        "map": maps.map,
        "external": maps.external,
        "point_map": maps.point_map,
        "assets": maps.assets,
        "minimap": maps.minimap,
        "district_bounds": maps.district_bounds,
        "district_at": maps.district_at,
        "write_data_file": partial(write_data_file, output_path),
        "data_file_source": data.data_file_source,
        "encode_markers": data.encode_markers,
    }


def _in_language(fn: Any, labels_by_lang: Mapping[str, Mapping[str, str]]) -> Any:
    """fn with the page language's CB_MAPS_LABELS under the labels a template passes."""
    from jinja2 import pass_context

    @pass_context
    def call(ctx: Any, *args: Any, labels: Mapping[str, str] | None = None, **kw: Any) -> Any:
        merged = {**labels_by_lang.get(ctx.get("lang"), {}), **(labels or {})}
        return fn(*args, labels=merged, **kw)
    return call


def on_generator_init(generator: Any) -> None:
    maps = maps_for(generator.settings)
    labels = generator.settings.get("CB_MAPS_LABELS") or {}
    wrap = (lambda fn: _in_language(fn, labels)) if labels else (lambda fn: fn)
    generator.env.globals.update({
        "cb_map": wrap(maps.map),
        "cb_map_external": wrap(maps.external),
        "cb_point_map": wrap(maps.point_map),
        "cb_map_assets": maps.assets,
        "cb_minimap": maps.minimap,
        "cb_district_bounds": maps.district_bounds,
        "cb_district_at": maps.district_at,
    })
    buildcontext.of(generator.context).maps = callables(maps, generator.output_path)


def on_finalized(pelican: Any) -> None:
    maps = maps_for(pelican.settings)
    if maps.s.write_static:
        written = maps.write_static(pelican.output_path)
        log.debug("cb_maps: wrote %d boundary files", len(written))


def register() -> None:
    signals.generator_init.connect(on_generator_init)
    signals.finalized.connect(on_finalized)
