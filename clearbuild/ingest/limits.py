"""Limits on what one export file may make the build do: its size, a cell's size, an XLSX's
unpacked size, a JSON document's nesting, a table's rows. Each has a setting (docs/settings.md).

Why: a 4 MB XLSX that unpacked to 1.25 GB ran for minutes, a 300 MB cell ended in MemoryError,
OCDS JSON nested 100,000 deep in RecursionError, a 1,020,000-row table was published. A file over
a limit is refused with one line naming it (the build stops only when the table is required); a
row with an oversized cell is refused like any bad row.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import config
from .problems import Problem, StructuralError

CHUNK = 1 << 20


class LimitError(StructuralError):
    """A whole file over a limit: refused (the build stops when its table is required)."""


@dataclass(frozen=True)
class Limits:
    file_bytes: int = config.DEFAULTS["CB_MAX_FILE_BYTES"]
    cell_chars: int = config.DEFAULTS["CB_MAX_CELL_CHARS"]
    xlsx_bytes: int = config.DEFAULTS["CB_MAX_XLSX_UNPACKED_BYTES"]
    json_depth: int = config.DEFAULTS["CB_MAX_JSON_DEPTH"]
    rows: int = config.DEFAULTS["CB_MAX_ROWS"]

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Limits:
        return cls(*(int(config.setting(settings, name)) for name in (
            "CB_MAX_FILE_BYTES", "CB_MAX_CELL_CHARS", "CB_MAX_XLSX_UNPACKED_BYTES",
            "CB_MAX_JSON_DEPTH", "CB_MAX_ROWS")))


def check_size(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise LimitError(f"{path.name}: {size:,} bytes, over the limit of {limits.file_bytes:,} "
                         "(CB_MAX_FILE_BYTES)")


def check_xlsx(path: Path, limits: Limits) -> None:
    """Refuse a workbook that unpacks to more than the limit: first by the sizes its zip declares,
    then by counting what actually comes out (a zip bomb can lie about its sizes)."""
    limit = limits.xlsx_bytes
    try:
        with zipfile.ZipFile(path) as z:
            declared = sum(i.file_size for i in z.infolist())
            if declared > limit:
                raise LimitError(f"{path.name}: unpacks to {declared:,} bytes, over the limit of "
                                 f"{limit:,} (CB_MAX_XLSX_UNPACKED_BYTES)")
            total = 0
            for info in z.infolist():
                with z.open(info) as f:
                    while block := f.read(CHUNK):
                        total += len(block)
                        if total > limit:
                            raise LimitError(f"{path.name}: unpacks to more than {limit:,} bytes "
                                             f"although it declares {declared:,} "
                                             "(CB_MAX_XLSX_UNPACKED_BYTES)")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        raise LimitError(f"{path.name}: not a readable XLSX (zip) file: {e}") from e


_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(raw: bytes | str) -> int:
    """Deepest nesting of [ and { in JSON text, without recursion (json.loads recurses)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    brackets = _STRING.sub(b"", _ESCAPE.sub(b"", data)).translate(None, _NOT_BRACKET)
    if not brackets:
        return 0
    arr = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((arr == ord("[")) | (arr == ord("{")), 1, -1)
    return int(np.cumsum(steps, dtype=np.int64).max())


def check_json_depth(raw: bytes | str, name: str, limits: Limits) -> None:
    depth = json_depth(raw)
    if depth > limits.json_depth:
        raise LimitError(f"{name}: JSON nested {depth:,} levels deep, over the limit of "
                         f"{limits.json_depth:,} (CB_MAX_JSON_DEPTH)")


def check_rows(df: pd.DataFrame, name: str, limits: Limits) -> None:
    if len(df) > limits.rows:
        raise LimitError(f"{name}: more than {limits.rows:,} rows, the limit per table (CB_MAX_ROWS)")


def oversized_cells(df: pd.DataFrame, name: str, limits: Limits) -> Iterator[Problem]:
    """One Problem per row with a cell longer than the limit; the cell is emptied in place, so
    neither the report nor the pages ever carry it."""
    for col in df.columns:  # every column is text here (read_table reads strings)
        lengths = df[col].astype(str).str.len()
        for idx in df.index[lengths > limits.cell_chars]:
            yield Problem(name, int(idx), str(col), str(df.at[idx, col])[:40] + "…",
                          f"cell of {int(lengths[idx]):,} characters, over the limit of "
                          f"{limits.cell_chars:,} (CB_MAX_CELL_CHARS)")
            df.at[idx, col] = ""
