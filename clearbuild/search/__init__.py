"""The search engine: a static, sharded full-text index of every record and content page, and
the readers that query it exactly as the browser does (docs/search.md).

Why a library of its own: the Pelican plugin (plugins/cb_search), the standalone site, the
benchmark, the CLI and the tests all build or read the same index; none of them needs Pelican to
do it. The plugin only hooks ``build_index`` and ``export`` into the build.

    from clearbuild.search import build_index, export
    index, files, times = build_index(dataset.tables, pages, settings)
    export.write_files(files, Path("output/search"))
    Reader("output/search").search("강남구 도로포장")      (clearbuild.search.query)

Modules: ``analyzer`` (the Korean-aware tokeniser, mirrored by theme/static/js/search.js),
``vector`` (the same rules column-wise), ``documents`` (rows and pages -> documents), ``index``
(BM25F scores, top-K postings), ``export`` (the shard files), ``query`` (the reader),
``settings`` (CB_SEARCH_* defaults), ``standalone``, ``cli``, ``bench`` and ``synthetic``.
"""

from __future__ import annotations

import time
from collections import ChainMap
from collections.abc import Mapping
from typing import Any

from .. import config, geo, places
from . import export
from .documents import all_documents
from .index import Index, build
from .settings import DEFAULTS, setting

__all__ = ["DEFAULTS", "PAGE", "TEMPLATE", "Index", "build_index", "export", "index_of", "page_context",
           "setting", "with_dongs"]

PAGE = "search/index.html"
TEMPLATE = "cb_search_page.html"


def page_context(index: Index, version: str, settings: dict[str, Any] | None) -> dict[str, Any]:
    """What cb_search_page.html needs beyond the renderer's globals (root, lang, lang_root)."""
    return {"search": {"version": version, "kinds": index.kinds, "years": [y for y in index.years if y],
                       "districts": [d for d in index.districts if d],
                       "currency": config.setting(settings or {}, "CB_CURRENCY_SYMBOL"),
                       "currencies": config.setting(settings or {}, "CB_CURRENCY_SYMBOLS") or {}}}


def with_dongs(tables: Mapping[str, Any], settings: dict[str, Any]) -> Mapping[str, Any]:
    """Apartments carry no neighbourhood code: find it from their coordinates (a copy of that
    table, over the others: a ``ChainMap`` reads each table only when it is asked for.

    Why not ``{**tables, ...}``: a build's tables are read from a memory-mapped snapshot
    (clearbuild.putaway.put_away) and a dict of them holds every table's pages at once, through
    the whole search phase: ~120 MB at Seoul's size, measured)."""
    apts = tables.get("apartments")
    shapes = places.neighbourhood_shapes(settings)
    if apts is None or apts.empty or not shapes or not {"lat", "lon"} <= set(apts.columns) \
            or "dong_code" in apts.columns:
        return tables
    lat = apts["lat"].astype(float).fillna(0).to_numpy()
    lon = apts["lon"].astype(float).fillna(0).to_numpy()
    return ChainMap({"apartments": apts.assign(dong_code=geo.areas_of(lat, lon, shapes))}, tables)


def index_of(tables: Mapping[str, Any], pages: Any, settings: dict[str, Any] | None
             ) -> tuple[Index, dict[str, float]]:
    """Documents -> scored index, with the seconds each step took."""
    t0 = time.perf_counter()
    docs = [all_documents(with_dongs(tables, settings or {}),
                          pages if setting(settings, "CB_SEARCH_PAGES") else (),
                          places.names(settings or {}))]
    t1 = time.perf_counter()
    # The frame is build's alone: its copy in document order replaces it there, not beside it.
    index = build(docs.pop(), settings)
    return index, {"documents_s": t1 - t0, "score_s": time.perf_counter() - t1}


def build_index(tables: Mapping[str, Any], pages: Any, settings: dict[str, Any] | None
                ) -> tuple[Index, dict[str, str], dict[str, float]]:
    """Documents -> scored index -> file texts, with the seconds each step took. A build writes
    the files one at a time instead (``index_of``, then ``export.write``)."""
    index, times = index_of(tables, pages, settings)
    t0 = time.perf_counter()
    files = export.files(index, settings)
    return index, files, dict(times, export_s=time.perf_counter() - t0)
