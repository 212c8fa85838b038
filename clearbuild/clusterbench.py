"""`invoke bench --cluster ADDR`: the same generated export built on a Dask cluster, first on
one of its workers, then on two; figures as JSON.

Per run: pages, seconds and pages/s of the whole build (ingest, snapshot, the parent's context
phase, then the partitions), the render phase alone (first task submitted to last result) and
its rate, each worker's peak PSS (clearbuild.memwatch on the worker's pid, which
``client.run(os.getpid)`` gives: only for workers on this machine), and what a partition costs
(seconds and jobs per partition, measured on the worker; the first task on each worker also
pays for rebuilding the renderer, reported apart). ``--cluster local`` starts a scheduler and
two workers here for the run (clearbuild.localcluster).
"""

from __future__ import annotations

import json
import socket
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from . import config
from .bench import export_for, rows_limit, sizes_for
from .memwatch import PeakPss


def _local(address: str) -> bool:
    host = address.split("://", 1)[-1].rsplit(":", 1)[0]
    return host in ("127.0.0.1", "localhost", socket.gethostname(), socket.getfqdn())


def one_run(address: str, workers: list[str], pids: dict[str, int], export: Any,
            languages: list[str] | None) -> dict[str, Any]:
    from . import clusterclient
    from .build import build

    overrides: dict[str, Any] = {"CB_CLUSTER": address, "CB_CLUSTER_WORKERS": workers,
                                 **rows_limit(Path(export))}
    if languages:
        overrides["CB_LANGUAGES"] = languages
    with ExitStack() as stack:
        peaks = {w: stack.enter_context(PeakPss(pids[w])) for w in workers if _local(w)}
        t = time.time()
        result = build(output=config.ROOT / "bench" / f"out-cluster-{len(workers)}", data=export,
                       overrides=overrides,
                       quiet=True)
        seconds = time.time() - t
    last = clusterclient.LAST
    figures = last["figures"]
    jobs = sum(f.pages for f in figures)
    per = [f.seconds for f in figures]
    return {"workers": len(workers), "pages": result.pages, "seconds": round(seconds, 2),
            "pages_per_second": round(result.pages / seconds, 1),
            "render_seconds": round(last["render_seconds"], 2),
            "render_pages_per_second": round(result.pages / last["render_seconds"], 1),
            "partitions": len(figures), "jobs": jobs,
            "jobs_per_partition": round(jobs / max(len(figures), 1), 1),
            "seconds_per_partition_median": round(statistics.median(per), 3) if per else None,
            "seconds_per_partition_max": round(max(per), 3) if per else None,
            "rebuild_seconds_per_worker": sorted(round(f.rebuild_seconds, 2) for f in figures
                                                 if f.rebuild_seconds > 0.5),
            "partitions_per_worker": {str(pid): sum(1 for f in figures if f.pid == pid)
                                      for pid in sorted({f.pid for f in figures})},
            "peak_memory_mb_per_worker": {w: p.mb for w, p in peaks.items()}}


def run_cluster_bench(address: str, projects: int = 3000, scale: str | None = None, times: int = 1,
                      languages: list[str] | None = None) -> dict[str, Any]:
    from .clusterclient import worker_pids
    from .localcluster import LocalCluster

    sizes = sizes_for(projects, scale, times)
    export = export_for(sizes)
    with ExitStack() as stack:
        if address == "local":
            address = stack.enter_context(LocalCluster().start(2)).address
        pids = worker_pids(address)
        workers = sorted(pids)
        runs = []
        for n in sorted({1, min(2, len(workers))}):
            runs.append(one_run(address, workers[:n], pids, export, languages))
            # Each run as it ends (to stderr: stdout stays one JSON document): at K times Seoul a
            # run takes a quarter of an hour, and an interrupted bench still leaves its figures.
            print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    out: dict[str, Any] = {"cluster": address, "sizes": sizes, "times": times,
                           "languages": languages or config.DEFAULTS["CB_LANGUAGES"], "runs": runs}
    if len(runs) == 2:
        out["speedup_2_vs_1_workers"] = round(runs[1]["pages_per_second"] / runs[0]["pages_per_second"], 2)
        out["render_speedup_2_vs_1_workers"] = round(
            runs[1]["render_pages_per_second"] / runs[0]["render_pages_per_second"], 2)
    return out
