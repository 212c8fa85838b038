"""Loaded by the test cluster's workers (``dask worker --preload``), never by a build: each
partition first leaves a mark ``<pid>-<index>`` in CB_TEST_MARKS and waits
CB_TEST_PARTITION_DELAY seconds, so a test can kill a worker that is surely mid-build."""

from __future__ import annotations

import os
import time
from pathlib import Path

from clearbuild import render

# Dask may import a preload file twice (a copy in its scratch space): wrap the original once.
_run_partition = getattr(render.Renderer, "_untimed_run_partition", render.Renderer.run_partition)


def run_partition(self, i, known=None):  # type: ignore[no-untyped-def]
    marks = os.environ.get("CB_TEST_MARKS")
    if marks:
        Path(marks, f"{os.getpid()}-{i}").touch()
    time.sleep(float(os.environ.get("CB_TEST_PARTITION_DELAY") or 0))
    return _run_partition(self, i, known)


render.Renderer._untimed_run_partition = _run_partition  # type: ignore[attr-defined]
render.Renderer.run_partition = run_partition
