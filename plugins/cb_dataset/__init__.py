"""cb_dataset: puts the one Dataset and the shared page renderer into the build's context
(clearbuild.buildcontext).

Section plugins (allimi, contracts, apartments) queue record pages on its ``renderer``
while Pelican generates contexts; this generator, the first of ours, writes them all during
output, in parallel. It also writes the quality report, outside output/ (it quotes refused
values, which are for officials, not the public).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from clearbuild import asof, buildcontext, config, loader, memwatch, putaway, safeio
from clearbuild.ingest import report_csv
from clearbuild.progress import Progress
from clearbuild.render import Renderer

log = logging.getLogger(__name__)


class DatasetGenerator(Generator):
    def generate_context(self) -> None:
        shared = buildcontext.of(self.context)
        if shared.dataset is None:  # Pelican run on its own, without clearbuild.build
            shared.dataset = loader.load(self.settings)
        dataset = shared.dataset
        # Held in a memory-mapped snapshot, not in the heap every forked process maps: read in
        # milliseconds whenever a plugin asks for a table (clearbuild.putaway). A build's ingest
        # has put them away already, table by table; a Dataset made otherwise is put away here.
        putaway.put_away(dataset)
        memwatch.give_back()  # the tables' heap goes back (~0.25 GB at Seoul's size, measured)
        languages = config.setting(self.settings, "CB_LANGUAGES")
        shared.renderer = Renderer(
            env=self.env, output=Path(self.output_path), languages=list(languages),
            # No export date here: a value every page shows would change every page every night
            # and defeat incremental builds. Section home pages pass it themselves.
            globals={"SITENAME": self.settings.get("SITENAME", ""),  # SITENAMES: per language
                     "SITENAMES": dict(config.setting(self.settings, "CB_SITENAMES") or {})},
            env_for=self.env.globals.get("cb_language_env"), settings=self.settings,
            progress=Progress(enabled=bool(config.setting(self.settings, "CB_PROGRESS"))))

    def generate_output(self, writer: Any) -> None:
        renderer, dataset = buildcontext.renderer_of(self.context), buildcontext.dataset_of(self.context)
        log.info("rendering %d record pages", renderer.queued())
        renderer.write_all(config.setting(self.settings, "CB_WORKERS"))  # counts: hooks.render_finished
        # The data's date, for the day counters every page may show (clearbuild.filters.days_since):
        # the one file that changes because a night's export has a new date.
        as_of = safeio.script_json(asof.of(dataset, self.settings))
        safeio.write_if_changed(Path(self.output_path) / "asof.js", f"window.cbAsOf={as_of};\n")
        report_dir = config.resolve(config.setting(self.settings, "CB_REPORT_DIR"))
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "quality.csv").write_text(report_csv(dataset.report),
                                                encoding="utf-8")


def get_generators(pelican: Any) -> type[Generator]:
    return DatasetGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
