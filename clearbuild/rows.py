"""A table's rows as Python dicts, and its groupings (rows by a column's value).

Why a module of its own: the rows are most of the parent's heap at Seoul's size, and every
forked render worker maps them, so how a row is held is measured here (tests/test_dataset.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from .keyindex import KeyIndex

Share = Callable[[list[Any]], list[Any]]


def values(s: pd.Series, share: Share | None = None) -> list[Any]:
    """A column as Python values, None where missing. Text columns give one object per distinct
    value: a contract id repeated on its three payment rows, a date, a kind are one string each,
    not one per cell (at Seoul's size the payments alone are 568,000 rows of seven cells).
    ``share``: gives, for the distinct values, objects equal to them held elsewhere already
    (``Dataset``: a referenced record's own id)."""
    if isinstance(s.dtype, pd.StringDtype):
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        pool = np.empty(len(uniques) + 1, dtype=object)
        pool[:-1] = share(list(uniques)) if share is not None else list(uniques)
        pool[-1] = None  # code -1: missing
        return pool[codes].tolist()
    return s.astype(object).where(s.notna(), None).tolist()


# CPython shares one table of keys among the attribute dicts of a class's instances (up to 29
# keys, PEP 412): such a dict holds only its values.
_SHARED_KEYS_MAX = 29


def row_maker(names: list[str]) -> Callable[[Iterable[Any]], dict[str, Any]]:
    """A function making a table's rows as dicts that share one table of keys.

    Why: a row as a plain dict stores every column's name and hash beside its value; these
    dicts store the values only. The parent holds ~315,000 rows at Seoul's size, mapped by every
    render worker: the 175,000 contracts (15 columns) take 39 MB instead of 79, every table's
    rows 208 MB instead of 382. They are plain ``dict`` objects: equal, hashed into pages and
    printed as JSON exactly as before; a row given a new key becomes an ordinary dict. A table
    of 30 columns or more (where CPython stops sharing keys) gets plain dicts."""
    if len(names) > _SHARED_KEYS_MAX or len(set(names)) != len(names) \
            or not all(type(n) is str for n in names):
        return lambda values: dict(zip(names, values, strict=True))
    host = type("Row", (), {})  # one class per table: its instances share the table's keys

    def make(values: Iterable[Any]) -> dict[str, Any]:
        row = host().__dict__
        row.update(zip(names, values, strict=True))
        return row

    return make


class Groups(Mapping[Any, list[dict[str, Any]]]):
    """A table's rows grouped by a column, each group made into dicts when it is read.

    Why: held as dicts, rows cost far more than their columns (at Seoul's size the 568,000
    contract payments take 56 MB in pandas, 232 MB as dicts, 136 MB as Groups), and every
    process forked from the parent maps them. A page reads a few groups and lets them go. The columns are the
    Python values ``records`` would hold (one object per distinct text), so a group's rows
    equal the records' rows, in file order; keys iterate in the order they first appear."""

    def __init__(self, df: pd.DataFrame, key: str, columns: tuple[list[str], list[list[Any]]]) -> None:
        self._names, self._cols = columns  # the table's (names, values), shared by its groupings
        self._make = row_maker(self._names)
        self._order, starts = self._index(df[key])
        self._starts = starts.tolist()

    def _index(self, keys: pd.Series, held: Callable[[np.ndarray, np.ndarray], list[Any]] | None = None,
               keyed: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The rows by group, in file order within a group, and where each group starts; sets
        ``_at`` (key -> group number, keys in the order they first appear: a ``KeyIndex``).

        ``held(order, starts)``: the keys as objects the table already holds (its records', or
        its key column's distinct values), in the same order. Why: made afresh, the keys were a
        second string per group (at Seoul's size 170,000 contract ids beside the payments, 9 MB).
        ``keyed=False``: the caller sets ``_at``."""
        codes, uniques = pd.factorize(keys, use_na_sentinel=True)
        codes = np.asarray(codes)
        keep = np.flatnonzero(codes >= 0)
        order = keep[np.argsort(codes[keep], kind="stable")]
        counts = np.bincount(codes[keep], minlength=len(uniques))
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        if not keyed:
            return order, starts
        names = held(order, starts) if held is not None else None
        if names is None or len(names) != len(uniques):
            names = values(pd.Series(uniques, dtype=keys.dtype))
        self._at: KeyIndex = KeyIndex(names)
        return order, starts

    def _rows(self, i: int) -> list[dict[str, Any]]:
        cols, make = self._cols, self._make
        return [make([c[r] for c in cols]) for r in self._order[self._starts[i]:self._starts[i + 1]].tolist()]

    def __getitem__(self, key: Any) -> list[dict[str, Any]]:
        i = self._at.find(key)  # an unhashable key is in no group
        if i < 0:
            raise KeyError(key)
        return self._rows(i)

    def get(self, key: Any, default: Any = None) -> Any:  # no KeyError raised and caught
        i = self._at.find(key)
        return self._rows(i) if i >= 0 else default

    def __contains__(self, key: object) -> bool:
        return self._at.find(key) >= 0

    def __iter__(self) -> Iterator[Any]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


class RowGroups(Groups):
    """Groups of a table whose records exist (``Dataset.records``): a group is a list of those
    records' own dicts, not new ones.

    Why: once a table's rows are dicts, its columns as Python lists are a second set of
    pointers to the same values, held only so that a grouping could make rows again. At Seoul's
    size those lists were 27 MB of the parent (traced: 8 bytes a cell; the contracts' 2.6
    million cells 21 MB), and they grow with the corpus. A group now costs 4 bytes a row (the
    rows' order) and is read ~7x faster (no dict made: 0.56 us against 3.8 for a group of
    three rows of seven columns, measured). Where each group starts is 4 bytes a group too (a
    list of Python ints was 36)."""

    def __init__(self, keys: pd.Series, key: str, rows: list[dict[str, Any]]) -> None:
        self._all = rows
        order, starts = self._index(keys, keyed=False)
        small = len(rows) < 2**31
        self._order = order.astype(np.int32) if small else order
        self._starts = starts.astype(np.int32) if small else starts
        # each group's key is its first record's, read when needed: no list of them held
        first, order = self._starts, self._order
        self._at = KeyIndex((len(first) - 1, lambda i: rows[order[first[i]]][key]))

    @classmethod
    def of(cls, rows: list[dict[str, Any]], key: str, blank: bool = False) -> RowGroups:
        """Any list of records (one held anyway: the contracts newest first) grouped by a field,
        in the list's order. A record whose field is missing, or blank unless ``blank``, is in
        no group. Why: a dict of lists costs ~56 bytes a group and 8 a record more than this
        (the contracts by company at Seoul's size: 6.5 MB as a dict of lists, ~3 here)."""
        return cls(pd.Series([r.get(key) if blank else r.get(key) or None for r in rows],
                             dtype=object), key, rows)

    def _rows(self, i: int) -> list[dict[str, Any]]:
        rows, starts = self._all, self._starts
        return [rows[r] for r in self._order[starts[i]:starts[i + 1]].tolist()]


# Column dtypes whose Arrow values (``to_pylist``) are exactly ``values``': int, float, bool.
_PLAIN_DTYPES = frozenset({"bool", "boolean", "float32", "float64"}
                          | {f"{i}{b}" for i in ("int", "uint", "Int", "UInt") for b in (8, 16, 32, 64)})


class Coded(NamedTuple):
    """A column as one code per row into its distinct values (``pool``, None last: code -1)."""

    codes: np.ndarray  # the narrowest of int8, int16, int32 that holds len(pool) - 1 codes
    pool: list[Any]


def code_type(distinct: int) -> type[np.signedinteger[Any]]:
    """The narrowest signed integer for codes 0 .. distinct - 1 and -1 (missing). Why: a kind or
    a date has a few hundred values; as int32 the payments' kind and two dates were 6.8 MB at
    Seoul's size, as int8/int16 2.8 MB, in every process that reads them."""
    return np.int8 if distinct < 2**7 else np.int16 if distinct < 2**15 else np.int32


Column = pa.Array | Coded


# What a distinct number costs in a pool: its pointer and a Python int (28-32 bytes).
_NUMBER_IN_POOL = 40


def _pays_to_code(s: pd.Series, distinct: int) -> bool:
    """Whether codes and a pool of distinct values take fewer bytes than the Arrow array.

    Text: at most one distinct value in two rows (ids of the records a row belongs to, dates,
    kinds). A grouping's keys are its key column's pool (``ArrowGroups``), so an id column coded
    costs only its codes there. Numbers: only when the pool is small (ranks, counts); amounts
    nearly all differ (the payments' 568,000 amounts at Seoul's size have 94,000 values: by
    this reckoning ~6 MB coded, 4.6 as Arrow)."""
    size = code_type(distinct)().itemsize
    if isinstance(s.dtype, pd.StringDtype) or s.dtype == object:
        return 2 * distinct <= len(s)
    return size * len(s) + _NUMBER_IN_POOL * distinct < s.dtype.itemsize * len(s)


def columns(df: pd.DataFrame, share: Callable[[str], Share | None] | None = None,
            ) -> list[Column] | None:
    """The frame's columns held without a Python object per cell, each giving exactly the values
    ``values`` gives: a column whose values repeat (at most one distinct value in two rows: ids
    of the records a row belongs to, dates, kinds) as codes into its distinct values; any
    other as an Arrow array (text, integers, floats, booleans; None where missing, NaN
    included). None when a column holds anything else (dates as Timestamps, categories, mixed
    objects): such a table keeps its Python values (``Groups``). ``share(column)``: as in
    ``values``, for a column's distinct values."""
    out: list[Column] = []
    for name in df.columns:
        s = df[name]
        if s.dtype == object:
            if not all(v is None or type(v) is str or (type(v) is float and v != v) for v in s):
                return None
        elif not (isinstance(s.dtype, pd.StringDtype) or str(s.dtype) in _PLAIN_DTYPES):
            return None
        if s.dtype.kind != "f":  # floats stay Arrow: coding would merge -0.0 with 0.0 (printed apart)
            codes, uniques = pd.factorize(s, use_na_sentinel=True)
            if _pays_to_code(s, len(uniques)):
                out.append(Coded(np.asarray(codes).astype(code_type(len(uniques))),
                                 values(pd.Series(uniques, dtype=s.dtype),
                                        share(name) if share is not None else None) + [None]))
                continue
        if s.dtype == object:
            out.append(pa.array(s.to_numpy(), type=pa.string(), from_pandas=True))
        else:  # from the column's own Arrow buffers where it has them: no Python string made
            arr = _one_chunk(pa.array(s, from_pandas=True))
            out.append(arr.cast(pa.string()) if isinstance(s.dtype, pd.StringDtype) else arr)
    return out


class ArrowGroups(Groups):
    """Groups whose rows are made from ``columns`` (codes and Arrow arrays), not Python values.

    Why: a table only ever read in groups (contract payments by contract, bids by notice) needs
    no Python object per cell. At Seoul's size the 568,000 contract payments took 101 MB of the
    parent as Python values; as columns about a third of that (60,000 such rows: 5.5 MB against
    15.0, tests/test_dataset.py): a payment id's text, 4 bytes for its contract, kind and dates,
    8 for an amount. They lie in buffers a forked worker reads without copying
    (reading a Python object writes its reference count, so the kernel copies its page into the
    reader). A group's rows are equal to the Python rows, value for value and type for type, and
    cost ~9 us to read instead of ~4 (3 rows of 7 columns, measured). When the table's rows already come
    in groups, in the order the groups first appear (payments by contract, bids by notice), the
    groups are slices of the table's columns; otherwise of a copy sorted by group."""

    def __init__(self, df: pd.DataFrame, key: str, table: list[Column]) -> None:
        self._names = list(df.columns)
        self._make = row_maker(self._names)
        column = table[self._names.index(key)] if self._names.count(key) == 1 else None
        # a coded key column's distinct values are the keys, in the order they first appear
        order, starts = self._index(df[key], None if not isinstance(column, Coded)
                                    else lambda order, starts: column.pool[:-1])
        if len(order) != len(df) or np.any(order != np.arange(len(order))):
            take = pa.array(order, type=pa.int64())
            table = [Coded(c.codes[order], c.pool) if isinstance(c, Coded) else c.take(take)
                     for c in table]
        self._columns = table
        self._starts = starts  # where each group starts in the columns (8 bytes a group)

    def _rows(self, i: int) -> list[dict[str, Any]]:
        start, stop = int(self._starts[i]), int(self._starts[i + 1])
        cols = [[c.pool[j] for j in c.codes[start:stop].tolist()] if type(c) is Coded
                else c.slice(start, stop - start).to_pylist() for c in self._columns]
        make = self._make
        return [make(row) for row in zip(*cols, strict=True)]


def _one_chunk(a: pa.Array | pa.ChunkedArray) -> pa.Array:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a
