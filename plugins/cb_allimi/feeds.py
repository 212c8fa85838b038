"""Subscriptions: an Atom feed per project ("follow this project": its progress reports,
inspections, design changes, photos and documents) and per district (its projects, newest or
most recently changed first). Written by clearbuild.atom, the notice feeds' writer; dates come
from the data, never the clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clearbuild import urls
from clearbuild.atom import Entry

# table -> (label msgid, what the summary shows)
EVENTS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "progress": ("Progress", lambda r: f"{r.get('planned_pct')}% / {r.get('actual_pct')}%"),
    "inspections": ("Inspections", lambda r: f"{r.get('kind')}: {r.get('result')}"),
    "change_orders": ("Design changes", lambda r: str(r.get("reason") or "")),
    "photos": ("Photos", lambda r: str(r.get("caption") or "")),
    "project_documents": ("Documents", lambda r: str(r.get("title") or "")),
}


def project_feed_path(project_id: str) -> str:
    return urls.record_path("projects", project_id).removesuffix("index.html") + "feed.xml"


def district_feed_path(code: str) -> str:
    if not urls.SAFE_ID.match(code):
        raise ValueError(f"unsafe district code for a path: {code!r}")
    return f"districts/{code}/feed.xml"


def project_entries(p: dict[str, Any], groups: dict[str, dict[str, list[dict[str, Any]]]],
                    t: Callable[[str], str], as_of: str) -> list[Entry]:
    """Every dated event of one project up to the data's date, newest first when written."""
    page = urls.record_path("projects", p["project_id"])
    out = []
    for table, (label, what) in EVENTS.items():
        for i, r in enumerate(groups.get(table, {}).get(p["project_id"], [])):
            date = str(r.get("date") or "")[:10]
            if not date or date > as_of:
                continue
            out.append(Entry(page=page, title=f"{p['name']}: {t(label)} {date}", updated=date,
                             author=p["agency"], summary=what(r), key=f"{page}#{table}-{date}-{i}"))
    return out


def district_entries(projects: list[dict[str, Any]], latest: dict[str, str], status: Callable[[str], str],
                     money: Callable[[Any], str]) -> list[Entry]:
    """One entry per project, dated by its newest event (new projects by their start)."""
    return [Entry(page=urls.record_path("projects", p["project_id"]), title=p["name"],
                  updated=latest[p["project_id"]], author=p["agency"],
                  summary=f"{status(p['status'])} · {money(p.get('budget'))}",
                  key=f"{urls.record_path('projects', p['project_id'])}@{latest[p['project_id']]}")
            for p in projects if latest.get(p["project_id"])]
