"""Where every record lives in output/, in one place so links and files never disagree.

Links end in index.html because a folder link opened from file:// shows a directory listing,
not the page; the same links work unchanged on a CDN.
"""

from __future__ import annotations

import posixpath
import re

from .kinds import KINDS

# Ids become folder names: refuse anything that could climb out of output/ or need escaping.
SAFE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,119}$")

# Folders of the site's sections: every record kind's (clearbuild.kinds, where each is declared
# once) and the district pages. Read at call time where it matters, so a kind registered later
# (a deployment's, a test's) has paths too.
SECTIONS = {**{k.name: k.folder for k in KINDS.values()}, "districts": "districts"}
# Which table and column name each kind's records (and so their folders).
RECORD_IDS = {k.name: (k.table, k.key) for k in KINDS.values()}

# Names the site itself writes inside a section folder, beside the records' folders: the section
# page, the listings (contracts/by/...), the company map and its district pages and id shards,
# the apartment documents' folder, the feeds. An id equal to one (in any case) would replace
# that page or crash the build, so ingest refuses it. One list for every section: a name a
# section writes today is kept free in the others too. tests/test_security_paths.py fails when a
# build writes a name in a section folder that is neither here nor a record's.
FIXED_NAMES = frozenset({"index.html", "by", "map", "district", "ids", "documents", "feeds"})
# Files written beside a record's folder: <section>/<id>.json (open data, cb_opendata.beside).
BESIDE_SUFFIXES = (".json",)
# Names Windows refuses for a file or folder, with or without an extension.
WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.IGNORECASE)


def name_problem(name: str, reserved: frozenset[str] = frozenset()) -> str | None:
    """Why ``name`` cannot be a file or folder name the site writes (None: it can). Case is
    folded: on a case-insensitive file system MAP is the folder map."""
    if not SAFE_ID.match(name):
        return "id must be letters, digits, '.', '_' or '-' (max 120): no separators or controls"
    if name.casefold() in reserved:
        return f"id is reserved for a section page: the site writes {name.casefold()!r} in the same folder"
    if name.endswith((".", " ")):
        return "id ends with a dot (dropped on Windows: another id's folder)"
    if WINDOWS_RESERVED.match(name):
        return "id is a name Windows reserves for a device (CON, PRN, AUX, NUL, COM1-9, LPT1-9)"
    return None


def path_folders() -> dict[str, tuple[str, str, str, bool]]:
    """table -> (id column, folder the id names a file or folder in, kind, is a record page)."""
    out = {k.table: (k.key, k.folder, k.name, True) for k in KINDS.values()}
    for table, (col, folder) in MEDIA_BY_ID.items():
        out[table] = (col, folder, table, False)
    return out


def record_path(kind: str, record_id: str) -> str:
    """Path of a record page relative to the site root, e.g. ``projects/P-1/index.html``."""
    if not SAFE_ID.match(record_id):
        raise ValueError(f"unsafe id for a path: {record_id!r}")
    folder = KINDS[kind].folder if kind in KINDS else SECTIONS[kind]
    return f"{folder}/{record_id}/index.html"


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
