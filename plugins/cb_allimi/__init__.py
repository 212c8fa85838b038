"""cb_allimi: the construction disclosure section: home map, district pages, project pages.

Pages are queued on the shared renderer (the build context's ``renderer``,
clearbuild.buildcontext), never through Pelican's article pipeline; photos and project
documents are copied from the export into media/. Only
the files of rows in the Dataset are copied: a private document's row was dropped in ingest, so
its file, though it sits in the export folder, never reaches output/. Only files the files gate
checked in ingest (``Dataset.files``) are published, under their record id.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from clearbuild import asof, buildcontext, config, filegate, kinds
from clearbuild.filegate import SourceFile

from . import feeds
from .pages import documents, marker, photo_files, project_context, status_counts


def project_page(ds: Any, overdue: int, today: Any, p: dict[str, Any]) -> dict[str, Any]:
    """A project page's context, made where the page is rendered (clearbuild.render)."""
    docs = documents(ds.group("project_documents", "project_id").get(p["project_id"], []), ds.files)[0]
    return {"documents": docs, "feed": feeds.project_feed_path(p["project_id"]),
            **project_context(ds, p, overdue, today)}


@kinds.pages("projects")
def record_pages(ds: Any, settings: dict[str, Any]) -> kinds.Pages:
    """The project pages, in project id order, and their context (clearbuild.kinds.pages)."""
    projects = sorted(ds.records("projects"), key=lambda p: p["project_id"])
    today = asof.as_date(ds, settings)  # overdue days: never the clock
    overdue = config.setting(settings, "CB_OVERDUE_DAYS")
    return {"projects": (projects, functools.partial(project_page, ds, overdue, today))}


class AllimiGenerator(Generator):
    def generate_context(self) -> None:
        ds = buildcontext.dataset_of(self.context)
        r = buildcontext.renderer_of(self.context)
        pages = record_pages(ds, self.settings)
        projects = list(pages["projects"][0])
        money = self.env.filters["money"]  # the default language's (cb_theme): feeds are in it
        markers = [marker(p) for p in projects]
        r.add("allimi_index.html", "index.html", projects=projects, markers=markers,
              counts=status_counts(projects), dataset_date=asof.of(ds, self.settings))
        by_district: dict[str, list[dict[str, Any]]] = {}
        for p in projects:
            by_district.setdefault(p["district_code"], []).append(p)
        for code in config.districts(self.settings):
            mine = by_district.get(code, [])
            r.add("district.html", f"districts/{code}/index.html", code=code, projects=mine,
                  markers=[marker(p) for p in mine], counts=status_counts(mine),
                  feed=feeds.district_feed_path(code))
        docs_by_project = ds.group("project_documents", "project_id")
        self.files: dict[str, SourceFile] = photo_files(ds.records("photos"), ds.files)
        self.feed_input = (ds, projects, by_district, money)
        for p in projects:
            self.files.update(documents(docs_by_project.get(p["project_id"], []), ds.files)[1])
        r.add_records("projects", *pages["projects"])

    def generate_output(self, writer: Any) -> None:
        """Publish photos and documents under their record ids (clearbuild.urls), into media/
        only, through the files gate's copy step (re-checked, images rebuilt from their pixels);
        then the Atom feeds per project and per district."""
        for _, checked in sorted(self.files.items()):
            filegate.publish(checked, self.output_path)
        self._feeds()

    def _feeds(self) -> None:
        """Atom feeds per project and per district, in the default language (like the notice feeds)."""
        from zoneinfo import ZoneInfo

        from clearbuild import atom, i18n, safeio

        ds, projects, by_district, money = self.feed_input
        catalog = i18n.load(config.setting(self.settings, "CB_LANGUAGES")[0])

        def t(msg: str) -> str:
            m = catalog.get(msg)
            return m.string if m and m.string else msg

        statuses = {"planned": "Planned", "tendering": "Tendering", "in_progress": "In progress",
                    "suspended": "Suspended", "completed": "Completed"}
        as_of = str(asof.of(ds, self.settings))[:10]
        common = {"site_url": self.settings.get("SITEURL", ""),
                  "site_name": self.settings.get("SITENAME", ""),
                  "tz": ZoneInfo(self.settings.get("TIMEZONE") or "UTC")}
        groups = {table: ds.group(table, "project_id") for table in feeds.EVENTS}
        out = Path(self.output_path)
        latest: dict[str, str] = {}
        for p in projects:
            entries = feeds.project_entries(p, groups, t, as_of)
            start = str(p.get("start_date") or "")[:10]
            dates = [e.updated for e in entries] + ([start] if start and start <= as_of else [])
            latest[p["project_id"]] = max(dates, default="")
            path = feeds.project_feed_path(p["project_id"])
            title = f"{p['name']} · {common['site_name']}"
            safeio.write_if_changed(out / path, atom.feed(entries, title=title, path=path, **common))
        for code, d in config.districts(self.settings).items():
            path = feeds.district_feed_path(code)
            entries = feeds.district_entries(by_district.get(code, []), latest,
                                             lambda s: t(statuses.get(s, s)), money)
            title = f"{d['name']} · {common['site_name']}"
            safeio.write_if_changed(out / path, atom.feed(entries, title=title, path=path, **common))


def get_generators(pelican: Any) -> type[Generator]:
    return AllimiGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
