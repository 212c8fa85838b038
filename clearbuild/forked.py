"""One piece of a build's work in a forked process, beside the parent's own.

Why: the context phase runs in one process while the second core waits for the render workers.
At Seoul's size the open-data downloads (the OCDS release package, Cardinal's coverage, the
OC4IDS package: ~22 CPU s) need only the Dataset, so a child forked when they can start writes
them while the parent makes the sections' contexts and the search index, and hands back only
small results (sizes, counts, the releases' digests).

The child is the parent's copy (fork): it reads what the parent built, leaves a picklable value
in an unnamed temporary file, ends, and dies with the parent (``PR_SET_PDEATHSIG`` on Linux), so a
nightly killed half-way leaves no writer behind. An exception in the child is raised in the parent, with
the child's traceback, when the result is asked for. Where ``fork`` does not exist the work runs
at once, in the calling process.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import os
import pickle
import signal
import tempfile
import traceback
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, Generic, TypeVar

from . import memwatch

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1
_RUNNING: weakref.WeakSet[Forked[Any]] = weakref.WeakSet()  # children not yet collected
_FROZEN = [0]  # children alive that froze the parent's collector (see _freeze)


class ForkedError(RuntimeError):
    """The child failed; the message carries its traceback."""


def _die_with_parent(parent: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the child still ends when its work does
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


class Forked(Generic[T]):
    """``Forked(fn)`` starts ``fn()`` in a forked child; ``.result()`` waits and returns its value.

    The child leaves its value in an unnamed temporary file and ends as soon as its work is
    done. Why not a pipe: a value larger than the pipe's buffer (the open-data child's digests,
    ~3 MB at Seoul's size) kept the child blocked on its write until the parent read it, once
    every section had made its context. Meanwhile the parent, queueing pages, wrote into pages
    the child still mapped, so the kernel held both copies for as long as it waited (~3 s at
    twice Seoul's size, where the writer is the longer path; all the rest of the sections
    wherever they outlast it: docs/performance.md, "Later (2026-12-08, after stop 41)"). The
    file has no name: nothing else can read or replace what the parent unpickles."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self._pid = 0
        self._file: BinaryIO | None = None
        self._status: int | None = None  # the child's wait status, once it has ended
        self._value: tuple[bool, Any] | None = None
        if not hasattr(os, "fork"):
            self._value = self._run(fn)
            return
        self._file = tempfile.TemporaryFile()
        parent = os.getpid()
        # The heap's freed memory back to the kernel first: the child would map it too, and the
        # summed PSS count it (at Seoul's size the search index's freed temporaries, 310 MB).
        memwatch.give_back()
        _freeze()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the parent's code
            code = 0
            try:
                gc.disable()  # a collection would touch (and so copy) every inherited object
                _die_with_parent(parent)
                self._file.write(_pickled(self._run(fn)))
                self._file.flush()
            except BaseException:  # noqa: BLE001 - reported by the exit code
                code = 1
            finally:
                os._exit(code)
        self._pid = pid
        _RUNNING.add(self)

    @staticmethod
    def _run(fn: Callable[[], T]) -> tuple[bool, Any]:
        try:
            return True, fn()
        except Exception:  # noqa: BLE001 - carried to the parent as text
            return False, traceback.format_exc()

    def result(self) -> T:
        self.collect()
        if self._value is None:
            self._value = self._read()
        ok, value = self._value
        if not ok:
            raise ForkedError(f"forked work failed:\n{value}")
        return value

    def _read(self) -> tuple[bool, Any]:
        """What the child left in the file (read once, then the file goes)."""
        assert self._file is not None
        try:
            if self._status != 0:  # killed, or failed past _run: the file may be half written
                return False, f"forked work ended without a result (wait status {self._status})"
            self._file.seek(0)
            return pickle.load(self._file)
        except EOFError:
            return False, f"forked work ended without a result (wait status {self._status})"
        finally:
            self._file.close()

    def collect(self) -> None:
        """Wait for the child to end; its result stays in the file for ``result``."""
        if self._value is None and self._status is None:
            _, self._status = os.waitpid(self._pid, 0)
            _RUNNING.discard(self)
            _thaw()

    def cancel(self) -> None:
        """Stop the child if it still runs (the build failed elsewhere)."""
        if self._value is None and self._status is None and self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            assert self._file is not None
            self._file.close()
            self._value = (False, "cancelled")
            _RUNNING.discard(self)
            _thaw()


def _pickled(value: tuple[bool, Any]) -> bytes:
    """The child's result as bytes; a result that cannot be pickled is a failure that says why."""
    try:
        return pickle.dumps(value, protocol=5)
    except Exception:  # noqa: BLE001 - carried to the parent as text
        return pickle.dumps((False, "the result could not be handed back:\n" + traceback.format_exc()))


def in_turns(fn: Callable[[int, int], T], total: int, size: int, width: int = 1) -> Iterator[T]:
    """``fn(start, stop)`` over ``range(total)`` a part of ``size`` at a time, each part in a
    child forked for it alone, at most ``width`` at once; their results in order, each as soon
    as it and those before it are done.

    Why a child per part: a forked child copies every page of the parent's heap that it reads
    (reading a Python object writes its reference count) and keeps the copies until it ends.
    The open-data child made every release of the parent's records: at twice Seoul's size its
    private pages grew to 315 MB (cb_opendata). A child per part copies only the pages of that
    part's records and gives them back when it ends. Forking a process of ~1 GB takes
    milliseconds. The process that calls this still maps the heap as it was at its own fork,
    for as long as it runs.

    Why ``width``: the open-data child is the context phase's longest path; one part at a time
    it left a core idle once the parent's sections were done (cb_opendata.write_downloads)."""
    running: deque[tuple[int, int, Forked[T]]] = deque()
    try:
        for start in range(0, total, size):
            if len(running) >= max(1, width):
                yield _part_result(running.popleft(), total)
            stop = min(start + size, total)
            running.append((start, stop, Forked(functools.partial(fn, start, stop))))
        while running:
            yield _part_result(running.popleft(), total)
    finally:  # a part failed, or the caller stopped reading: no child is left running
        for *_, job in running:
            job.cancel()


def _part_result(part: tuple[int, int, Forked[T]], total: int) -> T:
    start, stop, job = part
    try:
        return job.result()
    except ForkedError as e:
        raise ForkedError(f"part {start}-{stop} of {total}: {e}") from None


def _freeze() -> None:
    """While a child lives, the parent's collector leaves alone what the child shares: a full
    collection writes into every object it walks, so the kernel would copy every page of the
    heap for the parent while the child still maps the old ones (at Seoul's size the parent
    and the open-data child together held ~1 GB more than the parent alone)."""
    if _FROZEN[0] == 0:
        gc.freeze()
    _FROZEN[0] += 1


def _thaw() -> None:
    _FROZEN[0] -= 1
    if _FROZEN[0] == 0:
        gc.unfreeze()


def collect_all() -> None:
    """Wait for every child still running; each keeps its result for its owner's ``result()``.
    Why: a step that needs much memory for a while (the search index) should not run while a
    child still shares the heap: at Seoul's size the open-data child (0.9 GB) and the parent
    building the index (2.8 GB) together made the build's peak, 3.7 GB."""
    for job in list(_RUNNING):
        job.collect()


def cancel_all() -> None:
    """Stop every child this process started and has not collected: a build that failed (or was
    interrupted) after forking must not leave a child writing into the folder it removes."""
    for job in list(_RUNNING):
        job.cancel()
