"""One OCDS contracting process (a compiled release) -> rows of the contract tables.

A process is a plan while its tender is not published (tender.status planning/planned, or no
tender period); otherwise it is a bid notice with its bids, and its contracts are contracts.
OCDS ids of contracts and awards are unique only inside their ocid, so they are scoped by it
(clearbuild.ocds.common.scoped).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..schema import WORK_TYPE
from .common import At, Sink, as_list, day, duration, get, minute, obj, process_id, safe_id, scoped, text
from .context import Ctx
from .parties import resolve

KIND = {
    "works": "construction",
    "goods": "goods",
    "services": "services",
    "consultingservices": "services",
    "construction": "construction",
}
METHOD = {"open": "open", "selective": "restricted", "limited": "designated", "direct": "sole_source"}
NOT_PUBLISHED = {"planning", "planned"}


def _cpv_kind(code: str) -> str:
    division = int(code[:2])
    return "construction" if division == 45 else "goods" if division <= 44 or division == 48 else "services"


def _unspsc_kind(code: str) -> str:
    segment = int(code[:2])
    return "construction" if segment == 72 else "goods" if segment <= 60 else "services"


def infer_kind(node: Any, at: At | None = None, sink: Sink | None = None) -> tuple[str, str]:
    """Kind from the first CPV or UNSPSC classification anywhere in the process (every
    classification is visited, so a misspelt key in any of them is flagged)."""
    found: tuple[str, str] = ("", "")
    stack: list[tuple[Any, At]] = [(node, at or At("", 0, ""))]
    while stack:
        cur, where = stack.pop(0)
        if isinstance(cur, dict):
            scheme = text(
                get(cur, "scheme", where, sink)
                if sink and "id" in cur and ("description" in cur or "uri" in cur)
                else cur.get("scheme")
            ).upper()
            code = text(cur.get("id"))
            if not found[0] and re.match(r"^\d{8}", code):
                if "CPV" in scheme:
                    found = (_cpv_kind(code), f"CPV {code}")
                elif "UNSPSC" in scheme or "UNSPSC" in text(cur.get("description")).upper():
                    found = (_unspsc_kind(code), f"UNSPSC {code}")
            stack.extend((v, where / k) for k, v in cur.items())
        elif isinstance(cur, list):
            stack.extend((v, where / i) for i, v in enumerate(cur))
    return found


TITLE_WORDS = (  # clear words only; anything else stays unknown and the row is refused
    (
        "services",
        ("servicio", "service", "asesoria", "consultor", "consulting", "mantenimiento", "послуг", "услуг"),
    ),
    (
        "construction",
        (
            "obra",
            "construccion",
            "construction",
            "works",
            "rehabilitacion",
            "будівництв",
            "реконструкц",
            "строительств",
        ),
    ),
    (
        "goods",
        (
            "adquisicion",
            "compra",
            "suministro",
            "bienes",
            "purchase",
            "supply",
            "goods",
            "equipment",
            "equipos",
            "закупівл",
            "поставк",
        ),
    ),
)


def title_kind(title: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", title.lower()) if not unicodedata.combining(c))
    words = re.findall(r"\w+", plain)
    for kind, stems in TITLE_WORDS:
        if any(w.startswith(stem) for w in words for stem in stems):
            return kind
    return ""


class Process:
    """Reads one compiled release; every problem names its JSON path."""

    def __init__(self, rel: dict[str, Any], at: At, ctx: Ctx) -> None:
        self.rel, self.at, self.ctx, self.sink = rel, at, ctx, ctx.sink
        self.ocid = text(rel.get("ocid"))
        self.own = bool(ctx.prefix) and self.ocid.startswith(ctx.prefix + "-")  # ids are this site's own
        self.tender = obj(get(rel, "tender", at, self.sink), at / "tender", self.sink)
        self.parties = {
            text(p.get("id")): p
            for p in as_list(get(rel, "parties", at, self.sink), at / "parties", self.sink)
            if isinstance(p, dict) and text(p.get("id"))
        }
        self.awards = [
            a
            for a in as_list(get(rel, "awards", at, self.sink), at / "awards", self.sink)
            if isinstance(a, dict)
        ]
        self.agency = self._agency()
        self.kind = self._kind()
        self.status = text(self.tender.get("status")).lower()
        period = self.tender.get("tenderPeriod") if isinstance(self.tender.get("tenderPeriod"), dict) else {}
        self.advertised = bool(
            period.get("startDate") or period.get("endDate") or self.tender.get("datePublished")
        )

    def _agency(self) -> str:
        for key in ("buyer",):
            ref = resolve(obj(get(self.rel, key, self.at, self.sink), self.at / key, self.sink), self.parties)
            if text(ref.get("name")):
                return text(ref["name"])
        pe = resolve(
            obj(
                get(self.tender, "procuringEntity", self.at / "tender", self.sink),
                self.at / "tender" / "procuringEntity",
                self.sink,
            ),
            self.parties,
        )
        if text(pe.get("name")):
            return text(pe["name"])
        for p in self.parties.values():
            if "buyer" in (p.get("roles") or []) and text(p.get("name")):
                return text(p["name"])
        return ""

    def _kind(self) -> str:
        cat = text(get(self.tender, "mainProcurementCategory", self.at / "tender", self.sink))
        if KIND.get(cat.lower()):
            return KIND[cat.lower()]
        where = self.at / "tender" / "mainProcurementCategory"
        kind, source = infer_kind(self.rel, self.at, self.sink)
        if kind:
            self.sink.flag(where, cat, f"kind not published: {kind}, inferred from {source}")
            return kind
        for c in [self.tender] + [c for c in self.rel.get("contracts") or [] if isinstance(c, dict)]:
            title = text(c.get("title")) + " " + text(c.get("description"))
            kind = title_kind(title)
            if kind:
                self.sink.flag(
                    where,
                    cat,
                    f"kind not published: {kind}, inferred from the words of {title.strip()[:60]!r}",
                )
                return kind
        return ""

    def method(self, published: bool) -> str:
        raw = text(get(self.tender, "procurementMethod", self.at / "tender", self.sink))
        if METHOD.get(raw.lower()):
            return METHOD[raw.lower()]
        if published:
            self.sink.flag(
                self.at / "tender" / "procurementMethod",
                raw,
                "procurement method not "
                "published: read as open, because the tender was advertised with a tender period",
            )
            return "open"
        return ""

    def required(self, at: At, what: str, row: dict[str, str], cols: tuple[str, ...]) -> bool:
        """Refuse a row the tables would refuse anyway, with the reason in OCDS terms."""
        names = {
            "agency": "no buyer or procuring entity name",
            "kind": "no mainProcurementCategory and no CPV or UNSPSC classification to infer the kind from",
            "title": "no title",
        }
        missing = [c for c in cols if not row.get(c)]
        for c in missing:
            self.sink.refuse(at, "", f"{what} not imported: {names.get(c, c + ' missing')}")
        return not missing

    # -- tables --------------------------------------------------------------------------------

    def read(self) -> None:
        period = obj(
            get(self.tender, "tenderPeriod", self.at / "tender", self.sink),
            self.at / "tender" / "tenderPeriod",
            self.sink,
        )
        duration(period, self.at / "tender" / "tenderPeriod", self.sink)
        if (
            self.status in NOT_PUBLISHED
            or not self.tender
            or not (period.get("endDate") or period.get("startDate"))
        ):
            if not self.rel.get("contracts") and not self.rel.get("awards"):
                self.plan(period)
                return
        notice_id = self.notice(period)
        winners = self.bids(notice_id)
        self.contracts(notice_id, winners)

    def plan(self, period: dict[str, Any]) -> None:
        at = self.at / "planning"
        planning = obj(get(self.rel, "planning", self.at, self.sink), at, self.sink)
        budget = obj(get(planning, "budget", at, self.sink), at / "budget", self.sink)
        amount, why = self.ctx.money.amount(
            get(budget, "amount", at / "budget", self.sink), at / "budget" / "amount", self.sink
        )
        if not amount and self.tender.get("value"):
            amount, why = self.ctx.money.amount(self.tender["value"], self.at / "tender" / "value", self.sink)
        if why.startswith("amount in"):
            self.sink.flag(at / "budget" / "amount", "", why + "; estimated amount left empty")
        month = day(period.get("startDate"), self.at / "tender" / "tenderPeriod" / "startDate", self.sink)[:7]
        row = {
            "plan_id": process_id(self.ocid, self.tender.get("id")),
            "agency": self.agency,
            "title": text(self.tender.get("title"))
            or text(budget.get("description"))
            or text(budget.get("project"))
            or text(planning.get("rationale")),
            "kind": self.kind,
            "method": self.method(False),
            "estimated_amount": amount,
            "planned_month": month,
        }
        if self.required(self.at, "plan", row, ("agency", "title", "kind")):
            self.ctx.add("procurement_plans", row, self.at)
            self.ctx.plans[self.ocid] = row["plan_id"]

    def notice(self, period: dict[str, Any]) -> str:
        at = self.at / "tender"
        if not self.tender:
            return ""
        published = minute(
            get(self.tender, "datePublished", at, self.sink) or period.get("startDate"),
            at / "tenderPeriod" / "startDate",
            self.sink,
        )
        deadline = minute(period.get("endDate"), at / "tenderPeriod" / "endDate", self.sink)
        if not published or not deadline:
            if METHOD.get(text(self.tender.get("procurementMethod")).lower()) == "sole_source":
                return ""  # a direct award without a tender period: no notice, and nothing missing
            self.sink.flag(
                at / "tenderPeriod",
                period,
                "tender has no publication date or bid deadline "
                "(tenderPeriod): no bid notice; its contracts are kept without one",
            )
            return ""
        if deadline < published:
            self.sink.flag(
                at / "tenderPeriod" / "endDate",
                deadline,
                f"bid deadline before publication "
                f"({published}): no bid notice; its contracts are kept without one",
            )
            return ""
        est, why = self.ctx.money.amount(self.tender.get("value"), at / "value", self.sink)
        if why.startswith("amount in"):
            self.sink.flag(at / "value", "", why + "; estimated price left empty")
        opening = minute(
            obj(self.tender.get("bidOpening"), at / "bidOpening", self.sink).get("date"),
            at / "bidOpening" / "date",
            self.sink,
        )
        if opening and opening < deadline:
            self.sink.flag(at / "bidOpening", opening, "bid opening before the deadline; ignored")
            opening = ""
        row = {
            "notice_id": process_id(self.ocid, self.tender.get("id")),
            "agency": self.agency,
            "title": text(self.tender.get("title"))
            or next((text(a.get("title")) for a in self.awards if text(a.get("title"))), ""),
            "kind": self.kind,
            "method": self.method(self.advertised),
            "estimated_price": est,
            "eligibility": text(self.tender.get("eligibilityCriteria")),
            "published_at": published,
            "deadline": deadline,
            "opening_at": opening,
        }
        if not self.required(at, "bid notice", row, ("agency", "title", "kind")):
            return ""
        self.ctx.add("bid_notices", row, at)
        for i, rp in enumerate(
            as_list(self.rel.get("relatedProcesses"), self.at / "relatedProcesses", self.sink)
        ):
            if isinstance(rp, dict) and "planning" in (rp.get("relationship") or []):
                self.ctx.plan_links.append(
                    (row, text(rp.get("identifier")), self.at / "relatedProcesses" / i)
                )
        return row["notice_id"]

    def bids(self, notice_id: str) -> set[str]:
        """Bid results (bids extension), one row per company; returns the winners' ids."""
        winners: set[str] = set()
        bids_at = self.at / "bids" / "details"
        details = as_list(
            obj(self.rel.get("bids"), self.at / "bids", self.sink).get("details"), bids_at, self.sink
        )
        for i, a in enumerate(self.awards if details else []):
            if text(a.get("status")).lower() in ("", "active"):
                for j, s in enumerate(
                    as_list(
                        get(a, "suppliers", self.at / "awards" / i, self.sink),
                        self.at / "awards" / i / "suppliers",
                        self.sink,
                    )
                ):
                    winners.add(
                        self.ctx.companies.add(
                            resolve(s, self.parties), self.at / "awards" / i / "suppliers" / j, self.ocid
                        )
                    )
        if not details and self.tender.get("tenderers"):
            self.sink.flag(
                self.at / "tender" / "tenderers",
                len(self.tender["tenderers"]),
                "tenderers published without bid amounts: no bid results",
            )
        per: dict[str, dict[str, Any]] = {}
        for i, bid in enumerate(details):
            bat = bids_at / i
            if not isinstance(bid, dict):
                continue
            if not notice_id:
                self.sink.refuse(bat, bid.get("id"), "bid of a process without a bid notice")
                continue
            amount, why = self.ctx.money.amount(bid.get("value"), bat / "value", self.sink)
            if not amount:
                self.sink.refuse(bat / "value", bid.get("value"), f"bid not imported: {why}")
                continue
            for j, t in enumerate(
                as_list(get(bid, "tenderers", bat, self.sink), bat / "tenderers", self.sink)
            ):
                cid = self.ctx.companies.add(resolve(t, self.parties), bat / "tenderers" / j, self.ocid)
                if not cid:
                    continue
                p = per.setdefault(
                    cid, {"n": 0, "amount": 0, "bad": [], "rank": text(bid.get("rank")), "at": bat}
                )
                p["n"] += 1
                p["amount"] += int(amount)
                if text(bid.get("status")).lower() == "disqualified":
                    p["bad"].append(text(bid.get("statusDetails")) or "disqualified")
        for cid, p in per.items():
            if p["n"] > 1:
                self.sink.flag(
                    p["at"], p["n"], f"{p['n']} bids of {cid} (one per lot) summed into one bid result"
                )
            self.ctx.add(
                "bid_results",
                {
                    "notice_id": notice_id,
                    "company_id": cid,
                    "bid_amount": str(p["amount"]),
                    "rank": p["rank"] if p["rank"].isdigit() and p["n"] == 1 else "",
                    "winner": "true" if cid in winners else "false",
                    "disqualified_reason": "; ".join(p["bad"]) if len(p["bad"]) == p["n"] else "",
                },
                p["at"],
            )
        return winners

    def contracts(self, notice_id: str, winners: set[str]) -> None:
        awards = {text(a.get("id")): (i, a) for i, a in enumerate(self.awards)}
        used: set[str] = set()
        for i, c in enumerate(
            as_list(get(self.rel, "contracts", self.at, self.sink), self.at / "contracts", self.sink)
        ):
            if isinstance(c, dict):
                used.add(text(c.get("awardID")))
                self.contract(c, self.at / "contracts" / i, awards, notice_id)
        for aid, (i, a) in awards.items():
            if aid not in used and text(a.get("status")).lower() in ("", "active"):
                self.sink.flag(self.at / "awards" / i, aid, "award without a contract: not imported as one")

    def contract(
        self, c: dict[str, Any], at: At, awards: dict[str, tuple[int, dict[str, Any]]], notice_id: str
    ) -> None:
        sink = self.sink
        ai, award = awards.get(text(c.get("awardID")), (-1, {}))
        aat = self.at / "awards" / ai
        if text(c.get("status")).lower() == "pending" and not get(c, "dateSigned", at, sink):
            sink.refuse(at / "status", "pending", "contract not signed yet (status pending): not imported")
            return
        suppliers = as_list(get(c, "suppliers", at, sink), at / "suppliers", sink)
        sat = at / "suppliers"
        if not suppliers:
            suppliers, sat = (
                as_list(get(award, "suppliers", aat, sink), aat / "suppliers", sink),
                aat / "suppliers",
            )
        if not suppliers:
            sink.refuse(at, c.get("id"), "contract has no supplier (neither its own nor its award's)")
            return
        if len(suppliers) > 1:
            sink.flag(
                sat, len(suppliers), f"{len(suppliers)} suppliers: the first is recorded as the contractor"
            )
        company = self.ctx.companies.add(resolve(suppliers[0], self.parties), sat / 0, self.ocid)
        amount, why = self.ctx.money.amount(c.get("value"), at / "value", sink)
        award_amount, _ = (
            self.ctx.money.amount(award.get("value"), aat / "value", sink) if award else ("", "")
        )
        if not amount and award_amount and not why.startswith("amount in"):
            sink.flag(at / "value", c.get("value"), "contract value missing: its award's value is used")
            amount = award_amount
        elif amount and award_amount and amount != award_amount:
            diff = abs(int(amount) - int(award_amount))
            sink.flag(
                at / "value" / "amount",
                c["value"].get("amount"),
                f"contract value differs from its "
                f"award's ({award.get('value', {}).get('amount')}) by {diff:,} minor units",
            )
        if not amount:
            sink.refuse(at / "value", c.get("value"), f"contract not imported: {why}")
            return
        cperiod = obj(get(c, "period", at, sink), at / "period", sink)
        duration(cperiod, at / "period", sink)
        signed = day(get(c, "dateSigned", at, sink), at / "dateSigned", sink)
        for value, where, note in (
            (award.get("date"), aat / "date", "its award's date"),
            (cperiod.get("startDate"), at / "period" / "startDate", "its start date"),
        ):
            if not signed:
                signed = day(value, where, sink)
                if signed:
                    sink.flag(at / "dateSigned", "", f"date signed missing: {note} is used")
        if not signed:
            sink.refuse(
                at / "dateSigned", "", "contract not imported: no date signed, award date or start date"
            )
            return
        method = self.method(self.advertised)
        if not notice_id and method != "sole_source":
            sink.flag(at, c.get("id"), "no bid notice for this contract in the data: kept without one")
        row = {
            "contract_id": safe_id(c["id"])
            if self.own and text(c.get("id"))
            else scoped(self.ocid, c.get("id") if text(c.get("id")) else f"contract-{at.path}"),
            "notice_id": notice_id,
            "agency": self.agency,
            "title": text(c.get("title"))
            or text(award.get("title"))
            or text(self.tender.get("title"))
            or text(c.get("description")),
            "kind": KIND.get(text(c.get("mainProcurementCategory")).lower()) or self.kind,
            "method": METHOD.get(text(c.get("procurementMethod")).lower()) or method,
            "work_type": text(c.get("workType")) if text(c.get("workType")) in WORK_TYPE else "",
            "company_id": company,
            "amount": amount,
            "signed_at": signed,
            "start_date": day(cperiod.get("startDate"), at / "period" / "startDate", sink),
            "end_date": day(cperiod.get("endDate"), at / "period" / "endDate", sink),
        }
        if not company or not self.required(at, "contract", row, ("agency", "title", "kind", "method")):
            return
        planning = obj(self.rel.get("planning"), self.at / "planning", sink)
        project = text(c.get("projectID")) or text(
            obj(planning.get("budget"), self.at / "planning" / "budget", sink).get("projectID")
        )
        if project:
            self.ctx.project_links.append((row, project, at))
        self.ctx.add("contracts", row, at)
        self.ctx.by_ocid.setdefault(self.ocid, []).append(row)
        self.ctx.amendments(
            row["contract_id"], as_list(c.get("amendments"), at / "amendments", sink), at / "amendments"
        )
        impl = obj(c.get("implementation"), at / "implementation", sink)
        if impl.get("transactions"):
            sink.flag(
                at / "implementation" / "transactions",
                len(as_list(impl["transactions"], at, sink)),
                "transactions not imported: the payments table holds subcontractor claims only",
            )
