"""What real publishers leave out, read the one way it can be read, and always flagged.

Each rule fires only where the data allows a single reading; every reading is a line in the
quality report naming the JSON path, so the publisher sees what we assumed and can fix it.
Prozorro (Ukraine) is where each was met: docs/open-data.md lists them.
"""

from __future__ import annotations

from typing import Any

from .common import At, Sink, text

# Prozorro's procurementMethodType (openprocurement.api): the procedure, where procurementMethod
# ("limited") says only that it was not open. reporting: a direct contract reported after
# signing; negotiation(.quick): a negotiated procedure with one supplier.
METHOD_TYPES = {
    "reporting": "sole_source",
    "negotiation": "sole_source",
    "negotiation.quick": "sole_source",
    "belowthreshold": "open",
    "competitivedialogueua": "open",
    "competitivedialogueeu": "open",
    "esco": "open",
    "simple.defense": "open",
}


def method_type(tender: dict[str, Any]) -> str:
    """The method a Prozorro procurementMethodType names ('' when it names none we know)."""
    raw = text(tender.get("procurementMethodType")).lower()
    if raw.startswith("abovethreshold"):  # aboveThreshold, aboveThresholdUA, ...EU, ...UA.defense
        return "open"
    return METHOD_TYPES.get(raw, "")


def only_award(awards: dict[str, tuple[int, dict[str, Any]]], c: dict[str, Any], at: At,
               sink: Sink) -> tuple[int, dict[str, Any]] | None:
    """A contract whose awardID matches no award, in a release with exactly one award: that one."""
    aid = text(c.get("awardID"))
    if aid in awards or len(awards) != 1:
        return None
    (one, found), = awards.items()
    sink.flag(at / "awardID", aid, f"awardID matches no award; linked to the release's only award ({one})")
    return found


def party_supplier(parties: dict[str, dict[str, Any]], at: At, sink: Sink) -> dict[str, Any] | None:
    """The one party with the role supplier, for a contract and award that name none."""
    found = [p for p in parties.values() if "supplier" in (p.get("roles") or [])]
    if len(found) != 1:
        return None
    sink.flag(at, "", f"no supplier on the contract or its award: the one party with the role "
                      f"supplier ({text(found[0].get('name')) or text(found[0].get('id'))}) is read")
    return found[0]


def release_title(rel: dict[str, Any], at: At, sink: Sink) -> str:
    """A release's ``name`` (some publishers put the process title there, not in tender.title)."""
    name = text(rel.get("name")) if isinstance(rel.get("name"), str) else ""
    if name:
        sink.flag(at / "name", name[:60], "no tender title: the release's name is used as its title")
    return name


def legal_name(buyer: dict[str, Any], at: At, sink: Sink) -> str:
    ident = buyer.get("identifier") if isinstance(buyer.get("identifier"), dict) else {}
    name = text(ident.get("legalName"))
    if name:
        sink.flag(at / "identifier" / "legalName", name[:60],
                  "buyer has no name: its identifier's legalName is used")
    return name
