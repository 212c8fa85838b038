"""The Dataset as OCDS: one compiled release per contracting process, and the release package.

Processes: a plan is a planning process (ocid prefix-plan_id, tender status "planned"); a bid
notice is a contracting process (ocid prefix-notice_id) with its bids, awards and contracts and
a planning link (relatedProcesses) to its plan; a contract without a notice is a process of its
own (ocid prefix-contract_id). Fields the core standard lacks (the bid opening, a bid's rank,
amendments' old and new values, the certificate kind) use the bids extension and OC4IDS names; a
notice divided into lots carries tender.lots and relatedLots on its bids and awards (the lots
extension), and a contract's lot is its award's.

Deterministic: no clock is read (dates are the data's), every list is sorted, JSON keys are
sorted when written. Only public columns exist in the Dataset, so nothing private can leak.
"""

from __future__ import annotations

from typing import Any

from .. import asof
from ..dataset import Dataset
from . import extension, payments
from .lookup import OcidOf, Releases
from .writing import (
    DEFAULTS,
    KIND_OUT,
    METHOD_OUT,
    ExportOptions,
    _clean,
    _day,
    _present,
    agency_party,
    company_party,
    dumps,
)

__all__ = ["DEFAULTS", "ExportOptions", "OcdsWriter", "dumps"]


def _lots(bids: list[dict[str, Any]]) -> list[dict[str, str]]:
    """tender.lots (lots extension) of a notice divided into lots, from its bid results."""
    titles: dict[str, str] = {}
    for b in bids:
        if b.get("lot_id"):
            titles[b["lot_id"]] = titles.get(b["lot_id"]) or b.get("lot_title") or ""
    return [_clean({"id": lot, "title": titles[lot]}) for lot in sorted(titles)]


PARTIES_HELD = 4096  # companies whose party a writer keeps (OcdsWriter._party)


class OcdsWriter:
    """Builds every compiled release of a Dataset once; look them up by contract or by ocid."""

    def __init__(self, ds: Dataset, opts: ExportOptions) -> None:
        self.ds, self.o = ds, opts
        self.companies = ds.index("companies", "company_id")
        self.plans = ds.index("procurement_plans", "plan_id")
        self._parties: dict[str, dict[str, Any]] = {}
        # Releases are made when asked for (``releases[ocid]``), never all held: at Seoul's size
        # they took 2.8 GB of the parent. Nor is a dict of every ocid held (``made_of``, ``ocids``
        # and ``ocid_of`` work them out when read): ~213,000 ocids and their dict were ~20 MB of
        # the parent at Seoul's size (traced), held through the render.
        self._contracts = ds.index("contracts", "contract_id")  # the shared records, not copies
        self._notices = ds.index("bid_notices", "notice_id")
        self._by_notice = ds.group("contracts", "notice_id")
        # Read when a release is made (Dataset.group makes a group's rows then): kept per
        # notice here, the bids were a second copy of the table for as long as the build ran.
        self.bids = ds.group("bid_results", "notice_id")
        amendments = ds.group("contract_amendments", "contract_id")
        self.amendments = amendments
        self.payments = ds.group("contract_payments", "contract_id")
        self.ocid_of = OcidOf(self)
        self.releases = Releases(self)

    def contracts_of(self, notice_id: str) -> list[dict[str, Any]]:
        """A notice's contracts, by contract id."""
        return sorted(self._by_notice.get(notice_id, []), key=lambda c: c["contract_id"])

    def made_of(self, ocid: str) -> dict[str, Any]:
        """The record an ocid's release is made of: a contract without a notice, else a notice
        (with its contracts, read from ``_by_notice`` when the release is made), else a plan.
        An id two kinds share names the first of these."""
        head = f"{self.o.prefix}-"
        if not (isinstance(ocid, str) and ocid.startswith(head)):
            raise KeyError(ocid)
        rid = ocid[len(head):]
        c = self._contracts.get(rid)
        if c is not None and not c.get("notice_id"):
            return c
        found = self._notices.get(rid) or self.plans.get(rid)
        if found is None:
            raise KeyError(ocid)
        return found

    def ocids(self) -> list[str]:
        """Every release's ocid, sorted: plans', notices' and those of contracts without a notice."""
        ids = set(self.plans) | set(self._notices)
        ids.update(cid for cid, c in self._contracts.items() if not c.get("notice_id"))
        return sorted(f"{self.o.prefix}-{i}" for i in ids)

    def release(self, ocid: str) -> dict[str, Any]:
        """The compiled release of one contracting process (or plan), made now."""
        r = self.made_of(ocid)
        if "contract_id" in r:  # a contract without a notice
            return self._process(ocid, None, [r], [])
        if "notice_id" in r:
            nid = r["notice_id"]
            return self._process(ocid, r, self.contracts_of(nid), self.bids.get(nid, []))
        return self._plan(r)

    def _release(self, ocid: str, dates: list[str], agency: str) -> dict[str, Any]:
        when = max(self.o.stamp(d) for d in dates if d)
        buyer = agency_party(agency, self.o.prefix)
        return {
            "ocid": ocid,
            "id": f"{ocid}-{when}",
            "date": when,
            "tag": ["compiled"],
            "initiationType": "tender",
            "language": self.o.language,
            "buyer": buyer,
            "parties": [{**buyer, "roles": ["buyer"]}],
        }

    def _plan(self, p: dict[str, Any]) -> dict[str, Any]:
        ocid = f"{self.o.prefix}-{p['plan_id']}"
        month = p.get("planned_month")
        rel = self._release(ocid, [f"{month}-01" if month else _day(asof.of(self.ds))], p["agency"])
        rel["planning"] = _clean(
            {
                "rationale": p.get("description"),
                "budget": _clean(
                    {
                        "amount": self.o.value(p["estimated_amount"])
                        if _present(p.get("estimated_amount"))
                        else None
                    }
                ),
            }
        )
        rel["tender"] = _clean(
            {
                "id": p["plan_id"],
                "title": p["title"],
                "status": "planned",
                "mainProcurementCategory": KIND_OUT[p["kind"]],
                "procurementMethod": METHOD_OUT.get(p.get("method") or ""),
                "tenderPeriod": {"startDate": self.o.stamp(f"{month}-01")} if month else None,
            }
        )
        return _clean(rel)

    def _process(
        self, ocid: str, n: dict[str, Any] | None, contracts: list[dict[str, Any]], bids: list[dict[str, Any]]
    ) -> dict[str, Any]:
        head = n or contracts[0]
        dates = [c["signed_at"] for c in contracts] + [
            a["date"] for c in contracts for a in self.amendments.get(c["contract_id"], [])
        ]
        if n:
            dates += [n["published_at"][:10]]
        rel = self._release(ocid, dates, head["agency"])
        roles: dict[str, list[str]] = {}
        tender: dict[str, Any] = {
            "id": n["notice_id"] if n else contracts[0]["contract_id"],
            "title": head["title"],
            "mainProcurementCategory": KIND_OUT[head["kind"]],
            "procurementMethod": METHOD_OUT[head["method"]],
            "status": "complete" if contracts else "active",
        }
        if contracts and _present(contracts[0].get("tenderers")):
            tender["numberOfTenderers"] = int(contracts[0]["tenderers"])
        if n:
            tender.update(
                tenderPeriod={
                    "startDate": self.o.stamp(n["published_at"]),
                    "endDate": self.o.stamp(n["deadline"]),
                },
                value=self.o.value(n["estimated_price"]) if _present(n.get("estimated_price")) else None,
                eligibilityCriteria=n.get("eligibility"),
                submissionMethodDetails=n.get("required_documents"),
                bidOpening={"date": self.o.stamp(n["opening_at"])} if n.get("opening_at") else None,
            )
            if n.get("plan_id") and n["plan_id"] in self.plans:
                rel["relatedProcesses"] = [
                    {
                        "id": "1",
                        "relationship": ["planning"],
                        "scheme": "ocid",
                        "identifier": f"{self.o.prefix}-{n['plan_id']}",
                        "title": self.plans[n["plan_id"]]["title"],
                    }
                ]
        lots = _lots(bids)
        if lots:
            tender["lots"] = lots
        rel["tender"] = _clean(tender)
        details, awards, winners = [], [], {}
        for b in sorted(bids, key=lambda r: (r.get("lot_id") or "", r["company_id"])):
            roles.setdefault(b["company_id"], []).append("tenderer")
            lot = b.get("lot_id") or ""
            related = [lot] if lot else None  # the lots and bids extensions' relatedLots
            details.append(
                _clean(
                    {
                        "id": "-".join(filter(None, (tender["id"], lot, b["company_id"]))),
                        "value": self.o.value(b["bid_amount"]),
                        "tenderers": [self._ref(b["company_id"])],
                        "status": "disqualified" if b.get("disqualified_reason") else "valid",
                        "statusDetails": b.get("disqualified_reason"),
                        "rank": int(b["rank"]) if _present(b.get("rank")) else None,
                        "relatedLots": related,
                    }
                )
            )
            if b.get("winner"):
                winners[b["company_id"], lot] = "-".join(filter(None, ("award", lot, b["company_id"])))
                awards.append(
                    _clean(
                        {
                            "id": winners[b["company_id"], lot],
                            "status": "active",
                            "value": self.o.value(b["bid_amount"]),
                            "suppliers": [self._ref(b["company_id"])],
                            "relatedLots": related,
                        }
                    )
                )
        if details:
            rel["bids"] = {"details": details}
        out = []
        for c in contracts:
            roles.setdefault(c["company_id"], []).append("supplier")
            award_id = winners.get((c["company_id"], c.get("lot_id") or ""))
            if award_id is None:
                award_id = f"award-{c['contract_id']}"
                awards.append(
                    _clean(
                        {
                            "id": award_id,
                            "status": "active",
                            "date": self.o.stamp(c["signed_at"]),
                            "value": self.o.value(c["amount"]),
                            "suppliers": [self._ref(c["company_id"])],
                            "relatedLots": [c["lot_id"]] if c.get("lot_id") else None,
                        }
                    )
                )
            out.append(self._contract(c, award_id, head))
        if awards:
            rel["awards"] = awards
        if out:
            rel["contracts"] = out
            projects = {c.get("project_id") for c in contracts}
            if len(projects) == 1 and _present(next(iter(projects))):
                rel["planning"] = {"budget": {"projectID": next(iter(projects))}}
        rel["parties"] += [{**self._party(cid), "roles": sorted(set(r))} for cid, r in sorted(roles.items())]
        return _clean(rel)

    def _party(self, cid: str) -> dict[str, Any]:
        """A company as a party, kept for the next processes it appears in, up to
        ``PARTIES_HELD`` companies. Why bounded: kept for every company, the forked package
        writer held 57,191 parties at Seoul's size (~43 MB traced, at the peak of the contexts'
        phase) and each render worker writing record files its own; a party takes ~4.5 us to
        make again."""
        parties = self._parties
        found = parties.get(cid)
        if found is None:
            if len(parties) >= PARTIES_HELD:
                parties.clear()
            found = parties[cid] = company_party(cid, self.companies, [])
        return found

    def _ref(self, cid: str) -> dict[str, str]:
        return {"id": cid, "name": (self.companies.get(cid) or {}).get("name") or cid}

    def _contract(self, c: dict[str, Any], award_id: str, head: dict[str, Any]) -> dict[str, Any]:
        amends = sorted(
            self.amendments.get(c["contract_id"], []), key=lambda a: (a["date"], a.get("seq") or 1)
        )
        out = {
            "id": c["contract_id"],
            "awardID": award_id,
            "title": c["title"],
            "status": "active",
            "value": self.o.value(c["amount"]),
            "dateSigned": self.o.stamp(c["signed_at"]),
            "period": _clean(
                {
                    "startDate": self.o.stamp(c["start_date"]) if c.get("start_date") else None,
                    "endDate": self.o.stamp(c["end_date"]) if c.get("end_date") else None,
                }
            ),
            "workType": c.get("work_type"),
            "projectID": c.get("project_id"),
            "amendments": [self._amendment(c["contract_id"], a) for a in amends],
            "implementation": {"transactions": payments.export(
                self.payments[c["contract_id"]], c["contract_id"], self.o,
                agency_party(c["agency"], self.o.prefix), self._ref(c["company_id"]))}
            if self.payments.get(c["contract_id"]) else None,
        }
        for field, ours, theirs in (
            ("procurementMethod", METHOD_OUT, "method"),
            ("mainProcurementCategory", KIND_OUT, "kind"),
        ):
            if c[theirs] != head[theirs]:
                out[field] = ours[c[theirs]]
        return _clean(out)

    def _amendment(self, cid: str, a: dict[str, Any]) -> dict[str, Any]:
        def amount(k: str) -> dict[str, Any] | None:
            return self.o.value(a[k]) if _present(a.get(k)) else None

        def end(k: str) -> dict[str, Any] | None:
            return {"endDate": self.o.stamp(a[k])} if a.get(k) else None

        return _clean(
            {
                "id": f"{cid}-{a['date']}-{a.get('seq') or 1}",
                "date": self.o.stamp(a["date"]),
                "sequence": int(a["seq"]) if _present(a.get("seq")) else None,
                "rationale": a.get("reason"),
                "oldContractValue": amount("amount_before"),
                "newContractValue": amount("amount_after"),
                "oldContractPeriod": end("end_before"),
                "newContractPeriod": end("end_after"),
            }
        )

    def package(self) -> dict[str, Any]:
        releases = [self.releases[k] for k in self.releases]
        return {**self.package_head(), **({"releases": releases} if releases else {})}

    def package_head(self) -> dict[str, Any]:
        """The package without its releases (clearbuild.ocds.writing.package_of_lines streams them)."""
        return _clean(
            {
                "uri": self.o.uri("ocds-release-package.json"),
                "version": "1.1",
                "publishedDate": self.o.stamp(_day(asof.of(self.ds))),
                "publisher": {"name": self.o.publisher},
                "license": self.o.license,
                "extensions": extension.declared(self.o),
            }
        )
