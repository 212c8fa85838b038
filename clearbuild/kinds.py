"""Record kinds, declared once: every fact about a kind of record that has pages of its own.

Why: adding a kind used to mean writing its name, table, key, folder and labels again in urls,
the nightly's history, the search documents, the signals boxes, the change list and the
templates. Now each of those reads this registry, and the renderer is handed ``(kind, key)``
with every record page (``Renderer.add_records``), never a path to split.

A kind's page context is computed by its plugin at render time, in whichever process renders the
page (``Renderer.add_records(kind, records, context)``); what the declaration states is which
rows of which tables a page reads (``reads``), so a night knows which pages a changed row touches.
docs/architecture.md "Adding a record kind" walks through declaring one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kind:
    name: str  # the kind, e.g. "contracts": the key of urls, history, search and signals
    table: str  # the export table whose rows are the records
    key: str  # the column naming a record (its page's folder)
    folder: str  # where its pages live: <folder>/<key>/index.html
    template: str  # the theme template that renders its page
    # One record and the section's name, as catalogue msgids (clearbuild.i18n adds them to every
    # catalogue; templates translate them with ``_(cb_kinds[kind].plural)``).
    label: str
    plural: str
    # (table, column): rows of ``table`` whose ``column`` holds this kind's key are shown on the
    # record's page. Implied: its own row, and the rows its own row's references name (a
    # contract's company and notice), as clearbuild.schema declares them.
    reads: tuple[tuple[str, str], ...] = field(default=())

    def path(self, key: str) -> str:
        from .urls import record_path

        return record_path(self.name, key)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Declare a kind; a second declaration under one name must be the same."""
    old = KINDS.get(kind.name)
    if old is not None and old != kind:
        raise ValueError(f"record kind {kind.name!r} declared twice, differently")
    if any(k.folder == kind.folder and k.name != kind.name for k in KINDS.values()):
        raise ValueError(f"record kind {kind.name!r}: folder {kind.folder!r} is another kind's")
    KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """For tests that declare a kind of their own."""
    KINDS.pop(name, None)


def by_table() -> dict[str, Kind]:
    """table -> the kind whose records its rows are."""
    return {k.table: k for k in KINDS.values()}


for _kind in (
    Kind("projects", "projects", "project_id", "projects", "project.html", "Project",
         "Projects", reads=(("progress", "project_id"), ("inspections", "project_id"),
                                ("change_orders", "project_id"), ("photos", "project_id"),
                                ("project_documents", "project_id"), ("subcontracts", "project_id"),
                                ("payments", "project_id"))),
    Kind("plans", "procurement_plans", "plan_id", "plans", "contracts_plan.html",
         "Procurement plan", "Procurement plans", reads=(("bid_notices", "plan_id"),)),
    Kind("notices", "bid_notices", "notice_id", "notices", "contracts_notice.html",
         "Bid notice", "Bid notices",
         reads=(("bid_results", "notice_id"), ("contracts", "notice_id"))),
    Kind("contracts", "contracts", "contract_id", "contracts", "contracts_contract.html",
         "Contract", "Contracts",
         reads=(("contract_amendments", "contract_id"), ("contract_payments", "contract_id"))),
    Kind("companies", "companies", "company_id", "companies", "contracts_company.html",
         "Company", "Companies",
         reads=(("contracts", "company_id"), ("bid_results", "company_id"))),
    Kind("apartments", "apartments", "complex_id", "apartments", "apartments_complex.html",
         "Complex", "Apartment complexes", reads=(("apartment_documents", "complex_id"),)),
    Kind("apartment_documents", "apartment_documents", "doc_id", "apartments/documents",
         "apartments_document.html", "Document", "Documents"),
):
    register(_kind)
