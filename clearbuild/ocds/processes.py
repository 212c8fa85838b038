"""One OCDS contracting process (a compiled release) -> rows of the contract tables.

A process is a plan while its tender is not published (tender.status planning/planned, or no
tender period); otherwise it is a bid notice with its bids, and its contracts are contracts.
OCDS ids of contracts and awards are unique only inside their ocid, so they are scoped by it
(clearbuild.ocds.common.scoped).
"""

from __future__ import annotations

from typing import Any

from .awards import ContractsPart
from .common import At, as_list, day, duration, get, minute, obj, process_id, text
from .context import Ctx
from .kinds import KIND, METHOD, infer_kind, title_kind
from .parties import resolve
from .tolerance import legal_name, method_type, release_title

NOT_PUBLISHED = {"planning", "planned"}


class Process(ContractsPart):
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
        self._methods: dict[bool, str] = {}
        self._name: str | None = None
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
            name = legal_name(ref, self.at / key, self.sink)
            if name:
                return name
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

    def release_name(self) -> str:
        """The release's name, the title of last resort (flagged once, when used)."""
        if self._name is None:
            self._name = release_title(self.rel, self.at, self.sink)
        return self._name

    def method(self, published: bool) -> str:
        if published not in self._methods:
            self._methods[published] = self._method(published)
        return self._methods[published]

    def _method(self, published: bool) -> str:
        raw = text(get(self.tender, "procurementMethod", self.at / "tender", self.sink))
        typed = method_type(self.tender)
        if typed:
            if METHOD.get(raw.lower()) != typed:
                self.sink.flag(self.at / "tender" / "procurementMethodType",
                               self.tender.get("procurementMethodType"),
                               f"procurementMethod {raw or '(none)'!r} with procurementMethodType "
                               f"{self.tender.get('procurementMethodType')!r}: read as {typed}")
            return typed
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
            or text(planning.get("rationale"))
            or self.release_name(),
            "kind": self.kind,
            "method": self.method(False),
            "estimated_amount": amount,
            "planned_month": month,
            "description": text(planning.get("rationale")) or text(self.tender.get("description")),
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
            if self.method(False) == "sole_source":
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
            or next((text(a.get("title")) for a in self.awards if text(a.get("title"))), "")
            or self.release_name(),
            "kind": self.kind,
            "method": self.method(self.advertised),
            "estimated_price": est,
            "eligibility": text(self.tender.get("eligibilityCriteria")),
            "required_documents": text(self.tender.get("submissionMethodDetails")),
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
