"""Images rebuilt from their pixels: the one re-encoder the admin command and the build share.

Why re-encode instead of deleting EXIF tags: phones write location and camera data in EXIF, XMP,
maker notes, ICC descriptions and thumbnails, and tag-by-tag removal misses some. Building a new
image from the decoded pixels carries nothing but the pixels. The camera's orientation tag is
applied first, so a portrait photo is not published sideways once the tag is gone. The same
pixels give the same bytes (fixed settings, no timestamps), so a rebuild publishes identical files.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 60_000_000      # a 60-megapixel photo is already more than any phone takes
JPEG_QUALITY = 88
# Suffix as published -> Pillow format it is re-encoded as (the suffix never changes).
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF",
           ".tif": "TIFF", ".tiff": "TIFF"}


class NotAnImage(ValueError):
    """The file is not an image Pillow reads, or it is too large to decode safely."""


def bare_pixels(src: str | Path | IO[bytes], name: str = "") -> Image.Image:
    """The image upright, as a new image built from its pixels alone (no EXIF, XMP, ICC, text
    chunks or thumbnails can follow); NotAnImage for anything that is not a readable image."""
    name = name or (Path(src).name if isinstance(src, str | Path) else "image")
    try:
        with Image.open(src) as im:
            if im.width * im.height > MAX_PIXELS:
                raise NotAnImage(f"{name} is {im.width}x{im.height}, over "
                                 f"{MAX_PIXELS // 10**6} megapixels")
            im.load()
            upright = ImageOps.exif_transpose(im)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError) as e:
        if isinstance(e, NotAnImage):
            raise
        raise NotAnImage(f"{name} is not a readable image ({e.__class__.__name__})") from e
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
    elif fmt == "WEBP":
        image.save(buf, "WEBP", lossless=True)
    elif fmt == "GIF":
        image.save(buf, "GIF")
    elif fmt == "TIFF":
        image.save(buf, "TIFF", compression="tiff_deflate")
    else:
        image.save(buf, fmt, optimize=True)
    return buf.getvalue()


def clean(data: bytes, suffix: str, name: str = "") -> bytes:
    """The image's bytes rebuilt from its pixels, in the format its suffix names."""
    return encode(bare_pixels(io.BytesIO(data), name or f"image{suffix}"), FORMATS[suffix.lower()])
