"""cb_allimi: the construction disclosure section: home map, district pages, project pages.

Pages are queued on the shared renderer (``context['cb_renderer']``), never through Pelican's
article pipeline; photos and project documents are copied from the export into media/. Only
the files of rows in the Dataset are copied: a private document's row was dropped in ingest, so
its file, though it sits in the export folder, never reaches output/. Only files the files gate
checked in ingest (``Dataset.files``) are published, under their record id.
"""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import Generator

from clearbuild import asof, config, filegate, urls
from clearbuild.filegate import SourceFile

from .pages import documents, marker, photo_files, project_context, status_counts


class AllimiGenerator(Generator):
    def generate_context(self) -> None:
        ds = self.context["cb_dataset"]
        r = self.context["cb_renderer"]
        projects = sorted(ds.records("projects"), key=lambda p: p["project_id"])
        today = asof.as_date(ds, self.settings)  # overdue days: never the clock
        overdue = config.setting(self.settings, "CB_OVERDUE_DAYS")
        markers = [marker(p) for p in projects]
        r.add("allimi_index.html", "index.html", projects=projects, markers=markers,
              counts=status_counts(projects), dataset_date=asof.of(ds, self.settings))
        by_district: dict[str, list[dict[str, Any]]] = {}
        for p in projects:
            by_district.setdefault(p["district_code"], []).append(p)
        for code in config.districts(self.settings):
            mine = by_district.get(code, [])
            r.add("district.html", f"districts/{code}/index.html", code=code, projects=mine,
                  markers=[marker(p) for p in mine], counts=status_counts(mine))
        docs_by_project = ds.group("project_documents", "project_id")
        self.files: dict[str, SourceFile] = photo_files(ds.records("photos"), ds.files)
        for p in projects:
            docs, files = documents(docs_by_project.get(p["project_id"], []), ds.files)
            self.files.update(files)
            r.add("project.html", urls.record_path("projects", p["project_id"]),
                  documents=docs, **project_context(ds, p, overdue, today))

    def generate_output(self, writer: Any) -> None:
        """Publish photos and documents under their record ids (clearbuild.urls), into media/
        only, through the files gate's copy step (re-checked, images rebuilt from their pixels)."""
        for _, checked in sorted(self.files.items()):
            filegate.publish(checked, self.output_path)


def get_generators(pelican: Any) -> type[Generator]:
    return AllimiGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
