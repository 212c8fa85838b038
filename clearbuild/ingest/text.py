"""Text cells: bidirectional controls removed on the way in (docs/security.md, "Bidirectional text").

A company exported as ``U+202E(주)설건성삼`` displays as ``삼성건설(주)``: the right-to-left override
reverses what follows it, on the company's page, its certificate, the page title, feeds and
links. Korean and English text never needs these controls, so every text cell of every table
loses them before any check runs (CSV, XLSX and JSON alike; OCDS/OC4IDS imports and the admin
database's export are read through the same ingest). The row is kept, the cleaned value used, and
each cleaned cell is flagged in the quality report with its file, row and column; the report
shows the original value with the controls spelt out (``<U+202E>``), so it cannot spoof either.

Removed: the embeddings and overrides U+202A-U+202E, the isolates U+2066-U+2069, and the marks
U+200E (LRM), U+200F (RLM) and U+061C (ALM). The marks are harmless alone, but they only matter in
right-to-left scripts the deployment does not publish, and one rule for all twelve is easier to
audit. Pages isolate names mixed into sentences with ``<bdi>`` besides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from ..schema import Table
from .problems import Problem

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")
REASON = "bidirectional control characters removed (they can make text display reversed)"


def strip_bidi(value: str) -> str:
    return BIDI_RE.sub("", value).strip()


def spelt_out(value: str) -> str:
    """The value with each control shown as <U+XXXX>, for the quality report."""
    return BIDI_RE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", value)


def _text_columns(df: pd.DataFrame, table: Table) -> list[str]:
    # Private columns are dropped unread (clearbuild.public); their values are not quoted.
    return [c.name for c in table.columns if (c.public or c.required) and c.name in df.columns]


def bidi_controls(df: pd.DataFrame, table: Table) -> Iterator[Problem]:
    """Each cell holding a bidi control, flagged (the row is kept)."""
    for name in _text_columns(df, table):
        s = df[name].astype(str)
        for idx in df.index[s.str.contains(BIDI_RE)]:
            yield Problem(df.at[idx, "_file"], int(df.at[idx, "_row"]), name,
                          spelt_out(str(df.at[idx, name])), REASON, refused=False)


def without_bidi(df: pd.DataFrame) -> pd.DataFrame:
    """Every text cell without bidi controls (all columns: a private one is dropped anyway)."""
    out = df.copy()
    for name in out.columns:
        if name.startswith("_"):
            continue
        s = out[name]
        if pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            hit = s.astype(str).str.contains(BIDI_RE)
            if hit.any():
                out.loc[hit, name] = s[hit].map(strip_bidi)
    return out
