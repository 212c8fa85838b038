"""Who and where a flagged record is: title, agency, district and year, for lists and filters.

Only projects carry a district; a contract takes its project's, and a bid notice the district of
the contract it led to. The year is when the record began: notice published, contract signed,
works started (else planned to end).
"""

from __future__ import annotations

import pandas as pd

from ..dataset import Dataset
from .base import text

COLUMNS = ["kind", "id", "title", "agency", "district", "year"]


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return text(df[name]) if name in df.columns else pd.Series("", index=df.index)


def describe(ds: Dataset, keys: set[tuple[str, str]]) -> pd.DataFrame:
    p, c, n = ds.table("projects"), ds.table("contracts"), ds.table("bid_notices")
    district_of_project = pd.Series(_col(p, "district_code").to_numpy(), index=_col(p, "project_id")) \
        if not p.empty else pd.Series(dtype=object)
    parts = []
    if not p.empty:
        year = _col(p, "start_date").str.slice(0, 4)
        year = year.where(year != "", _col(p, "planned_end_date").str.slice(0, 4))
        parts.append(pd.DataFrame({"kind": "projects", "id": _col(p, "project_id"), "title": _col(p, "name"),
                                   "agency": _col(p, "agency"), "district": _col(p, "district_code"),
                                   "year": year}))
    contract_district = pd.Series(dtype=object)
    if not c.empty:
        pid = _col(c, "project_id")
        if not p.empty:  # a project naming its contract counts as much as the contract naming it
            by_contract = pd.Series(_col(p, "project_id").to_numpy(), index=_col(p, "contract_id"))
            by_contract = by_contract[by_contract.index != ""]
            by_contract = by_contract[~by_contract.index.duplicated()]
            pid = pid.where(pid != "", text(_col(c, "contract_id").map(by_contract)))
        dist = text(pid.map(district_of_project))
        contract_district = pd.Series(dist.to_numpy(), index=_col(c, "contract_id"))
        parts.append(pd.DataFrame({"kind": "contracts", "id": _col(c, "contract_id"),
                                   "title": _col(c, "title"), "agency": _col(c, "agency"), "district": dist,
                                   "year": _col(c, "signed_at").str.slice(0, 4)}))
    if not n.empty:
        dist = pd.Series("", index=n.index)
        if not c.empty and "notice_id" in c.columns:
            by_notice = pd.Series(contract_district.to_numpy(), index=_col(c, "notice_id"))
            by_notice = by_notice[(by_notice.index != "") & (by_notice != "")]
            by_notice = by_notice[~by_notice.index.duplicated()]
            dist = text(_col(n, "notice_id").map(by_notice))
        parts.append(pd.DataFrame({"kind": "notices", "id": _col(n, "notice_id"), "title": _col(n, "title"),
                                   "agency": _col(n, "agency"), "district": dist,
                                   "year": _col(n, "published_at").str.slice(0, 4)}))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    allrec = pd.concat(parts, ignore_index=True)
    want = pd.MultiIndex.from_frame(allrec[["kind", "id"]]).isin(list(keys))
    return allrec[want].sort_values(["kind", "id"]).reset_index(drop=True)[COLUMNS]
