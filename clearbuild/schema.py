"""The one description of every export table: ingest, admin, docs and exports all read it.

Why one module: the public/private boundary is an allow-list, and an allow-list kept in two
places drifts. A column that is neither ``public`` nor listed here at all stops the build, so a
new private column in a partner's export can never leak by default.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .schema_types import TYPES, Column, Table  # noqa: F401 (re-exported)

C = Column

# Values a bool column reads as true (ingest.checks accepts these and BOOL_FALSE's, any case).
BOOL_TRUE = frozenset({"true", "1", "y", "yes", "t"})
# The bool column that, when present, decides whether a row is published at all.
ROW_FLAG = "public"

STATUS = ("planned", "tendering", "in_progress", "suspended", "completed")
CATEGORY = ("road", "bridge", "building", "water", "sewer", "park", "river", "rail", "school", "other")
KIND = ("construction", "services", "goods")
METHOD = ("open", "restricted", "designated", "sole_source")
# Performance certificate kinds (issue 3); docs/export-format.md maps contract kinds onto them.
WORK_TYPE = (
    "general_works", "construction_works", "electrical_works", "telecom_works",
    "fire_works", "general_services", "waste_services", "goods",
)
# Kinds of payment on a contract (issue 18): 선금, 기성금, 준공금.
CONTRACT_PAYMENT_KIND = ("advance", "progress", "final")
PAYEE_KIND = ("subcontractor", "wages", "equipment", "materials")
INSPECTION_KIND = ("safety", "quality", "completion")
INSPECTION_RESULT = ("pass", "conditional", "fail")
DOC_KIND = (
    "expense_resolution", "maintenance_contract", "council_minutes", "notice", "audit_report",
    "bid_announcement", "other",
)
# Supervision documents of a construction project (issue 5), published beside the project.
PROJECT_DOC_KIND = ("inspection_report", "design_change", "completion", "safety_plan", "minutes", "other")

TABLES: dict[str, Table] = {}


def _add(t: Table) -> None:
    TABLES[t.name] = t


_add(Table("projects", "One row per public construction project.", ("project_id",), (
    C("project_id", "id", True, doc="Stable project identifier."),
    C("name", "str", True, doc="Project name as published."),
    C("agency", "str", True, doc="Ordering agency."),
    C("category", "enum", True, enum=CATEGORY, doc="Type of works."),
    C("district_code", "enum", True, doc="5-digit district code (a setting's boundary file)."),
    C("dong_code", "str", doc="7-digit neighbourhood code, when known."),
    C("address", "str", doc="Site address."),
    C("lat", "lat", True), C("lon", "lon", True),
    C("budget", "money", True, doc="Approved budget."),
    C("contract_id", "id", ref="contracts.contract_id", doc="Main works contract."),
    C("start_date", "date"), C("planned_end_date", "date"), C("actual_end_date", "date"),
    C("status", "enum", True, enum=STATUS),
    C("supervisor", "str", doc="Supervising official or firm (published by law)."),
    C("inspector", "str", doc="Inspector in charge."),
    C("description", "str", doc="Plain-text summary."),
    C("supervisor_phone", "str", public=False, doc="Direct line; never published."),
    C("internal_note", "str", public=False, doc="Agency's working notes; never published."),
), required_file=True, date_order=(("start_date", "planned_end_date"), ("start_date", "actual_end_date"))))

_add(Table("progress", "Planned and actual progress of a project on a date.", ("project_id", "date"), (
    C("project_id", "id", True, ref="projects.project_id"),
    C("date", "date", True),
    C("planned_pct", "pct", True), C("actual_pct", "pct", True),
    C("note", "str"),
)))

_add(Table("inspections", "An inspection or safety check.", ("inspection_id",), (
    C("inspection_id", "id", True),
    C("project_id", "id", True, ref="projects.project_id"),
    C("date", "date", True),
    C("kind", "enum", True, enum=INSPECTION_KIND),
    C("result", "enum", True, enum=INSPECTION_RESULT),
    C("findings", "str"),
    C("inspector_phone", "str", public=False),
)))

_add(Table("change_orders", "A design change (설계변경).", ("change_id",), (
    C("change_id", "id", True),
    C("project_id", "id", True, ref="projects.project_id"),
    C("date", "date", True),
    C("reason", "str"),
    C("amount_before", "money", True), C("amount_after", "money", True),
    C("days_added", "int", min=-3650, max=3650),
)))

_add(Table("photos", "A site photo (JPEG, PNG or WebP, and really one: the site serves it "
                     "from its own origin); the file ships beside the export under photos/.",
            ("photo_id",), (
    C("photo_id", "id", True),
    C("project_id", "id", True, ref="projects.project_id"),
    C("date", "date", True),
    C("caption", "str"),
    C("file", "file", True, doc="The photo: JPEG, PNG or WebP. Published as media/photos/<photo_id>.<ext>, "
      "rebuilt from its pixels (no EXIF, no GPS), never under this name."),
)))

_add(Table("project_documents", "A supervision document of a project (inspection report, design-change "
           "approval, completion certificate, safety plan, minutes); the file ships beside the export "
           "under project_documents/.", ("doc_id",), (
    C("doc_id", "id", True, doc="Stable document id; the published file is named after it."),
    C("project_id", "id", True, ref="projects.project_id"),
    C("date", "date", True, doc="Date of the document (issued, signed or held)."),
    C("kind", "enum", True, enum=PROJECT_DOC_KIND),
    C("title", "str", True),
    C("file", "file", True, doc="The document: PDF, PNG, JPEG or WebP (content checked, not only the "
      "name; no PDF scripts; images rebuilt from their pixels). Published as "
      "media/project-documents/<doc_id>.<ext>, never under this name."),
    C("public", "bool", True, doc="Only rows with true are ever published; the others are dropped in "
      "ingest, before any plugin."),
)))

_add(Table("subcontracts", "A subcontract of a project.", ("subcontract_id",), (
    C("subcontract_id", "id", True),
    C("project_id", "id", True, ref="projects.project_id"),
    C("company_id", "brn", True, ref="companies.company_id"),
    C("scope", "str"),
    C("amount", "money", True),
)))

_add(Table("payments", "A payment claim and, once paid, its payment (direct payment system).",
           ("payment_id",), (
    C("payment_id", "id", True),
    C("project_id", "id", True, ref="projects.project_id"),
    C("payer", "str", doc="Who pays: the agency or the main contractor."),
    C("payee_company_id", "brn", ref="companies.company_id", doc="Empty for wages paid to workers."),
    C("payee_kind", "enum", True, enum=PAYEE_KIND),
    C("claim_date", "date", True),
    C("amount", "money", True),
    C("paid_date", "date"),
    C("paid_amount", "money"),
    C("bank_account", "str", public=False, doc="Payee's account; never published."),
), date_order=(("claim_date", "paid_date"),)))

_add(Table("procurement_plans", "A planned procurement.", ("plan_id",), (
    C("plan_id", "id", True), C("agency", "str", True), C("title", "str", True),
    C("kind", "enum", True, enum=KIND), C("method", "enum", enum=METHOD),
    C("estimated_amount", "money"), C("planned_month", "month"),
    C("description", "str", doc="Overview of the plan (사업 개요): what is bought, for what, when."),
), section="contracts"))

_add(Table("bid_notices", "A bid notice (입찰공고).", ("notice_id",), (
    C("notice_id", "id", True), C("plan_id", "id", ref="procurement_plans.plan_id"),
    C("agency", "str", True), C("title", "str", True),
    C("kind", "enum", True, enum=KIND), C("method", "enum", True, enum=METHOD),
    C("estimated_price", "money"), C("eligibility", "str"),
    C("required_documents", "str", doc="Documents a bidder submits (구비서류), separated by ';'."),
    C("published_at", "datetime", True), C("deadline", "datetime", True), C("opening_at", "datetime"),
), date_order=(("published_at", "deadline"), ("deadline", "opening_at")), section="contracts"))

_add(Table("bid_results", "One bid at a bid opening: every bidder, not only the winner.",
           ("notice_id", "lot_id", "company_id"), (
    C("notice_id", "id", True, ref="bid_notices.notice_id"),
    C("lot_id", "id", doc="The lot bid for, in a tender divided into lots (each lot has its own "
      "bidders, ranks and winner); empty: the whole tender."),
    C("lot_title", "str", doc="The lot's title, as published."),
    C("company_id", "brn", True, ref="companies.company_id"),
    C("bid_amount", "money", True), C("rank", "int", min=1),
    C("winner", "bool"), C("disqualified_reason", "str"),
), section="contracts"))

_add(Table("contracts", "A signed contract.", ("contract_id",), (
    C("contract_id", "id", True), C("notice_id", "id", ref="bid_notices.notice_id",
                                     doc="Empty for sole-source contracts."),
    C("lot_id", "id", doc="The lot of its notice this contract was awarded for (a lot_id of the "
      "notice's bid results); empty: the whole tender."),
    C("agency", "str", True), C("title", "str", True),
    C("kind", "enum", True, enum=KIND), C("method", "enum", True, enum=METHOD),
    C("work_type", "enum", enum=WORK_TYPE, doc="Performance-certificate kind."),
    C("company_id", "brn", True, ref="companies.company_id"),
    C("amount", "money", True), C("signed_at", "date", True),
    C("start_date", "date"), C("end_date", "date"),
    C("project_id", "id", doc="Allimi project this contract builds, if any."),
    C("tenderers", "int", min=0, doc="Number of tenderers when no bid results are published "
      "(OCDS tender.numberOfTenderers)."),
    C("officer_phone", "str", public=False),
), date_order=(("start_date", "end_date"),), section="contracts"))

_add(Table("contract_amendments", "A change to a contract's amount or end date.",
           ("contract_id", "date", "seq"), (
    C("contract_id", "id", True, ref="contracts.contract_id"),
    C("date", "date", True), C("seq", "int", min=1, doc="Order of amendments on one date; 1 if absent."),
    C("amount_before", "money"), C("amount_after", "money"),
    C("end_before", "date"), C("end_after", "date"), C("reason", "str"),
), section="contracts"))

_add(Table("contract_payments", "A claim for payment on a contract (advance, progress or final) and, "
           "once paid, its payment (대금지급). One row per claim; a part payment leaves paid_amount "
           "below amount.", ("contract_id", "kind", "claim_date"), (
    C("payment_id", "id", doc="The agency's own id of the claim, if it has one."),
    C("contract_id", "id", True, ref="contracts.contract_id"),
    C("kind", "enum", True, enum=CONTRACT_PAYMENT_KIND,
      doc="advance: 선금; progress: 기성금 (part of the work done); final: 준공금 (on completion)."),
    C("claim_date", "date", doc="Date the contractor's valid claim was received (the legal deadline "
      "counts from it). Required, except that the check names a payment without one."),
    C("amount", "money", doc="Amount claimed."),
    C("paid_date", "date", doc="Date paid; empty while unpaid."),
    C("paid_amount", "money", doc="Amount paid; empty with a paid_date: the whole claim."),
), date_order=(("claim_date", "paid_date"),), section="contracts"))

_add(Table("companies", "A company (business registration number as id).", ("company_id",), (
    C("company_id", "brn", True), C("name", "str", True), C("address", "str"),
    C("lat", "lat"), C("lon", "lon"), C("district_code", "str"),
    C("industry", "str"),
    C("small_business", "bool"), C("disabled_owned", "bool"), C("startup", "bool"),
    C("website", "url"),
    C("representative_phone", "str", public=False), C("email", "str", public=False),
), section="contracts"))

_add(Table("apartments", "An apartment complex.", ("complex_id",), (
    C("complex_id", "id", True), C("name", "str", True), C("district_code", "enum", True),
    C("address", "str"), C("lat", "lat"), C("lon", "lon"), C("households", "int", min=1),
), section="apartments"))

_add(Table("apartment_documents", "An approved document of a complex's management office.", ("doc_id",), (
    C("doc_id", "id", True), C("complex_id", "id", True, ref="apartments.complex_id"),
    C("title", "str", True), C("kind", "enum", True, enum=DOC_KIND), C("date", "date", True),
    C("amount", "money"), C("category", "str", doc="Spending category."),
    C("approvals", "str", names_if="names_public",
      doc="Approval trail: role:YYYY-MM-DD[:name] separated by ';'; names only when names_public."),
    C("names_public", "bool", doc="Whether names in the approval trail may be shown."),
    C("file", "file", doc="Attached file (PDF, HWPX, DOCX, XLSX, PPTX, ODT, ODS, TXT, CSV or an image; "
      "content checked, no macros or PDF scripts). Published as media/apartment-documents/<doc_id>.<ext>, "
      "never under this name."),
    C("contract_id", "id", doc="Related contract, if any."),
    C("public", "bool", True, doc="Only rows with true are ever published."),
), section="apartments"))

# Display order: ingest validates in this order so foreign keys point at checked tables.
ORDER = [
    "companies", "procurement_plans", "bid_notices", "bid_results", "contracts",
    "contract_amendments", "contract_payments", "projects", "progress", "inspections", "change_orders",
    "photos", "project_documents", "subcontracts", "payments", "apartments", "apartment_documents",
]
assert sorted(ORDER) == sorted(TABLES)

FILE_SUFFIXES = (".csv", ".xlsx", ".json")


@dataclass(frozen=True)
class Region:
    """The deployment's bounding box; coordinates outside it are refused."""

    south: float
    west: float
    north: float
    east: float
    extra: dict = field(default_factory=dict)

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east
