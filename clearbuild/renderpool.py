"""The local render: partitions taken one at a time by the build's own process and by forked
workers, whichever is free.

Why the parent works too: a forked worker copies every page of the parent's heap it reads
(reading an object writes its reference count), so each worker's private memory grew to
200-230 MB over its partitions at Seoul's size, while the parent, which reads its own heap
without copying it, only waited. With ``CB_WORKERS`` - 1 forked workers beside it the build
keeps as many processes busy and holds one worker's copies fewer: Seoul in Korean went from
1.66-1.75 to 1.61 GB summed PSS, and from 249.5-252.4 to 232.7 s.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import config, memwatch

if TYPE_CHECKING:
    from .render import PartResult, Renderer


@dataclass
class _Claims:
    """The partitions left, taken one at a time by whichever process is free (a count shared by
    the forked workers and the parent)."""

    todo: list[int]
    taken: Any  # multiprocessing.Value("q")

    def next(self) -> int | None:
        with self.taken.get_lock():
            n = self.taken.value
            if n >= len(self.todo):
                return None
            self.taken.value = n + 1
        return self.todo[n]


_ACTIVE: tuple[Renderer, _Claims] | None = None


def _work() -> PartResult | None:
    """A forked worker's task: the next partition nobody has taken, or None when none is left."""
    assert _ACTIVE is not None
    renderer, claims = _ACTIVE
    i = claims.next()
    return None if i is None else renderer.run_partition(i)


def run_local(renderer: Renderer, todo: list[int]) -> Iterator[PartResult]:
    """Run partitions ``todo`` (the renderer's numbers), yielding each one's result when done."""
    workers = int(renderer.settings.get("CB_WORKERS") or 0) or os.cpu_count() or 1
    if workers == 1 or len(todo) < 2:
        yield from (renderer.run_partition(i) for i in todo)
        return
    global _ACTIVE
    # Workers inherit the Dataset and the queue by fork; freezing keeps the collector from
    # touching (and so copying) every inherited object in every worker.
    memwatch.give_back()  # the context phase's garbage, before the workers copy the heap
    renderer.warm()
    gc.freeze()
    # A worker copies every page of the parent's heap it touches (reading an object writes
    # its reference count), so a worker kept for the whole build ends up with a private
    # copy of every model its partitions read. A fresh fork every few partitions holds only
    # what those partitions read.
    fresh = int(config.setting(renderer.settings, "CB_WORKER_PARTITIONS") or 0) or None
    # The parent takes partitions too, beside workers - 1 forked workers: it reads its own
    # heap without copying it, where every worker copies what it reads (at Seoul's size a
    # worker's private memory reached 200-230 MB), and it was idle while they worked.
    ctx = multiprocessing.get_context("fork")
    claims = _Claims(todo, ctx.Value("q", 0))
    _ACTIVE = renderer, claims
    results: queue.SimpleQueue[Any] = queue.SimpleQueue()
    try:
        with ctx.Pool(workers - 1, maxtasksperchild=fresh) as pool:
            for _ in todo:  # as many claims as partitions; those left over return None
                pool.apply_async(_work, callback=results.put, error_callback=results.put)
            left = len(todo)
            while left:
                i = claims.next()
                if i is not None:
                    left -= 1
                    yield renderer.run_partition(i)
                # What the workers finished; once nothing is left to take, wait for them.
                while left and (i is None or not results.empty()):
                    part = results.get()
                    if isinstance(part, BaseException):
                        raise part
                    if part is not None:
                        left -= 1
                        yield part
    finally:
        _ACTIVE = None
        gc.unfreeze()

