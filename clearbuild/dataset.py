"""The Dataset: every public row of one export, loaded once per build and shared by all plugins.

Plugins read it from the Pelican context (``context['cb_dataset']``). It holds only allow-listed
public columns, so no plugin can publish a private one by mistake.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .filegate import SourceFile
    from .ingest.problems import Problem


def _values(s: pd.Series) -> list[Any]:
    """A column as Python values, None where missing. Text columns give one object per distinct
    value: a contract id repeated on its three payment rows, a date, a kind are one string each,
    not one per cell (at Seoul's size the payments alone are 568,000 rows of seven cells)."""
    if isinstance(s.dtype, pd.StringDtype):
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        pool = np.empty(len(uniques) + 1, dtype=object)
        pool[:-1] = list(uniques)
        pool[-1] = None  # code -1: missing
        return pool[codes].tolist()
    return s.astype(object).where(s.notna(), None).tolist()


@dataclass
class Dataset:
    tables: dict[str, pd.DataFrame]
    report: list[Problem] = field(default_factory=list)
    source: str = ""
    export_date: str = ""  # the export folder's YYYY-MM-DD name, '' when it is not dated
    as_of: str = ""  # the build's one "as of" date (clearbuild.asof), set by the loader
    withheld: dict[str, int] = field(default_factory=dict)  # rows kept out on purpose (not public)
    sources: list[str] = field(default_factory=list)  # folders read, first is the export
    # Published path (a row's ``file``, e.g. media/photos/PH-1.jpg) -> the checked export file;
    # plugins copy these with clearbuild.filegate.publish and nothing else from the export.
    files: dict[str, SourceFile] = field(default_factory=dict)
    _groups: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = field(default_factory=dict,
                                                                           repr=False)
    _records: dict[tuple[str, str], dict[str, dict[str, Any]]] = field(default_factory=dict,
                                                                       repr=False)

    def table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, pd.DataFrame())

    def records(self, name: str) -> list[dict[str, Any]]:
        """Rows as plain dicts (what templates get), with missing values as None."""
        df = self.table(name)
        if df.empty:
            return []
        # Column by column, then zipped: 3x faster than DataFrame.to_dict("records") (which
        # boxes every cell) on 175,000 contracts, with the same values and types.
        names = list(df.columns)
        cols = [_values(df[c]) for c in names]
        return [dict(zip(names, row, strict=True)) for row in zip(*cols, strict=True)]

    def index(self, name: str, key: str) -> dict[str, dict[str, Any]]:
        """One record per key value, computed once per build."""
        if (name, key) not in self._records:
            self._records[(name, key)] = {r[key]: r for r in self.records(name)}
        return self._records[(name, key)]

    def group(self, name: str, key: str) -> dict[str, list[dict[str, Any]]]:
        """Records grouped by a column (e.g. progress by project_id), in file order, computed once."""
        if (name, key) not in self._groups:
            groups: dict[str, list[dict[str, Any]]] = {}
            for r in self.records(name):
                if r.get(key) is not None:
                    groups.setdefault(r[key], []).append(r)
            self._groups[(name, key)] = groups
        return self._groups[(name, key)]

    def digest(self) -> str:
        """SHA-256 of the public content: what the manifest names as the dataset hash."""
        h = hashlib.sha256()
        for name in sorted(self.tables):
            h.update(name.encode())
            h.update(self.tables[name].to_csv(index=False).encode())
        return h.hexdigest()

    @property
    def refused(self) -> int:
        return len({(p.file, p.row) for p in self.report if p.refused})
