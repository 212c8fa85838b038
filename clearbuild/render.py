"""Render pages straight from the Dataset, in partitions, in parallel, without Pelican's articles.

Why not articles: Pelican's article path runs at ~370 pages/s on one core and keeps every page
in memory. A page here is a pure function of (template, records, settings), so pages can be
rendered in any order by any process.

Why partitions, and contexts computed where the page is rendered: the build used to queue one
job per page with its context made in the parent: at Seoul's size 700,000 contexts held in the
parent, copied page by page into every forked worker as they were hashed. Now a plugin hands over
a record kind's records and the function that makes a page's context
(``add_records(kind, records, context)``); the queue holds (path, key, record) references only,
cut into partitions of ``CB_PARTITION_PAGES`` pages of one kind. A worker (the parent itself
beside ``CB_WORKERS`` - 1 forked processes, or a Dask worker, clearbuild.cluster) takes a whole
partition: it makes each context, hashes it, and keeps, links or renders the page in every
language, so one context serves all languages.

Incremental: a hash of a page's inputs (its context, the templates, code and settings, and what
plugins declare it also depends on) names its bytes. The hashes go in ``.cb-pages.json``; a
build given the previous build (``CB_PREVIOUS_BUILD``) hard-links every page whose hash is
unchanged instead of rendering it, so an incremental build equals a full one.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from . import hooks, memwatch
from .pagehash import HASH_BYTES, PAGES_FILE, Job, job_hash, page_files, read_pages, stable_json
from .pageplan import PARTITION_PAGES, WHOLE_PAGES, PagePlan
from .pagequeue import DATA, Group, PageQueue
from .pagewrite import PageWriter
from .progress import OFF, STEP, Progress

__all__ = ["Job", "Renderer", "PartResult", "PAGES_FILE", "PARTITION_PAGES", "WHOLE_PAGES", "read_pages",
           "stable_json", "page_files"]


@dataclass
class PartResult:
    """What one partition did; picklable, so a Dask worker can send it back."""

    index: int
    # The input hash of each of its jobs, in the partition's order, as 32 raw bytes each. Why
    # not a dict of path -> hex: the parent keeps every partition's until the pages file is
    # written; such a dict of 560,000 entries (Seoul in Korean and English) measured 135 MB, these
    # bytes are 18 MB (the parent has the paths already, in its queue).
    hashes: bytes = b""
    bytes: int = 0
    rendered: int = 0
    linked: int = 0
    kept: int = 0
    data_written: int = 0
    page_bytes: int = 0  # of the HTML pages (rendered or linked), apart from data files
    # Milliseconds of this partition's work by step: the profile a bench prints (what bounds the
    # rate: making contexts, hashing them, rendering and writing, linking unchanged pages).
    ms: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STEPS, 0.0))

    @property
    def jobs(self) -> int:
        """How many jobs (pages in one language, data files) the partition had."""
        return len(self.hashes) // HASH_BYTES


STEPS = ("context", "hash", "render", "link", "data")
Executor = Callable[["Renderer", list[int]], Iterable[PartResult]]


@dataclass
class Renderer(PageQueue, PagePlan, PageWriter):
    """Collects page jobs from section generators, then writes them all, partition by partition."""

    env: Environment | None = None
    output: Path = Path("output")
    globals: dict[str, Any] = field(default_factory=dict)
    languages: list[str] = field(default_factory=lambda: ["ko"])
    # (base env, language) -> the environment that renders that language
    env_for: Callable[[Environment, str], Environment] | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    # What a page depends on beyond its context (e.g. a record's change history read through a
    # Jinja global): plugins append functions of the job whose result is hashed with it.
    depends: list[Callable[[Job], Any]] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    progress: Progress = OFF  # stage, pages done of total, rate, ETA (clearbuild.progress)
    executor: Executor | None = None  # None: forked local processes; clearbuild.cluster: Dask
    atomic: bool = False  # write through temporary names (a retried cluster task may race itself)
    groups: dict[tuple[str, str], Group] = field(default_factory=dict)
    partitions: list[tuple[tuple[str, str], int, int]] = field(default_factory=list)
    _counter: Any = None  # the running stage's shared count (inherited by the forked workers)
    _fp: str = ""
    _own: dict[str, str] = field(default_factory=dict)
    _previous: dict[str, str] = field(default_factory=dict)
    _envs: dict[str, Environment] = field(default_factory=dict)

    # -- one partition -------------------------------------------------------------------------

    def env_of(self, lang: str) -> Environment:
        if lang not in self._envs:
            assert self.env is not None
            env = self.env_for(self.env, lang) if self.env_for else self.env
            # Templates do not change during a build: skip the stat of every template file that
            # Jinja makes on each get_template.
            env.auto_reload = False
            self._envs[lang] = env
        return self._envs[lang]

    def run_partition(self, i: int, known: tuple[dict[str, str], dict[str, str]] | None = None
                      ) -> PartResult:
        """Make, hash and keep, link or render every page of partition ``i`` in every language."""
        key, start, stop = self.partitions[i]
        group = self.groups[key]
        own, previous = known if known is not None else (self._own, self._previous)
        out = PartResult(i)
        hashes: list[bytes] = []
        cache: dict[int, tuple[Any, bytes]] = {}
        data = group.template == DATA
        ms, clock = out.ms, time.perf_counter
        for n, (path, rec_key, item) in enumerate(group.jobs(start, stop), 1):
            if n % STEP == 0:
                self.count(STEP)
            t0 = clock()
            context = group.context(item) if group.context else item
            t1 = clock()
            ms["context"] += t1 - t0
            if len(cache) > 256:  # it holds what it hashed: contexts made per page would pile up
                cache.clear()
            # A data file may name its bytes by a digest (clearbuild.pagequeue.add_files): then
            # its arguments are not hashed, and need not be made unless the file is written.
            hashed = {"produce": context["produce"], "digest": context["digest"]} \
                if data and "digest" in context else context
            job = Job(group.template, path, hashed, group.kind, rec_key if group.kind else "")
            h = job_hash(self._fp, job, self.depends, cache)
            hashes.append(bytes.fromhex(h))
            t0 = clock()
            ms["hash"] += t0 - t1
            if own.get(path) == h:
                out.kept += 1
                continue
            langs = self.languages[:1] if data else self.languages
            if previous.get(path) == h:
                sizes = [self.link_one(path, lang) for lang in langs]
                if all(sizes):
                    out.linked += not data  # data files are counted apart from pages
                    out.bytes += sum(sizes)
                    out.page_bytes += 0 if data else sum(sizes)
                    ms["link"] += clock() - t0
                    continue
            if data:
                out.bytes += self.write(path, context["produce"](*context["args"]))
                out.data_written += 1
                ms["data"] += clock() - t0
            else:
                size = sum(self.render_one(job, lang, self.env_of(lang)) for lang in langs)
                out.bytes += size
                out.page_bytes += size
                out.rendered += 1
                ms["render"] += clock() - t0
        self.count((stop - start) % STEP)
        out.hashes = b"".join(hashes)
        out.ms = {k: round(v * 1000, 1) for k, v in ms.items()}
        return out

    def warm(self) -> None:
        """Compile every queued template in every language here, once, so each forked worker
        inherits them instead of compiling its own."""
        for lang in self.languages:
            env = self.env_of(lang)
            for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
                env.get_template(name)  # the pages' templates and what they include or import

    def count(self, n: int) -> None:
        """Pages done, for the progress display (a forked worker adds to the shared count)."""
        if self._counter is not None:
            with self._counter.get_lock():
                self._counter.value += n

    # -- the whole build -----------------------------------------------------------------------

    def _local(self, _: Renderer, todo: list[int]) -> Iterator[PartResult]:
        """Partitions ``todo`` here and in forked workers (clearbuild.renderpool)."""
        from .renderpool import run_local

        return run_local(self, todo)

    def write_all(self, workers: int = 0) -> tuple[int, int]:
        """Make every queued page (or link it, when unchanged) in every language; (pages, bytes)."""
        if workers:
            self.settings = {**self.settings, "CB_WORKERS": workers}
        hooks.stage_started.send(None, name="render")
        self.plan()
        for path in self.stale():
            self.remove(path)
        # The record goes first: a run killed half-way leaves a folder that claims nothing.
        (self.output / PAGES_FILE).unlink(missing_ok=True)
        total = {"bytes": 0, "rendered": 0, "linked": 0, "kept": 0, "data_written": 0, "page_bytes": 0}
        done: dict[int, bytes] = {}  # partition -> its jobs' hashes (PartResult.hashes)
        ms = dict.fromkeys(STEPS, 0.0)
        items = sum(stop - start for _, start, stop in self.partitions)
        remote = self.remote()
        # The heavy pages (queued whole, or lazy and ``heavy``) first, so no worker ends the
        # build alone on a listing.
        later = set(remote)
        everything = sorted(range(len(self.partitions)),
                            key=lambda i: i in later and not self.groups[self.partitions[i][0]].heavy)
        whole = set(everything) - later
        # On a cluster: the pages queued whole here first (forked, before any Dask client thread
        # exists in this process: a fork copies no thread), then the record partitions there.
        runs = [(self._local, everything)] if self.executor is None else [
            (self._local, sorted(whole)), (self.executor, remote)]
        with self.progress.stage("writing pages", items) as self._counter:
            for run, todo in runs:
                for part in run(self, todo):
                    done[part.index] = part.hashes
                    self._let_go(part.index)
                    if part.index in whole:
                        whole.discard(part.index)
                        if not whole:  # the listings' contexts are gone: hand their memory back
                            gc.collect()
                            memwatch.give_back()
                    for step, spent in part.ms.items():
                        ms[step] += spent
                    for name in total:
                        total[name] += getattr(part, name)
        self._counter = None
        entries = self._write_pages_file(done)
        del done
        n_data = sum(len(g) for g in self.groups.values() if g.template == DATA)
        langs = len(self.languages)
        n_pages = (entries - n_data) * langs
        self.stats = {"pages": n_pages, "rendered": total["rendered"] * langs,
                      "linked": total["linked"] * langs, "data_files": n_data,
                      "data_written": total["data_written"]}
        self.stats["kept"] = n_pages - self.stats["rendered"] - self.stats["linked"]
        self.stats.update({f"ms_{step}": round(spent) for step, spent in ms.items()})  # all workers
        self.stats["page_bytes"] = total["page_bytes"]  # written or linked now (kept: not counted)
        hooks.render_finished.send(self, stats=dict(self.stats))
        for key in sorted(self.groups) if hooks.page_written.receivers else ():
            group = self.groups[key]  # announce every page now in the site (clearbuild.hooks)
            for path, rec_key, _ in group.jobs():
                if group.template != DATA:
                    hooks.page_written.send(self, path=path, kind=group.kind,
                                            key=rec_key if group.kind else "", languages=self.languages)
        return n_pages, total["bytes"]
