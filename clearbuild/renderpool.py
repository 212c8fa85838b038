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
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psutil

from . import config, memwatch

if TYPE_CHECKING:
    from .render import PartResult, Renderer


WAIT = 1.0  # seconds between looks at the workers while waiting for one
GRACE = 3.0  # seconds a partition's worker may be gone before its result is given up for lost
END_WAIT = 30.0  # seconds the workers' last (empty) answers are awaited before the pool ends


@dataclass
class _Claims:
    """The partitions left, taken one at a time by whichever process is free (a count shared by
    the forked workers and the parent), and which process took each."""

    todo: list[int]
    taken: Any  # multiprocessing.Value("q")
    owner: Any  # multiprocessing.Array("q", len(todo)): the pid that took todo[n]

    def next(self) -> int | None:
        with self.taken.get_lock():
            n = self.taken.value
            if n >= len(self.todo):
                return None
            self.taken.value = n + 1
            self.owner[n] = os.getpid()
        return self.todo[n]

    def lost(self, done: set[int], gone: dict[int, float]) -> tuple[int, int] | None:
        """(partition, pid): one a worker took and ended without sending back, for ``GRACE``
        seconds (a worker replaced after its partitions may end a moment before its last result
        is read). Why: a worker killed outright (out of memory) never answers, and the build
        waited for it forever instead of failing."""
        now, me = time.monotonic(), os.getpid()
        for n in range(min(self.taken.value, len(self.todo))):
            i, pid = self.todo[n], self.owner[n]
            if i in done or pid in (0, me) or _alive(pid):
                continue
            if now - gone.setdefault(i, now) > GRACE:
                return i, pid
        return None


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


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
    claims = _Claims(todo, ctx.Value("q", 0), ctx.Array("q", len(todo)))
    _ACTIVE = renderer, claims
    results: queue.SimpleQueue[Any] = queue.SimpleQueue()
    done: set[int] = set()
    gone: dict[int, float] = {}
    try:
        with ctx.Pool(workers - 1, maxtasksperchild=fresh) as pool:
            # as many claims as partitions; those left over return None
            asked = [pool.apply_async(_work, callback=results.put, error_callback=results.put)
                     for _ in todo]
            while len(done) < len(todo):
                i = claims.next()
                if i is not None:
                    done.add(i)
                    yield renderer.run_partition(i)
                # What the workers finished; once nothing is left to take, wait for them.
                while len(done) < len(todo) and (i is None or not results.empty()):
                    try:
                        part = results.get(timeout=WAIT)
                    except queue.Empty:
                        _check(renderer, claims, done, gone)
                        continue
                    if isinstance(part, BaseException):
                        raise part
                    if part is not None:
                        done.add(part.index)
                        yield part
            # Every partition is done; the workers' last claims return None at once. Their
            # answers are awaited and the workers let end by themselves (close, join) before the
            # block terminates the pool: a worker killed while it holds one of the pool's queue
            # locks (putting an answer, say) keeps it locked for good, and the pool's shutdown
            # can then wait on it forever (Python's documentation of terminate(); a test build
            # hung in Pool.__exit__ once, in CI, 2026-12-07). Bounded: a worker that died has
            # been reported by ``_check`` already, and past END_WAIT the block terminates.
            end = time.monotonic() + END_WAIT
            for a in asked:
                a.wait(max(0.0, end - time.monotonic()))
            if all(a.ready() for a in asked):
                pool.close()
                pool.join()
    finally:
        _ACTIVE = None
        gc.unfreeze()



def _check(renderer: Renderer, claims: _Claims, done: set[int], gone: dict[int, float]) -> None:
    lost = claims.lost(done, gone)
    if lost is not None:
        i, pid = lost
        (template, _), start, stop = renderer.partitions[i]
        raise RuntimeError(f"render worker {pid} ended without finishing partition {i} "
                           f"({template}, items {start}-{stop}): was it killed (out of memory?)")
