"""What each Apartments page shows, computed from the Dataset: pure functions, no Pelican.

The complex page answers a resident's questions: which papers did the management office approve,
month by month, and where did the management fees go. Private documents never get here (ingest
drops them); approval names not marked public never reach the Dataset (clearbuild.public), and
trail() asks the same projection again, so no template can show them by mistake.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import PurePosixPath
from typing import Any

from clearbuild import public, urls
from clearbuild.dataset import Dataset
from clearbuild.filegate import SourceFile
from clearbuild.schema import DOC_KIND

# Kinds whose amount is money spent; a bid announcement's amount is an estimate, a notice has none.
SPENDING_KINDS = ("expense_resolution", "maintenance_contract")
MEDIA_DIR = urls.APARTMENT_DOCUMENTS_DIR  # media/apartment-documents/<doc_id>.<type>


def marker(c: dict[str, Any], documents: int) -> dict[str, Any]:
    return {"id": c["complex_id"], "lat": c["lat"], "lon": c["lon"], "title": c["name"],
            "url": urls.record_path("apartments", c["complex_id"]), "district": c["district_code"],
            "households": c["households"], "documents": documents}


def trail(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Approval steps as roles and dates; a name only when the export marks names public. The
    rule is clearbuild.public's (the Dataset already holds the projected trail; asked again here
    so a page never depends on where its row came from)."""
    return [{"step": i, "role": role, "date": when, "name": name or None}
            for i, (role, when, name) in enumerate(public.approval_steps(doc), 1)]


def names_withheld(doc: dict[str, Any]) -> bool:
    """True when the export did not mark the trail's names public (the page says so). The
    projected trail no longer tells whether it had names, so every trail not marked public
    gets the note; it is true of each of them."""
    return not public.is_true(doc.get("names_public")) and bool(public.approval_steps(doc))


def months_between(first: str, last: str) -> list[str]:
    """Every YYYY-MM from first to last: a month without spending is shown as zero, not skipped."""
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last[:7]:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def spending(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Spending by month (every month of the complex's documents) and by category, largest first."""
    spent = [d for d in docs if d["kind"] in SPENDING_KINDS and d.get("amount") is not None]
    by_month: dict[str, int] = defaultdict(int)
    by_cat: dict[str, int] = defaultdict(int)
    for d in spent:
        by_month[d["date"][:7]] += int(d["amount"])
        by_cat[d.get("category") or ""] += int(d["amount"])
    months = months_between(min(d["date"] for d in docs), max(d["date"] for d in docs)) if docs else []
    return {"total": sum(by_month.values()), "count": len(spent),
            "months": [(m, by_month.get(m, 0)) for m in months] if spent else [],
            "categories": sorted(by_cat.items(), key=lambda kv: (-kv[1], kv[0]))}


def by_kind_and_month(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Kinds in schema order; within a kind, months newest first; within a month, by date."""
    out = []
    for kind in DOC_KIND:
        mine = [d for d in docs if d["kind"] == kind]
        if not mine:
            continue
        months: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for d in sorted(mine, key=lambda d: (d["date"], d["doc_id"])):
            months[d["date"][:7]].append(d)
        out.append({"kind": kind, "count": len(mine),
                    "months": [{"month": m, "docs": months[m]} for m in sorted(months, reverse=True)]})
    return out


def month_matrix(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Documents per month and kind: a month with no papers at all stands out as a blank row."""
    kinds = [k for k in DOC_KIND if any(d["kind"] == k for d in docs)]
    counts = Counter((d["date"][:7], d["kind"]) for d in docs)
    months = months_between(min(d["date"] for d in docs), max(d["date"] for d in docs)) if docs else []
    rows = [{"month": m, "counts": [counts.get((m, k), 0) for k in kinds],
             "total": sum(counts.get((m, k), 0) for k in kinds)} for m in reversed(months)]
    return {"kinds": kinds, "rows": rows}


def attachment(doc: dict[str, Any], files: dict[str, SourceFile]) -> dict[str, Any] | None:
    """The attached file as the page links it (named after the document's id, never after the
    file it came as), or None when the gate checked none for this row."""
    checked = files.get(doc.get("file") or "")
    if checked is None:
        return None
    name = PurePosixPath(checked.href).name
    return {"href": checked.href, "name": name, "suffix": PurePosixPath(name).suffix.lstrip(".").upper(),
            "size": checked.size, "source": checked}


def complex_context(c: dict[str, Any], docs: list[dict[str, Any]]) -> dict[str, Any]:
    docs = sorted(docs, key=lambda d: (d["date"], d["doc_id"]))
    return {
        "complex": c,
        "documents": docs,
        "groups": by_kind_and_month(docs),
        "matrix": month_matrix(docs),
        "spending": spending(docs),
        "first": docs[0]["date"] if docs else None,
        "last": docs[-1]["date"] if docs else None,
        "marker": marker(c, len(docs)),
    }


def document_context(ds: Dataset, doc: dict[str, Any], c: dict[str, Any],
                     siblings: list[dict[str, Any]], position: int, file: dict[str, Any] | None
                     ) -> dict[str, Any]:
    contract = ds.index("contracts", "contract_id").get(doc.get("contract_id") or "")
    return {
        "doc": doc,
        "complex": c,
        "trail": trail(doc),
        "names_withheld": names_withheld(doc),
        "contract": contract,
        "file": {k: v for k, v in file.items() if k != "source"} if file else None,
        "previous": siblings[position - 1] if position > 0 else None,
        "next": siblings[position + 1] if position + 1 < len(siblings) else None,
    }


def district_groups(complexes: list[dict[str, Any]], districts: dict[str, Any]) -> list[dict[str, Any]]:
    """Complexes grouped by district, districts in the deployment's code order."""
    mine: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in complexes:
        mine[c["district_code"]].append(c)
    order = list(districts) + sorted(set(mine) - set(districts))
    return [{"code": code, "complexes": sorted(mine[code], key=lambda c: (c["name"], c["complex_id"]))}
            for code in order if mine.get(code)]
