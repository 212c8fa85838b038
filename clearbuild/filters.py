"""Jinja filters every template uses: pure functions, tested without Pelican.

Money and dates are formatted here rather than in templates so a deployment changes its
currency or date style in settings, not in forty templates.
"""

from __future__ import annotations

import math
import re
from typing import Any

from markupsafe import Markup

from . import safeio, urls

SAFE_LINK = re.compile(r"^https?://[^\s<>\"'`]+$")


def _missing(v: Any) -> bool:
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))


def money(v: Any, symbol: str = "원", minor_digits: int = 0) -> str:
    """1381234567 -> '1,381,234,567원'; minor units divided out for currencies that have them."""
    if _missing(v):
        return "–"
    n = int(v)
    if minor_digits:
        return f"{n / 10**minor_digits:,.{minor_digits}f} {symbol}".strip()
    return f"{n:,}{symbol}"


def number(v: Any) -> str:
    return "–" if _missing(v) else f"{int(v):,}"


def pct(v: Any, digits: int = 1) -> str:
    if _missing(v):
        return "–"
    return f"{float(v):.{digits}f}%"


def date(v: Any) -> str:
    return "–" if _missing(v) else str(v)[:10]


def datetime_(v: Any) -> str:
    return "–" if _missing(v) else str(v).replace("T", " ")[:16]


def brn(v: Any) -> str:
    """Business registration number as people write it: 123-45-67890."""
    s = "" if _missing(v) else str(v)
    return f"{s[:3]}-{s[3:5]}-{s[5:]}" if len(s) == 10 and s.isdigit() else s


def safe_url(v: Any) -> str:
    """A link from data: only http(s); anything else (javascript:, data:) becomes no link."""
    s = "" if _missing(v) else str(v).strip()
    return s if SAFE_LINK.match(s) else ""


def record_url(record_id: Any, kind: str) -> str:
    return urls.record_path(kind, str(record_id))


def overrun(before: Any, after: Any) -> float | None:
    """Growth from before to after in percent (design change, amendment)."""
    if _missing(before) or _missing(after) or int(before) == 0:
        return None
    return (int(after) - int(before)) * 100.0 / int(before)


def days_between(start: Any, end: Any) -> int | None:
    from datetime import date as d

    if _missing(start) or _missing(end):
        return None
    return (d.fromisoformat(str(end)[:10]) - d.fromisoformat(str(start)[:10])).days


def json_script(data: Any, element_id: str) -> Markup:
    """Data for JavaScript, as JSON in a script tag nothing in the data can close or escape."""
    text = safeio.script_json(data)
    return Markup(f'<script type="application/json" id="{element_id}">{text}</script>')


def bdi(v: Any) -> Markup | str:
    """A name printed inside a sentence or a table cell, isolated (``<bdi>``) so a name in a
    right-to-left script cannot reorder the text around it. Ingest has already removed bidi
    controls (docs/security.md); this is for names that are legitimately right-to-left."""
    if _missing(v) or v == "":
        return ""
    return Markup("<bdi>{}</bdi>").format(v)


FILTERS = {
    "bdi": bdi, "money": money, "number": number, "pct": pct, "date": date, "datetime": datetime_,
    "brn": brn, "safe_url": safe_url, "record_url": record_url, "json_script": json_script,
}
GLOBALS = {"overrun": overrun, "days_between": days_between, "json_script": json_script}
