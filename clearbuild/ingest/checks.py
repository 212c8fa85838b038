"""Validation checks. Each is a small function that yields Problems with their location.

Column checks run per column type, vectorised over the whole column; row checks look at several
columns or at other tables. A check never raises on bad data: bad data is what it reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..brn import valid as brn_valid
from ..filegate import DEFAULT_MAX_BYTES, SourceFile
from ..schema import BOOL_TRUE, Column, Region, Table
from ..urls import SAFE_ID
from .problems import Problem

BOOL_FALSE = {"false", "0", "n", "no", "f", ""}
BRN_SHAPE = r"^\d{3}-?\d{2}-?\d{5}$"


@dataclass
class IngestContext:
    region: Region
    district_codes: frozenset[str]
    max_amount: int = 10**14
    party_ids: str = "brn"  # "any": brn columns take any SAFE_ID (foreign deployments, OCDS parties)
    max_file_bytes: int = DEFAULT_MAX_BYTES  # CB_MAX_ATTACHMENT_BYTES
    # "table.column" -> the accepted values (an Arrow array of distinct strings, or a set)
    keys: dict[str, set[str] | pa.Array] = field(default_factory=dict)
    # accepted rows so far, the columns later checks declare they read (``table_check``)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[tuple[str, int, str], SourceFile] = field(default_factory=dict)  # checked files


def _problems(df: pd.DataFrame, mask: pd.Series, column: str, reason: str,
              refused: bool = True) -> Iterator[Problem]:
    for idx in df.index[mask.fillna(False).astype(bool)]:
        yield Problem(df.at[idx, "_file"], int(df.at[idx, "_row"]), column,
                      str(df.at[idx, column]) if column in df.columns else "", reason, refused)


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.where(s != ""), errors="coerce")


INT_RE = r"^-?\d+$"
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_RE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$"


def _bad_dates(s: pd.Series, fmt_re: str, length: int) -> pd.Series:
    present = s != ""
    shape = s.str.match(fmt_re)
    parsed = pd.to_datetime(s.str.slice(0, length).str.replace(" ", "T"), errors="coerce",
                            format="%Y-%m-%dT%H:%M" if length == 16 else "%Y-%m-%d"
                            if length == 10 else "%Y-%m")
    return present & (~shape | parsed.isna())


def check_column(df: pd.DataFrame, col: Column, ctx: IngestContext) -> Iterator[Problem]:
    """Checks one column's values against its declared type, enum, range and presence."""
    s = df[col.name]
    present = s != ""
    if col.required:
        yield from _problems(df, ~present, col.name, "required value missing")
    t = col.type
    if t == "id":
        yield from _problems(df, present & ~s.str.match(SAFE_ID.pattern), col.name,
                             "id must be letters, digits, '.', '_' or '-' (max 120)")
    elif t in ("int", "money"):
        bad = present & ~s.str.match(INT_RE)
        yield from _problems(df, bad, col.name, "not an integer")
        n = _num(s.where(~bad, ""))
        if t == "money":
            yield from _problems(df, n < 0, col.name, "negative amount")
            yield from _problems(df, n > ctx.max_amount, col.name,
                                 f"absurd amount (over {ctx.max_amount:,})")
    elif t in ("pct", "float", "lat", "lon"):
        n = _num(s)
        yield from _problems(df, present & n.isna(), col.name, "not a number")
        if t == "pct":
            yield from _problems(df, (n < 0) | (n > 100), col.name, "percentage outside 0-100")
    elif t == "date":
        yield from _problems(df, _bad_dates(s, DATE_RE, 10), col.name, "not a date (YYYY-MM-DD)")
    elif t == "datetime":
        yield from _problems(df, _bad_dates(s, DATETIME_RE, 16), col.name,
                             "not a date and time (YYYY-MM-DDTHH:MM)")
    elif t == "month":
        yield from _problems(df, _bad_dates(s, r"^\d{4}-\d{2}$", 7), col.name, "not a month (YYYY-MM)")
    elif t == "bool":
        yield from _problems(df, ~s.str.lower().isin(BOOL_TRUE | BOOL_FALSE), col.name,
                             "not true/false")
    elif t == "enum":
        allowed = set(col.enum) if col.enum else set(ctx.district_codes)
        shown = ", ".join(sorted(allowed)[:8]) + ("..." if len(allowed) > 8 else "")
        yield from _problems(df, present & ~s.isin(allowed), col.name, f"not one of {shown}")
    elif t == "brn" and ctx.party_ids == "any":
        yield from _problems(df, present & ~s.str.match(SAFE_ID.pattern), col.name,
                             "id must be letters, digits, '.', '_' or '-' (max 120)")
    elif t == "brn":
        digits = s.str.replace("-", "", regex=False)
        ok = s.str.match(BRN_SHAPE) & digits.map(brn_valid).astype(bool)
        yield from _problems(df, present & ~ok, col.name,
                             "business registration number fails its check digit")
    elif t == "url":
        yield from _problems(df, present & ~s.str.match(r"^https?://[^\s<>\"']+$"), col.name,
                             "not an http(s) link; value dropped", refused=False)
    # t == "file": the files gate (clearbuild.ingest.files.check_files) checks path, links,
    # size and content for every table, public column or not.


def check_coordinates(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """Coordinates inside the deployment's region; an obvious lat/lon swap is named as one."""
    if "lat" not in df.columns:
        return
    lat, lon = _num(df["lat"]), _num(df["lon"])
    both = lat.notna() & lon.notna()
    one = (df["lat"] != "") ^ (df["lon"] != "")
    yield from _problems(df, one, "lon", "latitude and longitude must come together")
    r = ctx.region
    inside = lat.between(r.south, r.north) & lon.between(r.west, r.east)
    swapped = lon.between(r.south, r.north) & lat.between(r.west, r.east)
    yield from _problems(df, both & ~inside & swapped, "lat", "latitude and longitude swapped")
    yield from _problems(df, both & ~inside & ~swapped, "lat", "coordinates outside the deployment's region")


def check_date_order(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    for early, late in table.date_order:
        a, b = df[early], df[late]
        yield from _problems(df, (a != "") & (b != "") & (b < a), late, f"{late} is before {early}")


def check_unique(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    cols = [k for k in table.key if k in df.columns]
    dup = df.duplicated(cols, keep="first")
    yield from _problems(df, dup, cols[0], f"duplicate {'+'.join(cols)}")


def check_refs(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    for col in table.columns:
        if not col.ref or col.name not in df.columns:
            continue
        known = ctx.keys.get(col.ref, set())
        s = df[col.name]
        if col.type == "brn":
            s = canonical_brn(s)
        ref_table = col.ref.split(".")[0]
        yield from _problems(df, (s != "") & ~member(s, known), col.name, f"unknown {ref_table} id")


def member(s: pd.Series, known: set[str] | pa.Array) -> pd.Series:
    """``s.isin(known)``, by Arrow's hash join. Why: pandas turns the set into a new hash table
    for every column it checks; at Seoul's size the reference checks took 5.3 s of ingest, and
    ``pyarrow.compute.is_in`` does one in ~10 ms (the set made an Arrow array once, in ingest)."""
    try:
        values = known if isinstance(known, pa.Array) else pa.array(list(known), pa.string())
        column = pa.array(s.array, pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not text: pandas' own way
        return s.isin(known.to_pylist() if isinstance(known, pa.Array) else known)
    found = pc.is_in(column, value_set=values).to_numpy(zero_copy_only=False)
    return pd.Series(found, index=s.index, dtype=bool)


def distinct(s: pd.Series) -> set[str] | pa.Array:
    """A column's distinct values as ``member`` takes them (an Arrow array; a set if not text)."""
    try:
        return pc.unique(pa.array(s.array, pa.string()))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return set(s)


RowCheck = Callable[[pd.DataFrame, Table, IngestContext], Iterator[Problem]]
ROW_CHECKS: list[RowCheck] = [check_coordinates, check_date_order, check_unique, check_refs]
# Checks that only make sense for one table; sections add theirs in clearbuild.ingest.rules.
TABLE_CHECKS: dict[str, list[RowCheck]] = {}
# Table -> the columns of its accepted rows that checks of later tables read (``ctx.frames``).
READS: dict[str, set[str]] = {}


def table_check(name: str, reads: Mapping[str, Iterable[str]] | None = None
                ) -> Callable[[RowCheck], RowCheck]:
    """Register a check of table ``name``. ``reads``: the columns of tables read before it that
    it takes from ``ctx.frames`` (e.g. ``{"contracts": ("contract_id", "signed_at")}``); only
    those are kept there, and a column not declared is not there to read."""
    for other, cols in (reads or {}).items():
        READS.setdefault(other, set()).update(cols)

    def deco(fn: RowCheck) -> RowCheck:
        TABLE_CHECKS.setdefault(name, []).append(fn)
        return fn
    return deco


def kept_for_later(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """What ``ctx.frames`` holds of a table's accepted rows: the columns later checks read.
    Why: it held every table whole beside the normalised tables until ingest ended, two
    copies of the export in memory (at twice Seoul's size ingest peaked at 1.25 GB)."""
    return df[[c for c in df.columns if c in READS.get(name, ())]]


def run_checks(df: pd.DataFrame, table: Table, ctx: IngestContext) -> list[Problem]:
    problems: list[Problem] = []
    for col in table.columns:
        if col.public or col.required:
            problems.extend(check_column(df, col, ctx))
    for check in ROW_CHECKS + TABLE_CHECKS.get(table.name, []):
        problems.extend(check(df, table, ctx))
    return problems


def is_true(s: pd.Series) -> pd.Series:
    return s.str.lower().isin(BOOL_TRUE)


def canonical_brn(s: pd.Series) -> pd.Series:
    """A Korean number loses its hyphens (123-45-67890 -> 1234567890); any other party id
    (CB_PARTY_IDS = "any": OCDS org ids such as PY-RUC-80002612-8) is kept as written."""
    return s.where(~s.str.match(BRN_SHAPE), s.str.replace("-", "", regex=False))


