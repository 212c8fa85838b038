"""Shared by both exports (OCDS and OC4IDS): the deployment's options, and how a date, an amount
and a party of the Dataset are written."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from .. import config

KIND_OUT = {"construction": "works", "goods": "goods", "services": "services"}
METHOD_OUT = {"open": "open", "restricted": "selective", "designated": "limited", "sole_source": "direct"}
BRN_SCHEME = "KR-BRN"  # identifier scheme written for Korean business registration numbers
# Settings of the OCDS side (import and export), read by the loader and by cb_opendata.
DEFAULTS: dict[str, Any] = {
    "CB_OCDS_PREFIX": "ocds-cbuild",  # the deployment's registered ocid prefix (ocds- + 6 characters)
    "CB_OCDS_PUBLISHER": None,  # publisher name in packages; None: CB_CITY_NAME
    "CB_OCDS_LICENSE_URL": "https://creativecommons.org/licenses/by/4.0/",
    "CB_OCDS_SITE_URL": None,  # public https address of the site, for package uris; None: a urn
}


@dataclass(frozen=True)
class ExportOptions:
    prefix: str = "ocds-cbuild"
    publisher: str = ""
    currency: str = "KRW"
    minor_digits: int = 0
    timezone: str = "Asia/Seoul"
    license: str = ""
    base_url: str = ""
    language: str = "ko"

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> ExportOptions:
        def get(name: str) -> Any:
            return settings.get(name, DEFAULTS[name])

        return cls(
            prefix=get("CB_OCDS_PREFIX"),
            publisher=get("CB_OCDS_PUBLISHER") or config.setting(settings, "CB_CITY_NAME"),
            currency=str(config.setting(settings, "CB_CURRENCY")),
            minor_digits=int(config.setting(settings, "CB_CURRENCY_MINOR_DIGITS")),
            timezone=settings.get("TIMEZONE") or "UTC",
            license=get("CB_OCDS_LICENSE_URL") or "",
            base_url=get("CB_OCDS_SITE_URL") or "",
            language=config.setting(settings, "CB_LANGUAGES")[0],
        )

    def stamp(self, value: Any, time: str = "00:00") -> str:
        """An ISO date or date-time of the data as an RFC 3339 date-time in the deployment's zone."""
        s = str(value)
        return _stamp(f"{s}T{time}" if len(s) == 10 else s[:16], self.timezone)

    def value(self, minor: Any) -> dict[str, Any]:
        amount = Decimal(int(minor)).scaleb(-self.minor_digits)
        number: int | float = int(amount) if amount == amount.to_integral_value() else float(amount)
        return {"amount": number, "currency": self.currency}

    def uri(self, name: str) -> str:
        return f"{self.base_url.rstrip('/')}/data/{name}" if self.base_url else f"urn:{self.prefix}:{name}"


@functools.lru_cache(maxsize=65536)
def _stamp(when: str, timezone: str) -> str:
    """Dates repeat: 175,000 contracts at Seoul's size carry a few thousand distinct days, and
    parsing each with its zone took ~9 s of a night's CPU (py-spy)."""
    return datetime.fromisoformat(when[:16]).replace(tzinfo=ZoneInfo(timezone)).isoformat()


def _present(v: Any) -> bool:
    return v is not None and v != "" and not (isinstance(v, float) and v != v)


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    """Drop empty fields: OC4IDS allows no nulls and OCDS readers prefer absent to empty."""
    return {k: v for k, v in d.items() if v is not None and v != "" and v != {} and v != [] and v == v}


def agency_party(name: str, prefix: str) -> dict[str, Any]:
    return {"id": f"{prefix}-agency-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}", "name": name}


def company_party(cid: str, companies: dict[str, dict[str, Any]], roles: list[str]) -> dict[str, Any]:
    c = companies.get(cid) or {"company_id": cid, "name": cid}
    ident = {"scheme": BRN_SCHEME, "id": cid} if len(cid) == 10 and cid.isdigit() else {"id": cid}
    details = _clean(
        {
            "scale": "sme" if c.get("small_business") else None,
            "industry": c.get("industry"),
            "disabledOwned": True if c.get("disabled_owned") else None,
            "startup": True if c.get("startup") else None,
            "districtCode": c.get("district_code"),
            "location": _clean({"latitude": c.get("lat"), "longitude": c.get("lon")}),
        }
    )
    return _clean(
        {
            "id": cid,
            "name": c.get("name") or cid,
            "identifier": {**ident, "legalName": c.get("name")},
            "address": _clean({"streetAddress": c.get("address")}),
            "contactPoint": _clean({"url": c.get("website")}),
            "details": details,
            "roles": sorted(set(roles)),
        }
    )


def _day(s: str) -> str:
    try:
        return datetime.fromisoformat(s[:10]).date().isoformat()
    except ValueError:
        return "1970-01-01"


def compact_text(doc: Any) -> str:
    """A document's compact form: what a package holds of each release, one line of Cardinal's."""
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


DIGEST_BYTES = 16


def digest(text: str) -> bytes:
    """A release's identity for the page hashes (clearbuild.pagehash): equal digests, equal
    releases, so equal record files. 16 bytes of BLAKE2b: 175,000 of them are 3 MB."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=DIGEST_BYTES).digest()


def write_lines(lines: IO[str], items: Iterable[dict[str, Any]]) -> bytes:
    """Each item (a release, or an OC4IDS project) as a line of ``lines``: its compact text,
    what Cardinal reads. Returns their ``digest``s as one blob: they spare the render workers
    making every release again only to learn that its record file has not changed.
    ``package_of_lines`` makes the package of the lines."""
    digests = []
    for item in items:
        text = compact_text(item)
        lines.write(text + "\n")
        digests.append(digest(text))
    return b"".join(digests)


def package_of_lines(path: Any, head: dict[str, Any], lines: Any, key: str = "releases") -> int:
    """Write ``{**head, key: [...]}`` whose items are the lines of the file ``lines``
    (``write_lines``), exactly as ``dumps(package, compact=True)`` would, a line at a time;
    returns how many. Why streamed: at Seoul's size the OCDS package is ~650 MB, and made
    whole it took 2.8 GB."""
    marker = "\0items\0"  # cannot occur in a release: ingest drops control characters
    start, end = dumps({**head, key: [marker]}, compact=True).split(json.dumps(marker))
    n = 0
    Path(path).unlink(missing_ok=True)  # never write through a name that may be linked elsewhere
    with open(path, "w", encoding="utf-8") as f, open(lines, encoding="utf-8") as items:
        for line in items:
            f.write(("," if n else start) + line[:-1])
            n += 1
        f.write(end if n else dumps(head, compact=True))
    return n


def dumps(doc: Any, compact: bool = False) -> str:
    """The one JSON form of every export: sorted keys, UTF-8 text, a final newline; a record is
    indented for people reading it, a package is compact (a third of the size)."""
    if compact:
        return compact_text(doc) + "\n"
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
