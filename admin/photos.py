"""Managed photo storage: every photo is re-encoded from its pixels before it is kept.

Why re-encode instead of deleting EXIF tags: phones write location and camera data in EXIF, XMP,
maker notes, ICC descriptions and thumbnails, and tag-by-tag removal misses some. Building a new
image from the decoded pixels carries nothing but the pixels. The camera's orientation tag is
applied first, so a portrait photo is not published sideways once the tag is gone.
"""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import tempfile
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from .validate import ValidationError

MAX_PIXELS = 60_000_000      # a 60-megapixel photo is already more than any phone takes
MAX_BYTES = 50 * 1024 * 1024
JPEG_QUALITY = 88


def storage_dir(db_path: str | Path) -> Path:
    """Photos live beside the database (admin.db -> admin.db-photos/), like SQLite's -wal file."""
    return Path(f"{db_path}-photos")


def bare_pixels(src: str | Path) -> Image.Image:
    """The image upright, as a new image built from its pixels alone (no EXIF, XMP, ICC, text
    chunks or thumbnails can follow); ValidationError for anything that is not a readable image."""
    src = Path(src)
    if src.stat().st_size > MAX_BYTES:
        raise ValidationError("file", f"{src.name} is over {MAX_BYTES // 2**20} MB")
    try:
        with Image.open(src) as im:
            if im.width * im.height > MAX_PIXELS:
                raise ValidationError("file", f"{src.name} is {im.width}x{im.height}, over "
                                              f"{MAX_PIXELS // 10**6} megapixels")
            im.load()
            upright = ImageOps.exif_transpose(im)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as e:
        raise ValidationError("file", f"{src.name} is not a readable image ({e.__class__.__name__})") from e
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    # A fresh image from raw pixels: no info dict, so no EXIF, XMP, ICC or comments can follow.
    return Image.frombytes(upright.mode, upright.size, upright.tobytes())


def encode(image: Image.Image, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "JPEG":
        image.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(buf, fmt, optimize=True)
    return buf.getvalue()


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
        _fsync_dir(dest)
    return name, digest


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
