"""One OC4IDS project -> a projects row, its progress, and the contracts of its contracting
processes that no OCDS file of the same import describes (OCDS, when present, is the fuller
account of a process, so its contracts win and the project only claims them).
"""

from __future__ import annotations

from typing import Any

from ..schema import STATUS
from .common import At, as_list, count, day, duration, get, obj, safe_id, text
from .context import Ctx
from .kinds import KIND, METHOD, infer_kind
from .parties import resolve
from .progress import progress

SECTOR = {
    "transport.road": "road",
    "transport.rail": "rail",
    "transport.water": "river",
    "transport.urban": "rail",
    "water": "water",
    "waterandsanitation": "water",
    "sanitation": "sewer",
    "water.sewerage": "sewer",
    "education": "school",
    "health": "building",
    "socialhousing": "building",
    "culturesportsandrecreation": "park",
    "governance": "building",
    "transport": "road",
}
STATUS_MAP = {
    "identification": "planned",
    "preparation": "planned",
    "implementation": "in_progress",
    "completion": "completed",
    "completed": "completed",
    "cancelled": "suspended",
}
NATURE = {"construction": "construction", "design": "services", "supervision": "services"}
CATEGORY_SCHEME = "clearbuild-category"  # clearbuild's exports say the exact category here
AREA_SCHEME = "clearbuild-area"  # ... and the district and neighbourhood codes here


def _num(x: float) -> str:
    return f"{x:.7f}".rstrip("0").rstrip(".")


class Project:
    def __init__(self, p: dict[str, Any], at: At, ctx: Ctx, ocds_ocids: set[str]) -> None:
        self.p, self.at, self.ctx, self.sink = p, at, ctx, ctx.sink
        self.ocds_ocids = ocds_ocids
        self.dong = ""
        self.parties: dict[str, dict[str, Any]] = {}
        for i, x in enumerate(as_list(get(p, "parties", at, self.sink), at / "parties", self.sink)):
            if isinstance(x, dict) and text(x.get("id")):
                roles = as_list(x.get("roles"), at / "parties" / i / "roles", self.sink)
                self.parties[text(x["id"])] = {**x, "roles": roles}

    def role(self, role: str) -> str:
        return next((text(x.get("name")) for x in self.parties.values() if role in x["roles"]), "")

    def agency(self) -> str:
        for role in ("publicAuthority", "buyer", "procuringEntity"):
            for party in self.parties.values():
                if role in party["roles"] and text(party.get("name")):
                    return text(party["name"])
        return ""

    def category(self) -> str:
        for c in as_list(
            self.p.get("additionalClassifications"), self.at / "additionalClassifications", self.sink
        ):
            if isinstance(c, dict) and text(c.get("scheme")) == CATEGORY_SCHEME:
                return text(c.get("id"))
        sectors = [
            text(s).lower()
            for s in as_list(get(self.p, "sector", self.at, self.sink), self.at / "sector", self.sink)
        ]
        for s in sorted(sectors, key=len, reverse=True):
            if s in SECTOR:
                return SECTOR[s]
        self.sink.flag(self.at / "sector", sectors, "no category for these sectors: recorded as other")
        return "other"

    def status(self) -> str:
        details = text(self.p.get("statusDetails"))
        if details in STATUS:
            return details
        raw = text(get(self.p, "status", self.at, self.sink))
        if raw.lower() == "cancelled":
            self.sink.flag(self.at / "status", raw, "cancelled project shown as suspended")
        return STATUS_MAP.get(raw.lower(), raw)

    def point(self) -> tuple[tuple[float, float, str] | None, str]:
        locs = as_list(get(self.p, "locations", self.at, self.sink), self.at / "locations", self.sink)
        points = []
        for i, loc in enumerate(locs):
            geo = obj(
                loc.get("geometry") if isinstance(loc, dict) else None,
                self.at / "locations" / i / "geometry",
                self.sink,
            )
            c = geo.get("coordinates")
            if (
                text(geo.get("type")) == "Point"
                and isinstance(c, list)
                and len(c) >= 2
                and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in c[:2])
            ):
                points.append((i, loc, float(c[1]), float(c[0])))  # GeoJSON is [lon, lat]
        if not points:
            self.sink.refuse(self.at / "locations", "", "project not imported: no point location to map")
            return None, ""
        if len(points) > 1:
            self.sink.flag(
                self.at / "locations", len(points), f"{len(points)} point locations: the first is mapped"
            )
        i, loc, lat, lon = points[0]
        place = self.ctx.place(lat, lon, self.at / "locations" / i / "geometry" / "coordinates")
        addr = loc.get("address") if isinstance(loc.get("address"), dict) else {}
        parts = [text(addr.get(k)) for k in ("streetAddress", "locality", "region", "countryName")]
        gaz = loc.get("gazetteer") if isinstance(loc.get("gazetteer"), dict) else {}
        codes = [text(x) for x in gaz.get("identifiers") or []] if gaz.get("scheme") == AREA_SCHEME else []
        if place and codes and codes[0] in self.ctx.districts:  # the publisher's own district code
            place = (place[0], place[1], codes[0])
            self.dong = codes[1] if len(codes) > 1 else ""
        return place, ", ".join(x for x in parts if x)

    def budget(self) -> str:
        at = self.at / "budget"
        b = obj(get(self.p, "budget", self.at, self.sink), at, self.sink)
        amount, why = self.ctx.money.amount(get(b, "amount", at, self.sink), at / "amount", self.sink)
        if amount or why.startswith("amount in"):
            return amount
        parts = as_list(
            get(b, "budgetBreakdown", at, self.sink) or b.get("budgetBreakdowns"),
            at / "budgetBreakdown",
            self.sink,
        )
        total = [
            self.ctx.money.amount(x.get("amount"), at / "budgetBreakdown" / i / "amount", self.sink)[0]
            for i, x in enumerate(parts)
            if isinstance(x, dict)
        ]
        if total and all(total):
            self.sink.flag(at / "amount", "", "budget amount missing: the sum of its breakdown is used")
            return str(sum(int(t) for t in total))
        return ""

    def read(self) -> None:
        at, p, sink = self.at, self.p, self.sink
        pid = safe_id(p.get("id"))
        place, address = self.point()
        period = obj(get(p, "period", at, sink), at / "period", sink)
        duration(period, at / "period", sink)
        completion = obj(p.get("completion"), at / "completion", sink)
        row = {
            "project_id": pid,
            "name": text(get(p, "title", at, sink)),
            "agency": self.agency(),
            "category": self.category(),
            "district_code": place[2] if place else "",
            "dong_code": self.dong,
            "address": address,
            "lat": _num(place[0]) if place else "",
            "lon": _num(place[1]) if place else "",
            "budget": self.budget(),
            "contract_id": "",
            "start_date": day(period.get("startDate"), at / "period" / "startDate", sink),
            "planned_end_date": day(period.get("endDate"), at / "period" / "endDate", sink),
            "actual_end_date": day(completion.get("endDate"), at / "completion" / "endDate", sink),
            "status": self.status(),
            "supervisor": self.role("supervisor"),
            "inspector": self.role("inspector"),
            "description": text(p.get("description")),
        }
        if not pid or place is None:
            if not pid:
                sink.refuse(at / "id", p.get("id"), "project without an id")
            return
        for col, why in (
            ("name", "no title"),
            ("agency", "no public authority, buyer or procuring entity"),
            ("budget", "no budget amount in the deployment's currency"),
        ):
            if not row[col]:
                sink.refuse(at, "", f"project not imported: {why}")
                return
        mains = self.processes(pid, row)
        if mains:
            row["contract_id"] = mains[0]
            if len(mains) > 1:
                sink.flag(
                    at / "contractingProcesses",
                    len(mains),
                    f"{len(mains)} construction contracts: the first is the project's main contract",
                )
        self.ctx.add("projects", row, at)
        progress(self.p, self.at, self.ctx, pid)
        if p.get("transactions"):
            sink.flag(
                at / "transactions",
                len(as_list(p["transactions"], at, sink)),
                "transactions not imported: the payments table holds subcontractor claims only",
            )

    def processes(self, pid: str, project: dict[str, str]) -> list[str]:
        """Contracts of the project's processes; returns the construction contracts' ids."""
        mains: list[str] = []
        for i, cp in enumerate(
            as_list(
                get(self.p, "contractingProcesses", self.at, self.sink),
                self.at / "contractingProcesses",
                self.sink,
            )
        ):
            at = self.at / "contractingProcesses" / i
            if not isinstance(cp, dict):
                continue
            s = obj(get(cp, "summary", at, self.sink), at / "summary", self.sink)
            ocid = text(s.get("ocid")) or text(cp.get("id"))
            if ocid in self.ocds_ocids:
                self.ctx.ocid_projects.append((ocid, pid, text(s.get("externalReference"))))
                continue
            row = self.contract(s, at / "summary", safe_id(text(cp.get("id")) or ocid), project)
            if row:
                row["project_id"] = pid
                if row["kind"] == "construction":
                    mains.append(row["contract_id"])
        return mains

    def contract(self, s: dict[str, Any], at: At, cid: str, project: dict[str, str]) -> dict[str, str] | None:
        sink, money = self.sink, self.ctx.money
        tender = obj(s.get("tender"), at / "tender", sink)
        natures = [text(n).lower() for n in as_list(get(s, "nature", at, sink), at / "nature", sink)]
        kind = (
            next((NATURE[n] for n in natures if n in NATURE), "")
            or KIND.get(text(tender.get("mainProcurementCategory")).lower(), "")
            or infer_kind(s)[0]
        )
        suppliers = as_list(get(s, "suppliers", at, sink), at / "suppliers", sink)
        if not suppliers:
            sink.refuse(at / "suppliers", "", "contract not imported: no supplier")
            return None
        if len(suppliers) > 1:
            sink.flag(at / "suppliers", len(suppliers), f"{len(suppliers)} suppliers: the first is recorded")
        company = self.ctx.companies.add(resolve(suppliers[0], self.parties), at / "suppliers" / 0, cid)
        amount, why = money.amount(get(s, "contractValue", at, sink), at / "contractValue", sink)
        cperiod = obj(s.get("contractPeriod"), at / "contractPeriod", sink)
        signed = day(cperiod.get("startDate"), at / "contractPeriod" / "startDate", sink)
        pe = resolve(
            obj(tender.get("procuringEntity"), at / "tender" / "procuringEntity", sink), self.parties
        )
        method = METHOD.get(text(tender.get("procurementMethod")).lower(), "")
        row = {
            "contract_id": cid,
            "notice_id": "",
            "agency": text(pe.get("name")) or project["agency"],
            "title": text(s.get("title")),
            "kind": kind,
            "method": method,
            "company_id": company,
            "amount": amount,
            "signed_at": signed,
            "start_date": signed,
            "end_date": day(cperiod.get("endDate"), at / "contractPeriod" / "endDate", sink),
            "tenderers": count(tender.get("numberOfTenderers")),
        }
        missing = [k for k in ("title", "kind", "method", "amount", "signed_at", "company_id") if not row[k]]
        if missing:
            reason = why if "amount" in missing and why else ", ".join(missing) + " missing"
            sink.refuse(at, "", f"contract not imported: {reason}")
            return None
        sink.flag(
            at / "contractPeriod" / "startDate",
            signed,
            "OC4IDS has no signing date: the contract period's start is used",
        )
        self.ctx.add("contracts", row, at)
        self.ctx.amendments(
            cid, as_list(s.get("modifications"), at / "modifications", sink), at / "modifications"
        )
        if s.get("transactions"):
            sink.flag(
                at / "transactions",
                len(as_list(s["transactions"], at, sink)),
                "transactions not imported: the payments table holds subcontractor claims only",
            )
        return row
