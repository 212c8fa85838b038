"""The rows a partition of one kind's record pages reads, as the declarations state them.

Why: a record's page is a function of its own row, the rows its kind declares it reads
(``Kind.reads``: rows of a table whose column holds the record's key) and the rows those name by
reference (``clearbuild.schema``: a contract's company, a bid's notice). Said once, this is what
lets a partition's contexts be made from those rows alone, in a process that never holds the
corpus (docs/architecture.md, "Memory and speed"), and what a night needs to know which pages a
changed row touches. ``tests/test_partial.py`` makes every kind's contexts from its declared rows
and finds them equal to the contexts made from the whole export.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

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


def _values(df: pd.DataFrame, column: str, mask: np.ndarray) -> set[str]:
    if column not in df.columns:
        return set()
    return {v for v in df[column].to_numpy()[mask].tolist() if v is not None and v == v and v != ""}


def _through(kind: Kind, column: str, keys: set[str], frame: Callable[[str], pd.DataFrame]
             ) -> tuple[str, set[str]]:
    """A read's column and the values it must hold (clearbuild.kinds.Kind.reads):

    - ``col``: a record's key;
    - ``col>table.field``: the key of a ``table`` row whose ``field`` holds a record's key (a
      plan's contracts: their notice is one of the plan's);
    - ``col=own``: what the record's own column ``own`` holds (a document's siblings: the
      documents of its complex)."""
    if "=" in column:
        column, _, own = column.partition("=")
        df = frame(kind.table)
        return column, _values(df, own, df[kind.key].isin(keys).to_numpy())
    if ">" not in column:
        return column, keys
    column, _, via = column.partition(">")
    other, _, field = via.partition(".")
    df = frame(other)
    key = by_table()[other].key  # a record kind's table (Kind checks the form, not the table)
    if field not in df.columns or key not in df.columns:
        return column, set()
    return column, _values(df, key, df[field].isin(keys).to_numpy())


def masks(kind: Kind, keys: Collection[str], table: Callable[[str], pd.DataFrame]
          ) -> dict[str, np.ndarray]:
    """table -> which of its rows a page of ``keys`` reads: the records' own rows, the declared
    reads' rows, then every row those rows name by reference, transitively."""
    keys = set(keys)
    frames: dict[str, pd.DataFrame] = {}

    def frame(name: str) -> pd.DataFrame:
        if name not in frames:
            frames[name] = table(name)
        return frames[name]

    out: dict[str, np.ndarray] = {}

    def add(name: str, column: str, wanted: set[str]) -> None:
        df = frame(name)
        if column not in df.columns or not wanted:
            return
        hit = df[column].isin(wanted).to_numpy()
        out[name] = out[name] | hit if name in out else hit

    add(kind.table, kind.key, keys)
    for name, column in kind.reads:
        add(name, *_through(kind, column, keys, frame))
    # Every row those rows name by reference, and so on (a bid's company, a contract's notice and
    # its plan): each reference names one row, so this ends and stays small. Nobody reads rows
    # naming a missing one: ingest refused those.
    pending = list(out)
    while pending:
        name = pending.pop()
        for column, other, key in references(name):
            before = out.get(other)
            add(other, key, _values(frame(name), column, out[name]))
            after = out.get(other)
            if after is not None and (before is None or (after & ~before).any()):
                pending.append(other)
    return out


def dataset_for(ds: Dataset, kind: str | Kind, keys: Collection[str]) -> Dataset:
    """A Dataset of only the rows pages of ``keys`` read (``masks``); other tables empty."""
    k = KINDS[kind] if isinstance(kind, str) else kind
    picked = masks(k, keys, ds.table)
    tables = {name: (df[picked[name]].reset_index(drop=True) if name in picked else df.iloc[:0])
              for name, df in ((n, ds.table(n)) for n in ds.tables)}
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
