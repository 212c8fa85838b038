"""Atom feeds of new bid notices: one for all agencies, one per agency.

Why ElementTree and not string templates: it escapes every text and attribute value, so a
notice title with markup stays text in any feed reader. XML 1.0 cannot carry most control
characters even escaped, so they are dropped first. Entries are the newest notices, sorted, and
timestamps come from the data (never the clock), so the same export writes the same bytes.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

from clearbuild import urls

from .listings import agency_slug
from .model import Record

ATOM = "http://www.w3.org/2005/Atom"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: object) -> str:
    return _CONTROL.sub("", "" if text is None else str(text))


def stamp(value: str, tz: ZoneInfo) -> str:
    """'2025-02-03T09:00' in the deployment's time zone -> RFC 3339 with its offset."""
    dt = datetime.fromisoformat(value[:16] if "T" in value else value[:10] + "T00:00")
    return dt.replace(tzinfo=tz).isoformat()


def feed_path(agency: str | None = None) -> str:
    return "feeds/notices.xml" if agency is None else f"feeds/notices/{agency_slug(agency)}.xml"


def notice_feed(notices: list[Record], *, title: str, path: str, site_url: str, site_name: str,
                tz: ZoneInfo, limit: int = 50, labels: dict[str, str] | None = None) -> bytes:
    """An Atom document of the newest ``limit`` notices. Links are absolute when SITEURL is set,
    else relative to the feed's own location (readers resolve them against the feed URL)."""
    labels = labels or {}
    rows = sorted(notices, key=lambda n: (n["published_at"], n["notice_id"]), reverse=True)[:limit]
    base = site_url.rstrip("/") + "/" if site_url else urls.root_prefix(path)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: clean(v) for k, v in attrs.items()})
        if text is not None:
            el.text = clean(text)
        return el

    sub(feed, "id", _urn(site_url or site_name, path))
    sub(feed, "title", title)
    sub(feed, "updated", stamp(rows[0]["published_at"], tz) if rows else "1970-01-01T00:00:00+00:00")
    sub(feed, "link", rel="self", href=base + path)
    sub(feed, "author").append(_named("name", site_name))
    for n in rows:
        entry = sub(feed, "entry")
        page = urls.record_path("notices", n["notice_id"])
        sub(entry, "id", _urn(site_url or site_name, page))
        sub(entry, "title", n["title"])
        sub(entry, "updated", stamp(n["published_at"], tz))
        sub(entry, "published", stamp(n["published_at"], tz))
        sub(entry, "link", rel="alternate", type="text/html", href=base + page)
        sub(entry, "author").append(_named("name", n["agency"]))
        summary = [f"{labels.get('agency', 'Agency')}: {n['agency']}",
                   f"{labels.get('deadline', 'Deadline')}: {n['deadline'].replace('T', ' ')}"]
        if n.get("estimated_price") is not None:
            summary.append(f"{labels.get('estimated_price', 'Estimated price')}: {n['estimated_price']:,}")
        sub(entry, "summary", " · ".join(summary), type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _named(tag: str, text: str) -> ET.Element:
    el = ET.Element(f"{{{ATOM}}}{tag}")
    el.text = clean(text)
    return el


def _urn(site: str, path: str) -> str:
    """Atom ids must be permanent IRIs: a name-based UUID of the site and the page path."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{site}/{path}").urn
