"""Files an export names: every one passes the files gate (clearbuild.filegate) in ingest.

Why here: a row whose file is refused must reach no output at all (page, CSV, JSON, search,
history), so the check refuses the row, with its file, row and column in the quality report,
before any plugin sees the Dataset. Why a list of types per table: a file copied into output/ is
served from the site's own origin, so an .html or .svg attachment would run script there; only
types a browser displays inertly pass, and the gate checks that the content is that type.

An accepted row's ``file`` becomes the path the site publishes it under (its record id, never the
name it came with, clearbuild.urls.MEDIA_BY_ID); ``Dataset.files`` maps that path to the checked
source, which the plugins copy with clearbuild.filegate.publish.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

import pandas as pd

from .. import filegate, urls
from ..filegate.content import REFUSED_TYPES
from ..filegate.paths import parts
from ..schema import Table
from .checks import ROW_CHECKS, IngestContext
from .problems import Problem

PHOTO_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp"})
DOCUMENT_SUFFIXES = PHOTO_SUFFIXES | {".pdf"}
# Office documents, scans and plain data; nothing a browser would run when opened from the site.
# Binary Office/HWP files (.doc, .xls, .ppt, .hwp) are refused: see clearbuild.filegate.content.
ATTACHMENT_SUFFIXES = frozenset({
    ".pdf", ".hwpx", ".docx", ".xlsx", ".pptx", ".odt", ".ods",
    ".txt", ".csv", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff",
})
# Table -> the file types its rows may name. A table with a file column and no entry here has
# every file refused: a new kind of attachment is published only once someone decides its types.
FILE_TYPES: dict[str, frozenset[str]] = {
    "photos": PHOTO_SUFFIXES,
    "project_documents": DOCUMENT_SUFFIXES,
    "apartment_documents": ATTACHMENT_SUFFIXES,
}


def suffix(path: str) -> str:
    return PurePosixPath(path).suffix.lower() if path else ""


def _gate(rel: str, folder: str, record_id: str, table: str, ctx: IngestContext
          ) -> filegate.SourceFile | str | None:
    """The checked file, the reason it is refused, or None when the row's id is another check's
    to refuse (an unsafe id has no published name)."""
    try:
        parts(rel)
    except filegate.FileRefused as e:
        return str(e)
    kind = suffix(rel)
    if kind in REFUSED_TYPES:
        return REFUSED_TYPES[kind]
    allowed = FILE_TYPES.get(table, frozenset())
    if kind not in allowed or table not in urls.MEDIA_BY_ID:
        return "attached file type not published (allowed: " + (", ".join(sorted(allowed))
                                                                  or "none") + ")"
    if not urls.SAFE_ID.match(record_id):
        return None
    try:
        href = urls.media_path(urls.MEDIA_BY_ID[table][1], record_id, rel)
        return filegate.check(folder, rel, href, ctx.max_file_bytes)
    except filegate.FileRefused as e:
        return str(e)


def check_files(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    """Every file the table's rows name, through the gate; the checked ones are kept in
    ``ctx.files`` by (file, row, column) for load_dataset to publish."""
    key = urls.MEDIA_BY_ID.get(table.name, (table.key[0], ""))[0]
    for col in (c.name for c in table.columns if c.type == "file"):
        for idx in df.index[df[col] != ""]:
            rel, where = str(df.at[idx, col]), (str(df.at[idx, "_file"]), int(df.at[idx, "_row"]), col)
            got = _gate(rel, str(df.at[idx, "_dir"]), str(df.at[idx, key]), table.name, ctx)
            if isinstance(got, filegate.SourceFile):
                ctx.files[where] = got
            elif got is not None:
                yield Problem(where[0], where[1], col, rel, got)


def published(df: pd.DataFrame, table: Table, ctx: IngestContext,
              out: dict[str, filegate.SourceFile]) -> pd.DataFrame:
    """Accepted rows with ``file`` as the site publishes it; their checked files added to ``out``."""
    cols = [c.name for c in table.columns if c.type == "file"]
    if not cols or df.empty:
        return df
    df = df.copy()
    for col in cols:
        hrefs = []
        for rel, f, r in zip(df[col], df["_file"], df["_row"], strict=True):
            checked = ctx.files.get((str(f), int(r), col)) if rel else None
            if checked is not None:
                out[checked.href] = checked
            hrefs.append(checked.href if checked is not None else "")
        df[col] = hrefs
    return df


ROW_CHECKS.append(check_files)
