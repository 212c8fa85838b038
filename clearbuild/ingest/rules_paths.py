"""Ids that name files and folders: checked against every path the site writes.

A record's id becomes ``<section>/<id>/index.html`` and ``<section>/<id>.json``; a photo's or a
document's becomes ``media/.../<id>.<type>``. An id that collides with another path in the same
folder crashed the build every night (``C-1`` and ``C-1.json``: NotADirectoryError) or silently
replaced a page (a company ``map`` over the company map). Such a row is refused with one line in
the quality report; the rest of the build goes on.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .. import urls
from ..schema import Table
from .checks import IngestContext, _problems, canonical_brn, table_check
from .problems import Problem

PATH_IDS = urls.path_folders()


def _casefold_taken(ctx: IngestContext, folder: str, table: str) -> dict[str, str]:
    """Ids (case-folded -> as written) already accepted in ``folder`` from other tables."""
    taken: dict[str, str] = {}
    for other, (col, where, _kind, _page) in PATH_IDS.items():
        frame = ctx.frames.get(other)
        if other != table and where == folder and frame is not None:
            taken.update({v.casefold(): v for v in frame[col]})
    return taken


def path_ids(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    col, folder, _kind, page = PATH_IDS[table.name]
    ids = canonical_brn(df[col]) if table.column(col).type == "brn" else df[col]
    reserved = urls.FIXED_NAMES if page else frozenset()
    seen = _casefold_taken(ctx, folder, table.name)
    stems = {v.casefold() for v in ids}
    reasons: dict[int, str] = {}
    for idx, value in ids.items():
        if not value or not urls.SAFE_ID.match(value):
            continue  # missing or unsafe ids are check_column's to report
        why = urls.name_problem(value, reserved)
        folded = value.casefold()
        if why is None and page:
            for suffix in urls.BESIDE_SUFFIXES:
                if folded.endswith(suffix) and folded[: -len(suffix)] in stems:
                    why = (f"id collides with {folder}/{value}, the {suffix} file of record "
                           f"{value[: -len(suffix)]!r}")
        if why is None and seen.get(folded, value) != value:
            why = f"id differs only in case from {seen[folded]!r}: one folder on Windows and macOS"
        if why is None:
            seen.setdefault(folded, value)
        else:
            reasons[idx] = why
    for reason in sorted(set(reasons.values())):
        mask = pd.Series([reasons.get(i) == reason for i in df.index], index=df.index, dtype=bool)
        yield from _problems(df, mask, col, reason)


for _table in PATH_IDS:  # each reads the ids of the tables sharing its folder
    table_check(_table, reads={t: (c,) for t, (c, *_rest) in PATH_IDS.items()})(path_ids)
