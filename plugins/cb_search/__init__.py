"""cb_search: the Pelican glue of the search engine (clearbuild.search, docs/search.md): the
static, sharded full-text index of every record and content page, and the page that queries it.

The index is computed while Pelican builds contexts (the Dataset and the content pages are
there by then) so the search page, queued on the shared renderer like every record page, can name
the index version its scripts load; the shards are written then too, and only their sizes kept
(at Seoul's size the shards held ~600 MB of the parent through rendering). Everything else (the
analyzer, scoring, shard files, reader) is library code in clearbuild/search/.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from clearbuild import buildcontext, forked, memwatch
from clearbuild.search import PAGE, TEMPLATE, export, index_of, page_context, setting

log = logging.getLogger(__name__)


class SearchGenerator(Generator):
    def generate_context(self) -> None:
        self._files: dict[str, str] | None = None
        if not setting(self.settings, "CB_SEARCH_ENABLED") or self.settings.get("CB_CLUSTER_WORKER"):
            return  # a cluster worker renders record partitions only (clearbuild.cluster)
        dataset = buildcontext.of(self.context).dataset
        tables = getattr(dataset, "tables", None) or {}
        forked.collect_all()  # the index's memory, not on top of a child's (clearbuild.forked)
        index, times = index_of(tables, self.context.get("pages", []), self.settings)
        t0 = time.perf_counter()
        self._folder = Path(self.output_path) / "search"
        # Each file made and written in turn: only their sizes stay (export.write).
        self._sizes = export.write(index, self._folder, self.settings)
        ctx = page_context(index, self._sizes.pop("version"), self.settings)
        stats = index.stats
        self._files = {}  # written: nothing waits in memory for the output phase
        del index
        memwatch.give_back()  # the index's freed temporaries (~300 MB at Seoul's size) go back
        renderer = buildcontext.of(self.context).renderer
        self._own_page = renderer is None
        if renderer is not None:
            renderer.add(TEMPLATE, PAGE, **ctx)
        self._page_ctx = ctx
        self._figures = dict(stats, **times, export_s=time.perf_counter() - t0)

    def generate_output(self, writer: Any) -> None:
        if self._files is None:
            return
        folder, sizes = self._folder, self._sizes
        if self._own_page:  # no shared renderer (a site without cb_dataset): render it here
            html = self.get_template(TEMPLATE.removesuffix(".html")).render(
                dict(self.context, root="../", lang_root="../", **self._page_ctx))
            (folder / "index.html").write_text(html, encoding="utf-8")
        self._figures.update(sizes)
        log.info("search: %(documents)d documents, %(terms)d terms, %(files)d files, %(bytes)d bytes",
                 self._figures)
        self._files = None


def get_generators(pelican: Any) -> type[Generator]:
    return SearchGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
