"""cb_apartments: the clean apartment management section (issue 7).

Pages: ``apartments/index.html`` (map and list by district), one page per complex and one per
public document, queued on the shared renderer. Attached files of public documents are published
as ``media/apartment-documents/<doc_id>.<type>`` (never under the name they came with) through
the files gate's copy step; nothing else from the export folder is copied, so a private
document's file can never be published by accident (ingest has already dropped its row), nor a
file the gate refused (its row was refused too). docs/apartments.md describes the pages and the privacy rules.
"""

from __future__ import annotations

import functools
from typing import Any

from pelican import signals
from pelican.generators import Generator

from clearbuild import buildcontext, config, filegate, kinds
from clearbuild.filegate import SourceFile

from .pages import (
    SPENDING_KINDS,
    attachment,
    complex_context,
    district_groups,
    document_context,
    marker,
)


def complex_page(docs_by_complex: dict[str, list[dict[str, Any]]], c: dict[str, Any]) -> dict[str, Any]:
    return {"spending_kinds": SPENDING_KINDS,
            **complex_context(c, docs_by_complex.get(c["complex_id"], []))}


def document_page(ds: Any, by_id: dict[str, dict[str, Any]],
                  docs_by_complex: dict[str, list[dict[str, Any]]], doc: dict[str, Any]) -> dict[str, Any]:
    """A document's page: its complex, and its place among the complex's documents."""
    c = by_id[doc["complex_id"]]
    siblings = complex_context(c, docs_by_complex.get(c["complex_id"], []))["documents"]
    i = next(n for n, d in enumerate(siblings) if d["doc_id"] == doc["doc_id"])
    return document_context(ds, doc, c, siblings, i, attachment(doc, ds.files))


@kinds.pages("apartments", "apartment_documents")
def record_pages(ds: Any, settings: dict[str, Any]) -> kinds.Pages:
    """Complexes in id order, each complex's documents after it (clearbuild.kinds.pages)."""
    complexes = sorted(ds.records("apartments"), key=lambda c: c["complex_id"])
    docs_by_complex = ds.group("apartment_documents", "complex_id")
    by_id = {c["complex_id"]: c for c in complexes}
    docs = [d for c in complexes for d in docs_by_complex.get(c["complex_id"], [])]
    return {"apartments": (complexes, functools.partial(complex_page, docs_by_complex)),
            "apartment_documents": (docs, functools.partial(document_page, ds, by_id, docs_by_complex))}


class ApartmentsGenerator(Generator):
    def generate_context(self) -> None:
        ds = buildcontext.dataset_of(self.context)
        r = buildcontext.renderer_of(self.context)
        s = self.settings
        pages = record_pages(ds, s)
        complexes = list(pages["apartments"][0])
        docs_by_complex = ds.group("apartment_documents", "complex_id")
        self.files: dict[str, SourceFile] = {}
        counts = {c["complex_id"]: len(docs_by_complex.get(c["complex_id"], [])) for c in complexes}
        r.add("apartments_index.html", "apartments/index.html", complexes=complexes, counts=counts,
              groups=district_groups(complexes, config.districts(s)),
              markers=[marker(c, counts[c["complex_id"]]) for c in complexes],
              documents=sum(counts.values()), withheld=ds.withheld.get("apartment_documents", 0))
        for c in complexes:
            for doc in docs_by_complex.get(c["complex_id"], []):
                file = attachment(doc, ds.files)
                if file:
                    self.files[file["href"]] = file["source"]
        # Contexts are made where each page is rendered (clearbuild.render).
        for kind, (records, context) in pages.items():
            r.add_records(kind, records, context)

    def generate_output(self, writer: Any) -> None:
        """Publish the attachments through the files gate's copy step (re-checked, no link
        followed, images rebuilt from their pixels)."""
        for _, checked in sorted(self.files.items()):
            filegate.publish(checked, self.output_path)


def get_generators(pelican: Any) -> type[Generator]:
    return ApartmentsGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
