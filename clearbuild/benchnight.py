"""`invoke bench --nightly`: two nights through the real `invoke nightly` command, timed.

The first night publishes a generated export in full; the second publishes a copy in which
``share`` of the records of every page table changed one field (bench.changed_export). Each night
is its own process, `python3 -m invoke nightly --exports ... --site ... --settings ...`, exactly
as cron runs it: guards, ingest, history, build beside the live site (unchanged pages linked from
it), manifest and signature, verify, switch. The seconds are the process's wall clock, start-up
included.

The second export is a new dated folder (the nightly publishes the newest ``YYYY-MM-DD``), so the
export date moves on a day: every date the site judges on it moves too (section home pages' "Data
as of", overdue claims and payments, delays, certificate validity), so a night re-renders the
pages such dates touch even with nothing changed (``--share 0`` measures exactly that).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from . import config
from .bench import changed_export, export_for, sizes_for
from .memwatch import PeakPss
from .sample.common import AS_OF

# py-spy stages of a night, first match wins: (stage, substrings of a sampled stack). Frames
# outside the nightly's own function are the command's start-up (imports) and exit.
NIGHT = "_run (clearbuild/publish/nightly.py"
STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("verify", ("(clearbuild/publish/verify.py",)),
    ("manifest/sign", ("(clearbuild/publish/manifest.py",)),
    ("switch/prune", ("(clearbuild/publish/site.py",)),
    ("guards", ("(clearbuild/publish/guards.py",)),
    ("history", ("(clearbuild/publish/history.py", "(clearbuild/certcodes.py")),
    ("hashing", ("(clearbuild/pagehash.py", "plan (clearbuild/render.py")),
    ("rendering/linking", ("(clearbuild/pagewrite.py",)),
    ("page contexts (workers)", ("run_partition (clearbuild/render.py",)),
    ("rendering/linking", ("write_all (clearbuild/render.py",)),
    ("search", ("(cb_search/", "(clearbuild/search/")),
    ("open data", ("(cb_opendata/",)),
    ("ingest", ("(clearbuild/ingest/", "(clearbuild/loader.py")),
    ("context phase", ("(clearbuild/build.py",)),
]


def settings_file(folder: Path, workers: int, languages: list[str] | None, keep: int = 3) -> Path:
    """A settings file for the bench: publishconf.py, a key generated once, state in the folder,
    three builds kept (the fewest that recycle; a site that keeps 7 recycles from night 8)."""
    from .publish import manifest

    key = folder / "key.pem"
    if not key.exists():
        manifest.keygen(key)
    over: dict[str, Any] = {"CB_PUBLISH_KEY": str(key), "CB_REPORT_DIR": str(folder / "reports"),
                            "CB_ADMIN_DB": "", "CB_WORKERS": workers, "CB_PUBLISH_KEEP": keep}
    if languages:
        over["CB_LANGUAGES"] = languages
    path = folder / "benchconf.py"
    path.write_text(f"import sys\nsys.path.insert(0, {str(config.ROOT)!r})\n"
                    "from publishconf import *  # noqa\n"
                    + "".join(f"{k} = {v!r}\n" for k, v in over.items()), encoding="utf-8")
    return path


def night(exports: Path, site: Path, settings: Path, profile: Path | None = None) -> dict[str, Any]:
    """Run `invoke nightly` once; its wall seconds, peak memory, phases and page counts."""
    cmd = [sys.executable, "-m", "invoke", "nightly", "--exports", str(exports), "--site", str(site),
           "--settings", str(settings)]
    if profile:  # every process (the render workers too), 50 samples a second, folded stacks
        cmd = ["py-spy", "record", "--subprocesses", "--format", "raw", "--rate", "50",
               "--output", str(profile), "--", *cmd]
    t = time.time()
    with PeakPss() as peak:
        proc = subprocess.run(cmd, cwd=config.ROOT, capture_output=True, text=True)
    seconds = time.time() - t
    if proc.returncode:
        raise RuntimeError(f"nightly failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    line = next(x for x in reversed(proc.stdout.splitlines()) if x.startswith("published "))
    phases = {k: float(v) for k, v in re.findall(r"(\w+) ([\d.]+) s", line.split("; ")[-1])}
    name = line.split()[1]
    recycled = re.search(r"^recycling (\S+) as ", proc.stdout, re.M)
    meta = json.loads((site / "meta" / f"{name}.json").read_text(encoding="utf-8"))
    return {"seconds": round(seconds, 2), "peak_memory_mb": peak.mb, "phases": phases,
            "pages": meta["pages"], "render": meta.get("render", {}), "changes": meta["changes"],
            "recycled": recycled[1] if recycled else None}


def stages(profile: Path, rate: int = 50) -> dict[str, float]:
    """CPU seconds per stage (all processes) from a py-spy raw profile: folded stacks + count."""
    out: Counter[str] = Counter()
    for line in profile.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        stack = stack.partition(";")[2]  # without the process's command line
        if NIGHT in stack:
            stage = next((s for s, marks in STAGES if any(m in stack for m in marks)), "other")
        else:  # the worker pool's threads in the parent, or before and after the nightly proper
            stage = "pool threads" if "multiprocessing/pool.py" in stack else \
                "start-up (imports), exit" if stack else "(no Python frame)"
        out[stage] += int(count)
    return {s: round(n / rate, 2) for s, n in out.most_common()}


def run_nightly_bench(projects: int = 3000, scale: str | None = None, workers: int = 0,
                      share: float | list[float] = 0.01, languages: list[str] | None = None,
                      profile: bool = False, nights: int = 2) -> dict[str, Any]:
    """``nights`` nights through `invoke nightly` on a fresh site (see module doc): the first a
    full publish, each later one ``share`` of records changed from the night before. With
    CB_PUBLISH_KEEP = 3, the fourth night on recycles the oldest build (the steady state of a
    site that keeps its builds); ``profile`` records the second night.

    ``share`` as a list (``--share 0.01,0,0.1``): one night per share after the first, every one
    into a fresh folder beside the live build (builds kept: one more than the nights, so none is
    recycled): nights of different sizes measured alike, the full first night paid once."""
    shares = share if isinstance(share, list) else [share] * (max(nights, 2) - 1)
    nights = len(shares) + 1
    share = shares[0]
    sizes = sizes_for(projects, scale)
    generated = export_for(sizes)
    base = config.ROOT / "bench" / "nightly"
    exports, site = base / "exports", base / "site"
    for old in (exports, site):
        shutil.rmtree(old, ignore_errors=True)
    exports.mkdir(parents=True)
    days = [(date.fromisoformat(AS_OF) + timedelta(days=n)).isoformat() for n in range(max(nights, 2))]
    # Night one reads the generated export through hard links (never written to: cheap at any size).
    shutil.copytree(generated, exports / days[0], copy_function=os.link)
    settings = settings_file(base, workers, languages,
                             keep=3 if len(set(shares)) == 1 else nights + 1)
    trace = base / "night2.pyspy.txt" if profile else None
    runs, changed = [night(exports, site, settings)], []
    for n, day in enumerate(days[1:], 1):
        changed.append(changed_export(exports / days[n - 1], exports / day, shares[n - 1], seed=10 + n))
        runs.append(night(exports, site, settings, trace if n == 1 else None))
    first, second, last = runs[0], runs[1], runs[-1]
    figures: dict[str, Any] = {
        "sizes": sizes, "share": share, "records_changed": changed[0],
        "languages": languages or config.DEFAULTS["CB_LANGUAGES"], "exports": days,
        "first_night": first, "second_night": second}
    if len(runs) > 2:
        figures.update(later_nights=runs[2:], later_records_changed=changed[1:],
                       later_shares=shares[1:])
    if trace:
        figures["second_night_cpu_seconds_by_stage"] = stages(trace)
        figures["profile"] = str(trace)
    figures.update(first_night_seconds=first["seconds"], second_night_seconds=second["seconds"],
                   second_night_pages=second["pages"],
                   **{f"second_night_{k}": second["render"].get(k) for k in ("rendered", "linked", "kept")})
    if len(runs) > 2:
        figures.update(last_night_seconds=last["seconds"], last_night_recycled=last["recycled"],
                       **{f"last_night_{k}": last["render"].get(k) for k in ("rendered", "linked", "kept")})
    return figures
