"""Project documents (issue 5): the checks a column type cannot make.

The types that make a valid row (a calendar date, a kind from the list, a file that exists, a
known project) are checked for every table by clearbuild.ingest.checks. Added here: the document
must be a type the site serves inertly (PDF or an image), and its content must be that type.
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

DOCUMENT_SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".webp"})


@table_check("project_documents")
def document_type_allowed(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    yield from type_not_allowed(df, "file", DOCUMENT_SUFFIXES)


@table_check("project_documents")
def document_content_matches(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    yield from content_not_its_type(df, "file")
