"""Peak memory of a build, parent and workers together: the summed PSS of the process tree.

Why not ``ru_maxrss``: it is one process's peak, it does not add up forked workers, and it counts
pages a worker shares with its parent as if they were its own. PSS (proportional set size) splits
each shared page between the processes that map it, so the sum over the tree is what the build
really holds. Sampled every half second by a thread (psutil ``memory_full_info().pss``).
"""

from __future__ import annotations

import os
import threading
import time

import psutil


def pss(pid: int) -> int:
    """One process's PSS in bytes. /proc/<pid>/smaps_rollup is summed by the kernel in one pass;
    psutil's ``memory_full_info`` parses the whole smaps file, which at Seoul scale (6 GB mapped,
    sampled twice a second in three processes) cost 120 CPU seconds of a 370 s build."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    except OSError:
        return 0
    return psutil.Process(pid).memory_full_info().pss  # kernels before 4.14: no smaps_rollup


def tree_pss(pid: int) -> int:
    """Bytes of PSS of ``pid`` and every live descendant (processes that vanish are skipped)."""
    return sum(split_pss(pid))


def split_pss(pid: int) -> tuple[int, int]:
    """(``pid``'s own PSS, its live descendants' summed PSS), in bytes."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    own = children = 0
    for p in procs:
        try:
            size = pss(p.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        if p.pid == pid:
            own = size
        else:
            children += size
    return own, children


class PeakPss:
    """``with PeakPss() as peak: ...`` then ``peak.mb``: the highest summed PSS seen.

    It also keeps where the memory was: ``at_peak`` (the parent's and its children's share at
    the peak), ``timeline``, a sample every ``keep`` seconds of (seconds since start, parent
    MB, children MB), and, when it follows the build's stages (``watch_stages``), the highest
    summed PSS of each stage (``stages``): which stage bounds the build, with no probe, and when
    each stage began (``started``: where the build's seconds go). A forked child (the open-data
    writer, render workers) counts towards the parent's stage."""

    def __init__(self, pid: int | None = None, every: float = 0.5, keep: float = 10.0):
        self.pid = pid or os.getpid()
        self.every = every
        self.keep = keep
        self.peak = 0
        self.at_peak = (0, 0)
        self.timeline: list[tuple[float, float, float]] = []
        self.stage = ""  # the build's stage now (``enter``); "" before the first
        self.stages: dict[str, int] = {}  # stage -> the highest summed PSS seen in it, in order
        self.started: dict[str, float] = {}  # stage -> seconds since start when it first began
        self._start = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def enter(self, name: str) -> None:
        """The build now runs stage ``name``: later samples count towards it. A sample is taken
        first, so the stage before is credited with what it held up to its end."""
        self.sample()
        self.stage = name
        self.stages.setdefault(name, 0)
        self.started.setdefault(name, round(time.monotonic() - self._start, 1))

    def watch_stages(self) -> PeakPss:
        """Follow the build's stages (``clearbuild.hooks.stage_started``) while sampling."""
        from . import hooks

        hooks.stage_started.connect(self._on_stage)
        return self

    def _on_stage(self, _: object, name: str = "", **kw: object) -> None:
        self.enter(name)

    def sample(self) -> None:
        own, children = split_pss(self.pid)
        if own + children > self.peak:
            self.peak, self.at_peak = own + children, (own, children)
        if self.stage and own + children > self.stages.get(self.stage, 0):
            self.stages[self.stage] = own + children
        elapsed = time.monotonic() - self._start
        if not self.timeline or elapsed - self.timeline[-1][0] >= self.keep:
            self.timeline.append((round(elapsed, 1), _mb(own), _mb(children)))

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.every):
                return

    def __enter__(self) -> PeakPss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
        from . import hooks

        hooks.stage_started.disconnect(self._on_stage)

    @property
    def mb(self) -> float:
        return _mb(self.peak)

    def figures(self) -> dict[str, object]:
        """For a bench's JSON: the peak, its split, and the timeline."""
        return {"peak_memory_mb": self.mb, "peak_parent_mb": _mb(self.at_peak[0]),
                "peak_children_mb": _mb(self.at_peak[1]),
                "peak_by_stage_mb": {name: _mb(size) for name, size in self.stages.items()},
                "stage_started_s": dict(self.started), "memory_timeline": self.timeline}


def _mb(size: int) -> float:
    return round(size / 2**20, 1)


def returning_pool() -> str:
    """Make jemalloc pyarrow's default memory pool, unless the operator chose one
    (``ARROW_DEFAULT_MEMORY_POOL``) or this pyarrow has none; the pool's name.

    Why: pandas keeps its text columns (the search documents, the tables read from the snapshot)
    in pyarrow's pool, and the pool's default on Linux, mimalloc, keeps much of what it frees:
    the search stage, twice Seoul's size, Korean, peaked at 1,372 MB (anonymous memory, the
    parent alone) with mimalloc and 1,177 with jemalloc; the parent at the render's start held
    873 against 824 MB (Seoul's size: 840 against 776, 533 against 490). glibc's own malloc
    (``system``) was worse: it kept 105 MB free at Seoul's size where malloc_trim could not
    reach. docs/performance.md, "Later (2026-12-07, after stop 40)"."""
    import pyarrow as pa

    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return pa.default_memory_pool().backend_name
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc (Windows wheels)
        return pa.default_memory_pool().backend_name
    pa.set_memory_pool(pool)
    return pool.backend_name


def give_back() -> None:
    """Return freed memory to the system: Python's collector, glibc's arena (malloc_trim) and
    pyarrow's pool (pandas' strings live there). Why: after ingest at Seoul's size the parent
    held 710 MB for 190 MB of tables; this brought it to 470 MB, and every forked worker starts
    from the smaller heap."""
    import ctypes
    import gc

    gc.collect()
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        pass
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass
