"""Atom feeds of new bid notices: one for all agencies, one per agency.

Why ElementTree and not string templates: it escapes every text and attribute value, so a
notice title with markup stays text in any feed reader. XML 1.0 cannot carry most control
characters even escaped, so they are dropped first. Entries are the newest notices, sorted, and
timestamps come from the data (never the clock), so the same export writes the same bytes.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from clearbuild import atom, urls
from clearbuild.atom import clean, stamp  # noqa: F401  (kept importable from here)

from .listings import agency_slug
from .model import Record


def feed_path(agency: str | None = None) -> str:
    return "feeds/notices.xml" if agency is None else f"feeds/notices/{agency_slug(agency)}.xml"


def notice_feed(notices: list[Record], *, title: str, path: str, site_url: str, site_name: str,
                tz: ZoneInfo, limit: int = 50, labels: dict[str, str] | None = None) -> bytes:
    """An Atom document of the newest ``limit`` notices (clearbuild.atom writes it)."""
    labels = labels or {}
    entries = []
    for n in notices:
        summary = [f"{labels.get('agency', 'Agency')}: {n['agency']}",
                   f"{labels.get('deadline', 'Deadline')}: {n['deadline'].replace('T', ' ')}"]
        if n.get("estimated_price") is not None:
            summary.append(f"{labels.get('estimated_price', 'Estimated price')}: {n['estimated_price']:,}")
        entries.append(atom.Entry(page=urls.record_path("notices", n["notice_id"]), title=n["title"],
                                  updated=n["published_at"], author=n["agency"], summary=" · ".join(summary),
                                  key=urls.record_path("notices", n["notice_id"])))
    return atom.feed(entries, title=title, path=path, site_url=site_url, site_name=site_name, tz=tz,
                     limit=limit)
