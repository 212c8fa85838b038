"""The state of one import: the rows made so far (with where each came from), the companies, the
links to resolve once every file is read, and the deployment's money and geography."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..geo import District, district_of
from ..schema import Region
from .common import At, Money, Sink, day, get, obj, safe_id, text
from .parties import Companies


@dataclass
class Ctx:
    sink: Sink
    money: Money
    region: Region | None = None
    districts: dict[str, District] = field(default_factory=dict)
    prefix: str = ""  # this deployment's ocid prefix: its own exports keep their contract ids
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    origin: dict[str, list[At]] = field(default_factory=dict)
    plans: dict[str, str] = field(default_factory=dict)  # planning ocid -> plan_id
    plan_links: list[tuple[dict[str, str], str, At]] = field(default_factory=list)
    project_links: list[tuple[dict[str, str], str, At]] = field(default_factory=list)
    # OCDS process -> project (and the contract id the project names, when it names one)
    ocid_projects: list[tuple[str, str, str]] = field(default_factory=list)
    by_ocid: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # contracts per process
    companies: Companies = field(init=False)

    def __post_init__(self) -> None:
        self.companies = Companies(self.sink)

    def add(self, table: str, row: dict[str, str], at: At) -> None:
        self.rows.setdefault(table, []).append(row)
        self.origin.setdefault(table, []).append(at)

    def amendments(self, contract_id: str, items: list[Any], at: At) -> None:
        """OCDS contract amendments and OC4IDS modifications: a row when the amount or the end date
        changed (fields oldContractValue/newContractValue, oldContractPeriod/newContractPeriod)."""
        seq: dict[str, int] = {}
        for i, a in enumerate(items):
            aat = at / i
            if not isinstance(a, dict):
                continue
            date = day(a.get("date"), aat / "date", self.sink)
            before, _ = (
                self.money.amount(
                    get(a, "oldContractValue", aat, self.sink), aat / "oldContractValue", self.sink
                )
                if a.get("oldContractValue")
                else ("", "")
            )
            after, _ = (
                self.money.amount(
                    get(a, "newContractValue", aat, self.sink), aat / "newContractValue", self.sink
                )
                if a.get("newContractValue")
                else ("", "")
            )
            old_p = obj(a.get("oldContractPeriod"), aat / "oldContractPeriod", self.sink)
            new_p = obj(a.get("newContractPeriod"), aat / "newContractPeriod", self.sink)
            end_before = day(old_p.get("endDate"), aat / "oldContractPeriod" / "endDate", self.sink)
            end_after = day(new_p.get("endDate"), aat / "newContractPeriod" / "endDate", self.sink)
            if not (before or after or end_before or end_after):
                self.sink.flag(
                    aat, a.get("id"), "amendment without an amount or end date change: not imported"
                )
                continue
            if not date:
                self.sink.refuse(aat / "date", "", "amendment without a date")
                continue
            seq[date] = seq.get(date, 0) + 1
            given = text(a.get("sequence"))  # clearbuild's exports carry the export's own numbering
            self.add(
                "contract_amendments",
                {
                    "contract_id": contract_id,
                    "date": date,
                    "seq": given if given.isdigit() and given != "0" else str(seq[date]),
                    "amount_before": before,
                    "amount_after": after,
                    "end_before": end_before,
                    "end_after": end_after,
                    "reason": text(a.get("rationale")) or text(a.get("description")),
                },
                aat,
            )

    def place(self, lat: float, lon: float, at: At) -> tuple[float, float, str] | None:
        """(lat, lon, district) inside the deployment, a [lat, lon] swap undone; None: refused."""
        r = self.region
        if r is not None and not r.contains(lat, lon):
            if r.contains(lon, lat):
                self.sink.flag(at, [lon, lat], "GeoJSON point stored as [lat, lon]: read swapped")
                lat, lon = lon, lat
            else:
                self.sink.refuse(at, [lon, lat], "coordinates outside the deployment's region")
                return None
        code = district_of(lat, lon, self.districts) if self.districts else ""
        if code is None:
            self.sink.refuse(at, [lon, lat], "no district of the deployment's boundaries holds this point")
            return None
        return lat, lon, code


def resolve_links(ctx: Ctx) -> None:
    """Links across processes and files, once everything is read: notice -> plan, contract -> project."""
    for row, ocid, at in ctx.plan_links:
        if ocid in ctx.plans:
            row["plan_id"] = ctx.plans[ocid]
        else:
            ctx.sink.flag(at, ocid, "planning process not in the data: notice kept without its plan")
    projects = {r["project_id"] for r in ctx.rows.get("projects", [])}
    for row, project, at in ctx.project_links:
        pid = safe_id(project)
        if pid in projects:
            row["project_id"] = pid
        elif not row.get("project_id"):
            ctx.sink.flag(at, project, "projectID names no project in this data: link not kept")
    for table in ("contracts",):
        for row in ctx.rows.get(table, []):
            row.setdefault("project_id", "")
    for row in ctx.rows.get("bid_notices", []):
        row.setdefault("plan_id", "")
