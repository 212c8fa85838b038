"""cb_search: a static, sharded full-text index of every record and content page, and the page
that queries it in the browser (docs/search.md).

The index is computed while Pelican builds contexts (the Dataset and the content pages are
there by then) so the search page, queued on the shared renderer like every record page, can name
the index version its scripts load; the shards are written during output.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from clearbuild import config, geo, places

from . import export
from .documents import all_documents
from .index import Index, build
from .settings import setting

log = logging.getLogger(__name__)
PAGE = "search/index.html"
TEMPLATE = "cb_search_page.html"


def page_context(index: Index, version: str, settings: dict[str, Any] | None) -> dict[str, Any]:
    """What cb_search_page.html needs beyond the renderer's globals (root, lang, lang_root)."""
    return {"search": {"version": version, "kinds": index.kinds, "years": [y for y in index.years if y],
                       "districts": [d for d in index.districts if d],
                       "currency": config.setting(settings or {}, "CB_CURRENCY_SYMBOL"),
                       "currencies": config.setting(settings or {}, "CB_CURRENCY_SYMBOLS") or {}}}


def with_dongs(tables: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """Apartments carry no neighbourhood code: find it from their coordinates (a copy)."""
    apts = tables.get("apartments")
    shapes = places.neighbourhood_shapes(settings)
    if apts is None or apts.empty or not shapes or not {"lat", "lon"} <= set(apts.columns) \
            or "dong_code" in apts.columns:
        return tables
    lat = apts["lat"].astype(float).fillna(0).to_numpy()
    lon = apts["lon"].astype(float).fillna(0).to_numpy()
    return {**tables, "apartments": apts.assign(dong_code=geo.areas_of(lat, lon, shapes))}


def build_index(tables: dict[str, Any], pages: Any, settings: dict[str, Any] | None
                ) -> tuple[Index, dict[str, str], dict[str, float]]:
    """Documents -> scored index -> file texts, with the seconds each step took."""
    t0 = time.perf_counter()
    docs = all_documents(with_dongs(tables, settings or {}),
                         pages if setting(settings, "CB_SEARCH_PAGES") else (), places.names(settings or {}))
    t1 = time.perf_counter()
    index = build(docs, settings)
    t2 = time.perf_counter()
    files = export.files(index, settings)
    t3 = time.perf_counter()
    return index, files, {"documents_s": t1 - t0, "score_s": t2 - t1, "export_s": t3 - t2}


class SearchGenerator(Generator):
    def generate_context(self) -> None:
        self._files: dict[str, str] | None = None
        if not setting(self.settings, "CB_SEARCH_ENABLED"):
            return
        dataset = self.context.get("cb_dataset")
        tables = getattr(dataset, "tables", None) or {}
        index, self._files, times = build_index(tables, self.context.get("pages", []), self.settings)
        version = export.version(self._files)
        ctx = page_context(index, version, self.settings)
        renderer = self.context.get("cb_renderer")
        self._own_page = renderer is None
        if renderer is not None:
            renderer.add(TEMPLATE, PAGE, **ctx)
        self._page_ctx = ctx
        self._figures = dict(index.stats, **times)

    def generate_output(self, writer: Any) -> None:
        if self._files is None:
            return
        t0 = time.perf_counter()
        folder = Path(self.output_path) / "search"
        sizes = export.write_files(self._files, folder)
        if self._own_page:  # no shared renderer (a site without cb_dataset): render it here
            html = self.get_template(TEMPLATE.removesuffix(".html")).render(
                dict(self.context, root="../", lang_root="../", **self._page_ctx))
            (folder / "index.html").write_text(html, encoding="utf-8")
        self._figures.update(sizes, write_s=time.perf_counter() - t0)
        stats = self.context.get("cb_stats")
        if isinstance(stats, dict):
            stats["search"] = self._figures
        log.info("search: %(documents)d documents, %(terms)d terms, %(files)d files, %(bytes)d bytes",
                 self._figures)
        self._files = None


def get_generators(pelican: Any) -> type[Generator]:
    return SearchGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
