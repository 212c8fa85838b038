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
