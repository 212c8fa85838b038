"""Ingest: read -> drop bidi controls -> validate -> public projection -> normalise -> Dataset.

Library code, no Pelican: the build, the admin command and the tests all call
:func:`load_dataset`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import public
from ..asof import dated_name
from ..dataset import Dataset
from ..filegate import DEFAULT_MAX_BYTES, SourceFile
from ..putaway import TableSink
from ..schema import ORDER, ROW_FLAG, TABLES, Region, Table
from . import (  # noqa: F401 (checks)
    files,
    rules,
    rules_apartments,
    rules_contracts,
    rules_lots,
    rules_paths,
    rules_payments,
)
from .checks import IngestContext, canonical_brn, distinct, is_true, kept_for_later, run_checks
from .limits import LimitError, Limits
from .problems import Problem, StructuralError, report_csv
from .read import read_tables
from .text import bidi_controls, without_bidi

# Only columns some foreign key points at need their accepted values remembered.
REFERENCED = {c.ref for t in TABLES.values() for c in t.columns if c.ref}

__all__ = ["load_dataset", "Problem", "StructuralError", "report_csv", "IngestContext"]


def normalise(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Typed public columns: integers as nullable Int64, numbers as float, text and dates as str."""
    out = {}
    for col in table.columns:
        if not col.public:  # public.project has dropped these already
            continue
        s = df[col.name]
        if col.type in ("int", "money"):
            out[col.name] = pd.to_numeric(s.where(s != ""), errors="coerce").astype("Int64")
        elif col.type in ("pct", "float", "lat", "lon"):
            out[col.name] = pd.to_numeric(s.where(s != ""), errors="coerce").astype(float)
        elif col.type == "bool":
            out[col.name] = is_true(s)
        elif col.type == "brn":
            out[col.name] = canonical_brn(s)
        elif col.type == "datetime":
            out[col.name] = s.str.replace(" ", "T", regex=False).str.slice(0, 16)
        elif col.type == "url":
            out[col.name] = s.where(s.str.match(r"^https?://[^\s<>\"']+$"), "")
        else:
            out[col.name] = s
    return pd.DataFrame(out, index=df.index)


def load_dataset(folder: str | Path, region: Region, district_codes: frozenset[str],
                 extra: list[str | Path] | None = None, max_amount: int = 10**14,
                 party_ids: str = "brn", limits: Limits | None = None,
                 max_file_bytes: int = DEFAULT_MAX_BYTES, put_away: bool = False) -> Dataset:
    """Load an export folder (plus extra sources such as the admin database's export).

    Raises StructuralError for a problem with a whole file; bad rows go to ``Dataset.report``.
    A file over a limit (``limits``) stops the build only when its table is required; otherwise
    it is refused with one line in the report and the table is read as empty.
    ``put_away``: each table goes to a private memory-mapped snapshot as soon as it is accepted
    (clearbuild.putaway, as a build holds its tables), so ingest holds none of them.
    Every file a row names passes the files gate (clearbuild.ingest.files); an accepted row's
    ``file`` is the path the site publishes it under, and ``Dataset.files`` maps it to its source.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise StructuralError(f"{folder}: export folder not found")
    folders = [folder] + [Path(p) for p in extra or []]
    ctx = IngestContext(region=region, district_codes=district_codes, max_amount=max_amount,
                        party_ids=party_ids, max_file_bytes=max_file_bytes)
    sink = TableSink() if put_away else None
    try:
        return _load(folder, folders, ctx, limits, sink)
    except BaseException:
        if sink is not None:
            sink.discard()
        raise


def _load(folder: Path, folders: list[Path], ctx: IngestContext, limits: Limits | None,
          sink: TableSink | None) -> Dataset:
    tables: dict[str, pd.DataFrame] = {}
    report: list[Problem] = []
    withheld: dict[str, int] = {}
    checked: dict[str, SourceFile] = {}
    for name in ORDER:
        table = TABLES[name]
        read_problems: list[Problem] = []
        try:
            df = read_tables(folders, table, limits, read_problems)
        except LimitError as e:
            if table.required_file:
                raise
            file, _, reason = str(e).partition(": ")
            report.append(Problem(file, 0, "", "", f"whole file refused: {reason}"))
            df = None
        if df is None:
            if table.required_file:
                raise StructuralError(f"{folder}/{name}.csv: required file missing")
            df = _empty(table)
        if read_problems:  # refused while reading (an oversized cell): not checked further
            cut = {(p.file, p.row) for p in read_problems}
            df = df[[(f, r) not in cut for f, r in zip(df["_file"], df["_row"], strict=True)]]
        # Bidi controls out of every text cell before any check sees it (flagged, row kept).
        problems = read_problems + list(bidi_controls(df, table))
        df = without_bidi(df)
        problems += run_checks(df, table, ctx)
        bad = {(p.file, p.row) for p in problems if p.refused}
        keep = ~pd.Series([(f, r) in bad for f, r in zip(df["_file"], df["_row"], strict=True)],
                          index=df.index, dtype=bool)
        df = df[keep]
        # Rows, columns and values as outputs may see them (clearbuild.public): every page, file
        # and index is made from the Dataset, so nothing after this line holds a hidden value.
        df, dropped = public.project(table, df)
        if ROW_FLAG in df.columns:
            withheld[name] = dropped
        report.extend(problems)
        df = files.published(df, table, ctx, checked)
        ctx.frames[name] = kept_for_later(df, name)
        for col in table.columns:
            if f"{name}.{col.name}" in REFERENCED:
                ctx.keys[f"{name}.{col.name}"] = distinct(canonical_brn(df[col.name]) if col.type == "brn"
                                                          else df[col.name])
        if sink is None:
            tables[name] = normalise(df, table).reset_index(drop=True)
        else:
            sink.add(name, normalise(df, table).reset_index(drop=True))
        del df
    return Dataset(tables=tables if sink is None else sink.done(),  # type: ignore[arg-type]
                   report=report, source=str(folder),
                   export_date=dated_name(folder.name), withheld=withheld,
                   sources=[str(f) for f in folders], files=checked)


def _empty(table: Table) -> pd.DataFrame:
    cols = [c.name for c in table.columns] + ["_file", "_row", "_dir"]
    return pd.DataFrame({c: pd.Series(dtype=str) for c in cols})
