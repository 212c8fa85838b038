"""Shared pieces of the generator: dates as day numbers, ids, business numbers, CSV writing.

Columns are built whole (numpy arrays or lists of strings), never as one dict per row: the
Seoul-scale export has over half a million rows and must generate in seconds. Every table is
sorted by its key before it is written, so the files are byte-identical for a seed.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .. import brn
from ..schema import TABLES

AS_OF = "2026-11-20"  # the export's date: nothing has happened after it
START = "2023-01-02"  # first day of the exported period
# Seoul tax offices' codes (first 3 digits of a business number).
TAX_OFFICES = np.array(list(range(101, 121)) + list(range(201, 221)) + [104, 105, 106, 107])

Col = Sequence[str] | np.ndarray


def day(iso: str) -> int:
    """Day number (days since 1970-01-01) of an ISO date."""
    return int(np.datetime64(iso, "D").astype(np.int64))


def iso(days: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """ISO dates of day numbers; '' where ``present`` is False."""
    out = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype(str).astype(object)
    if present is not None:
        out[~np.asarray(present, dtype=bool)] = ""
    return out


def iso_month(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(str)


def iso_datetime(days: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DDTHH:MM' from day numbers and minutes after midnight."""
    minutes = np.asarray(minutes, dtype=np.int64)
    if len(minutes) == 0:
        return np.zeros(0, dtype=object)
    hh = np.char.zfill((minutes // 60).astype(str), 2)
    mm = np.char.zfill((minutes % 60).astype(str), 2)
    return np.char.add(np.char.add(np.char.add(iso(days).astype(str), "T"), hh), np.char.add(":", mm))


def ids(prefix: str, n: int, width: int = 5) -> np.ndarray:
    """Zero-padded ids, so string order is creation order: P-00001, P-00002, ..."""
    width = max(width, len(str(n)))
    if n == 0:
        return np.zeros(0, dtype=object)
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)


def num(values: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """Integers as strings; '' where ``present`` is False."""
    out = np.asarray(values, dtype=np.int64).astype(str).astype(object)
    if present is not None:
        out[~np.asarray(present, dtype=bool)] = ""
    return out


def coord(values: np.ndarray) -> np.ndarray:
    return np.char.mod("%.6f", np.asarray(values, dtype=float)).astype(object)


def flag(values: np.ndarray, yes: str = "true", no: str = "false") -> np.ndarray:
    return np.where(np.asarray(values, dtype=bool), yes, no).astype(object)


def pick(rng: np.random.Generator, items: Sequence[str], n: int,
         weights: Sequence[float] | None = None) -> np.ndarray:
    """n items drawn with replacement (weights need not sum to 1)."""
    p = None
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        p = w / w.sum()
    return np.asarray(items, dtype=object)[rng.choice(len(items), size=n, p=p)]


def business_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct valid 10-digit business registration numbers (digits only), in draw order."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        m = int((n - len(out)) * 1.1) + 8
        office = rng.choice(TAX_OFFICES, m)
        corp = rng.random(m) < 0.65
        kind = np.where(corp, rng.choice([81, 86, 87, 88], m), rng.integers(1, 80, m))
        serial = rng.integers(1, 10000, m)
        prefix = office * 1_000_000 + kind * 10_000 + serial
        digits = (prefix[:, None] // 10 ** np.arange(8, -1, -1)) % 10
        full = prefix * 10 + brn.check_digits(digits)
        for v in np.char.zfill(full.astype(str), 10):
            if v not in seen and len(out) < n:
                seen.add(v)
                out.append(str(v))
    return np.asarray(out, dtype=object)


def hyphenate(brn: np.ndarray) -> np.ndarray:
    """'1234567890' -> '123-45-67890' (the form printed on a registration certificate)."""
    return np.asarray([f"{x[:3]}-{x[3:5]}-{x[5:]}" for x in brn], dtype=object)


def phones(rng: np.random.Generator, n: int, prefix: str = "010") -> np.ndarray:
    a = rng.integers(2000, 10000, n)
    b = rng.integers(0, 10000, n)
    return np.asarray([f"{prefix}-{x:04d}-{y:04d}" for x, y in zip(a, b, strict=True)], dtype=object)


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    from .vocab import GIVEN, SURNAMES
    s = rng.integers(0, len(SURNAMES), n)
    g = rng.integers(0, len(GIVEN), n)
    return [SURNAMES[i] + GIVEN[j] for i, j in zip(s, g, strict=True)]


def write_table(out_dir: Path, name: str, cols: dict[str, Col]) -> int:
    """Write one table as UTF-8 CSV: the schema's columns in order, rows sorted by the key."""
    table = TABLES[name]
    names = [c.name for c in table.columns]
    if set(cols) != set(names):
        raise ValueError(f"{name}: generator columns differ from the schema: "
                         f"missing {sorted(set(names) - set(cols))}, extra {sorted(set(cols) - set(names))}")
    arrays = [np.asarray(cols[c], dtype=object) for c in names]
    n = len(arrays[0])
    for c, a in zip(names, arrays, strict=True):
        if len(a) != n:
            raise ValueError(f"{name}.{c}: {len(a)} values for {n} rows")
    keys = [np.asarray(cols[k], dtype=str) for k in reversed(table.key)]
    order = np.lexsort(keys) if n else np.arange(0)
    with (out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(names)
        w.writerows(zip(*(a[order] for a in arrays), strict=True))
    return n


def runs(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of the given sizes: each row's group index and its position inside the group."""
    counts = np.asarray(counts, dtype=np.int64)
    group = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return group, np.arange(int(counts.sum())) - starts[group]


def run_cumsum(values: np.ndarray, group: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Cumulative sum that restarts at every group (rows grouped and in order, as runs() gives)."""
    cs = np.cumsum(values)
    first = np.flatnonzero(pos == 0)
    base = cs[first] - np.asarray(values)[first]
    return cs - base[np.searchsorted(first, np.arange(len(values)), side="right") - 1]


def reasons(rng: np.random.Generator, table: dict[str, tuple[str, ...]], before: np.ndarray,
            after: np.ndarray, empty: float = 0.12) -> np.ndarray:
    """A reason that fits the change (raise, cut, or time only); some left empty, as in real exports."""
    n = len(before)
    change = np.asarray(after, dtype=float) / np.maximum(1, np.asarray(before, dtype=float)) - 1
    out = np.where(change > 0.005, pick(rng, table["up"], n),
                   np.where(change < -0.005, pick(rng, table["down"], n), pick(rng, table["time"], n)))
    out[rng.random(n) < empty] = ""
    return out.astype(object)
