"""The Dataset's projects as OC4IDS: one project per Allimi project, and the project package.

Each project names its contracting processes by the same ocids as the OCDS release package, so
a reader can follow a project to its contracts' full OCDS records. Progress goes out as the
physicalProgress metric (actual) and forecast (planned); the exact clearbuild category and
status travel in additionalClassifications and statusDetails, so an import gets them back. The
project's public documents go in ``documents``, linked where the site publishes their files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import asof, urls
from ..dataset import Dataset
from .export import OcdsWriter
from .projects import AREA_SCHEME, CATEGORY_SCHEME
from .writing import ExportOptions, _clean, _day, _present, agency_party, company_party

SECTOR_OUT = {
    "road": ["transport", "transport.road"],
    "bridge": ["transport", "transport.road"],
    "rail": ["transport", "transport.rail"],
    "river": ["water"],
    "water": ["water"],
    "sewer": ["water"],
    "school": ["education"],
    "building": [],
    "park": [],
    "other": [],
}
STATUS_OUT = {
    "planned": "preparation",
    "tendering": "preparation",
    "in_progress": "implementation",
    "suspended": "implementation",
    "completed": "completed",
}
NATURE_OUT = {"construction": "construction", "services": "supervision", "goods": "construction"}
# project_documents.kind -> the OC4IDS documentType codelist (open); "other" gets no type.
DOCUMENT_TYPE_OUT = {
    "inspection_report": "physicalProgressReport",
    "design_change": "contractSchedule",     # an addendum changing the works contract
    "completion": "completionCertificate",
    "safety_plan": "riskProvisions",         # how the site's risks are managed
    "minutes": "minutes",
}
MEDIA_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg",
               ".jpeg": "image/jpeg", ".webp": "image/webp"}


class Oc4idsWriter:
    def __init__(self, ds: Dataset, ocds: OcdsWriter) -> None:
        self.ds, self.ocds, self.o = ds, ocds, ocds.o
        self.contracts = ds.group("contracts", "project_id")
        self.by_id = ds.index("contracts", "contract_id")
        self.progress = ds.group("progress", "project_id")
        self.documents = ds.group("project_documents", "project_id")

    def project(self, p: dict[str, Any]) -> dict[str, Any]:
        o = self.o
        pid = p["project_id"]
        contracts = {c["contract_id"]: c for c in self.contracts.get(pid, [])}
        if p.get("contract_id") in self.by_id:
            contracts[p["contract_id"]] = self.by_id[p["contract_id"]]
        agency = agency_party(p["agency"], o.prefix)
        parties = [{**agency, "roles": ["publicAuthority"]}]
        parties += [
            {**agency_party(p[role], o.prefix), "roles": [role]}
            for role in ("supervisor", "inspector")
            if p.get(role)
        ]
        parties += [
            company_party(c["company_id"], self.ocds.companies, ["supplier"])
            for c in sorted(contracts.values(), key=lambda c: c["contract_id"])
        ]
        progress = sorted(self.progress.get(pid, []), key=lambda r: r["date"])
        dates = [d for d in (p.get("start_date"), p.get("actual_end_date")) if d] + [
            r["date"] for r in progress
        ]
        dates += [c["signed_at"] for c in contracts.values()]
        return _clean(
            {
                "id": pid,
                "title": p["name"],
                "description": p.get("description"),
                "updated": o.stamp(max(dates) if dates else _day(asof.of(self.ds))),
                "status": STATUS_OUT[p["status"]],
                "statusDetails": p["status"],
                "sector": SECTOR_OUT.get(p["category"]),
                "additionalClassifications": [{"scheme": CATEGORY_SCHEME, "id": p["category"]}],
                "period": _clean(
                    {
                        "startDate": o.stamp(p["start_date"]) if p.get("start_date") else None,
                        "endDate": o.stamp(p["planned_end_date"]) if p.get("planned_end_date") else None,
                    }
                ),
                "completion": _clean(
                    {"endDate": o.stamp(p["actual_end_date"]) if p.get("actual_end_date") else None}
                ),
                "locations": [
                    _clean(
                        {
                            "id": "1",
                            "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                            "address": _clean({"streetAddress": p.get("address")}),
                            "gazetteer": {
                                "scheme": AREA_SCHEME,
                                "identifiers": [x for x in (p["district_code"], p.get("dong_code")) if x],
                            },
                        }
                    )
                ],
                "budget": {"amount": o.value(p["budget"])},
                "parties": _unique(parties),
                "contractingProcesses": [
                    self._process(c) for c in sorted(contracts.values(), key=lambda c: c["contract_id"])
                ],
                "metrics": self._observations(progress, "actual_pct"),
                "forecasts": self._observations(progress, "planned_pct"),
                "documents": [self._document(d) for d in sorted(self.documents.get(pid, []),
                                                                key=lambda d: (d["date"], d["doc_id"]))],
            }
        )

    def _document(self, d: dict[str, Any]) -> dict[str, Any]:
        """One public document (ingest dropped the private ones). The link is absolute, under
        the site's address (CB_OCDS_SITE_URL); without one there is no link to give, since
        OC4IDS wants a full URI and a path means nothing outside the site."""
        try:
            path = urls.document_path(d["doc_id"], d.get("file") or "")
        except ValueError:
            path = ""
        base = self.o.base_url.rstrip("/")
        return _clean({
            "id": d["doc_id"],
            "documentType": DOCUMENT_TYPE_OUT.get(d["kind"]),
            "title": d["title"],
            "datePublished": self.o.stamp(d["date"]),
            "url": f"{base}/{path}" if base and path else None,
            "format": MEDIA_TYPES.get(path[path.rfind("."):]) if path else None,
        })

    def _process(self, c: dict[str, Any]) -> dict[str, Any]:
        o = self.o
        ocid = self.ocds.ocid_of[c["contract_id"]]
        rel = self.ocds.releases[ocid]
        contract = next(x for x in rel["contracts"] if x["id"] == c["contract_id"])
        mods = [
            _clean(
                {
                    k: a.get(k)
                    for k in (
                        "id",
                        "date",
                        "rationale",
                        "oldContractValue",
                        "newContractValue",
                        "oldContractPeriod",
                        "newContractPeriod",
                    )
                }
            )
            for a in contract.get("amendments", [])
        ]
        return {
            "id": ocid,
            "summary": _clean(
                {
                    "ocid": ocid,
                    "externalReference": c["contract_id"],
                    "title": c["title"],
                    "nature": [NATURE_OUT[c["kind"]]],
                    "status": "active",
                    "tender": _clean(
                        {
                            "procurementMethod": rel["tender"].get("procurementMethod"),
                            "procuringEntity": {"id": rel["buyer"]["id"], "name": rel["buyer"]["name"]},
                        }
                    ),
                    "suppliers": [
                        {
                            "id": c["company_id"],
                            "name": (self.ocds.companies.get(c["company_id"]) or {}).get("name")
                            or c["company_id"],
                        }
                    ],
                    "contractValue": o.value(c["amount"]),
                    "contractPeriod": contract.get("period"),
                    "modifications": mods,
                }
            ),
        }

    def _observations(self, rows: list[dict[str, Any]], col: str) -> list[dict[str, Any]]:
        obs = [
            _clean(
                {
                    "id": str(i + 1),
                    "measure": f"{float(r[col]):g}",
                    "unit": {"name": "percent"},
                    "period": {"startDate": self.o.stamp(r["date"]), "endDate": self.o.stamp(r["date"])},
                    "notes": r.get("note") if col == "actual_pct" else None,
                }
            )
            for i, r in enumerate(rows)
            if _present(r.get(col))
        ]
        return [{"id": "physicalProgress", "title": "Physical progress", "observations": obs}] if obs else []

    def projects(self) -> list[dict[str, Any]]:
        return list(self.each_project())

    def each_project(self, start: int = 0, stop: int | None = None) -> Iterator[dict[str, Any]]:
        """The package's projects one at a time, in id order (``projects`` holds them all);
        those from ``start`` to ``stop`` in that order."""
        for p in sorted(self.ds.records("projects"), key=lambda r: r["project_id"])[start:stop]:
            yield self.project(p)

    def count(self) -> int:
        """How many projects the package has."""
        return len(self.ds.records("projects"))

    def package(self, projects: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return _clean(
            {
                "uri": self.o.uri("oc4ids-project-package.json"),
                "version": "0.9",
                "publishedDate": self.o.stamp(_day(asof.of(self.ds))),
                "publisher": {"name": self.o.publisher},
                "license": self.o.license,
                "projects": projects if projects is not None else self.projects(),
            }
        )


def _unique(parties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for p in parties:
        if p["id"] in seen:
            seen[p["id"]]["roles"] = sorted(set(seen[p["id"]]["roles"]) | set(p["roles"]))
        else:
            seen[p["id"]] = dict(p)
    return list(seen.values())


def writers(ds: Dataset, opts: ExportOptions) -> tuple[OcdsWriter, Oc4idsWriter]:
    ocds = OcdsWriter(ds, opts)
    return ocds, Oc4idsWriter(ds, ocds)
