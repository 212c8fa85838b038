"""The files gate: every file an export names passes here before anything is published.

Ingest calls :func:`check` for each file a row names (clearbuild.ingest.files): the path stays
inside the export with no symbolic link anywhere on it (clearbuild.filegate.paths), the file is
no larger than CB_MAX_ATTACHMENT_BYTES, and its content is its declared type and inert
(clearbuild.filegate.content). A file that fails refuses its row, which then reaches no output.
The plugins copy with :func:`publish`, which opens the file the same way again and publishes it
only when its bytes are the ones ingest checked (same size, same SHA-256); anything else stops the
build, and a failed build leaves the live site untouched.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .content import publishable
from .paths import FileRefused, read_inside

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # CB_MAX_ATTACHMENT_BYTES: matches the admin command's limit

__all__ = ["FileRefused", "SourceFile", "check", "publish", "DEFAULT_MAX_BYTES"]


@dataclass(frozen=True)
class SourceFile:
    """A checked file of the export, and what the site publishes of it."""

    base: str  # the export folder it was read from
    rel: str  # its path there, as the row names it
    href: str  # where the site publishes it (clearbuild.urls.media_path: the record id)
    sha256: str  # of the export's bytes, as checked
    size: int  # bytes published (an image's are its re-encoded pixels)
    max_bytes: int


def check(base: str | Path, rel: str, href: str, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceFile:
    """Check one file; FileRefused with the reason when it must not be published."""
    data = read_inside(base, rel, max_bytes)
    out = publishable(data, Path(href).suffix)
    return SourceFile(str(base), rel, href, hashlib.sha256(data).hexdigest(), len(out), max_bytes)


def publish(f: SourceFile, output: str | Path) -> int:
    """Copy a checked file to ``output/<href>`` (under media/ only), re-opened with no link
    followed and published only if its bytes are still the ones checked; returns bytes written.
    Written to a temporary name and renamed, so no half file is ever under the public name."""
    root = (Path(output) / "media").resolve()
    target = (Path(output) / f.href).resolve()
    if not target.is_relative_to(root):  # hrefs are record ids; belt and braces
        raise FileRefused(f"{f.href}: published path escapes media/")
    data = read_inside(f.base, f.rel, f.max_bytes)
    if hashlib.sha256(data).hexdigest() != f.sha256:
        raise FileRefused(f"{f.base}/{f.rel} changed after it was checked; build stopped")
    out = publishable(data, target.suffix)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part-{os.getpid()}")
    tmp.unlink(missing_ok=True)  # left by a killed build of the same pid in a recycled folder
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(out)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(out)
