"""Build the site into a fresh folder beside output/, then swap it in: a failed build leaves the
old output/ exactly as it was.

Why not Pelican's own command: it writes into OUTPUT_PATH as it goes, so an export that fails
half-way would leave a half-written site behind.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from pelican import Pelican, signals
from pelican.log import console as pelican_console
from pelican.settings import read_settings

from . import buildcontext, config, forked, hooks, loader
from .dataset import Dataset


@dataclass
class BuildResult:
    output: Path
    pages: int
    files: int
    bytes: int
    refused: int
    seconds: float
    rendered: int = 0  # pages rendered; the rest were linked unchanged from ``previous``
    stats: dict[str, int] | None = None  # the renderer's counts: pages, rendered, linked, kept...

    report: Path | None = None  # the quality report (officials only, outside the site)

    def summary(self) -> str:
        """One line; where rows were refused, it says where the report that names them is."""
        refused = f"{self.refused} rows refused" + (
            f" (see {self.report})" if self.refused and self.report else "")
        return (f"built {self.output}: {self.pages} pages ({self.files} files, "
                f"{self.bytes / 1e6:.1f} MB), {refused}, {self.seconds:.1f} s")


def settings_for(settings_file: str = "pelicanconf.py", overrides: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    base = config.ROOT
    path = Path(settings_file)
    path = path if path.is_absolute() else base / path
    over = {"PATH": str(base / "content"), "THEME": str(base / "theme")}
    over.update(overrides or {})
    settings = read_settings(str(path), override=over)
    if "PATH" not in (overrides or {}) and settings.get("CB_CONTENT"):  # a deployment's own pages
        settings["PATH"] = str(config.resolve(settings["CB_CONTENT"]))
    # Pelican resolves PLUGIN_PATHS against the settings file's folder; a settings file kept
    # outside the checkout (an operator's, with the key path) still means the project's plugins.
    settings["PLUGIN_PATHS"] = [p if Path(p).is_dir() else str(base / os.path.relpath(p, path.parent))
                                for p in (str(base / q) for q in settings["PLUGIN_PATHS"])]
    return settings


def scan(folder: Path) -> tuple[int, int, int]:
    """(files, bytes, html pages) with os.scandir: pathlib's rglob + stat took minutes at 900k
    files. Counted, not listed: at twice Seoul's size a list of its 1.1 million paths is
    ~130 MB (tracemalloc) of the parent at the build's end."""
    files = size = pages = 0
    stack = [str(folder)]
    while stack:
        with os.scandir(stack.pop()) as it:
            for entry in it:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    files += 1
                    size += entry.stat(follow_symlinks=False).st_size
                    pages += entry.name.endswith(".html")
    return files, size, pages


def discard(old: Path) -> None:
    """Remove a replaced site. The new one is already live, so a large tree (900k files at Seoul
    scale) is removed by a detached process instead of holding up the build's result."""
    if not old.exists():
        return
    if sum(1 for _ in islice(old.rglob("*"), 20_000)) < 20_000:
        shutil.rmtree(old, ignore_errors=True)
    else:
        subprocess.Popen(["rm", "-rf", str(old)], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def announce_stage(generator: Any) -> None:
    """Pelican says nothing as each generator makes its context: its ``generate_context`` is
    wrapped to send ``hooks.stage_started`` first, named after its plugin (cb_search: "search";
    Pelican's own: "pelican articles"), so a bench can tell which stage held the memory
    (memwatch.PeakPss)."""
    make = getattr(generator, "generate_context", None)
    if make is None:
        return
    kind = type(generator)
    package = kind.__module__.split(".")[0]
    name = package.removeprefix("cb_") if package.startswith("cb_") else \
        f"{package} {kind.__name__.removesuffix('Generator').lower()}"

    def generate_context() -> Any:
        hooks.stage_started.send(None, name=name)
        return make()

    generator.generate_context = generate_context


def build(output: str | Path = "output", data: str | Path | None = None,
          settings_file: str = "pelicanconf.py", overrides: dict[str, Any] | None = None,
          quiet: bool = False, previous: str | Path | None = None,
          dataset: Dataset | None = None, in_place: bool = False, count: bool = True) -> BuildResult:
    """Ingest, render into a sibling temp folder, then replace ``output`` with it.

    ``previous``: a finished build whose unchanged pages are hard-linked instead of rendered
    (incremental; the result is byte-identical to a full build). ``dataset``: the caller
    has just loaded this export with ``clearbuild.loader.load`` (the nightly guards it first).
    ``in_place``: no swap; update ``output`` where it is (the nightly recycles a retired build
    folder, never the live one: unchanged pages then cost nothing at all).
    Setting ``CB_CLUSTER`` (a Dask scheduler's address): the renderer's partitions run as Dask
    tasks on that cluster's workers, which read the Dataset from a snapshot written here
    (clearbuild.cluster; docs/operators-guide.md). The pages are the same bytes.
    ``count``: walk the finished folder for its files, bytes and HTML files (the summary line);
    without it (the nightly, whose manifest walks it anyway: 5 s at Seoul's size) the pages are
    the renderer's count.
    """
    start = time.time()
    output = config.resolve(output)
    over = dict(overrides or {})
    if data is not None:
        over["CB_DATA"] = str(config.resolve(data))
    if previous is not None:
        over["CB_PREVIOUS_BUILD"] = str(config.resolve(previous))
    over.setdefault("CB_PROGRESS", not quiet)
    settings = settings_for(settings_file, over)
    say = (lambda text: print(text, file=sys.stderr, flush=True)) if not quiet else (lambda text: None)
    if dataset is None:
        hooks.stage_started.send(None, name="ingest")
        dataset = loader.load(settings)  # StructuralError here: nothing written anywhere
    rows = dataset.row_count()
    say(f"read {config.newest_export(settings)}: {rows:,} rows ({dataset.refused:,} refused), "
        f"data as of {dataset.as_of}, in {time.time() - start:.1f} s; queueing pages")
    tmp = output if in_place else output.parent / f".build-{output.name}-{os.getpid()}"
    if tmp.exists() and not in_place:
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True, exist_ok=in_place)
    settings["OUTPUT_PATH"] = str(tmp)
    if quiet:
        logging.getLogger("pelican").setLevel(logging.ERROR)
    stats: dict[str, int] = {}

    def on_render(_: Any, **kw: Any) -> None:  # connected weakly: this frame holds it
        stats.update(kw["stats"])

    hooks.render_finished.connect(on_render)
    signals.generator_init.connect(announce_stage)
    quiet_console, pelican_console.quiet = pelican_console.quiet, True  # its "Processed 0 articles"
    cluster = None
    try:
        if config.setting(settings, "CB_CLUSTER"):  # Dask imported only here (clearbuild.clusterclient)
            from .clusterclient import ClusterBuild

            cluster = ClusterBuild.prepare(config.setting(settings, "CB_CLUSTER"), settings, dataset, output)
            signals.all_generators_finalized.connect(cluster.attach, weak=False)
            say(f"rendering on the Dask cluster at {cluster.executor.address}")
        with buildcontext.handing(dataset):  # the plugins get the Dataset loaded above
            Pelican(settings).run()
    except BaseException:
        forked.cancel_all()  # a child still writing (clearbuild.forked) would write into tmp
        if not in_place:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        pelican_console.quiet = quiet_console
        hooks.render_finished.disconnect(on_render)
        signals.generator_init.disconnect(announce_stage)
        if cluster is not None:
            signals.all_generators_finalized.disconnect(cluster.attach)
            cluster.close()
    if in_place or not count:  # walking every file would cost what updating in place saves
        files, size, pages = 0, 0, stats.get("pages", 0)
    else:
        files, size, pages = scan(tmp)
    if not in_place:
        old = output.parent / f".old-{output.name}-{os.getpid()}"
        if output.exists():
            output.rename(old)
        tmp.rename(output)
        discard(old)
    report = config.resolve(config.setting(settings, "CB_REPORT_DIR")) / "quality.csv"
    result = BuildResult(output, pages, files, size, dataset.refused, time.time() - start,
                         stats.get("rendered", 0), report=report, stats=stats)
    hooks.build_finished.send(result)
    return result
