"""Who holds the process's heap, by allocator: Python's own (pymalloc), glibc's malloc and
pyarrow's pool. Printed by ``invoke census`` beside the holdings.

Why: the census by owner sums Python's object sizes, and at the render's start at Seoul's size
they came to 286 MB of 544 MB anonymous memory. The rest is what allocators keep: blocks freed
inside arenas still in use, glibc's free chunks malloc_trim cannot return, and pyarrow's pool.
Telling them apart is what found that mimalloc, pyarrow's default pool, kept what the search
stage freed (clearbuild.memwatch.returning_pool; docs/performance.md, "Later (2026-12-07,
after stop 40)")."""

from __future__ import annotations

import ctypes
import os
import re
import sys
import tempfile
from typing import Any

_MB = 2**20


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                 "uordblks", "fordblks", "keepcost")]


def pymalloc() -> dict[str, float]:
    """Python's small-object allocator: MB in its arenas, and MB of blocks in use there."""
    fd = os.dup(2)
    with tempfile.TemporaryFile() as f:
        sys.stderr.flush()
        os.dup2(f.fileno(), 2)  # CPython prints these statistics to the C stderr only
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(fd, 2)
            os.close(fd)
        f.seek(0)
        text = f.read().decode("utf-8", "replace")
    arenas = re.search(r"^\d+ arenas \* \d+ bytes/arena\s*=\s*([\d,]+)", text, re.M)
    used = re.search(r"^# bytes in allocated blocks\s*=\s*([\d,]+)", text, re.M)
    if not arenas or not used:
        return {}
    return {"arenas_mb": _mb(arenas.group(1)), "blocks_in_use_mb": _mb(used.group(1))}


def glibc() -> dict[str, float]:
    """glibc's malloc (Python's objects over 512 bytes, numpy's arrays): MB of its heap, in use
    and free, and in chunks of their own mapping. Empty where there is no ``mallinfo2``."""
    try:
        call = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return {}
    call.restype = _MallInfo2
    info = call()
    return {"heap_mb": round(info.arena / _MB, 1), "in_use_mb": round(info.uordblks / _MB, 1),
            "free_mb": round(info.fordblks / _MB, 1), "mapped_mb": round(info.hblkhd / _MB, 1)}


def arrow() -> dict[str, Any]:
    """pyarrow's default pool: its allocator and the MB allocated from it now."""
    import pyarrow as pa

    pool = pa.default_memory_pool()
    return {"pool": pool.backend_name, "allocated_mb": round(pool.bytes_allocated() / _MB, 1)}


def breakdown() -> dict[str, Any]:
    return {"pymalloc": pymalloc(), "glibc": glibc(), "arrow": arrow()}


def _mb(digits: str) -> float:
    return round(int(digits.replace(",", "")) / _MB, 1)
