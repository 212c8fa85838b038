"""Jinja filters every template uses: pure functions, tested without Pelican.

Money and dates are formatted here rather than in templates so a deployment changes its
currency or date style in settings, not in forty templates.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from . import safeio, urls

SAFE_LINK = re.compile(r"^https?://[^\s<>\"'`]+$")


def _missing(v: Any) -> bool:
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))


@lru_cache(maxsize=32)
def _symbols(locale: str | None) -> tuple[str, str]:
    """(group, decimal) separators of a locale from Babel's CLDR data; None: ',' and '.'."""
    if not locale:
        return ",", "."
    from babel import numbers

    return numbers.get_group_symbol(locale), numbers.get_decimal_symbol(locale)


def _local(text: str, locale: str | None) -> str:
    """A number Python wrote with ',' and '.' in the locale's separators (ko, en: unchanged)."""
    group, decimal = _symbols(locale)
    if (group, decimal) == (",", "."):
        return text
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", group)


def money(v: Any, symbol: str = "원", minor_digits: int = 0, locale: str | None = None,
          space: bool | None = None) -> str:
    """1381234567 -> '1,381,234,567원'; minor units divided out for currencies that have them;
    separators of ``locale`` (uk: '1 234,56 грн', vi: '1.234.567 ₫'). ``space`` between amount
    and symbol; None: only when the currency has minor digits."""
    if _missing(v):
        return "–"
    n = int(v)
    gap = " " if (bool(minor_digits) if space is None else space) else ""
    if minor_digits:
        text = f"{n / 10**minor_digits:,.{minor_digits}f}"
    else:
        text = f"{n:,}"
    return f"{_local(text, locale)}{gap}{symbol}".strip()


HANGUL_GLOSS = re.compile(r"\s*\([^()]*[\uac00-\ud7a3][^()]*\)"
                          r"|:\s*[\uac00-\ud7a3][\uac00-\ud7a3·]*(?=\s*[(;.,]|$)")


def plain(text: Any) -> str:
    """A schema description without its Korean glosses ('A bid notice (입찰공고).' -> 'A bid
    notice.'), for deployments whose languages do not include Korean."""
    return HANGUL_GLOSS.sub("", "" if _missing(text) else str(text))


def number(v: Any, locale: str | None = None) -> str:
    return "–" if _missing(v) else _local(f"{int(v):,}", locale)


def pct(v: Any, digits: int = 1, locale: str | None = None) -> str:
    if _missing(v):
        return "–"
    return _local(f"{float(v):.{digits}f}", locale) + "%"


def date(v: Any, pattern: str | None = None, locale: str | None = None) -> str:
    """ISO (2026-11-20); with a Babel ``pattern`` ("dd.MM.y") in ``locale``'s calendar words."""
    if _missing(v):
        return "–"
    if not pattern:
        return str(v)[:10]
    from datetime import date as d

    from babel.dates import format_date

    try:
        return format_date(d.fromisoformat(str(v)[:10]), pattern, locale=locale or "en")
    except ValueError:
        return str(v)[:10]


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
    # What Markup("<bdi>{}</bdi>").format(v) gives, without string.Formatter's Python-level
    # parse of the pattern on each of the ~20 names of a page.
    return Markup(f"<bdi>{escape(v)}</bdi>")


def days_since(start: Any, text: str = "{n}", fallback: str = "{date}", workdays: bool = False) -> Markup:
    """Days from ``start`` to the data's date, counted in the reader's browser.

    Why not in the page: a number that grows by one every night would change the page every
    night, and a night that re-renders a quarter of the site for that is what kept nights long
    (docs/operators-guide.md, "What a night costs"). The page carries the start date; every page
    loads ``asof.js`` (the export's date, one file a night) and ``static/js/days.js`` writes
    ``text`` with ``{n}`` the count: calendar days, or working days (Monday to Friday after the
    start up to and including the data's date, as clearbuild.contractpay counts a deadline).
    Without JavaScript the page shows ``fallback`` with ``{date}`` the start date.
    """
    if _missing(start):
        return Markup("–")
    day = str(start)[:10]
    work = Markup(" data-work") if workdays else Markup("")
    return Markup('<span class="cb-days" data-from="{}" data-text="{}"{}>{}</span>').format(
        day, text, work, fallback.replace("{date}", day))


FILTERS = {
    "bdi": bdi, "money": money, "number": number, "pct": pct, "date": date, "datetime": datetime_,
    "brn": brn, "safe_url": safe_url, "record_url": record_url, "json_script": json_script,
    "days_since": days_since,
}
GLOBALS = {"overrun": overrun, "days_between": days_between, "json_script": json_script}
