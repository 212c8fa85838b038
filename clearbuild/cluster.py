"""The worker side of a build on a Dask cluster (``invoke build --cluster ADDR``).

A task is one partition of the renderer's plan (a few thousand pages of one kind, every
language), never one page. To render it a worker needs the very Renderer the parent has: the
same jobs with the same contexts, hashes and partitions. It rebuilds it, once per build and
process, from what every worker sees:

1. the Dataset, from the build's columnar snapshot (clearbuild.snapshot), handed to the
   plugins in the build's context (clearbuild.buildcontext) as the build wrapper hands its own;
2. Pelican's **context phase** only: the generators constructed as ``Pelican.run`` does and
   ``generate_context()`` called on each (a throwaway output folder takes what a plugin may
   write there; the real build folder receives nothing but the partitions' pages);
3. the context's renderer, planned, pointed at the parent's build folder.

The parent sends its plan digest with every task; a worker whose rebuilt plan differs (other
code, templates, settings, history or data on that machine) fails the task loudly instead of
writing pages that do not belong to this build. Rendering is idempotent (temporary names and
atomic renames in ``Renderer.run_partition``), so a task run twice, or re-run after its worker
died, writes the same bytes.

Nothing here imports Dask: the functions are plain, shipped to workers by reference. The
parent's side is clearbuild.clusterclient.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import buildcontext, config, memwatch, snapshot

if TYPE_CHECKING:
    from .dataset import Dataset
    from .render import PartResult, Renderer

# Pelican settings naming folders of the code checkout: rebased onto this worker's checkout.
CHECKOUT_SETTINGS = ("PATH", "THEME", "PLUGIN_PATHS", "CACHE_PATH")


class PlanMismatch(RuntimeError):
    """This worker rebuilt another plan than the parent's: different code or data here."""


@dataclass(frozen=True)
class BuildSpec:
    """What a worker needs to rebuild the parent's renderer; sent with every task (a few KB)."""

    build_id: str  # unique per build: the workers' cache key
    snapshot: str  # where the Dataset's snapshot is (a path every worker sees, or a URL)
    settings: dict[str, Any]  # the parent's Pelican settings; OUTPUT_PATH is the build folder
    root: str = field(default_factory=lambda: str(config.ROOT))  # the parent's checkout
    digest: str = ""  # the parent's plan digest (Renderer.plan_digest)

    @property
    def output(self) -> Path:
        return Path(self.settings["OUTPUT_PATH"])


def local_settings(spec: BuildSpec, output: str) -> dict[str, Any]:
    """The parent's settings, with its checkout's folders moved to this one's (the same code in
    another place) and the output a scratch folder for the context phase."""
    settings = dict(spec.settings)
    here = str(config.ROOT)

    def rebase(value: Any) -> Any:
        if isinstance(value, str) and (value == spec.root or value.startswith(spec.root + os.sep)):
            return here + value[len(spec.root):]
        return value

    for name in CHECKOUT_SETTINGS:
        if isinstance(settings.get(name), list):
            settings[name] = [rebase(v) for v in settings[name]]
        elif name in settings:
            settings[name] = rebase(settings[name])
    settings["OUTPUT_PATH"] = output
    settings["CB_PROGRESS"] = False  # the parent shows the cluster's progress
    # Only record partitions come here (Renderer.remote): plugins skip what only the parent's
    # pages and files need (the search index, the open-data downloads).
    settings["CB_CLUSTER_WORKER"] = True
    return settings


def context_phase(settings: dict[str, Any], dataset: Dataset) -> dict[str, Any]:
    """Pelican's generators built and their contexts generated, exactly as ``Pelican.run`` does
    up to its output phase, with ``dataset`` handed to them (clearbuild.buildcontext); returns
    the shared context (its build context holds the Dataset and the renderer)."""
    from pelican import Pelican, signals

    pelican = Pelican(settings)
    context: dict[str, Any] = settings.copy()
    buildcontext.of(context).dataset = dataset
    context["generated_content"] = {}
    context["static_links"] = set()
    context["static_content"] = {}
    context["localsiteurl"] = settings["SITEURL"]
    generators = [cls(context=context, settings=pelican.settings, path=pelican.path,
                      theme=pelican.theme, output_path=pelican.output_path)
                  for cls in pelican._get_generator_classes()]
    for g in generators:
        if hasattr(g, "generate_context"):
            g.generate_context()
        if hasattr(g, "check_disabled_readers"):
            g.check_disabled_readers()
    # As Pelican.run: what plugins queue once every generator has made its context (cb_signals
    # reads its Signals there, after cb_history's; the page hashes keep the parent's order).
    signals.all_generators_finalized.send(generators)
    return context


def rebuild(spec: BuildSpec) -> Renderer:
    """The parent's renderer, rebuilt here from the snapshot; PlanMismatch if it differs."""
    memwatch.returning_pool()  # as the parent's ingest does (clearbuild.loader)
    dataset = snapshot.read(spec.snapshot)
    scratch = tempfile.mkdtemp(prefix="cb-context-")
    try:
        settings = local_settings(spec, scratch)
        context = context_phase(settings, dataset)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    renderer: Renderer = buildcontext.renderer_of(context)
    buildcontext.release(context)  # a worker lives for many builds; ``forget`` then frees this one
    renderer.output = spec.output
    renderer.atomic = True  # a task run twice (a lost worker's, a retry) may race itself
    renderer.settings["OUTPUT_PATH"] = str(spec.output)
    renderer.plan()
    if spec.digest and renderer.plan_digest() != spec.digest:
        raise PlanMismatch(
            f"worker {os.uname().nodename} pid {os.getpid()} rebuilt another plan than the parent's "
            f"for build {spec.build_id} ({renderer.plan_digest()[:12]} != {spec.digest[:12]}): "
            "its code, templates, settings, history or snapshot differ from the parent's")
    return renderer


_LOCK = threading.Lock()
_BUILDS: dict[str, Renderer | BaseException] = {}  # build id -> renderer (or why it failed)
STATS: dict[str, float] = {}  # this process's last rebuild: seconds, jobs (for the bench)


def renderer_for(spec: BuildSpec, make: Callable[[BuildSpec], Renderer] = rebuild) -> Renderer:
    """This process's renderer for the build, rebuilt once (under a lock: a worker's threads
    share it); only the newest build is kept."""
    with _LOCK:
        hit = _BUILDS.get(spec.build_id)
        if hit is None:
            _BUILDS.clear()
            gc.collect()
            started = time.monotonic()
            try:
                hit = make(spec)
                STATS.update(rebuild_seconds=time.monotonic() - started, jobs=hit.queued())
            except PlanMismatch as e:  # every later task of this build fails the same way, fast
                hit = e
            _BUILDS[spec.build_id] = hit
        if isinstance(hit, BaseException):
            raise hit
        return hit


@dataclass
class TaskFigures:
    """What one partition cost on its worker (the bench reports them)."""

    index: int
    pages: int
    seconds: float  # rendering only
    rebuild_seconds: float  # rebuilding the renderer, when this task was the first here
    pid: int
    host: str


def run_task(spec: BuildSpec, index: int, known: tuple[dict[str, str], dict[str, str]] | None
             ) -> tuple[PartResult, TaskFigures]:
    """One Dask task: render partition ``index`` of the build (``known``: the parent's own and
    previous page hashes for its paths), with what it cost here."""
    started = time.monotonic()
    renderer = renderer_for(spec)
    ready = time.monotonic()
    result = renderer.run_partition(index, known)
    done = time.monotonic()
    return result, TaskFigures(index, result.jobs, done - ready, ready - started, os.getpid(),
                               os.uname().nodename)


def forget() -> None:
    with _LOCK:
        _BUILDS.clear()


def worker_stats() -> dict[str, Any]:
    """For ``client.run``: this worker process's pid and last rebuild's figures."""
    return {"pid": os.getpid(), **STATS}


def with_digest(spec: BuildSpec, digest: str) -> BuildSpec:
    return replace(spec, digest=digest)
