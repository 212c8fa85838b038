"""Render record pages straight from the Dataset, in parallel, without Pelican's article pipeline.

Why not articles: Pelican's article path runs at ~370 pages/s on one core and keeps every page
in memory. A page here is a pure function of (template, records, settings), so pages can be
rendered in any order by any process: jobs are queued, then forked workers split them.

Incremental: because a page is a pure function of its inputs, a hash of those inputs (the job's
context, everything the templates can see, the code and the settings) names its bytes. The hashes
go in ``.cb-pages.json`` in the output; a build given the previous build (setting
``CB_PREVIOUS_BUILD``) hard-links every page whose hash is unchanged instead of rendering it.
Linked or rendered, the bytes are the same, so an incremental build equals a full one.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from . import urls
from .pagehash import PAGES_FILE, Job, fingerprint, job_hash, page_files, read_pages, stable_json
from .progress import OFF, STEP, Progress

__all__ = ["Job", "Renderer", "PAGES_FILE", "read_pages", "stable_json", "page_files"]
KEEP, LINK, RENDER = 0, 1, 2  # what happens to a page: already there, linked, rendered
DATA = "\0data"  # the template name of a data-file job: written once, in no language but the first


@dataclass
class Renderer:
    """Collects page jobs from section generators, then writes them all."""

    env: Environment
    output: Path
    globals: dict[str, Any] = field(default_factory=dict)
    languages: list[str] = field(default_factory=lambda: ["ko"])
    # (base env, language) -> the environment that renders that language
    env_for: Callable[[Environment, str], Environment] | None = None
    jobs: list[Job] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    # What a page depends on beyond its context (e.g. a record's change history read through a
    # Jinja global): plugins append functions of the job whose result is hashed with it.
    depends: list[Callable[[Job], Any]] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    progress: Progress = OFF  # stage, pages done of total, rate, ETA (clearbuild.progress)
    _counter: Any = None  # the running stage's shared count (inherited by the forked workers)
    _fp: str = ""
    _hashes: list[str] = field(default_factory=list)
    _action: list[int] = field(default_factory=list)
    _previous: Path | None = None
    _stale: list[str] = field(default_factory=list)
    _todo: list[int] = field(default_factory=list)  # jobs to link or render (not kept)

    def add(self, template: str, path: str, **context: Any) -> None:
        self.jobs.append(Job(template, path, context))

    def add_file(self, path: str, produce: Callable[..., str | bytes], *args: Any) -> None:
        """Queue a data file (not HTML, not translated) whose bytes are ``produce(*args)``.

        Why through the renderer: at Seoul's size one process serialising and writing 175,000
        record JSON files took ~45 s; here the page workers share them, and like pages they are
        hashed (``produce`` by name, ``args`` by value), so an unchanged file is kept or linked.
        """
        if path.endswith(".html"):
            raise ValueError(f"add_file is for data files; queue pages with add(): {path}")
        self.jobs.append(Job(DATA, path, {"produce": produce, "args": args}))

    def lang_path(self, lang: str, path: str) -> str:
        return path if lang == self.languages[0] else f"{lang}/{path}"

    def job_hash(self, job: Job, cache: dict[int, tuple[Any, bytes]]) -> str:
        return job_hash(self._fp, job, self.depends, cache)

    def render_one(self, job: Job, lang: str, env: Environment | None = None) -> int:
        path = self.lang_path(lang, job.path)
        template = (env or self.env).get_template(job.template)
        ctx = dict(self.globals)
        ctx.update(job.context)
        ctx.update(root=urls.root_prefix(path), page_path=path, lang=lang,
                   site_root=urls.root_prefix(job.path), lang_root=urls.root_prefix(path) +
                   ("" if lang == self.languages[0] else f"{lang}/"),
                   alternates=[(lg, urls.root_prefix(path) + self.lang_path(lg, job.path))
                               for lg in self.languages])
        ctx["SITENAME"] = (ctx.get("SITENAMES") or {}).get(lang) or ctx.get("SITENAME", "")
        return self.write(path, template.render(ctx))

    def write(self, path: str, body: str | bytes) -> int:
        """Plain os calls, not pathlib: at 550,000 files the wrappers alone cost seconds."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        target = os.path.join(self.output, path)
        folder = os.path.dirname(target)
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        # Never write through an existing name: it may be a hard link into a published build.
        try:
            os.unlink(target)
        except FileNotFoundError:
            pass
        with open(target, "wb") as f:
            f.write(data)
        return len(data)

    def link_one(self, job: Job, lang: str) -> int:
        """Reuse the previous build's bytes for an unchanged page; returns their size, 0 if absent."""
        path = self.lang_path(lang, job.path)
        assert self._previous is not None
        src, target = self._previous / path, self.output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.link")
        try:
            try:
                os.link(src, target)
            except FileExistsError:  # updating a folder in place: swap the name over
                tmp.unlink(missing_ok=True)
                os.link(src, tmp)
                os.replace(tmp, target)
                tmp.unlink(missing_ok=True)  # rename is a no-op when both names are one file
        except FileNotFoundError:
            return 0
        except OSError:  # another file system, or too many links: copy instead
            try:
                shutil.copyfile(src, tmp)
                os.replace(tmp, target)
            except FileNotFoundError:
                return 0
        return os.stat(target).st_size or 1

    def _hash_slice(self, start: int, step: int) -> list[str]:
        cache: dict[int, tuple[Any, bytes]] = {}
        out = []
        for n, job in enumerate(self.jobs[start::step], 1):
            out.append(self.job_hash(job, cache))
            if n % STEP == 0:
                self._count(STEP)
        self._count(len(out) % STEP)
        return out

    def _count(self, n: int) -> None:
        if self._counter is not None:
            with self._counter.get_lock():
                self._counter.value += n

    def _run(self, lang: str, start: int, step: int) -> tuple[int, int, int]:
        """Link or render this worker's share of the pages that are not already there."""
        env = self.env_for(self.env, lang) if self.env_for else self.env
        # Templates do not change during a build: skip the stat of every template file (and of
        # every template it extends or imports) that Jinja makes on each get_template.
        env.auto_reload = False
        size = linked = linked_data = 0
        first = lang == self.languages[0]
        for n, i in enumerate(self._todo[start::step], 1):
            if n % STEP == 0:
                self._count(STEP)
            job = self.jobs[i]
            if job.template == DATA and not first:
                continue
            done = self.link_one(job, lang) if self._action[i] == LINK else 0
            if done:
                linked += job.template != DATA
                linked_data += job.template == DATA
                size += done
            elif job.template == DATA:
                size += self.write(job.path, job.context["produce"](*job.context["args"]))
            else:
                size += self.render_one(job, lang, env)
        self._count(len(self._todo[start::step]) % STEP)
        return size, linked, linked_data

    def _parallel(self, name: str, prefix: tuple[Any, ...], workers: int, items: int) -> list[Any]:
        """Run ``self.<name>(*prefix, start, step)`` over ``items`` jobs, split across forked workers."""
        if workers == 1 or items < 200:
            return [getattr(self, name)(*prefix, 0, 1)]
        global _ACTIVE
        _ACTIVE = self
        # Workers inherit the Dataset and the jobs by fork; freezing keeps the collector from
        # touching (and so copying) every inherited object in every worker.
        gc.collect()
        gc.freeze()
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            parts = pool.starmap(_work, [(name, *prefix, i, workers) for i in range(workers)])
        _ACTIVE = None
        gc.unfreeze()
        return parts

    def plan(self, workers: int) -> None:
        """Hash every job and decide which pages the previous build can give unchanged."""
        self._fp = fingerprint(self.settings, self.env, self.languages, self.globals)
        with self.progress.stage("hashing page inputs", len(self.jobs)) as self._counter:
            parts = self._parallel("_hash_slice", (), workers, len(self.jobs))
        self._counter = None
        hashes: list[str] = [""] * len(self.jobs)
        step = len(parts)
        for i, part in enumerate(parts):
            hashes[i::step] = part
        self._hashes = hashes
        prev_dir = self.settings.get("CB_PREVIOUS_BUILD")
        previous = read_pages(prev_dir)
        self._previous = Path(prev_dir) if previous else None
        # Updating a folder that holds a finished build (the nightly recycles its oldest build):
        # its pages with the same hash stay as they are. The record goes first, so a run killed
        # half-way leaves a folder that claims nothing.
        own = read_pages(self.output)
        (self.output / PAGES_FILE).unlink(missing_ok=True)
        self._action = [KEEP if own.get(j.path) == h else LINK if previous.get(j.path) == h
                        else RENDER for j, h in zip(self.jobs, hashes, strict=True)]
        self._todo = [i for i, a in enumerate(self._action) if a != KEEP]
        paths = {j.path for j in self.jobs}
        self._stale = sorted(p for p in own if p not in paths)

    def remove_stale(self) -> None:
        """Pages of records that are gone, left in a folder updated in place."""
        for path in self._stale:
            for rel in page_files(path, self.languages):
                target = self.output / rel
                target.unlink(missing_ok=True)
                try:
                    target.parent.rmdir()  # the record's folder, when nothing else is in it
                except OSError:
                    pass

    def write_all(self, workers: int = 0) -> tuple[int, int]:
        """Render (or link, when unchanged) every queued job in every language; returns (pages, bytes)."""
        workers = workers or os.cpu_count() or 1
        # Sorting makes the work split (and any log) independent of the order generators ran in.
        self.jobs.sort(key=lambda j: j.path)
        self.plan(workers)
        self.remove_stale()
        total_size = total_linked = linked_data = 0
        for lang in self.languages:
            if not self._todo:  # nothing changed: no worker to start
                break
            with self.progress.stage(f"writing pages ({lang})", len(self._todo)) as self._counter:
                parts = self._parallel("_run", (lang,), workers, len(self._todo))
            self._counter = None
            total_size += sum(p[0] for p in parts)
            total_linked += sum(p[1] for p in parts)
            linked_data += sum(p[2] for p in parts)
        pages = {j.path: h for j, h in zip(self.jobs, self._hashes, strict=True)}
        (self.output / PAGES_FILE).write_text(
            json.dumps({"fingerprint": self._fp, "pages": pages}, sort_keys=True, indent=0) + "\n",
            encoding="utf-8")
        n_data = sum(1 for j in self.jobs if j.template == DATA)
        data_todo = sum(1 for i in self._todo if self.jobs[i].template == DATA)
        langs = len(self.languages)
        total_n = (len(self.jobs) - n_data) * langs
        kept = total_n - (len(self._todo) - data_todo) * langs
        self.stats = {"pages": total_n, "rendered": total_n - kept - total_linked,
                      "linked": total_linked, "kept": kept, "data_files": n_data,
                      "data_written": data_todo - linked_data}
        LAST_STATS.clear()
        LAST_STATS.update(self.stats)
        return total_n, total_size


_ACTIVE: Renderer | None = None
LAST_STATS: dict[str, int] = {}  # the latest write_all's counts, for BuildResult and the bench


def _work(name: str, *args: Any) -> Any:
    assert _ACTIVE is not None
    return getattr(_ACTIVE, name)(*args)
