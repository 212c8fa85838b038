"""`invoke build --data DIR` with OCDS or OC4IDS JSON: a file, a folder of them, or a CSV export
folder with them beside its tables.

The JSON is imported into a temporary CSV export folder, which the normal ingest reads (alone,
or as an extra source beside the CSV tables), so every check and the public-column allow-list
apply unchanged. The ingest's own problems on imported rows are moved back to where the row came
from in the JSON (file, item, JSON path), next to the importer's own.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..asof import dated_name
from ..dataset import Dataset
from ..ingest.checks import canonical_brn
from ..ingest.problems import Problem
from ..ingest.read import find_file, read_table
from ..schema import FILE_SUFFIXES, TABLES
from .importer import Imported, Options, import_files

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def ocds_files(path: Path) -> list[Path]:
    """The OCDS/OC4IDS files of a data path: the file itself, or a folder's JSON files that are
    not export tables (``contracts.json`` is the JSON form of the contracts table)."""
    if path.is_file():
        return [path] if path.suffix.lower() in JSON_SUFFIXES else []
    if not path.is_dir():
        return []
    return sorted(
        p
        for p in path.iterdir()
        if p.is_file() and p.suffix.lower() in JSON_SUFFIXES and p.stem not in TABLES
    )


def has_tables(path: Path) -> bool:
    return path.is_dir() and any(
        (path / f"{name}{suffix}").exists() for name in TABLES for suffix in FILE_SUFFIXES
    )


def relocate(
    problems: list[Problem], where: dict[tuple[str, int], tuple[str, Any]], prefix: str
) -> list[Problem]:
    """Ingest problems on imported rows, named by their JSON source instead of the temp CSV."""
    out = []
    for p in problems:
        name = p.file[len(prefix) :] if prefix and p.file.startswith(prefix) else p.file
        hit = where.get((name, p.row)) if (not prefix or p.file.startswith(prefix)) else None
        if hit is None:
            out.append(p)
            continue
        table, at = hit
        out.append(Problem(at.file, at.row, f"{at.path}: {table}.{p.column}", p.value, p.reason, p.refused))
    return out


def _known_companies_only_once(imported: Imported, path: Path) -> None:
    """A company the CSV export already describes is not imported again (the CSV row wins)."""
    table = TABLES["companies"]
    found = find_file(path, table)
    if found is None:
        return
    known = set(canonical_brn(read_table(found, table)["company_id"]))
    rows = imported.tables.get("companies", [])
    keep = [i for i, r in enumerate(rows) if r["company_id"] not in known]
    imported.tables["companies"] = [rows[i] for i in keep]
    imported.origin["companies"] = [imported.origin["companies"][i] for i in keep]


def load(
    path: str | Path, settings: dict[str, Any], load_fn: Callable[..., Dataset], **kwargs: Any
) -> Dataset:
    """The Dataset of a data path, whatever mix of CSV tables and OCDS/OC4IDS JSON it holds."""
    path = Path(path)
    files = ocds_files(path)
    if not files:
        return load_fn(path, **kwargs)
    imported: Imported = import_files(files, Options.from_settings(settings))
    tmp = Path(tempfile.mkdtemp(prefix="cb-ocds-"))
    try:
        if has_tables(path):
            _known_companies_only_once(imported, path)
        where = imported.write(tmp)
        if has_tables(path):
            extra = [tmp] + list(kwargs.pop("extra", None) or [])
            ds = load_fn(path, extra=extra, **kwargs)
            prefix = f"{tmp.name}/"
        else:
            ds = load_fn(tmp, **kwargs)
            prefix = ""
            ds.export_date = dated_name(path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ds.report = imported.problems + relocate(ds.report, where, prefix)
    ds.source = str(path)
    ds.sources = [str(path if path.is_dir() else path.parent)] + [s for s in ds.sources[1:] if s != str(tmp)]
    return ds
