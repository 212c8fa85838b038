"""A few planted integrity red flags, so the demo shows every indicator (docs/signals.md).

The random streams already produce most of them (single bidders, overruns, late payments...);
three patterns are too rare to appear by chance and are planted by editing a handful of values,
never adding rows: two losing bids of the same amount (identical-bids), a lone bid at 99.7% of
the estimate (bid-near-estimate), and two small direct awards by one agency to one firm a few
days apart that together pass the tender threshold (split-contracts). Choices are deterministic
(the first candidates in id order), so the files stay byte-identical for a seed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from ..signals.settings import DEFAULTS

PLANTS = 2  # of each pattern


def _str(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=object)


def identical_bids(results: dict[str, Any]) -> None:
    """Rank 3 bids the same as rank 2 in the first notices with at least three valid bids (in one
    lot of a notice divided into lots: ranks are per lot), one pair per notice."""
    nid, rank, amount = _str(results["notice_id"]), _str(results["rank"]), _str(results["bid_amount"])
    lot = _str(results["lot_id"])
    where: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for i in np.flatnonzero(np.isin(rank, ["2", "3"])):
        where[nid[i], lot[i]][rank[i]] = int(i)
    planted: set[str] = set()
    for notice, lot_id in sorted(where):
        pair = where[notice, lot_id]
        if len(pair) == 2 and len(planted) < PLANTS and notice not in planted:
            amount[pair["3"]] = amount[pair["2"]]
            planted.add(notice)
    results["bid_amount"] = amount


def near_estimate(notices: dict[str, Any], results: dict[str, Any]) -> None:
    """Raise nothing, lower the estimate: a lone winning bid becomes 99.7% of its notice's price."""
    nid = _str(results["notice_id"])
    ids, counts = np.unique(nid, return_counts=True)
    lone = set(ids[counts == 1])
    win = {n: int(a) for n, a, w in zip(nid, results["bid_amount"], results["winner"], strict=True)
           if w == "true" and n in lone}
    price = _str(notices["estimated_price"])
    order = np.argsort(_str(notices["notice_id"]).astype(str), kind="stable")
    done = 0
    for i in order:
        n = notices["notice_id"][i]
        if n in win and done < PLANTS:
            price[i] = str(-(-win[n] * 1000 // 997))  # ceil: the bid is at least 99.7% of it
            done += 1
    notices["estimated_price"] = price


def split_contracts(contracts: dict[str, Any]) -> None:
    """Give the second of two close, small direct awards of one agency and work type the first's firm."""
    limits = DEFAULTS["CB_SIGNALS_COMPETITIVE_THRESHOLDS"]
    vat = 1 + DEFAULTS["CB_SIGNALS_VAT_RATE"]
    window = DEFAULTS["CB_SIGNALS_SPLIT_WINDOW_DAYS"]
    cid, company = _str(contracts["contract_id"]), _str(contracts["company_id"])
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in np.argsort(cid.astype(str), kind="stable"):
        if contracts["method"][i] == "sole_source" and not contracts["project_id"][i]:
            groups[(contracts["agency"][i], contracts["work_type"][i])].append(int(i))
    done = 0
    for (_, work_type), rows in sorted(groups.items()):
        limit = limits.get(work_type, limits.get(contracts["kind"][rows[0]], 0))
        rows.sort(key=lambda i: (contracts["signed_at"][i], cid[i]))
        for a, b in zip(rows, rows[1:], strict=False):
            signed = np.datetime64(contracts["signed_at"][a]), np.datetime64(contracts["signed_at"][b])
            days = int((signed[1] - signed[0]).astype(int))
            ea, eb = int(contracts["amount"][a]) / vat, int(contracts["amount"][b]) / vat
            if done < PLANTS and 0 < days <= window // 2 and ea <= limit and eb <= limit and ea + eb > limit:
                company[b] = company[a]
                done += 1
                break
    contracts["company_id"] = company


def plant(tables: dict[str, dict[str, Any]]) -> None:
    identical_bids(tables["bid_results"])
    near_estimate(tables["bid_notices"], tables["bid_results"])
    split_contracts(tables["contracts"])
