"""Managed photo storage: every photo is re-encoded from its pixels before it is kept.

Why re-encode instead of deleting EXIF tags: phones write location and camera data in EXIF, XMP,
maker notes, ICC descriptions and thumbnails, and tag-by-tag removal misses some. Building a new
image from the decoded pixels carries nothing but the pixels. The re-encoder itself lives in the
core library (clearbuild.filegate.images): the build rebuilds an export's photos with it too.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

from PIL import Image

from clearbuild import safeio
from clearbuild.filegate import images
from clearbuild.filegate.images import encode

from .validate import ValidationError

MAX_BYTES = 50 * 1024 * 1024


def storage_dir(db_path: str | Path) -> Path:
    """Photos live beside the database (admin.db -> admin.db-photos/), like SQLite's -wal file."""
    return Path(f"{db_path}-photos")


def bare_pixels(src: str | Path) -> Image.Image:
    """The image upright, rebuilt from its pixels alone (clearbuild.filegate.images, the re-encoder
    the build uses for export photos too); ValidationError naming --file for anything else."""
    src = Path(src)
    if src.stat().st_size > MAX_BYTES:
        raise ValidationError("file", f"{src.name} is over {MAX_BYTES // 2**20} MB")
    try:
        return images.bare_pixels(src)
    except images.NotAnImage as e:
        raise ValidationError("file", str(e)) from e


def clean_jpeg(src: str | Path) -> bytes:
    """The photo as a JPEG with no metadata at all; ValidationError for anything not a photo."""
    return encode(bare_pixels(src), "JPEG")


def store(src: str | Path, dest: Path) -> tuple[str, str]:
    """Clean a photo into managed storage; returns (file name, SHA-256)."""
    return write_blob(clean_jpeg(src), dest, ".jpg")


def write_blob(data: bytes, dest: Path, suffix: str) -> tuple[str, str]:
    """Keep bytes in managed storage under their SHA-256; returns (file name, SHA-256).
    Content-addressed, so storing the same file twice keeps one copy and an interrupted write
    leaves no half file."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{digest[:24]}{suffix}"
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / name
    if not target.exists():
        fd, tmp = tempfile.mkstemp(dir=dest, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        safeio.fsync_dir(dest)
    return name, digest


def check_files(conn: sqlite3.Connection, dest: Path, kind: str = "photo") -> list[str]:
    """Every stored file of ``kind`` entries (photo, document) is present and unchanged (part of
    ``verify``)."""
    problems = []
    for r in conn.execute("SELECT id, json_extract(fields, '$.file') AS file, "
                          "json_extract(fields, '$.sha256') AS sha FROM entries "
                          "WHERE kind = ? ORDER BY id", (kind,)):
        path = dest / r["file"]
        if not path.is_file():
            problems.append(f"{kind} of entry {r['id']}: {path} is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != r["sha"]:
            problems.append(f"{kind} of entry {r['id']}: {path} was changed after it was stored")
    return problems
