"""`invoke bench`: generate an export of a given size once, build it, report figures as JSON.

Speed is measured here, never asserted in tests: the figures go in the README with the machine.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path
from typing import Any

from . import config

SEOUL = {"projects": 2600, "contracts": 175_000, "notices": 44_000, "companies": 61_000}


def sizes_for(projects: int, scale: str | None) -> dict[str, int]:
    if scale == "seoul":
        return dict(SEOUL)
    if scale:
        raise ValueError(f"unknown scale {scale!r} (known: seoul)")
    # Allimi benchmark: the contracting tables grow with the projects, as in the sample.
    return {"projects": projects, "contracts": projects, "notices": projects // 2,
            "companies": max(projects // 3, 50)}


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


def run_bench(projects: int = 3000, scale: str | None = None, workers: int = 0,
              languages: list[str] | None = None) -> dict[str, Any]:
    from .build import build

    sizes = sizes_for(projects, scale)
    export = export_for(sizes)
    overrides: dict[str, Any] = {"CB_WORKERS": workers}
    if languages:
        overrides["CB_LANGUAGES"] = languages
    out = config.ROOT / "bench" / "out"
    t = time.time()
    result = build(output=out, data=export, overrides=overrides, quiet=True)
    seconds = time.time() - t
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return {"pages": result.pages, "seconds": round(seconds, 2),
            "pages_per_second": round(result.pages / seconds, 1), "peak_rss_mb": round(rss, 1),
            "output_bytes": result.bytes, "files": result.files, "rows_refused": result.refused,
            "sizes": sizes, "languages": languages or config.DEFAULTS["CB_LANGUAGES"]}


# Tables whose records have pages, and a field each whose change shows on the record's page.
CHANGES = {"projects": "budget", "contracts": "amount", "bid_notices": "estimated_price",
           "procurement_plans": "estimated_amount", "companies": "address", "apartments": "households"}


def changed_export(export: Path, out: Path, share: float, seed: int = 11) -> int:
    """A copy of ``export`` (same folder name, so the same export date) with ``share`` of the
    records of every page table changed in one field; returns the records changed."""
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
        rows = rng.sample(range(len(df)), max(1, int(len(df) * share))) if len(df) else []
        for i in rows:
            value = df.at[i, column]
            df.at[i, column] = str(int(value) + 1) if value.isdigit() else value + " 1"
        changed += len(rows)
        df.to_csv(path, index=False, lineterminator="\n")
    return changed


def run_incremental(projects: int = 3000, scale: str | None = None, workers: int = 0,
                    share: float = 0.01) -> dict[str, Any]:
    """Full build, then ``share`` of the records changed and an incremental rebuild: seconds of each.

    Both nights keep the export folder's name: the page footer shows the export date, so a new
    date alone changes every page (see docs/operators-guide.md, incremental builds).
    """
    from . import render
    from .build import build

    sizes = sizes_for(projects, scale)
    export = export_for(sizes)
    base = config.ROOT / "bench" / "incremental"
    night2 = changed_export(export, base / "night2" / export.name, share)
    overrides: dict[str, Any] = {"CB_WORKERS": workers}
    t = time.time()
    first = build(output=base / "out1", data=export, overrides=overrides, quiet=True)
    full = time.time() - t
    t = time.time()
    second = build(output=base / "out2", data=base / "night2" / export.name, overrides=overrides,
                   quiet=True, previous=base / "out1")
    seconds = time.time() - t
    return {"sizes": sizes, "records_changed": night2, "share": share, "pages": second.pages,
            "full_seconds": round(full, 2), "incremental_seconds": round(seconds, 2),
            "full_pages": first.pages, "rendered": second.rendered,
            "linked": render.LAST_STATS.get("linked", 0), "files": second.files}
