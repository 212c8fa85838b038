"""Where every record lives in output/, in one place so links and files never disagree.

Links end in index.html because a folder link opened from file:// shows a directory listing,
not the page; the same links work unchanged on a CDN.
"""

from __future__ import annotations

import posixpath
import re

# Ids become folder names: refuse anything that could climb out of output/ or need escaping.
SAFE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,119}$")

SECTIONS = {
    "projects": "projects",
    "districts": "districts",
    "plans": "plans",
    "notices": "notices",
    "contracts": "contracts",
    "companies": "companies",
    "apartments": "apartments",
    "apartment_documents": "apartments/documents",
}


def record_path(kind: str, record_id: str) -> str:
    """Path of a record page relative to the site root, e.g. ``projects/P-1/index.html``."""
    if not SAFE_ID.match(record_id):
        raise ValueError(f"unsafe id for a path: {record_id!r}")
    return f"{SECTIONS[kind]}/{record_id}/index.html"


def root_prefix(page_path: str) -> str:
    """Relative prefix from a page back to the site root: ``projects/P-1/index.html`` -> ``../../``."""
    depth = page_path.count("/")
    return "../" * depth


def relative(from_page: str, to_path: str) -> str:
    """Relative link between two site paths (both relative to the root)."""
    start = posixpath.dirname(from_page) or "."
    return posixpath.relpath(to_path, start)


# Files from the export (project documents, site photos, apartment documents) are published under
# their record id, never under the name they came with: a name from the data could climb out of
# media/, collide with another's, need escaping in a URL (a "#" cut the photo's link short) or say
# more than it should (a person's name typed by whoever saved the file).
DOCUMENTS_DIR = "media/project-documents"
PHOTOS_DIR = "media/photos"
APARTMENT_DOCUMENTS_DIR = "media/apartment-documents"


def media_path(folder: str, record_id: str, file: str) -> str:
    """``<folder>/<record_id>.<type>`` for a record's file shipped as ``file``."""
    suffix = posixpath.splitext(file)[1].lower()
    if not SAFE_ID.match(record_id) or not re.fullmatch(r"\.[a-z0-9]{1,5}", suffix):
        raise ValueError(f"unsafe file name for {folder}: {record_id!r}, {file!r}")
    return f"{folder}/{record_id}{suffix}"


def document_path(doc_id: str, file: str) -> str:
    """``media/project-documents/<doc_id>.<type>`` for a document shipped as ``file``."""
    return media_path(DOCUMENTS_DIR, doc_id, file)


def photo_path(photo_id: str, file: str) -> str:
    """``media/photos/<photo_id>.<type>`` for a site photo shipped as ``file``."""
    return media_path(PHOTOS_DIR, photo_id, file)


# Tables whose files are published under their record id: table -> (id column, folder). Ingest
# (clearbuild.ingest.files) publishes no file of a table missing here.
MEDIA_BY_ID = {"photos": ("photo_id", PHOTOS_DIR), "project_documents": ("doc_id", DOCUMENTS_DIR),
               "apartment_documents": ("doc_id", APARTMENT_DOCUMENTS_DIR)}
