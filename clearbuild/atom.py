"""Atom feeds, written with ElementTree (every text and attribute escaped; XML-invalid control
characters dropped). Timestamps come from the data, never the clock: same input, same bytes.

Used by the notice feeds (cb_contracts) and the district and project feeds (cb_allimi).
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from . import urls

ATOM = "http://www.w3.org/2005/Atom"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    page: str  # site-relative path of the entry's page
    title: str
    updated: str  # ISO date or date-time from the data
    author: str
    summary: str
    key: str = ""  # distinguishes entries about one page (default: the page)


def clean(text: object) -> str:
    return _CONTROL.sub("", "" if text is None else str(text))


def stamp(value: str, tz: ZoneInfo) -> str:
    """'2025-02-03T09:00' in the deployment's time zone -> RFC 3339 with its offset."""
    dt = datetime.fromisoformat(value[:16] if "T" in value else value[:10] + "T00:00")
    return dt.replace(tzinfo=tz).isoformat()


def urn(site: str, path: str) -> str:
    """Atom ids must be permanent IRIs: a name-based UUID of the site and the page path."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{site}/{path}").urn


def feed(entries: list[Entry], *, title: str, path: str, site_url: str, site_name: str, tz: ZoneInfo,
         limit: int = 50) -> bytes:
    """An Atom document of the newest ``limit`` entries. Links are absolute when the site's
    address is set, else relative to the feed's own location (readers resolve them against it)."""
    rows = sorted(entries, key=lambda e: (e.updated, e.key or e.page), reverse=True)[:limit]
    base = site_url.rstrip("/") + "/" if site_url else urls.root_prefix(path)
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: clean(v) for k, v in attrs.items()})
        if text is not None:
            el.text = clean(text)
        return el

    sub(root, "id", urn(site_url or site_name, path))
    sub(root, "title", title)
    sub(root, "updated", stamp(rows[0].updated, tz) if rows else "1970-01-01T00:00:00+00:00")
    sub(root, "link", rel="self", href=base + path)
    sub(sub(root, "author"), "name", site_name)
    for e in rows:
        entry = sub(root, "entry")
        sub(entry, "id", urn(site_url or site_name, e.key or e.page))
        sub(entry, "title", e.title)
        sub(entry, "updated", stamp(e.updated, tz))
        sub(entry, "published", stamp(e.updated, tz))
        sub(entry, "link", rel="alternate", type="text/html", href=base + e.page)
        sub(sub(entry, "author"), "name", e.author)
        sub(entry, "summary", e.summary, type="text")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
