"""Managed storage of project documents (inspection reports, design-change approvals, completion
certificates, safety plans, minutes): what is removed from a file before it is kept, and what
is not.

Images (a scanned page as PNG, JPEG or WebP) are rebuilt from their pixels like photos
(admin/photos.py), so EXIF, GPS, XMP, ICC profiles, text chunks and thumbnails are all gone.
PDFs are different: they are not rewritten. This module checks that the file really is a PDF (it
starts with ``%PDF-`` and ends with ``%%EOF``), so a web page or a program renamed .pdf is
refused, and that pypdf finds no scripts, actions or embedded files in it (the build's files gate,
clearbuild.filegate.content, makes the same check), and then keeps it **byte for byte**: its
document information (author, the program that made it, dates), XMP metadata, annotations, form
fields and any text hidden under a black box are published as they are. docs/admin.md tells officials
to prepare a clean PDF (scan, print to PDF, or their office's redaction tool) before adding it.
"""

from __future__ import annotations

from pathlib import Path

from clearbuild.filegate import content

from .photos import MAX_BYTES, bare_pixels, encode, write_blob
from .validate import ValidationError

# Suffix as typed -> (what is stored, its suffix). WebP scans are kept as lossless PNG.
IMAGE_OUT = {".png": ("PNG", ".png"), ".webp": ("PNG", ".png"), ".jpg": ("JPEG", ".jpg"),
             ".jpeg": ("JPEG", ".jpg")}
ACCEPTED = (".pdf", *IMAGE_OUT)
EOF_WINDOW = 1024  # readers look for %%EOF near the end; some writers add a little after it


def storage_dir(db_path: str | Path) -> Path:
    """Documents live beside the database (admin.db -> admin.db-documents/), like its photos."""
    return Path(f"{db_path}-documents")


def check_pdf(src: Path) -> bytes:
    """The PDF's bytes, unchanged; ValidationError when the file is not a whole PDF, or carries
    scripts, actions or embedded files (the build's files gate would refuse it anyway)."""
    data = src.read_bytes()
    if not content.starts_right(data[:16], ".pdf"):
        raise ValidationError("file", f"{src.name} is not a PDF (it does not start with %PDF-); "
                                      "save or export it as PDF first")
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise ValidationError("file", f"{src.name} is not a whole PDF (no %%EOF at its end: cut off "
                                      "in a download or a copy?)")
    try:
        active = content.pdf_active(data)
    except content.FileRefused as e:
        raise ValidationError("file", f"{src.name}: {e}") from e
    if active:
        raise ValidationError("file", f"{src.name} carries active content ({active}); print it to "
                                      "PDF again without scripts, actions or attachments")
    return data


def clean(src: str | Path) -> tuple[bytes, str]:
    """(bytes to keep, suffix) for a document file; ValidationError naming --file otherwise."""
    src = Path(src)
    suffix = src.suffix.lower()
    if suffix not in ACCEPTED:
        raise ValidationError("file", f"{src.name}: {suffix or 'no'} type not accepted; documents are "
                                      "PDF, or a scan as PNG, JPEG or WebP")
    if src.stat().st_size > MAX_BYTES:
        raise ValidationError("file", f"{src.name} is over {MAX_BYTES // 2**20} MB")
    if suffix == ".pdf":
        return check_pdf(src), ".pdf"
    fmt, out = IMAGE_OUT[suffix]
    return encode(bare_pixels(src), fmt), out


def store(src: str | Path, dest: Path) -> tuple[str, str]:
    """Check (and for images, clean) a document into managed storage; (file name, SHA-256)."""
    data, suffix = clean(src)
    return write_blob(data, dest, suffix)
