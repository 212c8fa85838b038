"""The OCDS extensions clearbuild's release package declares: the community extensions whose
fields it writes, and its own local extension for the fields no community extension defines
(published under the site's ``data/extension/``; see docs/open-data.md).

The local extension's release schema patch is the one list of clearbuild's own OCDS fields: a
field the export writes and no extension declares is reported by the Data Review Tool
(libcoveocds), which tests/test_ocds_cove.py runs on every change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .writing import ExportOptions

RAW = "https://raw.githubusercontent.com/open-contracting-extensions"
# Community extensions (extension registry names) whose fields the export writes.
COMMUNITY: dict[str, str] = {
    "bids": f"{RAW}/ocds_bid_extension/master/extension.json",  # bids.details, with rank (not in v1.1.5)
    "lots": f"{RAW}/ocds_lots_extension/v1.1.5/extension.json",  # tender.lots, relatedLots
    "bidOpening": f"{RAW}/ocds_bidOpening_extension/master/extension.json",  # tender.bidOpening
    "location": f"{RAW}/ocds_location_extension/master/extension.json",  # needed by bidOpening's schema
    "partyScale": f"{RAW}/ocds_partyDetails_scale_extension/master/extension.json",  # details.scale
}
FOLDER = "extension"  # under data/: extension.json and release-schema.json


def _text(kind: str, title: str, description: str, **more: Any) -> dict[str, Any]:
    return {"title": title, "description": description, "type": [kind, "null"], **more}


def _value(title: str, description: str) -> dict[str, Any]:
    return {"title": title, "description": description, "$ref": "#/definitions/Value"}


def _period(title: str, description: str) -> dict[str, Any]:
    return {"title": title, "description": description, "$ref": "#/definitions/Period"}


def release_schema_patch() -> dict[str, Any]:
    """clearbuild's own fields, as an OCDS extension's release-schema.json (a JSON merge patch)."""
    details = {
        "districtCode": _text(
            "string", "District code", "Code of the administrative district where the organization is based."
        ),
        "industry": _text("string", "Industry", "The company's line of business."),
        "disabledOwned": _text("boolean", "Owned by a disabled person", "Certified disabled-owned business."),
        "startup": _text("boolean", "Startup", "Certified startup."),
        "location": {
            "title": "Location",
            "description": "Where the organization is based (WGS 84).",
            "type": ["object", "null"],
            "properties": {
                "latitude": _text("number", "Latitude", "WGS 84 latitude in decimal degrees."),
                "longitude": _text("number", "Longitude", "WGS 84 longitude in decimal degrees."),
            },
        },
    }
    return {
        "definitions": {
            "Organization": {"properties": {"details": {"properties": details}}},
            "Contract": {
                "properties": {
                    "workType": _text(
                        "string", "Work type", "Kind of works on the contractor's performance certificate."
                    ),
                    "projectID": _text(
                        "string",
                        "Project identifier",
                        "The id of the infrastructure project (OC4IDS) this contract is part of.",
                    ),
                }
            },
            "Amendment": {
                "properties": {
                    "sequence": _text("integer", "Sequence", "The amendment's order among those of one day."),
                    "oldContractValue": _value("Old contract value", "The contract's value before it."),
                    "newContractValue": _value("New contract value", "The contract's value after it."),
                    "oldContractPeriod": _period("Old contract period", "The contract's period before it."),
                    "newContractPeriod": _period("New contract period", "The contract's period after it."),
                }
            },
            "Transaction": {
                "properties": {
                    "paymentKind": _text(
                        "string", "Payment kind", "What the payment is for: advance, progress or final.",
                        enum=["advance", "progress", "final", None],
                    ),
                    "claimDate": _text(
                        "string", "Claim date", "When the contractor's valid claim reached the buyer.",
                        format="date-time",
                    ),
                    "claimValue": _value("Claim value", "The amount the contractor claimed."),
                }
            },
            "Bid": {
                "properties": {
                    "statusDetails": _text(
                        "string", "Status details", "Why the bid was disqualified, as the buyer recorded it."
                    )
                }
            },
        }
    }


def metadata(documentation_url: str) -> dict[str, Any]:
    """The local extension's extension.json."""
    return {
        "name": {"en": "clearbuild fields"},
        "description": {
            "en": "Fields of Korean public-works disclosure that no community extension defines: "
            "companies' district, industry, location and certifications, contracts' work type and "
            "project, contract amendments' old and new value and period, bids' disqualification reason."
        },
        "documentationUrl": {"en": documentation_url},
        "compatibility": ["1.1"],
        "schemas": ["release-schema.json"],
    }


def local_url(opts: ExportOptions) -> str:
    """URL of the local extension.json; none without the site's address (CB_OCDS_SITE_URL): a
    urn cannot be fetched, so the extension could not be read by any tool."""
    return opts.uri(f"{FOLDER}/extension.json") if opts.base_url else ""


def declared(opts: ExportOptions) -> list[str]:
    """The package's ``extensions``: the community ones, then the local one (when it has a URL)."""
    return [*COMMUNITY.values(), *filter(None, [local_url(opts)])]
