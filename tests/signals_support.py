"""Tiny Datasets built in code for the signals tests: only the tables an indicator reads.

Columns are typed as ingest types them (text as str, money as Int64, booleans as bool), so the
indicators see what they see in a real build.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from clearbuild.dataset import Dataset
from clearbuild.schema import TABLES
from clearbuild.signals import compute

TODAY = "2025-06-30"


def table(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    cols = TABLES[name].public_columns
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
    for c in TABLES[name].columns:
        if c.name not in df:
            continue
        if c.type in ("money", "int"):  # rows may hold numbers or, like CSV, text ('' = none)
            df[c.name] = pd.to_numeric(df[c.name].replace("", None), errors="raise").astype("Int64")
        elif c.type in ("pct", "float", "lat", "lon"):
            df[c.name] = pd.to_numeric(df[c.name].replace("", None), errors="raise").astype("float64")
        elif c.type == "bool":
            df[c.name] = df[c.name].map(lambda v: v is True or str(v).lower() in ("true", "1", "y"))
        else:
            df[c.name] = df[c.name].fillna("").astype(str)
    return df


def dataset(**tables: list[dict[str, Any]]) -> Dataset:
    return Dataset(tables={name: table(name, rows) for name, rows in tables.items()}, export_date=TODAY)


def flagged(ds: Dataset, indicator: str, **settings: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """(kind, id) -> values of one indicator's flags, with settings overriding the defaults."""
    sig = compute(ds, settings)
    return {(f.kind, f.id): f.values for f in sig.flags if f.indicator == indicator}


def notice(nid: str, **kw: Any) -> dict[str, Any]:
    return {"notice_id": nid, "agency": "마포구청", "title": f"공고 {nid}", "kind": "services",
            "method": "open", "estimated_price": 100_000_000, "published_at": "2025-03-01T09:00",
            "deadline": "2025-03-20T10:00", **kw}


def bid(nid: str, company: str, amount: int, winner: bool = False, reason: str = "", lot: str = ""
        ) -> dict[str, Any]:
    return {"notice_id": nid, "lot_id": lot, "company_id": company, "bid_amount": amount, "winner": winner,
            "disqualified_reason": reason}


def contract(cid: str, **kw: Any) -> dict[str, Any]:
    return {"contract_id": cid, "agency": "마포구청", "title": f"계약 {cid}", "kind": "services",
            "method": "open", "company_id": "1208147521", "amount": 100_000_000, "signed_at": "2025-03-01",
            "start_date": "2025-03-01", "end_date": "2025-12-31", **kw}


def project(pid: str, **kw: Any) -> dict[str, Any]:
    return {"project_id": pid, "name": f"공사 {pid}", "agency": "마포구청", "category": "road",
            "district_code": "11140", "lat": 37.55, "lon": 126.9, "budget": 1_000_000_000,
            "status": "in_progress", "start_date": "2025-01-01", "planned_end_date": "2025-12-31", **kw}
