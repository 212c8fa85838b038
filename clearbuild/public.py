"""The public projection of a row: the one place that decides what of a row may be published.

Three rules, all read from the allow-list in clearbuild.schema:

- rows: a table with a ``public`` bool column (``schema.ROW_FLAG``) publishes only rows where it
  is true;
- columns: only columns marked ``public`` (a column that is neither public nor listed stops the
  build in ingest, so a new private column never leaks by default);
- values: a column with ``names_if`` (the apartment documents' approval trail) keeps its names
  only when that bool column is true; otherwise each step keeps its role and date, nothing else.

Ingest builds the Dataset through :func:`project`, so every page, feed, search shard, OCDS/OC4IDS
file and CSV download starts from projected rows. The writers that dump whole rows (the CSV
downloads, the search index, the admin export) call it again: it is idempotent and cheap, and one
guard is never relied on. Nothing outside this module decides what of a row is public.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .schema import BOOL_TRUE, ROW_FLAG, TABLES, Table

Row = dict[str, Any]


def _table(table: str | Table) -> Table:
    return TABLES[table] if isinstance(table, str) else table


def columns(table: str | Table) -> list[str]:
    """The columns of a table any output may show, in schema order."""
    return _table(table).public_columns


def is_true(value: Any) -> bool:
    """A bool cell as ingest reads it: 'true', '1', 'y', 'yes', 't' (any case), or True."""
    if value is None or (isinstance(value, float) and value != value):
        return False
    return str(value).strip().lower() in BOOL_TRUE


def _true(s: pd.Series) -> pd.Series:
    return s.map(is_true).astype(bool)


def parse_approvals(trail: str) -> list[tuple[str, str, str]]:
    """'role:YYYY-MM-DD[:name];...' -> [(role, date, name)]. Malformed parts raise ValueError."""
    steps = []
    for part in filter(None, (p.strip() for p in trail.split(";"))):
        bits = part.split(":")
        if len(bits) < 2 or len(bits[1]) != 10:
            raise ValueError(part)
        steps.append((bits[0].strip(), bits[1].strip(), ":".join(bits[2:]).strip()))
    return steps


def trail_without_names(trail: Any) -> str:
    """The trail as roles and dates only. A trail that does not parse is dropped whole (ingest
    refuses such rows; should one ever get here, failing closed publishes no name)."""
    try:
        steps = parse_approvals("" if trail is None else str(trail))
    except ValueError:
        return ""
    return ";".join(f"{role}:{when}" for role, when, _ in steps)


def approval_steps(row: Row, table: str = "apartment_documents", column: str = "approvals"
                   ) -> list[tuple[str, str, str]]:
    """(role, date, name) of a row's trail, the name empty unless the row's flag makes it public."""
    flag = _table(table).column(column).names_if
    try:
        steps = parse_approvals(str(row.get(column) or ""))
    except ValueError:
        return []
    show = bool(flag) and is_true(row.get(flag))
    return [(role, when, name if show else "") for role, when, name in steps]


def project_row(table: str | Table, row: Row) -> Row | None:
    """One row as outputs may see it, or None when the row is not published at all."""
    t = _table(table)
    names = {c.name for c in t.columns}
    if ROW_FLAG in names and t.column(ROW_FLAG).type == "bool" and not is_true(row.get(ROW_FLAG)):
        return None
    out = {c: row.get(c) for c in t.public_columns}
    for c in t.columns:
        if c.public and c.names_if and not is_true(row.get(c.names_if)):
            out[c.name] = trail_without_names(row.get(c.name))
    return out


def project(table: str | Table, df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """(projected frame, rows withheld): the frame version of :func:`project_row`.

    Extra columns ingest keeps for locating problems (``_file``, ``_row``, ``_dir``) are kept;
    every other column not public is dropped.
    """
    t = _table(table)
    withheld = 0
    if ROW_FLAG in df.columns and t.column(ROW_FLAG).type == "bool":
        keep = _true(df[ROW_FLAG])
        withheld = int((~keep).sum())
        df = df[keep]
    private = [c.name for c in t.columns if not c.public and c.name in df.columns]
    df = df.drop(columns=private)
    for c in t.columns:
        if c.public and c.names_if and c.name in df.columns:
            show = _true(df[c.names_if]) if c.names_if in df.columns else pd.Series(False, index=df.index)
            if (~show).any():
                hidden = [trail_without_names(v) for v in df.loc[~show, c.name]]
                df = df.copy()
                df.loc[~show, c.name] = hidden
    return df, withheld
