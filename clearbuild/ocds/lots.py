"""Lots (the OCDS lots and bids extensions): which lot a bid or an award is for.

A tender divided into lots is several small tenders under one notice: each lot has its bidders,
its winner and its contract. Publishers write the link in several shapes: the extensions'
``relatedLots`` (a list of lot ids), a list of objects (``[{"lotId": ...}]``, Armenia), or the
items' singular ``relatedLot`` on a bid; each non-standard shape is read and flagged.
"""

from __future__ import annotations

from typing import Any

from .common import At, Sink, as_list, get, obj, safe_id, text


def lot_titles(tender: dict[str, Any], at: At, sink: Sink) -> dict[str, str]:
    """tender.lots: lot id (as a safe id) -> its title (else its description), in published order."""
    out: dict[str, str] = {}
    for i, lot in enumerate(as_list(get(tender, "lots", at, sink), at / "lots", sink)):
        lot = obj(lot, at / "lots" / i, sink)
        if text(lot.get("id")):
            out[safe_id(lot["id"])] = text(lot.get("title")) or text(lot.get("description"))
    return out


def related(item: dict[str, Any], at: At, sink: Sink) -> list[str]:
    """The lot ids a bid or an award names, as safe ids; [] means the whole tender."""
    if "relatedLots" in item:
        refs = as_list(item["relatedLots"], at / "relatedLots", sink)
    elif text(item.get("relatedLot")):
        sink.flag(at / "relatedLot", item["relatedLot"], "relatedLot (the items' field) read as relatedLots")
        refs = [item["relatedLot"]]
    else:
        return []
    out: list[str] = []
    for j, ref in enumerate(refs):
        if isinstance(ref, dict):
            ref = ref.get("lotId") or ref.get("id")
            sink.flag(at / "relatedLots" / j, ref, "lot reference is an object, not an id: its lotId read")
        if text(ref) and safe_id(ref) not in out:
            out.append(safe_id(ref))
    return out
