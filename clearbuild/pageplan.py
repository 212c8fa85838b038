"""Planning the render: the queue cut into partitions, and what is recorded of them once done.

Why apart from clearbuild.render: a Dask worker plans too (and must arrive at the same plan),
and the pages file is written from the plan; running partitions is the renderer's business.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import Environment

from .pagehash import HASH_BYTES, fingerprint, read_pages, write_pages
from .pagequeue import DATA, Group

PARTITION_PAGES = 2000  # pages per partition unless CB_PARTITION_PAGES says otherwise
# Pages queued whole (listings, homes, signal lists) are cut finer. Why: they are the heavy
# pages (a month of Seoul's contracts is one 1 MB listing), few enough to fit in one partition:
# at Seoul's size all 1,700 listings (contracts, notices, plans: 29 CPU s) were one partition, so
# one worker rendered them alone at the end of a night while the other idled.
WHOLE_PAGES = 25


class PagePlan:
    """The planning side of clearbuild.render.Renderer (which declares these fields)."""

    env: Environment | None
    output: Path
    globals: dict[str, Any]
    languages: list[str]
    settings: dict[str, Any]
    groups: dict[tuple[str, str], Group]
    partitions: list[tuple[tuple[str, str], int, int]]
    _fp: str
    _own: dict[str, str]
    _previous: dict[str, str]

    def plan(self, size: int = 0) -> None:
        """Sort, cut into partitions, fingerprint, read the hashes of the pages already there.
        Writes nothing: a Dask worker runs it too and must arrive at the same plan."""
        size = size or int(self.settings.get("CB_PARTITION_PAGES") or PARTITION_PAGES)  # config
        assert self.env is not None
        self._fp = fingerprint(self.settings, self.env, self.languages, self.globals)
        self.partitions = []
        # Sorted, so the plan (and the work split) never depends on the order generators ran in;
        # the partitions a cluster renders first (Renderer.remote), so they have the same numbers
        # on a cluster worker, which queues nothing else.
        for key in sorted(self.groups, key=lambda k: (self.groups[k].context is None, k)):
            group = self.groups[key]
            group.sort()
            whole = group.context is None and group.template != DATA or group.heavy
            step = min(size, WHOLE_PAGES) if whole else size
            for start in range(0, len(group), step):
                self.partitions.append((key, start, min(start + step, len(group))))
        prev = self.settings.get("CB_PREVIOUS_BUILD")
        self._previous = read_pages(prev)
        self._own = read_pages(self.output)

    def remote(self) -> list[int]:
        """The partitions a cluster renders: those whose contexts are made where they are
        rendered (record kinds, lazy data files). Pages queued whole (homes, listings, the
        search and data pages: their contexts come from the parent's own work) stay here."""
        return [i for i, (key, _, _) in enumerate(self.partitions) if self.groups[key].context is not None]

    def plan_digest(self) -> str:
        """The same on any process that built the same plan from the same data and code (over
        the partitions a cluster renders: a cluster worker skips the parent's other work)."""
        h = hashlib.sha256(self._fp.encode())
        for i in self.remote():
            key, start, stop = self.partitions[i]
            h.update(f"\0{i}\0{key}\0{start}\0{stop}".encode())  # a task names its partition by i
            for path, _, _ in self.groups[key].jobs(start, stop):
                h.update(path.encode() + b"\0")
        return h.hexdigest()

    def known(self, i: int) -> tuple[dict[str, str], dict[str, str]]:
        """(own, previous) input hashes of partition ``i``'s pages: what a remote worker needs."""
        key, start, stop = self.partitions[i]
        paths = [path for path, _, _ in self.groups[key].jobs(start, stop)]
        return ({p: self._own[p] for p in paths if p in self._own},
                {p: self._previous[p] for p in paths if p in self._previous})

    def stale(self) -> list[str]:
        """Pages of records that are gone, left in a folder updated in place."""
        paths = {path for g in self.groups.values() for path, _, _ in g.jobs()}
        return sorted(p for p in self._own if p not in paths)

    # -- once a partition is done ---------------------------------------------------------------

    def _let_go(self, i: int) -> None:
        """Drop what partition ``i``'s jobs carried (a listing's context, a data file's
        arguments, a record) once it is done; the paths and keys stay for the pages file and the
        ``page_written`` hook. Why: the pages queued whole hold their contexts (177 MB at
        Seoul's size in Korean) in the parent, which every fresh worker maps, until the end."""
        key, start, stop = self.partitions[i]
        self.groups[key].let_go(start, stop)

    def _write_pages_file(self, done: dict[int, bytes]) -> int:
        """Write ``.cb-pages.json`` straight from the partitions' hashes, every group's paths
        merged in order (each group's are sorted by ``plan``); how many paths it holds."""
        def entries(key: tuple[str, str]) -> Iterator[tuple[str, str]]:
            group = self.groups[key]
            for i in sorted((i for i in done if self.partitions[i][0] == key),
                            key=lambda i: self.partitions[i][1]):
                _, start, stop = self.partitions[i]
                blob = done[i]
                for n, (path, _, _) in enumerate(group.jobs(start, stop)):
                    yield path, blob[n * HASH_BYTES:(n + 1) * HASH_BYTES].hex()

        merged = heapq.merge(*(entries(key) for key in sorted(self.groups)), key=lambda e: e[0])
        return write_pages(self.output, self._fp, merged)
