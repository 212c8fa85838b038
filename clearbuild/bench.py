"""`invoke bench`: generate an export of a given size once, build it, report figures as JSON.

Speed is measured here, never asserted in tests: the figures go in the README with the machine.
Every run also measures the raw render limit (clearbuild.benchlimit) and reports the build's rate
as a share of it, and memory as the peak summed PSS of the build's processes (clearbuild.memwatch)
beside the old largest-single-process ``ru_maxrss``.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path
from typing import Any

from . import config
from .benchlimit import raw_limit, rows_for
from .memwatch import PeakPss

SEOUL = {"projects": 2600, "contracts": 175_000, "notices": 44_000, "companies": 61_000}


def sizes_for(projects: int, scale: str | None, times: int = 1) -> dict[str, int]:
    """The generated export's sizes; ``times``: K times each (a city larger than Seoul)."""
    if scale == "seoul":
        sizes = dict(SEOUL)
    elif scale:
        raise ValueError(f"unknown scale {scale!r} (known: seoul)")
    else:  # Allimi benchmark: the contracting tables grow with the projects, as in the sample.
        sizes = {"projects": projects, "contracts": projects, "notices": projects // 2,
                 "companies": max(projects // 3, 50)}
    return {k: v * times for k, v in sizes.items()}


def export_for(sizes: dict[str, int], seed: int = 7) -> Path:
    """Generated once per size and reused: generation is not what the benchmark measures."""
    from .sample import generate

    key = "-".join(f"{k}{v}" for k, v in sorted(sizes.items()))
    folder = config.ROOT / "bench" / key
    if not (folder / "projects.csv").exists():
        t = time.time()
        generate(folder, seed=seed, photos=False, **sizes)
        print(f"generated {folder} in {time.time() - t:.1f} s")
    return folder


def rows_limit(export: Path) -> dict[str, int]:
    """``CB_MAX_ROWS`` high enough for every table file of a generated export.

    Why: the limit guards a real export (1,000,000 rows a table by default). Twice Seoul's
    contract payments are 1.14 million rows, and the build refused that whole file: every bench
    of ``--times 2`` or more before 2026-12-06 (afternoon) measured a corpus without contract
    payments, and said so only as "1 row refused"."""
    most = 0
    for path in export.glob("*.csv"):
        with path.open("rb") as f:  # lines, an upper bound of rows (a quoted cell may hold one)
            most = max(most, sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")))
    return {"CB_MAX_ROWS": max(int(config.DEFAULTS["CB_MAX_ROWS"]), most)}


def run_bench(projects: int = 3000, scale: str | None = None, workers: int = 0,
              languages: list[str] | None = None, times: int = 1) -> dict[str, Any]:
    from .build import build

    sizes = sizes_for(projects, scale, times)
    export = export_for(sizes)
    overrides: dict[str, Any] = {"CB_WORKERS": workers, **rows_limit(export)}
    if languages:
        overrides["CB_LANGUAGES"] = languages
    out = config.ROOT / "bench" / "out"
    t = time.time()
    with PeakPss().watch_stages() as peak:  # and each stage's peak (peak_by_stage_mb)
        result = build(output=out, data=export, overrides=overrides, quiet=True)
    seconds = time.time() - t
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    rate = result.pages / seconds
    # The ceiling this rate is a share of, measured now, on the same machine and load; and the
    # same plain page made as large as this build's pages on average (a page of 7 KB costs
    # more to render and write than one of 3 KB, whoever renders it).
    limit = raw_limit(workers=workers, where=config.ROOT / "bench")
    stats = result.stats or {}
    average = stats.get("page_bytes", 0) // max(stats.get("rendered", 0) + stats.get("linked", 0), 1)
    matched = raw_limit(workers=workers, where=config.ROOT / "bench", rows=rows_for(average))
    memory = peak.figures()
    cores = workers or os.cpu_count() or 1
    steps = {k[3:]: round(v / 1000, 1) for k, v in stats.items() if k.startswith("ms_")}
    # The rate if rendering and writing the pages were all a build did: what our own templates
    # allow (the pages must stay what they are), beside the plain 3 KB page of the raw limit.
    bound = result.pages / (steps["render"] / cores) if steps.get("render") else 0.0
    timeline = memory.pop("memory_timeline")
    return {"pages": result.pages, "seconds": round(seconds, 2),
            "pages_per_second": round(rate, 1), **memory, "peak_rss_mb": round(rss, 1),
            **limit, "share_of_raw_limit": round(rate / limit["raw_pages_per_second"], 3),
            "worker_cpu_seconds": steps, "render_only_pages_per_second": round(bound, 1),
            "render_only_share_of_raw_limit": round(bound / limit["raw_pages_per_second"], 3),
            "page_bytes_average": average,
            "raw_same_size_pages_per_second": matched["raw_pages_per_second"],
            "raw_same_size_runs": matched["raw_runs"], "raw_same_size_page_bytes": matched["raw_page_bytes"],
            "share_of_raw_same_size": round(rate / matched["raw_pages_per_second"], 3),
            "render_only_share_of_raw_same_size": round(bound / matched["raw_pages_per_second"], 3),
            "output_bytes": result.bytes, "files": result.files, "rows_refused": result.refused,
            "sizes": sizes, "languages": languages or config.DEFAULTS["CB_LANGUAGES"],
            "memory_timeline": timeline}  # (s, parent MB, children MB), every 10 s


# Tables whose records have pages, and a field each whose change shows on the record's page.
CHANGES = {"projects": "budget", "contracts": "amount", "bid_notices": "estimated_price",
           "procurement_plans": "estimated_amount", "companies": "address", "apartments": "households"}


def changed_export(export: Path, out: Path, share: float, seed: int = 11) -> int:
    """A copy of ``export`` in ``out`` with ``share`` of the records of every page table changed in
    one field (none at 0); returns the records changed. ``out`` keeps ``export``'s folder name in
    run_incremental (the same export date); the nightly bench names it by the next day."""
    import random
    import shutil

    import pandas as pd

    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(export, out)
    rng = random.Random(seed)
    changed = 0
    for table, column in CHANGES.items():
        path = out / f"{table}.csv"
        if not path.exists():
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        n = max(1, int(len(df) * share)) if share > 0 and len(df) else 0  # 0: a night of no change
        rows = rng.sample(range(len(df)), n)
        if not rows:
            continue  # the file as it was, byte for byte
        for i in rows:
            value = df.at[i, column]
            df.at[i, column] = str(int(value) + 1) if value.isdigit() else value + " 1"
        changed += len(rows)
        # An export for ingest to read: values exactly, not for spreadsheets (csvsafe).
        df.to_csv(path, index=False, lineterminator="\n")
    return changed


def run_incremental(projects: int = 3000, scale: str | None = None, workers: int = 0,
                    share: float = 0.01, languages: list[str] | None = None, times: int = 1
                    ) -> dict[str, Any]:
    """A full build, then ``share`` of the records changed and rebuilt two ways: into a fresh
    folder with unchanged pages hard-linked, and in place over the first build (what the nightly
    does with the oldest build it keeps). Seconds of each.

    Both nights keep the export folder's name, so only the changed records differ (section home
    pages show the export date: a new date changes those few pages, not every page).
    """
    from .build import build

    sizes = sizes_for(projects, scale, times)
    export = export_for(sizes)
    base = config.ROOT / "bench" / "incremental"
    night2 = base / "night2" / export.name
    changed = changed_export(export, night2, share)
    overrides: dict[str, Any] = {"CB_WORKERS": workers, **rows_limit(export)}
    if languages:
        overrides["CB_LANGUAGES"] = languages
    figures: dict[str, Any] = {"sizes": sizes, "records_changed": changed, "share": share,
                               "languages": languages or config.DEFAULTS["CB_LANGUAGES"]}
    for label, out, data, kw in [("full", "out1", export, {}),
                                 ("linked", "out2", night2, {"previous": base / "out1"}),
                                 ("in_place", "out1", night2, {"in_place": True})]:
        t = time.time()
        result = build(output=base / out, data=data, overrides=overrides, quiet=True, **kw)
        figures[f"{label}_seconds"] = round(time.time() - t, 2)
        figures[f"{label}_pages"] = dict(result.stats or {})
    figures["files"] = result.files
    return figures
