"""Render record pages straight from the Dataset, in parallel, without Pelican's article pipeline.

Why not articles: Pelican's article path runs at ~370 pages/s on one core and keeps every page
in memory. A page here is a pure function of (template, records, settings), so pages can be
rendered in any order by any process: jobs are queued, then forked workers split them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from . import urls


@dataclass
class Job:
    template: str
    path: str  # relative to the site root, e.g. projects/P-1/index.html
    context: dict[str, Any]


@dataclass
class Renderer:
    """Collects page jobs from section generators, then writes them all."""

    env: Environment
    output: Path
    globals: dict[str, Any] = field(default_factory=dict)
    languages: list[str] = field(default_factory=lambda: ["ko"])
    translate: Callable[[Environment, str], None] | None = None
    jobs: list[Job] = field(default_factory=list)

    def add(self, template: str, path: str, **context: Any) -> None:
        self.jobs.append(Job(template, path, context))

    def lang_path(self, lang: str, path: str) -> str:
        return path if lang == self.languages[0] else f"{lang}/{path}"

    def render_one(self, job: Job, lang: str) -> int:
        path = self.lang_path(lang, job.path)
        template = self.env.get_template(job.template)
        ctx = dict(self.globals)
        ctx.update(job.context)
        ctx.update(root=urls.root_prefix(path), page_path=path, lang=lang,
                   site_root=urls.root_prefix(job.path), lang_root=urls.root_prefix(path) +
                   ("" if lang == self.languages[0] else f"{lang}/"),
                   alternates=[(lg, urls.root_prefix(path) + self.lang_path(lg, job.path))
                               for lg in self.languages])
        html = template.render(ctx)
        target = self.output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = html.encode("utf-8")
        target.write_bytes(data)
        return len(data)

    def _run(self, lang: str, start: int, step: int) -> tuple[int, int]:
        if self.translate:
            self.translate(self.env, lang)
        n = size = 0
        for job in self.jobs[start::step]:
            size += self.render_one(job, lang)
            n += 1
        return n, size

    def write_all(self, workers: int = 0) -> tuple[int, int]:
        """Render every queued job in every language; returns (pages, bytes)."""
        workers = workers or os.cpu_count() or 1
        # Sorting makes the work split (and any log) independent of the order generators ran in.
        self.jobs.sort(key=lambda j: j.path)
        total_n = total_size = 0
        for lang in self.languages:
            if workers == 1 or len(self.jobs) < 200:
                n, size = self._run(lang, 0, 1)
            else:
                global _ACTIVE
                _ACTIVE = self
                ctx = multiprocessing.get_context("fork")
                with ctx.Pool(workers) as pool:
                    parts = pool.starmap(_work, [(lang, i, workers) for i in range(workers)])
                _ACTIVE = None
                n, size = sum(p[0] for p in parts), sum(p[1] for p in parts)
            total_n += n
            total_size += size
        return total_n, total_size


_ACTIVE: Renderer | None = None


def _work(lang: str, start: int, step: int) -> tuple[int, int]:
    assert _ACTIVE is not None
    return _ACTIVE._run(lang, start, step)
