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

import hashlib
import json
import multiprocessing
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from . import config, urls

PAGES_FILE = ".cb-pages.json"
# Settings that name where things are, not what pages say: a build in another folder, from
# another night's export folder, must hash the same.
PLACE_SETTINGS = {"PATH", "OUTPUT_PATH", "THEME", "PLUGIN_PATHS", "CACHE_PATH", "CB_DATA",
                  "CB_EXPORTS_DIR", "CB_SAMPLE_DIR", "CB_ADMIN_DB", "CB_REPORT_DIR", "CB_WORKERS",
                  "CB_PREVIOUS_BUILD", "CB_HISTORY_DIR"}
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_BIG = 64  # containers this long are hashed once per object (shared lists like all projects)


@dataclass
class Job:
    template: str
    path: str  # relative to the site root, e.g. projects/P-1/index.html
    context: dict[str, Any]


def _default(o: Any) -> Any:
    if isinstance(o, (set, frozenset)):
        return sorted(o, key=repr)
    if callable(o):
        return getattr(o, "__qualname__", type(o).__qualname__)
    return _ADDRESS.sub("", str(o))


def _normalise(o: Any) -> Any:
    """Mixed-type dict keys defeat sort_keys; make every key a string."""
    if isinstance(o, dict):
        return {str(k): _normalise(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_normalise(v) for v in o]
    return o


def stable_json(o: Any) -> str:
    try:
        return json.dumps(o, sort_keys=True, default=_default, separators=(",", ":"))
    except TypeError:
        return json.dumps(_normalise(o), sort_keys=True, default=_default, separators=(",", ":"))


def _tree_digest(h: Any, folder: Path, skip: tuple[str, ...] = ("__pycache__",)) -> None:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(part in skip for part in path.parts) and path.suffix != ".pyc":
            h.update(str(path.relative_to(folder)).encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())


def fingerprint(settings: dict[str, Any], env: Environment, languages: list[str],
                page_globals: dict[str, Any]) -> str:
    """What every page depends on besides its own context: code, theme, templates, settings."""
    h = hashlib.sha256(b"clearbuild-pages-1\0")
    h.update(stable_json(languages).encode())
    h.update(stable_json(page_globals).encode())
    h.update(stable_json(dict(env.globals)).encode())
    h.update(stable_json({k: v for k, v in settings.items()
                          if k not in PLACE_SETTINGS and not k.startswith("CB_PUBLISH_")}).encode())
    for name in sorted(env.list_templates()):
        source = env.loader.get_source(env, name)[0] if env.loader else ""
        h.update(name.encode() + b"\0" + source.encode() + b"\0")
    # Code and theme: a filter's or a plugin's new behaviour may change any page.
    for folder in (config.ROOT / "clearbuild", config.ROOT / "plugins",
                   Path(settings.get("THEME") or config.ROOT / "theme")):
        _tree_digest(h, folder)
    return h.hexdigest()


def read_pages(folder: str | Path | None) -> dict[str, str]:
    """page path -> input hash of a finished build (empty when there is none or it is unreadable)."""
    if not folder:
        return {}
    try:
        data = json.loads((Path(folder) / PAGES_FILE).read_text(encoding="utf-8"))
        return dict(data["pages"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


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
    _fp: str = ""
    _hashes: list[str] = field(default_factory=list)
    _reuse: list[bool] = field(default_factory=list)
    _previous: Path | None = None

    def add(self, template: str, path: str, **context: Any) -> None:
        self.jobs.append(Job(template, path, context))

    def lang_path(self, lang: str, path: str) -> str:
        return path if lang == self.languages[0] else f"{lang}/{path}"

    def job_hash(self, job: Job, cache: dict[int, tuple[Any, str]]) -> str:
        h = hashlib.sha256(self._fp.encode())
        h.update(f"\0{job.template}\0{job.path}\0".encode())
        for key in sorted(job.context):
            value = job.context[key]
            if isinstance(value, (dict, list, tuple)) and len(value) >= _BIG:
                hit = cache.get(id(value))
                if hit is None or hit[0] is not value:
                    hit = (value, hashlib.sha256(stable_json(value).encode()).hexdigest())
                    cache[id(value)] = hit
                text = hit[1]
            else:
                text = stable_json(value)
            h.update(f"{key}={text}\0".encode())
        for dep in self.depends:
            h.update(stable_json(dep(job)).encode() + b"\0")
        return h.hexdigest()

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
        html = template.render(ctx)
        target = self.output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = html.encode("utf-8")
        # Never write through an existing name: it may be a hard link into a published build.
        if target.exists():
            target.unlink()
        target.write_bytes(data)
        return len(data)

    def link_one(self, job: Job, lang: str) -> int:
        """Reuse the previous build's bytes for an unchanged page; returns their size, 0 if absent."""
        path = self.lang_path(lang, job.path)
        assert self._previous is not None
        src, target = self._previous / path, self.output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, target)
        except FileNotFoundError:
            return 0
        except OSError:  # another file system, or too many links: copy instead
            try:
                shutil.copyfile(src, target)
            except FileNotFoundError:
                return 0
        return os.stat(target).st_size or 1

    def _hash_slice(self, start: int, step: int) -> list[str]:
        cache: dict[int, tuple[Any, str]] = {}
        return [self.job_hash(job, cache) for job in self.jobs[start::step]]

    def _run(self, lang: str, start: int, step: int) -> tuple[int, int, int]:
        env = self.env_for(self.env, lang) if self.env_for else self.env
        n = size = linked = 0
        for i in range(start, len(self.jobs), step):
            job = self.jobs[i]
            reused = self.link_one(job, lang) if self._reuse and self._reuse[i] else 0
            if reused:
                linked += 1
                size += reused
            else:
                size += self.render_one(job, lang, env)
            n += 1
        return n, size, linked

    def _parallel(self, name: str, prefix: tuple[Any, ...], workers: int) -> list[Any]:
        """Run ``self.<name>(*prefix, start, step)`` over the jobs, split across forked workers."""
        if workers == 1 or len(self.jobs) < 200:
            return [getattr(self, name)(*prefix, 0, 1)]
        global _ACTIVE
        _ACTIVE = self
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            parts = pool.starmap(_work, [(name, *prefix, i, workers) for i in range(workers)])
        _ACTIVE = None
        return parts

    def plan(self, workers: int) -> None:
        """Hash every job and decide which pages the previous build can give unchanged."""
        self._fp = fingerprint(self.settings, self.env, self.languages, self.globals)
        parts = self._parallel("_hash_slice", (), workers)
        hashes: list[str] = [""] * len(self.jobs)
        step = len(parts)
        for i, part in enumerate(parts):
            hashes[i::step] = part
        self._hashes = hashes
        prev_dir = self.settings.get("CB_PREVIOUS_BUILD")
        previous = read_pages(prev_dir)
        self._previous = Path(prev_dir) if previous else None
        self._reuse = [previous.get(j.path) == h for j, h in zip(self.jobs, hashes, strict=True)]

    def write_all(self, workers: int = 0) -> tuple[int, int]:
        """Render (or link, when unchanged) every queued job in every language; returns (pages, bytes)."""
        workers = workers or os.cpu_count() or 1
        # Sorting makes the work split (and any log) independent of the order generators ran in.
        self.jobs.sort(key=lambda j: j.path)
        self.plan(workers)
        total_n = total_size = total_linked = 0
        for lang in self.languages:
            parts = self._parallel("_run", (lang,), workers)
            total_n += sum(p[0] for p in parts)
            total_size += sum(p[1] for p in parts)
            total_linked += sum(p[2] for p in parts)
        pages = {j.path: h for j, h in zip(self.jobs, self._hashes, strict=True)}
        (self.output / PAGES_FILE).write_text(
            json.dumps({"fingerprint": self._fp, "pages": pages}, sort_keys=True, indent=0) + "\n",
            encoding="utf-8")
        self.stats = {"pages": total_n, "rendered": total_n - total_linked, "linked": total_linked}
        LAST_STATS.clear()
        LAST_STATS.update(self.stats)
        return total_n, total_size


_ACTIVE: Renderer | None = None
LAST_STATS: dict[str, int] = {}  # the latest write_all's counts, for BuildResult and the bench


def _work(name: str, *args: Any) -> Any:
    assert _ACTIVE is not None
    return getattr(_ACTIVE, name)(*args)
