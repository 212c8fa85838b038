"""The Dataset: every public row of one export, loaded once per build and shared by all plugins.

Plugins read it from the build context (``clearbuild.buildcontext``). It holds only allow-listed
public columns, so no plugin can publish a private one by mistake.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .rows import ArrowGroups, Column, Groups, RowGroups, Share, columns, row_maker
from .rows import values as _values
from .schema import TABLES

# (table, column) -> (referenced table, its key column), as the schema declares them.
_REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    (t.name, c.name): (c.ref.partition(".")[0], c.ref.partition(".")[2])
    for t in TABLES.values() for c in t.columns if c.ref}

if TYPE_CHECKING:
    from .filegate import SourceFile
    from .ingest.problems import Problem


def text_column(s: pd.Series) -> pd.Series:
    """A column's values as text, exactly as a CSV of its table spells them: '' where missing,
    integers without a decimal point, floats as Python's repr (100.0, 1e+16), booleans as
    True/False. The record history compares and prints these (changes.jsonl holds them since its
    state was CSV: the strings must not change under a live site's log)."""
    if s.dtype.kind in "mM" or isinstance(s.dtype, pd.PeriodDtype):  # dates: CSV formats the column
        text = s.to_frame().to_csv(index=False, lineterminator="\n")
        back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).iloc[:, 0]
        return pd.Series(back.to_numpy(), index=s.index, name=s.name, dtype="str")
    return s.astype("str").fillna("")


def text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Every column as text (text_column), on a fresh RangeIndex."""
    if not len(df.columns):
        return pd.DataFrame(index=pd.RangeIndex(len(df)))
    out = pd.concat([text_column(df.iloc[:, i]).reset_index(drop=True) for i in range(df.shape[1])],
                    axis=1)
    out.columns = df.columns  # by position: a repeated name is two columns, both kept
    return out


def row_hashes(text: pd.DataFrame, key: str | None = None) -> np.ndarray:
    """One 64-bit hash per row of text values (text_frame), column order included: pandas'
    SipHash, the same on every machine and in every process for one ``key`` (16 characters).

    SipHash is a keyed hash: with pandas' published default key, whoever writes an export could
    search for a changed row that keeps its old hash, and the history would skip the change. The
    history therefore keys it with a secret of its own (clearbuild.publish.history)."""
    if not len(text.columns):
        return np.zeros(len(text), dtype=np.uint64)
    kwargs = {"hash_key": key} if key else {}
    return pd.util.hash_pandas_object(text, index=False, **kwargs).to_numpy(dtype=np.uint64)


def _column_digest(h: Any, values: pd.Series) -> None:
    """A text column into a SHA-256: its Arrow offsets (every value's length) and its bytes."""
    arr = pa.array(values.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    _, offsets, data = arr.buffers()
    h.update(offsets.to_pybytes()[: 8 * (len(arr) + 1)] if offsets is not None else b"")
    end = int(np.frombuffer(offsets, dtype="<i8", count=len(arr) + 1)[-1]) if offsets is not None else 0
    h.update(data.to_pybytes()[:end] if data is not None else b"")


def digest(tables: Mapping[str, pd.DataFrame], texts: Mapping[str, pd.DataFrame] | None = None) -> str:
    """SHA-256 of the public content, what the signed manifest names as the dataset: per table
    (by name) its name, row count, column names and dtypes, then every column's text values
    (text_frame) with their lengths, in row order. A value, a column or the row order changing
    changes it, and nobody can make two exports that share it (unlike the history's 64-bit row
    hashes). ``texts``: text frames already made (the history's), not made twice."""
    h = hashlib.sha256(b"clearbuild-dataset-3\n")
    for name in sorted(tables):
        df = tables[name]
        text = texts[name] if texts is not None and name in texts else text_frame(df)
        head = json.dumps([name, len(df), [[str(c), str(t)] for c, t in zip(df.columns, df.dtypes,
                                                                           strict=True)]])
        h.update(len(head.encode()).to_bytes(8, "little") + head.encode())
        for i in range(df.shape[1]):
            _column_digest(h, text.iloc[:, i])
    return h.hexdigest()


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
    _groups: dict[tuple[str, str], Groups] = field(default_factory=dict, repr=False)
    _records: dict[tuple[str, str], dict[str, dict[str, Any]]] = field(default_factory=dict,
                                                                       repr=False)
    _rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)
    _columns: dict[str, tuple[list[str], list[list[Any]]]] = field(default_factory=dict, repr=False)
    _held: dict[str, list[Column] | None] = field(default_factory=dict, repr=False)
    _making: set[str] = field(default_factory=set, repr=False)  # tables whose records are being made

    def table(self, name: str) -> pd.DataFrame:
        """A table (an empty frame when there is none). In a build the tables live in a
        memory-mapped snapshot (clearbuild.putaway.put_away): each call reads the table again,
        in milliseconds; hold it while you use it, not for the rest of the build."""
        return self.tables.get(name, pd.DataFrame())

    def records(self, name: str) -> list[dict[str, Any]]:
        """Rows as plain dicts (what templates get), with missing values as None: a new list of
        the table's one set of row dicts, made once per build. ``index`` and ``group`` hold the
        same dicts: at Seoul's size, each table read both ways was two copies (175,000 contracts
        twice: 106 MB of dicts more), so nobody may change a row it is given."""
        if name not in self._rows:
            self._index_referenced(name)  # their ids first, so that this table's share them
            # Column by column, then zipped: 3x faster than DataFrame.to_dict("records") (which
            # boxes every cell) on 175,000 contracts, with the same values and types.
            names, cols = self._columns_of(name)
            if not cols or not cols[0]:  # no rows (or no columns): not kept, as before
                return []
            make = row_maker(names)
            self._rows[name] = [make(row) for row in zip(*cols, strict=True)]
            # The rows hold the values now; its groupings read the rows (RowGroups). A grouping
            # made earlier (Groups) keeps the lists it reads.
            del self._columns[name]
        return list(self._rows[name])

    def _index_referenced(self, name: str) -> None:
        """Index by their keys the tables ``name`` references (``_sharing``), unless one is
        being made (contracts and projects name each other: the first made names the second's
        ids with objects of its own). In a build each of them is indexed anyway."""
        self._making.add(name)
        try:
            for (table, _), (other, key) in _REFERENCES.items():
                if table == name and other not in self._making and (other, key) not in self._records \
                        and key in self.table(other).columns:
                    self.index(other, key)
        finally:
            self._making.discard(name)

    def _columns_of(self, name: str) -> tuple[list[str], list[list[Any]]]:
        """The table's column names and each column's Python values (``_values``), made once
        and let go when the records are made of them: the records and every grouping of the
        table share the same value objects."""
        if name not in self._columns:
            df = self.table(name)
            self._columns[name] = (list(df.columns), [_values(df[c], self._sharing(name, c))
                                                      for c in df.columns])
        return self._columns[name]

    def _held_of(self, name: str, df: pd.DataFrame) -> list[Column] | None:
        """The table's ``rows.columns`` (codes and Arrow arrays), made once: its groupings
        share them (bids by notice and by company)."""
        if name not in self._held:
            self._held[name] = columns(df, functools.partial(self._sharing, name))
        return self._held[name]

    def _sharing(self, name: str, column: str) -> Share | None:
        """For a column referencing another table's key (``schema``: contracts.company_id), the
        referenced records' own id objects in place of equal new ones, when that table's records
        are indexed by the key already (``index``).

        Why: each table's values were its own objects, so one id was a string in every table
        naming it (a contract's id in the contracts, its payments' grouping, its amendments; a
        company's in the companies, the contracts, the bids): at Seoul's size the parent's
        largest class of objects was 2.6 million blocks of 64 bytes, short strings such as ids
        and dates (``sys._debugmallocstats``). Shared: the chain's tables 259 -> 238 MB."""
        ref = _REFERENCES.get((name, column))
        found = self._records.get(ref) if ref is not None else None
        if not found:
            return None
        key = ref[1]

        def share(distinct: list[Any]) -> list[Any]:
            out = []
            for v in distinct:
                row = found.get(v)
                out.append(row[key] if row is not None and type(row[key]) is type(v) else v)
            return out

        return share

    def index(self, name: str, key: str) -> dict[str, dict[str, Any]]:
        """One record per key value, computed once per build."""
        if (name, key) not in self._records:
            self._records[(name, key)] = {r[key]: r for r in self.records(name)}
        return self._records[(name, key)]

    def group(self, name: str, key: str) -> Mapping[Any, list[dict[str, Any]]]:
        """Records grouped by a column (e.g. progress by project_id), in file order; rows
        without the column's value are in no group. The grouping is computed once. A table
        whose records exist gives those records (``RowGroups``: nobody may change a row it is
        given). Otherwise a group's rows are new dicts each time it is read: keep what you need
        of them. They are made from ``rows.columns`` (codes and Arrow arrays: ``ArrowGroups``),
        with no Python value per cell, or, for a table of other column types, from its Python
        values (``Groups``)."""
        if (name, key) not in self._groups:
            df = self.table(name)
            if key not in df.columns:
                df = pd.DataFrame({key: []})
                self._groups[(name, key)] = Groups(df, key, ([key], [[]]))
            elif name in self._rows:  # the records exist: a group is a list of them
                self._groups[(name, key)] = RowGroups(df[key], key, self._rows[name])
            elif name in self._columns or (table := self._held_of(name, df)) is None:
                self._groups[(name, key)] = Groups(df, key, self._columns_of(name))
            else:  # no Python values made for this table yet: none are made for its groups
                self._groups[(name, key)] = ArrowGroups(df, key, table)
        return self._groups[(name, key)]

    def row_count(self) -> int:
        """Rows of every table, without reading a put-away one (clearbuild.putaway)."""
        rows = getattr(self.tables, "rows", None)
        if rows is not None:
            return sum(rows(name) for name in self.tables)
        return sum(len(t) for t in self.tables.values())

    def digest(self) -> str:
        """SHA-256 of the public content (module ``digest``): the manifest's dataset hash."""
        return digest(self.tables)

    @property
    def refused(self) -> int:
        return len({(p.file, p.row) for p in self.report if p.refused})
