"""The parent's side of a cluster build: the Renderer's executor that runs partitions as Dask
tasks (the worker side is clearbuild.cluster).

Dask is imported here only when a build is clustered (setting ``CB_CLUSTER``): the default build
and the demo need no Dask at all.

Each partition is one task, keyed by build and partition, submitted with the parent's own and
previous page hashes for its paths (``Renderer.known``) and the plan digest. Dask reschedules
the tasks of a worker that is lost (a task whose workers keep dying is given up after
``distributed.scheduler.allowed-failures`` deaths, and the build fails); a task that raises is
retried ``retries`` times. Either way the pages are the same bytes (clearbuild.cluster).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import buildcontext
from .cluster import BuildSpec, TaskFigures, run_task, with_digest
from .pagehash import page_files

if TYPE_CHECKING:
    from .render import PartResult, Renderer


LAST: dict[str, Any] = {}  # the latest cluster build's task figures and render seconds (the bench)


@dataclass
class DaskExecutor:
    """``Renderer.executor`` for a build on the Dask scheduler at ``address``."""

    address: str
    spec: BuildSpec
    retries: int = 2
    workers: list[str] | None = None  # only these workers (the bench's 1-worker run); None: any
    # None: Dask's own configuration (distributed.comm.tls.*; docs/operators-guide.md, TLS)
    security: Any = None
    timeout: str = "30s"  # to connect to the scheduler
    figures: list[TaskFigures] = field(default_factory=list)
    render_seconds: float = 0.0

    def client(self) -> Any:
        from distributed import Client

        return Client(self.address, timeout=self.timeout, set_as_default=False,
                      security=self.security)

    def __call__(self, renderer: Renderer, indices: list[int]) -> Iterator[PartResult]:
        from distributed import as_completed

        spec = with_digest(self.spec, renderer.plan_digest())
        started = time.monotonic()
        with self.client() as client:
            before = set(client.scheduler_info(n_workers=-1)["workers"])
            futures = [client.submit(run_task, spec, i, renderer.known(i), pure=False,
                                     key=f"cb-partition-{spec.build_id}-{i}", retries=self.retries,
                                     workers=self.workers)
                       for i in indices]
            try:
                for future in as_completed(futures, loop=client.loop):
                    result, figures = future.result()
                    self.figures.append(figures)
                    future.release()
                    renderer.count(pages_of(renderer, result))
                    yield result
            finally:
                client.cancel([f for f in futures if not f.done()])
            lost = before - set(client.scheduler_info(n_workers=-1)["workers"])
        if lost:  # a worker killed mid-write leaves its temporary file beside the page
            sweep(renderer, indices)
        self.render_seconds = time.monotonic() - started
        LAST.clear()
        LAST.update(figures=list(self.figures), render_seconds=self.render_seconds,
                    partitions=len(indices))


def sweep(renderer: Renderer, indices: list[int]) -> int:
    """Remove the temporary files (``<page>.<host>.<pid>.tmp``, ``.link``) that workers which died
    mid-write left beside the pages of these partitions; returns how many."""
    folders: dict[str, set[str]] = {}
    for i in indices:
        key, start, stop = renderer.partitions[i]
        for path, _, _ in renderer.groups[key].jobs(start, stop):
            for rel in page_files(path, renderer.languages):
                folder, name = os.path.split(os.path.join(renderer.output, rel))
                folders.setdefault(folder, set()).add(name)
    removed = 0
    for folder, names in folders.items():
        try:
            entries = os.listdir(folder)
        except FileNotFoundError:
            continue
        for entry in entries:
            stem, _, suffix = entry.rpartition(".")
            if suffix in ("tmp", "link") and any(stem.startswith(n + ".") for n in names):
                os.unlink(os.path.join(folder, entry))
                removed += 1
    return removed


def pages_of(renderer: Renderer, result: PartResult) -> int:
    """Pages a finished partition counts for in the progress display: its jobs."""
    return result.jobs


def worker_pids(address: str, security: Any = None) -> dict[str, int]:
    """Worker address -> process id, asked of every worker (for memory sampling)."""
    from distributed import Client

    with Client(address, timeout="30s", set_as_default=False, security=security) as client:
        return client.run(os.getpid)


@dataclass
class ClusterBuild:
    """One build's cluster side, in the parent: its snapshot, spec and executor.

    ``clearbuild.build`` makes one after ingest when ``CB_CLUSTER`` is set, hands ``attach`` to
    Pelican's ``all_generators_finalized`` signal (the renderer exists and holds every job by
    then, and nothing has been rendered), and calls ``close`` when the build is over.
    """

    executor: DaskExecutor
    snapshot: str

    @classmethod
    def prepare(cls, address: str, settings: dict[str, Any], dataset: Any, output: Path) -> ClusterBuild:
        from . import config, snapshot

        build_id = f"{output.name}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        where = config.setting(settings, "CB_SNAPSHOT_DIR") or str(output.parent / SNAPSHOTS)
        if not snapshot.is_url(where):
            where = str(config.resolve(where))
        location = snapshot.write(dataset, where, build_id)
        spec = BuildSpec(build_id, location, dict(settings))
        return cls(DaskExecutor(address, spec, workers=config.setting(settings, "CB_CLUSTER_WORKERS")),
                   location)

    def attach(self, generators: list[Any]) -> None:
        for g in generators:
            renderer = buildcontext.of(g.context).renderer if hasattr(g, "context") else None
            if renderer is not None:
                renderer.executor = self.executor
                return

    def close(self) -> None:
        from . import snapshot

        snapshot.remove(self.snapshot)


SNAPSHOTS = ".cb-snapshots"  # the default snapshot folder, beside the output (CB_SNAPSHOT_DIR)

