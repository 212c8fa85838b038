"""The nightly's history phase alone, timed on an export: ``python3 -m clearbuild.benchhistory EXPORT``.

Two nights into a fresh history folder: the export as it is (the baseline, no entries), then a
copy with ``--share`` of the records of every page table changed in one field (what
``invoke bench --nightly`` publishes on its second night, clearbuild.bench.changed_export).
Ingest is not timed; ``History.record`` and ``Dataset.digest()`` are, each once. Figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any


def _dataset(folder: Path) -> Any:
    from . import loader
    from .build import settings_for

    return loader.load(settings_for("pelicanconf.py", {"CB_DATA": str(folder), "CB_ADMIN_DB": ""}))


def run(export: Path, work: Path, share: float) -> dict[str, Any]:
    from .bench import changed_export
    from .publish.history import History

    shutil.rmtree(work / "history", ignore_errors=True)
    history = History(work / "history")
    out: dict[str, Any] = {"export": str(export), "share": share}
    for night, date in ((1, "2026-01-01"), (2, "2026-01-02")):
        folder = export
        if night == 2:
            folder = work / date
            out["changed_records"] = changed_export(export, folder, share)
        started = time.perf_counter()
        dataset = _dataset(folder)
        out[f"night{night}_ingest_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        entries = history.record(dataset, date)
        out[f"night{night}_record_s"] = round(time.perf_counter() - started, 2)
        out[f"night{night}_entries"] = len(entries)
        started = time.perf_counter()
        digest = dataset.digest()
        out[f"night{night}_digest_s"] = round(time.perf_counter() - started, 2)
        out[f"night{night}_digest_matches_history"] = digest == history.digest
    out["rows"] = sum(len(df) for df in dataset.tables.values())
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("export", type=Path)
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="benchhistory-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(json.dumps(run(args.export.resolve(), work, args.share), indent=1))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
