"""The rows a partition of one kind's record pages reads, as the declarations state them.

Why: a record's page is a function of its own row, the rows its kind declares it reads
(``Kind.reads``: rows of a table whose column holds the record's key) and the rows those name by
reference (``clearbuild.schema``: a contract's company, a bid's notice). Said once, this is what
lets a partition's contexts be made from those rows alone, in a process that never holds the
corpus (docs/architecture.md, "Memory and speed"), and what a night would need to know which
pages a changed row touches. ``invoke reads`` (clearbuild.readcheck) makes every kind's contexts
from its declared rows and finds them equal to the contexts made from the whole export.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .dataset import Dataset
from .kinds import KINDS, PAGES, Kind, by_table
from .schema import TABLES


def references(table: str) -> Iterator[tuple[str, str, str]]:
    """(column, referenced table, its key column) of each reference the schema declares."""
    spec = TABLES.get(table)
    for col in getattr(spec, "columns", ()):
        if col.ref:
            other, _, key = col.ref.partition(".")
            yield col.name, other, key


class _Frames:
    """Tables read as frames: a Dataset held in memory (tests, a loader's own)."""

    def __init__(self, ds: Dataset) -> None:
        # Each table read once for the partition (a put-away one is read from its file each time).
        self._frame = functools.cache(ds.table)

    def has(self, name: str, column: str) -> bool:
        return column in self._frame(name).columns

    def isin(self, name: str, column: str, wanted: set[Any]) -> np.ndarray:
        return self._frame(name)[column].isin(wanted).to_numpy()

    def values(self, name: str, column: str, mask: np.ndarray) -> set[Any]:
        return _present(self._frame(name)[column].to_numpy()[mask].tolist())

    def rows(self, name: str, mask: np.ndarray | None) -> pd.DataFrame:
        df = self._frame(name)
        return df.iloc[:0] if mask is None else df[mask].reset_index(drop=True)


class _Stored(_Frames):
    """Tables put away in a snapshot (clearbuild.putaway): columns read where they lie, memory-
    mapped, and only the rows picked made into a frame. At Seoul's size a partition of 2,000
    contracts picks ~12,000-18,000 of 1.24 million rows."""

    def __init__(self, ds: Dataset) -> None:
        super().__init__(ds)
        self.stored = ds.tables
        self._table = functools.cache(self.stored.arrow)  # mapped once for the partition

    def has(self, name: str, column: str) -> bool:
        return name in self.stored and column in self._table(name).column_names

    def isin(self, name: str, column: str, wanted: set[Any]) -> np.ndarray:
        col = self._table(name).column(column)
        if not pa.types.is_string(col.type):  # ids are text; anything else the frame's way
            return pd.Series(col.to_pylist(), dtype=object).isin(wanted).to_numpy()
        hit = pc.is_in(col, value_set=pa.array([v for v in wanted if isinstance(v, str)], pa.string()))
        return hit.to_numpy(zero_copy_only=False).astype(bool)

    def values(self, name: str, column: str, mask: np.ndarray) -> set[Any]:
        col = self._table(name).column(column).filter(pa.array(mask))
        return _present(pc.unique(col).to_pylist())

    def rows(self, name: str, mask: np.ndarray | None) -> pd.DataFrame:
        if name not in self.stored:
            return pd.DataFrame()
        table = self._table(name)
        return self.stored.decode(name, table.filter(pa.array(mask)) if mask is not None
                                  else table.slice(0, 0))


def _present(values: list[Any]) -> set[Any]:
    return {v for v in values if v is not None and v == v and v != ""}


def _through(kind: Kind, column: str, keys: set[str], src: _Frames) -> tuple[str, set[Any]]:
    """A read's column and the values it must hold (clearbuild.kinds.Kind.reads):

    - ``col``: a record's key;
    - ``col>table.field``: the key of a ``table`` row whose ``field`` holds a record's key (a
      plan's contracts: their notice is one of the plan's);
    - ``col=own``: what the record's own column ``own`` holds (a document's siblings: the
      documents of its complex)."""
    if "=" in column:
        column, _, own = column.partition("=")
        if not src.has(kind.table, own):
            return column, set()
        return column, src.values(kind.table, own, src.isin(kind.table, kind.key, keys))
    if ">" not in column:
        return column, keys
    column, _, via = column.partition(">")
    other, _, field = via.partition(".")
    key = by_table()[other].key  # a record kind's table (Kind checks the form, not the table)
    if not (src.has(other, field) and src.has(other, key)):
        return column, set()
    return column, src.values(other, key, src.isin(other, field, keys))


def _masks(kind: Kind, keys: Collection[str], src: _Frames) -> dict[str, np.ndarray]:
    """table -> which of its rows a page of ``keys`` reads: the records' own rows, the declared
    reads' rows, then every row those rows name by reference, transitively."""
    out: dict[str, np.ndarray] = {}

    def add(name: str, column: str, wanted: set[Any]) -> None:
        if not wanted or not src.has(name, column):
            return
        hit = src.isin(name, column, wanted)
        out[name] = out[name] | hit if name in out else hit

    add(kind.table, kind.key, set(keys))
    for name, column in kind.reads:
        add(name, *_through(kind, column, set(keys), src))
    # Every row those rows name by reference, and so on (a bid's company, a contract's notice and
    # its plan): each reference names one row, so this ends and stays small. Nobody reads rows
    # naming a missing one: ingest refused those.
    pending = list(out)
    while pending:
        name = pending.pop()
        for column, other, key in references(name):
            if not src.has(name, column):
                continue
            before = out.get(other)
            add(other, key, src.values(name, column, out[name]))
            after = out.get(other)
            if after is not None and (before is None or (after & ~before).any()):
                pending.append(other)
    return out


def _source(ds: Dataset) -> _Frames:
    return _Stored(ds) if hasattr(ds.tables, "arrow") else _Frames(ds)


def masks(kind: Kind, keys: Collection[str], ds: Dataset) -> dict[str, np.ndarray]:
    """table -> which of its rows pages of ``keys`` read (``dataset_for``)."""
    return _masks(kind, keys, _source(ds))


def dataset_for(ds: Dataset, kind: str | Kind, keys: Collection[str]) -> Dataset:
    """A Dataset of only the rows pages of ``keys`` read (``masks``), in file order; other
    tables empty. From a put-away Dataset only those rows are decoded."""
    k = KINDS[kind] if isinstance(kind, str) else kind
    src = _source(ds)
    picked = _masks(k, keys, src)
    tables = {name: src.rows(name, picked.get(name)) for name in ds.tables}
    return replace(ds, tables=tables, _groups={}, _records={}, _rows={}, _columns={}, _held={})


def contexts(ds: Dataset, kind: str, keys: Collection[str], settings: dict[str, Any]
             ) -> Iterator[tuple[str, dict[str, Any]]]:
    """(key, page context) of each of ``keys`` that is a record, made from only the rows its
    pages declare they read, by the plugin that owns the kind (``kinds.PAGES``: loaded with the
    site's plugins), in the order the build queues them."""
    k = KINDS[kind]
    if kind not in PAGES:
        raise LookupError(f"no plugin says how pages of {kind!r} are made (kinds.pages): "
                          "are the site's plugins loaded?")
    part = dataset_for(ds, k, keys)
    records, context = PAGES[kind](part, settings)[kind]
    wanted = set(keys)
    for record in records:
        if record[k.key] in wanted:
            yield record[k.key], context(record)
