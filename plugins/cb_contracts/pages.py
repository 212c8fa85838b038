"""What each contracts page shows: pure functions of the Chain, no Pelican, no I/O.

Contexts hold references to the Chain's shared records (and small computed values), so 300,000
queued pages cost little memory; templates look related records up in the shared indexes the

renderer hashes each context to skip unchanged pages, so a context carries every record its page
shows (the contract's company, the bid's notice), by reference.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import groupby
from typing import Any

from clearbuild import contractpay

from .model import Chain, Pair, Record


def plan_context(ch: Chain, plan: Record) -> dict[str, Any]:
    notices = ch.notices_by_plan.get(plan["plan_id"], [])
    contracts = [c for n in notices for c in ch.contracts_by_notice.get(n["notice_id"], [])]
    return {"plan": plan, "notices": notices, "contracts": ch.with_company(contracts)}


def lots(results: list[Pair], awarded: list[Record]) -> list[dict[str, Any]]:
    """A notice divided into lots, lot by lot: id, title, its bids (ranked, as results are) and
    its contracts. [] for an undivided notice, whose page stays one table."""
    if not any(r.get("lot_id") for r, _ in results):
        return []
    out: list[dict[str, Any]] = []
    for lot_id, pairs in groupby(results, key=lambda p: p[0].get("lot_id") or ""):
        rows = list(pairs)
        title = next((r["lot_title"] for r, _ in rows if r.get("lot_title")), "")
        out.append({"id": lot_id, "title": title, "results": rows,
                    "contracts": [c for c in awarded if (c.get("lot_id") or "") == lot_id]})
    return out


def notice_context(ch: Chain, notice: Record) -> dict[str, Any]:
    nid = notice["notice_id"]
    results, awarded = ch.results_by_notice.get(nid, []), ch.contracts_by_notice.get(nid, [])
    return {"notice": notice, "plan": ch.plans.get(notice.get("plan_id") or ""),
            "results": results, "lots": lots(results, awarded),
            "awarded": awarded, "open": ch.is_open(notice)}


def contract_context(ch: Chain, c: Record) -> dict[str, Any]:
    notice = ch.notices.get(c.get("notice_id") or "")
    lot = c.get("lot_id") or ""
    title = ch.lot_titles.get((c.get("notice_id") or "", lot), "")
    return {"contract": c, "company": ch.companies[c["company_id"]], "notice": notice,
            "lot": {"id": lot, "title": title} if lot else None,
            "plan": ch.plans.get(notice.get("plan_id") or "") if notice else None,
            "amendments": ch.amendments.get(c["contract_id"], []),
            "final_amount": ch.final_amount(c), "final_end": ch.final_end(c),
            "completed": ch.completed(c),
            "project": ch.projects.get(c.get("project_id") or ""), **payment_context(ch, c)}


def payment_context(ch: Chain, c: Record) -> dict[str, Any]:
    """The contract's claims and payments, judged against the legal deadline on the as-of date."""
    rows = ch.payments.get(c["contract_id"], [])
    claimed, paid = contractpay.totals(rows)
    d = ch.deadline
    return {"payments": contractpay.claims(rows, ch.as_of, d), "pay_status": contractpay.status(rows),
            "claimed": claimed, "paid": paid,
            "deadline": {"days": d.days, "workdays": d.workdays, "kinds": d.kinds}}


def company_context(ch: Chain, company: Record, certs: dict[str, list[Record]]) -> dict[str, Any]:
    cid = company["company_id"]
    won = ch.contracts_by_company.get(cid, [])
    by_year: dict[str, int] = defaultdict(int)
    for c in won:
        by_year[c["signed_at"][:4]] += ch.final_amount(c)
    bids = ch.results_by_company.get(cid, [])
    return {"company": company, "won": ch.with_company(won),
            "lost": [p for p in bids if not p[0].get("winner")],
            "bids": len(bids), "by_year": sorted(by_year.items()),
            "total_won": sum(by_year.values()),
            "certificates": [(k, len(rows)) for k, rows in certs.items()]}


def home_context(ch: Chain, rows: int = 20) -> dict[str, Any]:
    """Open notices by deadline, latest contracts, totals by kind and method, amounts by agency."""
    notices = list(ch.notices.values())
    open_ = sorted((n for n in notices if ch.is_open(n)), key=lambda n: (n["deadline"], n["notice_id"]))
    recent = sorted(notices, key=lambda n: (n["published_at"], n["notice_id"]), reverse=True)[:rows]
    contracts = ch.newest
    latest = contracts[:rows]
    by_kind: Counter[str] = Counter()
    by_kind_n: Counter[str] = Counter()
    by_method: Counter[str] = Counter()
    by_method_n: Counter[str] = Counter()
    by_agency: Counter[str] = Counter()
    final = ch.amount
    for c in contracts:
        amount = final[c["contract_id"]]
        by_kind[c["kind"]] += amount
        by_kind_n[c["kind"]] += 1
        by_method[c["method"]] += amount
        by_method_n[c["method"]] += 1
        by_agency[c["agency"]] += amount
    return {
        "open_notices": open_[:rows], "open_count": len(open_), "recent_notices": recent,
        "latest_contracts": ch.with_company(latest), "contract_count": len(contracts),
        "total_amount": sum(by_kind.values()),
        "by_kind": [(k, by_kind_n[k], by_kind[k]) for k in sorted(by_kind)],
        "by_method": [(m, by_method_n[m], by_method[m]) for m in sorted(by_method)],
        "by_agency": sorted(by_agency.items(), key=lambda kv: (-kv[1], kv[0])),
        "notice_count": len(notices), "plan_count": len(ch.plans),
        "company_count": len(ch.companies), "as_of": ch.as_of,
    }
