"""What each Allimi page shows, computed from the Dataset: pure functions, no Pelican.

The project page answers a supervisor's questions: who builds it, for how much, how far along,
what inspectors found, how the design changed, and whether the people doing the work got paid.
"""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath
from typing import Any

from clearbuild import urls
from clearbuild.dataset import Dataset
from clearbuild.filegate import SourceFile

PAYEE_ORDER = ["wages", "subcontractor", "equipment", "materials"]  # unpaid wages first


def marker(p: dict[str, Any]) -> dict[str, Any]:
    """A project's map pin: what the popup shows (status, agency, budget) and the list filters on.
    The budget is a number: each page writes it in its language (``cb_money_field``)."""
    return {"id": p["project_id"], "lat": p["lat"], "lon": p["lon"], "title": p["name"],
            "url": urls.record_path("projects", p["project_id"]), "status": p["status"],
            "category": p["category"], "district": p["district_code"], "agency": p["agency"],
            "budget": p.get("budget")}


def payments_summary(rows: list[dict[str, Any]], overdue_days: int, today: date) -> dict[str, Any]:
    """Claims with days to pay; overdue = unpaid (or paid) later than the legal limit."""
    claims = []
    for r in sorted(rows, key=lambda r: (r["claim_date"], r["payment_id"])):
        claimed = date.fromisoformat(r["claim_date"])
        paid = date.fromisoformat(r["paid_date"]) if r.get("paid_date") else None
        days = (paid - claimed).days if paid else None
        waiting = (today - claimed).days if not paid else None
        # No running count of days in the context: the page shows the claim date and the
        # reader's browser counts to the data's date (clearbuild.filters.days_since), so a new
        # night's date alone changes no project page; "overdue" changes once, when it is crossed.
        claims.append({**r, "days_to_pay": days,
                       "overdue": (days is not None and days > overdue_days)
                       or (waiting is not None and waiting > overdue_days)})
    kinds = []
    for kind in PAYEE_ORDER:
        mine = [c for c in claims if c["payee_kind"] == kind]
        if mine:
            kinds.append({"kind": kind, "claimed": sum(int(c["amount"]) for c in mine),
                          "paid": sum(int(c["paid_amount"] or (c["amount"] if c["paid_date"] else 0))
                                      for c in mine),
                          "overdue": sum(1 for c in mine if c["overdue"])})
    return {"claims": claims, "kinds": kinds, "overdue": sum(1 for c in claims if c["overdue"])}


def photo_files(photos: list[dict[str, Any]], files: dict[str, SourceFile]) -> dict[str, SourceFile]:
    """Published path (the photo's id, never its own name) -> the checked export file."""
    return {r["file"]: files[r["file"]] for r in photos if r.get("file") in files}


def documents(docs: list[dict[str, Any]], files: dict[str, SourceFile]
              ) -> tuple[list[dict[str, Any]], dict[str, SourceFile]]:
    """A project's documents as its page lists them, and published path -> checked file.

    A row's ``file`` is already the published path (clearbuild.urls.document_path: the doc_id,
    never the name the file came with); only files the gate checked (``Dataset.files``) are
    linked, any other row is listed without a link, never a dead one.
    """
    listed, out = [], {}
    for d in sorted(docs, key=lambda d: (d["date"], d["doc_id"])):
        checked = files.get(d.get("file") or "")
        if checked is None:
            listed.append({**d, "href": None, "type": "", "size": None})
            continue
        out[checked.href] = checked
        kind = PurePosixPath(checked.href).suffix.lstrip(".").upper()
        listed.append({**d, "href": checked.href, "type": "JPG" if kind == "JPEG" else kind,
                       "size": checked.size})
    return listed, out


def project_context(ds: Dataset, p: dict[str, Any], overdue_days: int, today: date) -> dict[str, Any]:
    pid = p["project_id"]
    contracts = ds.index("contracts", "contract_id")
    companies = ds.index("companies", "company_id")
    contract = contracts.get(p.get("contract_id") or "")
    if contract is None:
        # A contract may point at the project even when the project row does not name it.
        linked = ds.group("contracts", "project_id").get(pid, [])
        contract = linked[0] if linked else None
    subs = [{**s, "company": companies.get(s["company_id"])}
            for s in ds.group("subcontracts", "project_id").get(pid, [])]
    progress = sorted(ds.group("progress", "project_id").get(pid, []), key=lambda r: r["date"])
    changes = sorted(ds.group("change_orders", "project_id").get(pid, []), key=lambda r: r["date"])
    return {
        "project": p,
        "contract": contract,
        "contractor": companies.get(contract["company_id"]) if contract else None,
        "subcontracts": subs,
        "progress": progress,
        "latest": progress[-1] if progress else None,
        "inspections": sorted(ds.group("inspections", "project_id").get(pid, []),
                              key=lambda r: (r["date"], r["inspection_id"])),
        "changes": changes,
        "photos": [dict(r, href=r["file"]) for r in
                   sorted(ds.group("photos", "project_id").get(pid, []),
                          key=lambda r: (r["date"], r["photo_id"]))],
        "payments": payments_summary(ds.group("payments", "project_id").get(pid, []),
                                     overdue_days, today),
        "marker": marker(p),
        # Only this project's payees: a copy of every company's name per project was 4.9 GB and
        # 40 s at Seoul scale (61,000 companies x 2,600 projects).
        "company_names": {k: companies[k]["name"] for k in
                          {r.get("payee_company_id") for r in ds.group("payments", "project_id").get(pid, [])}
                          if k in companies},
    }


def status_counts(projects: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in projects:
        counts[p["status"]] = counts.get(p["status"], 0) + 1
    return dict(sorted(counts.items()))
