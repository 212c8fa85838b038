"""Companies from OCDS parties: a stable company_id, and natural persons kept to their name.

Why the id comes from the identifier first: party ``id`` values are often local to one release
(a hash per release, or "19"), while ``identifier`` carries the registry number that stays the
same across releases and publishers. Korean business registration numbers become bare 10-digit
BRNs, so an OCDS import and a CSV export name the same company the same way.

Why persons are detected at all: sole traders appear as suppliers under their own name, which
their publisher published and we keep; their address, telephone and e-mail are a person's
contact details and are never read (organisations' contact points are never read either: the
companies table has no public column for them).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from ..brn import valid as brn_valid
from .common import At, Sink, get, obj, safe_id, text

ORG_SCHEME = re.compile(r"^[A-Z]{2}-[A-Z0-9]+$")  # org-id.guide list codes: GB-COH, UA-EDR, AM-TIN
MX_RFC_PERSON = re.compile(r"^[A-ZÑ&]{4}\d{6}[A-Z0-9]{3}$")  # 13 characters; companies have 12
PERSON_WORDS = (
    "natural person",
    "naturalperson",
    "individual",
    "sole trader",
    "soletrader",
    "selfemployed",
    "self-employed",
    "persona física",
    "persona fisica",
    "фізична особа",
    "физическое лицо",
)
PERSON_NAME = re.compile(r"^(ФОП|ФЛП|ФО-П)\s", re.IGNORECASE)


def is_person(party: dict[str, Any]) -> str:
    """Why this party is a natural person ('' when it is taken to be an organisation).

    Conservative rules, one per publisher convention seen in real data; a deployment adds its
    publisher's rule here. Explicit flags first, then identifier shapes that only persons have.
    """
    details = party.get("details") if isinstance(party.get("details"), dict) else {}
    for key in ("scale", "legalEntityTypeDetail", "legalEntityType", "entityType", "legalForm"):
        value = text(details.get(key)).lower()
        if value and any(w in value for w in PERSON_WORDS):
            return f"details.{key} is {value!r}"
    if details.get("naturalPerson") is True or details.get("isNaturalPerson") is True:
        return "details.naturalPerson is true"
    ident = party.get("identifier") if isinstance(party.get("identifier"), dict) else {}
    iid, scheme = text(ident.get("id")).upper(), text(ident.get("scheme"))
    if MX_RFC_PERSON.match(iid):
        return "a 13-character RFC (Mexico's tax id of a natural person)"
    if scheme == "UA-EDR" and re.fullmatch(r"\d{10}", iid):
        return "a 10-digit UA-EDR id (an individual entrepreneur's tax number)"
    if ("PY-RUC" in scheme or "Registro Único de Contribuyente" in scheme) and re.fullmatch(
        r"\d{1,8}-\d", iid
    ):
        if int(iid.split("-")[0]) < 80_000_000:
            return "a Paraguayan RUC below 80000000 (a person's RUC)"
    if PERSON_NAME.match(text(party.get("name"))):
        return "the name starts with a sole trader's prefix"
    return ""


def company_id(party: dict[str, Any], ocid: str) -> tuple[str, str]:
    """(company_id, '' or a note on how it was made up) for a party."""
    ident = party.get("identifier") if isinstance(party.get("identifier"), dict) else {}
    iid, scheme = text(ident.get("id")), text(ident.get("scheme"))
    if iid:
        digits = iid.replace("-", "")
        if scheme.upper().startswith("KR") and brn_valid(digits):
            return digits, ""
        if ORG_SCHEME.match(scheme) and not iid.startswith(scheme + "-"):
            return safe_id(f"{scheme}-{iid}"), ""
        return safe_id(iid), ""
    pid = text(party.get("id"))
    if pid:
        if pid.isdigit():  # a publisher's row number: only unique within its publisher
            m = re.match(r"^(ocds-[0-9a-z]{6})", ocid)
            return safe_id(f"{m.group(1) if m else ocid}-{pid}"), ""
        return safe_id(pid), ""
    name = text(party.get("name"))
    if name:
        digest = hashlib.sha1(name.lower().encode("utf-8")).hexdigest()[:10]
        return f"name-{digest}", "party has no identifier: its id is made from its name"
    return "", "party has neither an identifier nor a name"


def resolve(ref: Any, parties: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An organisation reference ({id, name}) completed from the release's parties list."""
    if not isinstance(ref, dict):
        return {}
    full = parties.get(text(ref.get("id")))
    return {**full, **{k: v for k, v in ref.items() if v not in (None, "")}} if full else ref


def _address(party: dict[str, Any]) -> str:
    a = party.get("address") if isinstance(party.get("address"), dict) else {}
    parts: list[str] = []
    for key in ("streetAddress", "locality", "region", "countryName"):
        v = text(a.get(key))
        if v and v not in parts:
            parts.append(v)
    return ", ".join(parts)


@dataclass
class Companies:
    """Every company of one import, by company_id: first sighting wins, privacy always wins."""

    sink: Sink
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    origin: dict[str, At] = field(default_factory=dict)
    persons: set[str] = field(default_factory=set)

    def add(self, party: dict[str, Any], at: At, ocid: str) -> str:
        """The party's company_id ('' when it cannot have one: refused, with its reason)."""
        cid, note = company_id(party, ocid)
        if not cid:
            self.sink.refuse(at, party.get("name"), note)
            return ""
        if note:
            self.sink.flag(at, party.get("name"), note)
        person = is_person(party)
        name = text(party.get("name"))
        if not name:
            ident = obj(party.get("identifier"), at / "identifier", self.sink)
            name = text(get(ident, "legalName", at / "identifier", self.sink))
            self.sink.flag(
                at / "name", "", "empty name: " + ("its legal name is shown" if name else "shown by its id")
            )
            name = name or cid
        if person:
            if cid not in self.persons:
                self.sink.flag(at, name, f"natural person ({person}): only the name is kept")
            self.persons.add(cid)
            self.rows.setdefault(cid, {"company_id": cid, "name": name})
            self.rows[cid] = {
                "company_id": cid,
                "name": self.rows[cid]["name"],
            }  # drop what a sighting as an org brought
            self.origin.setdefault(cid, at)
            return cid
        if cid in self.rows:
            return cid
        details = party.get("details") if isinstance(party.get("details"), dict) else {}
        contact = party.get("contactPoint") if isinstance(party.get("contactPoint"), dict) else {}
        scale = text(details.get("scale")).lower()
        loc = details.get("location") if isinstance(details.get("location"), dict) else {}
        self.rows[cid] = {
            "company_id": cid,
            "name": name,
            "address": _address(party),
            "lat": text(loc.get("latitude")),
            "lon": text(loc.get("longitude")),
            "district_code": text(details.get("districtCode")),
            "industry": text(details.get("industry")),
            "small_business": "true" if scale in ("micro", "sme", "small") else "false",
            "disabled_owned": "true" if details.get("disabledOwned") is True else "false",
            "startup": "true" if details.get("startup") is True else "false",
            # An organisation's own web address; a person's contact point is never read (above).
            "website": text(contact.get("url"))
            if text(contact.get("url")).startswith(("http://", "https://"))
            else "",
        }
        self.origin[cid] = at
        return cid
