"""Attached files the site copies into output/: which types it may serve, and whether a file is
what its name says.

Why a list of types: a file copied into output/ is served from the site's own origin, so an
.html or .svg attachment would run script there; only types a browser displays inertly pass. Why
the content check: the name decides how a server and a browser treat the file, so a ".pdf" that
is really a web page or an executable must not be published as a PDF either.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pandas as pd

from .checks import _problems
from .problems import Problem

# What each type's file starts with (WebP: RIFF....WEBP, checked at both offsets).
MAGIC: dict[str, tuple[tuple[int, bytes], ...]] = {
    ".pdf": ((0, b"%PDF-"),),
    ".png": ((0, b"\x89PNG\r\n\x1a\n"),),
    ".jpg": ((0, b"\xff\xd8\xff"),),
    ".jpeg": ((0, b"\xff\xd8\xff"),),
    ".webp": ((0, b"RIFF"), (8, b"WEBP")),
}


def suffix(path: str) -> str:
    return PurePosixPath(path).suffix.lower() if path else ""


def type_not_allowed(df: pd.DataFrame, column: str, allowed: frozenset[str]) -> Iterator[Problem]:
    """A file whose type (its suffix) is not on the list the site serves."""
    bad = (df[column] != "") & ~df[column].map(suffix).isin(allowed)
    yield from _problems(df, bad, column, "attached file type not published (allowed: "
                         + ", ".join(sorted(allowed)) + ")")


def starts_right(path: Path, kind: str) -> bool:
    """True when the file begins with its type's signature (types without one always pass)."""
    marks = MAGIC.get(kind)
    if not marks:
        return True
    with path.open("rb") as f:
        head = f.read(16)
    return all(head[at:at + len(sig)] == sig for at, sig in marks)


def content_not_its_type(df: pd.DataFrame, column: str) -> Iterator[Problem]:
    """A file that does not start like its type (a web page named .pdf). Only files inside the
    export are opened; missing or escaping paths are check_column's to report."""
    bad = []
    for rel, folder in zip(df[column], df["_dir"], strict=True):
        base = Path(folder).resolve()
        path = (base / rel).resolve() if rel else base
        inside = bool(rel) and path.is_relative_to(base) and path.is_file()
        bad.append(inside and not starts_right(path, suffix(rel)))
    yield from _problems(df, pd.Series(bad, index=df.index, dtype=bool), column,
                         "file content is not what its name says (e.g. not a real PDF)")
