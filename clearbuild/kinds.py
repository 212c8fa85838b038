"""Record kinds, declared once: every fact about a kind of record that has pages of its own.

Why: adding a kind used to mean writing its name, table, key, folder and labels again in urls,
the nightly's history, the search documents, the signals boxes, the change list and the
templates. Now each of those reads this registry, and the renderer is handed ``(kind, key)``
with every record page (``Renderer.add_records``), never a path to split.

A kind's page context is made by the plugin that owns it, at render time, in whichever process
renders the page: the plugin says once how its kinds' pages are made from a Dataset (``pages``)
and queues them (``Renderer.add_records(kind, records, context)``). The declaration states which
rows of which tables a page reads (``reads``): enough to make a partition's contexts from those
rows alone (clearbuild.partial), which ``invoke reads`` checks against the pages.
docs/architecture.md "Adding a record kind" walks through declaring one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

_NAME = r"[a-z_][a-z0-9_]*"
_ONE = rf"{_NAME}(?:>{_NAME}\.{_NAME})?"
# A read (Kind.reads): the column holds the record's key, the key of a row of a table whose field
# holds it, or what the record's own column holds.
_READ = re.compile(rf"{_NAME}(?:>{_NAME}\.{_NAME}|={_NAME})?")
# A search source (Searched): "", "col", "col>table.field", "brn:" or "place:" one or more of them.
_SOURCE = re.compile(rf"|{_ONE}|brn:{_ONE}|place:{_ONE}(?:,{_ONE})*")


@dataclass(frozen=True)
class Searched:
    """How a kind's records become search documents (clearbuild.search.documents). Each source
    says where one value of a row comes from:

    - ``"col"``: the record's own column;
    - ``"col>table.field"``: ``field`` of the row of ``table`` whose key ``col`` holds (a
      contract's company name: ``"company_id>companies.name"``);
    - ``"brn:SOURCE"``: a business number as stored and as written (123-45-67890);
    - ``"place:SOURCE,SOURCE"``: every written form, in both scripts, of those area codes;
    - ``""``: nothing.
    """

    title: str  # the result's name, weighted highest
    text: tuple[str, ...] = ()  # one indexed part each (agency, address, company ...)
    refs: tuple[str, ...] = ()  # ids of related records, joined: found, weighted below its own id
    date: str = ""  # the result's date (its first 10 characters), and the year filter
    amount: str = ""  # a numeric column shown with the result
    district: str = ""  # the district filter
    sub: tuple[str, ...] = ()  # the result's second line, joined
    ids: str = ""  # its own id as written, when not only the key (a business number's forms)
    rank: int = 50  # where its results stand among results of equal score (lower first)
    label: str = ""  # the search page's name for its results (a msgid); "": the kind's plural

    def sources(self) -> tuple[str, ...]:
        return (self.title, *self.text, *self.refs, self.date, self.district, *self.sub, self.ids)

    def __post_init__(self) -> None:
        for source in self.sources():
            if not _SOURCE.fullmatch(source):
                raise ValueError(f"search source {source!r}: not 'col', 'col>table.field', "
                                 "'brn:SOURCE' or 'place:SOURCE,SOURCE'")


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
    # (table, column): the rows of ``table`` the record's page reads besides its own row, those
    # whose ``column`` holds (clearbuild.partial):
    # - "col": the record's key (a contract's payments: ("contract_payments", "contract_id"));
    # - "col>table.field": the key of a ``table`` row whose ``field`` holds the record's key (a
    #   plan's contracts, through its notices: ("contracts", "notice_id>bid_notices.plan_id"));
    # - "col=own": what the record's own column ``own`` holds (a document's siblings:
    #   ("apartment_documents", "complex_id=complex_id")).
    # Implied: every row those rows and its own row name by reference, as clearbuild.schema
    # declares them (a contract's company and notice, the notice's plan). ``invoke reads``
    # checks a declaration against the pages (clearbuild.readcheck).
    reads: tuple[tuple[str, str], ...] = field(default=())
    # Its search documents; None: its records are not searched.
    search: Searched | None = None
    # What a list of records of several kinds calls one's id (the signals' lists: "Contract
    # number"; a msgid); "": its ``label``.
    number: str = ""

    def __post_init__(self) -> None:
        for table, column in self.reads:
            if not (re.fullmatch(_NAME, table) and _READ.fullmatch(column)):
                raise ValueError(f"record kind {self.name!r}: read {(table, column)!r}: not (table, "
                                 "'col'), (table, 'col>table.field') or (table, 'col=own')")

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


# What a plugin says of the kinds it owns: from a Dataset (the whole export's, or only the rows a
# partition declares it reads: clearbuild.partial) and the settings, each kind's records in the
# order their pages are queued and the function that makes a record's page context. The build
# queues exactly these (``Renderer.add_records``); ``invoke reads`` checks them.
Pages = dict[str, tuple[Iterable[dict[str, Any]], Callable[[dict[str, Any]], dict[str, Any]]]]
PageMaker = Callable[[Any, dict[str, Any]], Pages]
PAGES: dict[str, PageMaker] = {}


def pages(*names: str) -> Callable[[PageMaker], PageMaker]:
    """Decorator for a plugin's ``make(dataset, settings) -> {kind: (records, context)}`` of
    the named kinds, which must be declared."""
    def add(make: PageMaker) -> PageMaker:
        for name in names:
            if name not in KINDS:
                raise ValueError(f"pages of {name!r}: no record kind of that name is declared")
            PAGES[name] = make
        return make
    return add


def by_table() -> dict[str, Kind]:
    """table -> the kind whose records its rows are."""
    return {k.table: k for k in KINDS.values()}


_PLACE = "place:district_code,dong_code"
_COMPANY = "company_id>companies.name"
_COMPLEX = "complex_id>apartments.name"

for _kind in (
    Kind("projects", "projects", "project_id", "projects", "project.html", "Project",
         "Projects", reads=(("progress", "project_id"), ("inspections", "project_id"),
                                ("change_orders", "project_id"), ("photos", "project_id"),
                                ("project_documents", "project_id"), ("subcontracts", "project_id"),
                                ("payments", "project_id")),
         search=Searched("name", ("agency", "address", "category", "supervisor", "inspector",
                                  "description", _PLACE),
                         refs=("contract_id",), date="start_date", amount="budget",
                         district="district_code", sub=("agency",), rank=0,
                         label="Construction projects"), number="Project number"),
    Kind("plans", "procurement_plans", "plan_id", "plans", "contracts_plan.html",
         "Procurement plan", "Procurement plans", reads=(("bid_notices", "plan_id"),
                                                    ("contracts", "notice_id>bid_notices.plan_id")),
         search=Searched("title", ("agency", "kind", "description"), date="planned_month",
                         amount="estimated_amount", sub=("agency",), rank=3)),
    Kind("notices", "bid_notices", "notice_id", "notices", "contracts_notice.html",
         "Bid notice", "Bid notices",
         reads=(("bid_results", "notice_id"), ("contracts", "notice_id")),
         search=Searched("title", ("agency", "kind", "eligibility", "required_documents"),
                         refs=("plan_id",), date="published_at", amount="estimated_price",
                         sub=("agency",), rank=2), number="Notice number"),
    Kind("contracts", "contracts", "contract_id", "contracts", "contracts_contract.html",
         "Contract", "Contracts",
         reads=(("contract_amendments", "contract_id"), ("contract_payments", "contract_id"),
                ("projects", "contract_id"), ("bid_results", "notice_id=notice_id")),
         search=Searched("title", ("agency", _COMPANY, "brn:company_id", "kind",
                                   "place:project_id>projects.district_code,"
                                   "project_id>projects.dong_code"),
                         refs=("notice_id", "project_id"), date="signed_at", amount="amount",
                         district="project_id>projects.district_code",
                         sub=("agency", _COMPANY), rank=1), number="Contract number"),
    Kind("companies", "companies", "company_id", "companies", "contracts_company.html",
         "Company", "Companies",
         reads=(("contracts", "company_id"), ("bid_results", "company_id"),
                ("contract_amendments", "contract_id>contracts.company_id")),
         search=Searched("name", ("address", "industry", "place:district_code"),
                         district="district_code", sub=("industry",), ids="brn:company_id",
                         rank=4)),
    Kind("apartments", "apartments", "complex_id", "apartments", "apartments_complex.html",
         "Complex", "Apartment complexes", reads=(("apartment_documents", "complex_id"),),
         search=Searched("name", ("address", _PLACE), district="district_code",
                         sub=("address",), rank=5)),
    Kind("apartment_documents", "apartment_documents", "doc_id", "apartments/documents",
         "apartments_document.html", "Document", "Documents",
         reads=(("apartment_documents", "complex_id=complex_id"),
                ("contracts", "contract_id=contract_id")),
         search=Searched("title", (_COMPLEX, "kind", "category"), refs=("contract_id",),
                         date="date", amount="amount",
                         district="complex_id>apartments.district_code", sub=(_COMPLEX,),
                         rank=6, label="Apartment documents")),
):
    register(_kind)
