"""One "as of" date for a build: the day every date-dependent value of the site is judged on.

Overdue days, notices still open, completed contracts, certificates, integrity signals, feeds and
the footer's "data as of" all read ``Dataset.as_of``. A page is a pure function of the export and
the settings, never of the clock: the same export builds the same bytes on any day.

The rule, first that applies:

1. the export's date: its folder (or OCDS file) is named ``YYYY-MM-DD``;
2. the setting ``CB_AS_OF`` (``invoke build --as-of``), for an export whose folder is not dated;
   the retired per-section settings ``CB_ALLIMI_TODAY``, ``CB_CONTRACTS_TODAY`` and
   ``CB_SIGNALS_TODAY`` are read as aliases of it;
3. the newest event date in the data (the columns in ``EVENTS``: when something happened, never
   a planned or deadline date, which may lie in the future);
4. 1970-01-01 for an export with no dated event at all.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .dataset import Dataset

SETTING = "CB_AS_OF"
ALIASES = ("CB_ALLIMI_TODAY", "CB_CONTRACTS_TODAY", "CB_SIGNALS_TODAY")  # retired; read as CB_AS_OF
EPOCH = "1970-01-01"
# Columns that record when something happened (schema tables): the newest one dates an undated export.
EVENTS: dict[str, tuple[str, ...]] = {
    "progress": ("date",), "inspections": ("date",), "change_orders": ("date",),
    "photos": ("date",), "project_documents": ("date",), "payments": ("claim_date", "paid_date"),
    "contracts": ("signed_at",), "bid_notices": ("published_at",), "contract_amendments": ("date",),
    "apartment_documents": ("date",),
}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def day(value: Any) -> str | None:
    """``value`` as YYYY-MM-DD when it starts with a real date, else None."""
    text = str(value or "")[:10]
    if not _DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def dated_name(name: str) -> str:
    """The export date a folder or file name carries (``2026-11-20``, ``2026-11-20.json``), or ''."""
    stem = name[:-5] if name.endswith(".json") else name
    return stem if _DAY.fullmatch(stem) and day(stem) == stem else ""


def setting_value(settings: dict[str, Any] | None) -> str | None:
    """CB_AS_OF, else the first retired alias that is set; a value that is not a date is an error."""
    settings = settings or {}
    for name in (SETTING, *ALIASES):
        value = settings.get(name)
        if value in (None, ""):
            continue
        found = day(value)
        if found is None:
            raise ValueError(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
        return found
    return None


def newest_event(tables: dict[str, pd.DataFrame]) -> str | None:
    best = ""
    for table, columns in EVENTS.items():
        df = tables.get(table)
        if df is None or df.empty:
            continue
        for column in columns:
            if column in df.columns:
                values = df[column].dropna().astype(str).str[:10]
                values = values[values.str.fullmatch(_DAY.pattern)]
                if len(values):
                    best = max(best, values.max())
    return best or None


def resolve(ds: Dataset, settings: dict[str, Any] | None = None) -> str:
    """The build's as-of date (YYYY-MM-DD) by the rule above. Never the clock."""
    return (day(ds.export_date) or setting_value(settings) or newest_event(ds.tables) or EPOCH)


def of(ds: Dataset, settings: dict[str, Any] | None = None) -> str:
    """``ds.as_of`` once the loader set it; computed by the rule for a Dataset made by hand."""
    return ds.as_of or resolve(ds, settings)


def as_date(ds: Dataset, settings: dict[str, Any] | None = None) -> date:
    return date.fromisoformat(of(ds, settings))
