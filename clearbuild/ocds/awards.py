"""The bids, awards and contracts of one OCDS process (the second half of processes.Process).

A mixin so the two halves share one reader's state (the release, its parties, its awards) and
each module stays readable; Process inherits it.
"""

from __future__ import annotations

from typing import Any

from ..schema import WORK_TYPE
from . import payments
from .common import At, Sink, as_list, count, day, duration, get, obj, safe_id, scoped, text
from .context import Ctx
from .kinds import KIND, METHOD
from .lots import lot_titles, related
from .parties import resolve
from .tolerance import only_award, party_supplier


class ContractsPart:
    rel: dict[str, Any]
    at: At
    ctx: Ctx
    sink: Sink
    ocid: str
    own: bool
    kind: str
    advertised: bool
    tender: dict[str, Any]
    parties: dict[str, dict[str, Any]]
    awards: list[dict[str, Any]]
    lots: dict[str, str]  # tender.lots: lot id -> title, read by bids()
    bid_lots: set[str]  # the lots the bid results written for this notice carry

    def method(self, published: bool) -> str:
        raise NotImplementedError

    def required(self, at: At, what: str, row: dict[str, str], cols: tuple[str, ...]) -> bool:
        raise NotImplementedError

    def release_name(self) -> str:
        raise NotImplementedError

    def bids(self, notice_id: str) -> set[tuple[str, str]]:
        """Bid results (bids extension), one row per company and lot; returns the winners as
        (company, lot) pairs, lot "" for an award of the whole tender."""
        winners: set[tuple[str, str]] = set()
        bids_at = self.at / "bids" / "details"
        details = as_list(
            obj(self.rel.get("bids"), self.at / "bids", self.sink).get("details"), bids_at, self.sink
        )
        self.lots = lot_titles(self.tender, self.at / "tender", self.sink)
        self.bid_lots: set[str] = set()
        for i, a in enumerate(self.awards if details else []):
            if text(a.get("status")).lower() in ("", "active"):
                aat = self.at / "awards" / i
                lots = related(a, aat, self.sink) or [""]
                suppliers = as_list(get(a, "suppliers", aat, self.sink), aat / "suppliers", self.sink)
                for j, s in enumerate(suppliers):
                    cid = self.ctx.companies.add(resolve(s, self.parties), aat / "suppliers" / j, self.ocid)
                    winners.update((cid, lot) for lot in lots)
        if not details and self.tender.get("tenderers"):
            self.sink.flag(
                self.at / "tender" / "tenderers",
                len(self.tender["tenderers"]),
                "tenderers published without bid amounts: no bid results",
            )
        per: dict[tuple[str, str], dict[str, Any]] = {}
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
            lots = related(bid, bat, self.sink)
            if len(lots) > 1:
                self.sink.flag(bat / "relatedLots", lots,
                               f"one bid for {len(lots)} lots: recorded for the first")
            lot = lots[0] if lots else ""
            for j, t in enumerate(
                as_list(get(bid, "tenderers", bat, self.sink), bat / "tenderers", self.sink)
            ):
                cid = self.ctx.companies.add(resolve(t, self.parties), bat / "tenderers" / j, self.ocid)
                if not cid:
                    continue
                p = per.setdefault(
                    (cid, lot), {"n": 0, "amount": 0, "bad": [], "rank": text(bid.get("rank")), "at": bat}
                )
                p["n"] += 1
                p["amount"] += int(amount)
                if text(bid.get("status")).lower() == "disqualified":
                    p["bad"].append(text(bid.get("statusDetails")) or "disqualified")
        supplied = {cid for cid, _ in winners}
        for (cid, lot), p in per.items():
            if p["n"] > 1:
                where = f" for lot {lot}" if lot else ""
                self.sink.flag(p["at"], p["n"], f"{p['n']} bids of {cid}{where} summed into one bid result")
            won = cid in supplied if not lot else (cid, lot) in winners or (cid, "") in winners
            self.ctx.add(
                "bid_results",
                {
                    "notice_id": notice_id,
                    "lot_id": lot,
                    "lot_title": self.lots.get(lot, "") if lot else "",
                    "company_id": cid,
                    "bid_amount": str(p["amount"]),
                    "rank": p["rank"] if p["rank"].isdigit() and p["n"] == 1 else "",
                    "winner": "true" if won else "false",
                    "disqualified_reason": "; ".join(p["bad"]) if len(p["bad"]) == p["n"] else "",
                },
                p["at"],
            )
            self.bid_lots.add(lot)
        self.bidders = {cid for cid, _ in per}
        return winners

    def lot_of(self, award: dict[str, Any], at: At) -> str:
        """The lot a contract is for: its award's one lot, when the notice's bid results carry it;
        "" (the whole tender) otherwise, flagged when a lot is lost."""
        lots = related(award, at, self.sink) if award else []
        if len(lots) > 1:
            self.sink.flag(at / "relatedLots", lots, f"award for {len(lots)} lots: contract recorded "
                           "for the whole tender")
            return ""
        if not lots:
            return ""
        if lots[0] not in self.bid_lots:
            self.sink.flag(at / "relatedLots", lots[0], "no bid results published for the award's lot: "
                           "contract recorded for the whole tender")
            return ""
        return lots[0]

    def contracts(self, notice_id: str, winners: set[tuple[str, str]]) -> None:
        awards = {text(a.get("id")): (i, a) for i, a in enumerate(self.awards)}
        used: set[str] = set()
        for i, c in enumerate(
            as_list(get(self.rel, "contracts", self.at, self.sink), self.at / "contracts", self.sink)
        ):
            if isinstance(c, dict):
                aid = text(c.get("awardID"))
                used.add(aid if aid in awards or len(awards) != 1 else next(iter(awards)))
                self.contract(c, self.at / "contracts" / i, awards, notice_id)
        for aid, (i, a) in awards.items():
            if aid not in used and text(a.get("status")).lower() in ("", "active"):
                self.award_result(a, self.at / "awards" / i, notice_id)

    def award_result(self, a: dict[str, Any], at: At, notice_id: str) -> None:
        """An award without a contract: its winner and value as a bid result of the notice."""
        suppliers = as_list(a.get("suppliers"), at / "suppliers", self.sink)
        amount, why = self.ctx.money.amount(a.get("value"), at / "value", self.sink)
        cid = self.ctx.companies.add(resolve(suppliers[0], self.parties), at / "suppliers" / 0,
                                     self.ocid) if suppliers else ""
        if not notice_id or not cid or not amount:
            lack = "no bid notice" if not notice_id else "no supplier" if not cid else why
            self.sink.flag(at, a.get("id"), f"award without a contract: not imported ({lack})")
            return
        if cid in getattr(self, "bidders", set()):
            self.sink.flag(at, a.get("id"), "award without a contract: its winner's bid result stands")
            return
        lots = related(a, at, self.sink)
        self.sink.flag(at, a.get("id"), "award without a contract: read as a winning bid result "
                                        "(the award's supplier and value)")
        self.ctx.add("bid_results", {
            "notice_id": notice_id, "lot_id": lots[0] if len(lots) == 1 else "",
            "lot_title": self.lots.get(lots[0], "") if len(lots) == 1 else "", "company_id": cid,
            "bid_amount": amount, "rank": "", "winner": "true", "disqualified_reason": ""}, at)

    def contract(
        self, c: dict[str, Any], at: At, awards: dict[str, tuple[int, dict[str, Any]]], notice_id: str
    ) -> None:
        sink = self.sink
        ai, award = awards.get(text(c.get("awardID"))) or only_award(awards, c, at, sink) or (-1, {})
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
            one = party_supplier(self.parties, at / "suppliers", sink)
            suppliers, sat = ([one], self.at / "parties") if one else ([], sat)
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
            "lot_id": self.lot_of(award, aat) if notice_id else "",
            "agency": self.agency,
            "title": text(c.get("title"))
            or text(award.get("title"))
            or text(self.tender.get("title"))
            or text(c.get("description"))
            or self.release_name(),
            "kind": KIND.get(text(c.get("mainProcurementCategory")).lower()) or self.kind,
            "method": METHOD.get(text(c.get("procurementMethod")).lower()) or method,
            "work_type": text(c.get("workType")) if text(c.get("workType")) in WORK_TYPE else "",
            "company_id": company,
            "amount": amount,
            "signed_at": signed,
            "start_date": day(cperiod.get("startDate"), at / "period" / "startDate", sink),
            "end_date": day(cperiod.get("endDate"), at / "period" / "endDate", sink),
            "tenderers": count(self.tender.get("numberOfTenderers")),
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
            payments.read(self.ctx, row["contract_id"], impl["transactions"],
                          at / "implementation" / "transactions")
