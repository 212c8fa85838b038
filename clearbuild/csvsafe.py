"""CSV cells a spreadsheet would run as formulas, neutralised (OWASP "CSV injection").

A company named ``=HYPERLINK("http://x","click")`` or ``+cmd|' /C calc'!A0`` is data, but Excel,
LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-``, ``@``, tab or
carriage return as a formula. Every CSV the project writes for people (the ``data/*.csv``
downloads, ``reports/quality.csv``, the certificate-code ledger) passes its cells through
:func:`cell`, which prefixes such a text cell with a single quote ``'``. The full-width forms
``＝ ＋ － ＠`` (U+FF1D, U+FF0B, U+FF0D, U+FF20) are treated the same: an East Asian spreadsheet
or IME may fold them to ASCII, and a legitimate name starting with one is rare enough that a
visible quote costs nothing.

Numbers stay numbers: a cell that is a plain decimal number (``-5``, ``+3.5``, ``-1e3``) is never
quoted, whatever its column, so a negative amount reads back as a number. Values that are not
text (ints, floats, missing values) are never touched.

CSV files written for the build itself to read back are not for spreadsheets and keep their
values exactly (a quote would change the data): the OCDS import's temporary export
(clearbuild.ocds.importer), the admin database's export folder (admin.export), the record
history's state (clearbuild.publish.history), and the exports the sample generator
(clearbuild.sample) and the benchmark (clearbuild.bench) make for ingest. The certificate-code
ledger is both read back and opened by officials, so it
uses the reversible pair :func:`escape` / :func:`unescape`. tests/test_security_output.py fails
when a CSV writer appears anywhere else.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

TRIGGERS = frozenset("=+-@\t\r") | frozenset("\uff1d\uff0b\uff0d\uff20")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_formula(value: str) -> bool:
    """True when a spreadsheet could read this text as a formula."""
    return bool(value) and value[0] in TRIGGERS and not NUMBER.fullmatch(value)


def cell(value: Any) -> Any:
    """A value as it may stand in a spreadsheet cell: a formula-like text gets a leading '."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def escape(value: str) -> str:
    """Reversible form of :func:`cell` for files the build reads back: a value that already
    starts with ' gets a second one, so :func:`unescape` can tell the two apart."""
    return "'" + value if is_formula(value) or value.startswith("'") else value


def unescape(value: str) -> str:
    if value.startswith("'") and (value[1:2] == "'" or is_formula(value[1:])):
        return value[1:]
    return value


def frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a frame whose text columns are neutralised; numeric columns are left alone."""
    out = df.copy()
    for name in out.columns:
        s = out[name]
        if pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            out[name] = s.map(cell)
    return out


def frame_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    frame(df).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def rows_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Header and rows as CSV text for spreadsheets (``\\n`` line ends, cells neutralised)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([cell(h) for h in header])
    for row in rows:
        w.writerow([cell(v) for v in row])
    return buf.getvalue()
