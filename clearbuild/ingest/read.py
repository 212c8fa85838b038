"""Read one export table from CSV, XLSX or JSON into strings, so validation sees what was sent.

Everything is read as text: pandas' type guessing would turn a business number into an int and
drop its leading zero, or a 1,000-row column of ids into floats.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..schema import FILE_SUFFIXES, Table
from . import limits as lim
from .problems import Problem, StructuralError


def find_file(folder: Path, table: Table) -> Path | None:
    for suffix in FILE_SUFFIXES:
        path = folder / f"{table.name}{suffix}"
        if path.exists():
            return path
    return None


def read_table(path: Path, table: Table, limits: lim.Limits | None = None) -> pd.DataFrame:
    """Read a table file as strings and check its header against the schema. A file over a
    limit raises LimitError; rows with an oversized cell are listed in ``df.attrs["problems"]``."""
    limits = limits or lim.Limits()
    lim.check_size(path, limits)
    try:
        if path.suffix == ".csv":
            # utf-8-sig: a BOM from Excel is fine; anything not UTF-8 is refused, not guessed.
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                             encoding_errors="strict", nrows=limits.rows + 1)
        elif path.suffix == ".xlsx":
            lim.check_xlsx(path, limits)
            df = pd.read_excel(path, dtype=str, keep_default_na=False, nrows=limits.rows + 1)
        else:
            lim.check_json_depth(path.read_bytes(), path.name, limits)
            df = pd.read_json(path, dtype=False, orient="records").astype(str)
    except UnicodeDecodeError as e:
        raise StructuralError(f"{path.name}: not UTF-8 (byte {e.start}); re-export it as UTF-8") from e
    except pd.errors.EmptyDataError as e:
        raise StructuralError(f"{path.name}: empty file, no header row") from e
    except (ValueError, pd.errors.ParserError) as e:
        raise StructuralError(f"{path.name}: unreadable: {str(e).splitlines()[0]}") from e
    lim.check_rows(df, path.name, limits)
    df.columns = [str(c).strip() for c in df.columns]
    known = {c.name for c in table.columns}
    for col in df.columns:
        if col not in known:
            raise StructuralError(
                f"{path.name}: column '{col}' of table {table.name} is on no list "
                "(neither public nor private in clearbuild/schema.py)")
    for col in table.required_columns:
        if col not in df.columns:
            raise StructuralError(f"{path.name}: table {table.name} is missing required column '{col}'")
    for col in table.columns:
        if col.name not in df.columns:
            df[col.name] = ""
    df = df[[c.name for c in table.columns]]
    df = df.apply(lambda s: s.str.strip())
    # Line numbers as officials see them in a spreadsheet: header is line 1.
    df.index = pd.RangeIndex(2, len(df) + 2)
    df.attrs["file"] = path.name
    df.attrs["problems"] = list(lim.oversized_cells(df, path.name, limits))
    return df


def read_tables(folders: list[Path], table: Table, limits: lim.Limits | None = None,
                problems: list[Problem] | None = None) -> pd.DataFrame | None:
    """Concatenate one table from several sources (the export, then the admin database's export);
    rows refused while reading (an oversized cell) are added to ``problems``."""
    frames = []
    for folder in folders:
        path = find_file(folder, table)
        if path is not None:
            df = read_table(path, table, limits)
            name = path.name if folder == folders[0] else f"{folder.name}/{path.name}"
            if problems is not None:
                problems.extend(Problem(name, p.row, p.column, p.value, p.reason)
                                for p in df.attrs["problems"])
            df["_file"] = name
            df["_row"] = df.index
            df["_dir"] = str(folder)
            frames.append(df)
    if not frames:
        return None
    out = pd.concat(frames, ignore_index=True)
    return out
