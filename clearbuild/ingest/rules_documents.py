"""Project documents (issue 5) and site photos: the checks a column type cannot make.

The types that make a valid row (a calendar date, a kind from the list, a file that exists, a
known project) are checked for every table by clearbuild.ingest.checks. Added here: the document
must be a type the site serves inertly (PDF or an image), and its content must be that type; a
photo likewise (an image: a ".svg photo" served from the site's origin would run script).
Private rows are checked too: ingest drops them only after the checks, and an official fixing the
export should hear about a broken file whichever way it is flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..schema import Table
from .checks import IngestContext, table_check
from .files import content_not_its_type, type_not_allowed
from .problems import Problem

PHOTO_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp"})
DOCUMENT_SUFFIXES = PHOTO_SUFFIXES | {".pdf"}


@table_check("project_documents")
def document_is_served_inertly(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    yield from type_not_allowed(df, "file", DOCUMENT_SUFFIXES)
    yield from content_not_its_type(df, "file")


@table_check("photos")
def photo_is_served_inertly(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    yield from type_not_allowed(df, "file", PHOTO_SUFFIXES)
    yield from content_not_its_type(df, "file")
