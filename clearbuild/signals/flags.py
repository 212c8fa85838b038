"""The flags a build raised, held as columns: one table per indicator, a Flag made when read.

Why: the parent holds the flags through the whole render, and every render worker maps them.
As objects (a Flag, its figures, its record's id and the ids it names) they were the largest
single holding of the parent at the render's start (``invoke census``: 54 MB at Seoul's size
for 122,761 flags, 442 bytes each; 34 MB of it the 61,004 late-agency-payment flags and the
payment ids each names), and they grow with the corpus. Here an indicator's numbers are numpy
columns (8 bytes a value), its texts and lists of ids Arrow arrays, and a record's flags are
found by a 64-bit digest of (kind, id) in a sorted array (12 bytes a flag). A Flag read from
the table equals the Flag the indicator's frame used to make, value for value and type for
type, so pages, page hashes and downloads do not change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .base import LOT_FIELDS
from .result import Flag, Key

Getter = Callable[[int], Any]  # row -> the value as ``native`` makes it of the frame's cell


def native(v: Any) -> Any:
    """A frame's cell as a flag holds it: numpy scalars as Python numbers, a missing value as
    None, a tuple (of ids) as a tuple of str."""
    if isinstance(v, tuple):
        return tuple(str(x) for x in v)
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA or v is pd.NaT:
        return None
    return v.item() if hasattr(v, "item") else v


def _getter(s: pd.Series) -> Getter:
    """The column held compactly, and how to read row i of it exactly as ``native(tolist()[i])``.
    The readers are objects, not closures: the flags are computed in a forked child and handed
    back pickled (clearbuild.signals.Apart)."""
    numpy = isinstance(s.dtype, np.dtype)  # not pandas' own (nullable) types: those hold NA
    if numpy and s.dtype.kind in "iub":  # no missing value: tolist() gives int or bool
        return _Numbers(s.to_numpy())
    if numpy and s.dtype.kind == "f":
        return _Numbers(s.to_numpy(), nan_is_none=True)
    values = [native(v) for v in s.tolist()]
    if all(v is None or type(v) is str for v in values):
        return _Texts(pa.array(values, type=pa.string()))
    if all(v is None or (type(v) is tuple and all(type(x) is str for x in v)) for v in values):
        return _Texts(pa.array([list(v) if v is not None else None for v in values],
                               type=pa.list_(pa.string())))
    return values.__getitem__  # anything else (mixed types): kept as the Python values


class _Numbers:
    """A numpy column: row i as a Python number (None for NaN in a float column)."""

    def __init__(self, arr: np.ndarray, nan_is_none: bool = False) -> None:
        self.arr, self.nan_is_none = arr, nan_is_none

    def __call__(self, i: int) -> Any:
        v = self.arr[i]
        return None if self.nan_is_none and v != v else v.item()


class _Texts:
    """An Arrow column of text or of lists of ids: row i as str or a tuple of str, or None."""

    def __init__(self, arr: pa.Array) -> None:
        self.arr = arr

    def __call__(self, i: int) -> Any:
        v = self.arr[i]
        if not v.is_valid:
            return None
        v = v.as_py()
        return tuple(v) if type(v) is list else v


class FlagTable:
    """One indicator's flags: the frame its function returned, as columns."""

    def __init__(self, indicator: str, df: pd.DataFrame, names: Sequence[str]) -> None:
        self.indicator = indicator
        self.names = tuple(names)
        kinds, kind_pool = pd.factorize(df["kind"].astype(str))
        self._kinds, self._kind_pool = kinds.astype(np.int8), list(kind_pool)
        self._ids = pa.array([str(x) for x in df["id"].tolist()], type=pa.string())
        variant = df["variant"].fillna("").astype(str) if "variant" in df \
            else pd.Series("", index=df.index)
        codes, pool = pd.factorize(variant)
        self._variants, self._variant_pool = codes.astype(np.int16), list(pool)
        self._columns = [_getter(df[c]) for c in self.names]

    def __len__(self) -> int:
        return len(self._ids)

    def key(self, i: int) -> Key:
        return self._kind_pool[self._kinds[i]], self._ids[i].as_py()

    def keys(self) -> Iterator[Key]:
        pool = self._kind_pool
        return ((pool[k], i) for k, i in zip(self._kinds.tolist(), self._ids.to_pylist(), strict=True))

    def flag(self, i: int) -> Flag:
        values = {n: get(i) for n, get in zip(self.names, self._columns, strict=True)}
        for n in LOT_FIELDS:  # an undivided notice's flag says nothing of lots
            if values.get(n, 0) is None:
                del values[n]
        kind, record_id = self.key(i)
        return Flag(self.indicator, kind, record_id, values, self._variant_pool[self._variants[i]])


class FlagList(Sequence[Flag]):
    """Every flag, in the order the lists show them ((kind, id), then the indicators' order): a
    table and a row each, the Flag made when read."""

    def __init__(self, tables: list[FlagTable], order: dict[str, int]) -> None:
        self._tables = [t for t in tables if len(t)]
        # (kind, id, indicator's place, table, row): (table, row) rises in the order the flags
        # were made, so sorting whole tuples keeps that order among equals, as list.sort did.
        ranked = sorted((*key, order[table.indicator], t, r) for t, table in enumerate(self._tables)
                        for r, key in enumerate(table.keys()))
        self._table = np.array([x[3] for x in ranked], dtype=np.int16)
        self._row = np.array([x[4] for x in ranked], dtype=np.int32)

    def __len__(self) -> int:
        return len(self._row)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self._tables[int(self._table[i])].flag(int(self._row[i]))

    def __iter__(self) -> Iterator[Flag]:
        return self._each(FlagTable.flag)

    def _each(self, read: Callable[[FlagTable, int], Any]) -> Iterator[Any]:
        tables = self._tables
        for t, r in zip(self._table.tolist(), self._row.tolist(), strict=True):
            yield read(tables[t], r)

    def key_at(self, i: int) -> Key:
        """(kind, id) of flag ``i``, without making it."""
        return self._tables[int(self._table[i])].key(int(self._row[i]))

    def keys(self) -> Iterator[Key]:
        """(kind, id) of each flag, in order, without making the flags."""
        return self._each(FlagTable.key)

    def columns(self) -> tuple[pa.Array, pa.Array, np.ndarray]:
        """Each flag's record kind and id (Arrow text) and its indicator's id (an object array
        of the tables' own strings), in order, without making a flag or a string per flag."""
        tables = self._tables
        if not tables:
            empty = pa.array([], type=pa.string())
            return empty, empty, np.array([], dtype=object)
        offsets = np.cumsum([0] + [len(t) for t in tables[:-1]])
        at = pa.array(offsets[self._table.astype(np.int64)] + self._row)
        kinds = pa.concat_arrays([pa.array(np.array(t._kind_pool, dtype=object)[t._kinds], type=pa.string())
                                  for t in tables]).take(at)
        ids = pa.concat_arrays([t._ids for t in tables]).take(at)
        return kinds, ids, np.array([t.indicator for t in tables], dtype=object)[self._table]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]
