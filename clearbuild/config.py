"""Core settings shared by the build, the admin command and the tasks, with defaults in one place.

Every setting a deployment changes (language, currency, boundaries) lives here under the CB_
prefix; docs/settings.md lists them all and a test fails when one is undocumented.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .schema import Region

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "CB_DATA": None,  # export folder; None: newest data/exports/YYYY-MM-DD, else data/sample
    # The build's "as of" date for an export whose folder is not named YYYY-MM-DD (clearbuild.asof);
    # None: the newest event date in the data. Never the clock.
    "CB_AS_OF": None,
    "CB_EXPORTS_DIR": "data/exports",
    "CB_SAMPLE_DIR": "data/sample/2026-11-20",  # the demo export, named by its date (clearbuild.asof)
    "CB_ADMIN_DB": None,  # path of the admin SQLite database, read when it exists
    "CB_ADMIN_ROOT_KEY": None,  # pinned fingerprint of the admin database's root key (init prints it)
    "CB_BOUNDARIES": "data/geo/seoul_municipalities_geo_simple.json",
    "CB_BOUNDARIES_ATTRIBUTION": "KOSTAT 2013, southkorea/seoul-maps (Apache-2.0)",
    # Neighbourhood (dong) boundaries, properties code, name, name_eng: their names are searchable
    # and, with their centres, places "near me" finds (clearbuild.places); False: none.
    "CB_NEIGHBOURHOODS": "data/geo/seoul_submunicipalities_geo_simple.json",
    "CB_REGION_MARGIN": 0.02,  # degrees around the boundaries' bounding box
    "CB_CITY_NAME": "서울특별시",
    "CB_CONTENT": "content",  # Markdown pages (about, ...): a deployment keeps its own
    "CB_DATE_FORMATS": {},  # language -> Babel date pattern ("dd.MM.y"); a language not listed: ISO
    "CB_ISSUER": None,  # who issues certificates, printed on them; None: CB_CITY_NAME
    "CB_SITE_URL": None,  # the site's public http(s) address, printed on certificates; None: CB_OCDS_SITE_URL
    "CB_CURRENCY": "KRW",
    "CB_CURRENCY_SYMBOL": "원",
    "CB_CURRENCY_MINOR_DIGITS": 0,
    "CB_CURRENCY_SYMBOLS": {},  # per language, e.g. {"en": "KRW"}; others use CB_CURRENCY_SYMBOL
    "CB_CURRENCY_SPACE": None,  # a space between amount and symbol; None: only with minor digits
    "CB_MAX_AMOUNT": 10**14,  # above this an amount is "absurd" and refused
    "CB_MAX_ATTACHMENT_BYTES": 50 * 1024 * 1024,  # a file an export names above this is refused
    "CB_PARTY_IDS": "brn",  # company ids: "brn" (Korean numbers, check digit) or "any" (foreign, OCDS)
    "CB_LANGUAGES": ["ko", "en"],  # first is the default; others get /<lang>/ copies of pages
    # The site's name per language ({"en": "..."}); a language not named uses Pelican's SITENAME.
    "CB_SITENAMES": {},
    "CB_REPORT_DIR": "reports",  # quality report for officials; never inside output/
    "CB_OVERDUE_DAYS": 15,  # a claim unpaid this long is overdue (direct-payment rule)
    "CB_WORKERS": 0,  # render processes; 0: one per core
    "CB_PARTITION_PAGES": 2000,  # pages per unit of render work (clearbuild.render)
    "CB_WORKER_PARTITIONS": 8,  # partitions a render process takes before a fresh fork replaces it
    "CB_PROGRESS": False,  # stage, pages done, rate and ETA on stderr (invoke build turns it on)
    # A Dask scheduler's address (tcp://host:8786, tls://...): render the pages' partitions on its
    # workers (clearbuild.cluster); None: local processes.
    "CB_CLUSTER": None,
    # Where a cluster build writes its Dataset snapshot, a folder (or fsspec URL) every worker
    # sees; None: .cb-snapshots beside the output. Removed when the build ends.
    "CB_SNAPSHOT_DIR": None,
    "CB_CLUSTER_WORKERS": None,  # only these workers' addresses take the build's tasks; None: any
    # Limits on one export file (clearbuild/ingest/limits.py): over them a file or row is refused.
    "CB_MAX_FILE_BYTES": 1 << 30,  # any table or OCDS file
    "CB_MAX_CELL_CHARS": 100_000,  # one cell; its row is refused
    "CB_MAX_XLSX_UNPACKED_BYTES": 1 << 30,  # an XLSX workbook, unpacked
    "CB_MAX_JSON_DEPTH": 64,  # nesting of a JSON table or OCDS/OC4IDS file
    "CB_MAX_ROWS": 1_000_000,  # rows of one table file
    # An agency pays a contractor's valid claim within this many days (지방계약법 시행령 제67조:
    # 5 days from the claim); counted in working days (Saturdays and Sundays left out) when
    # CB_CONTRACT_PAYMENT_WORKDAYS, for the kinds listed (docs/contracts.md, "Payments").
    "CB_CONTRACT_PAYMENT_DAYS": 5,
    "CB_CONTRACT_PAYMENT_WORKDAYS": True,
    "CB_CONTRACT_PAYMENT_KINDS": ["progress", "final"],
}


def setting(settings: dict[str, Any], name: str) -> Any:
    return settings.get(name, DEFAULTS[name])


@lru_cache(maxsize=8)
def _boundaries(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def resolve(path: str | Path) -> Path:
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


def boundaries(settings: dict[str, Any]) -> dict[str, Any]:
    return _boundaries(str(resolve(setting(settings, "CB_BOUNDARIES"))))


def districts(settings: dict[str, Any]) -> dict[str, dict[str, str]]:
    """code -> {'name', 'name_eng'}: the deployment's districts, sorted by code."""
    feats = boundaries(settings)["features"]
    return {f["properties"]["code"]: {"name": f["properties"]["name"],
                                      "name_eng": f["properties"].get("name_eng", "")}
            for f in sorted(feats, key=lambda f: f["properties"]["code"])}


def region(settings: dict[str, Any]) -> Region:
    """The boundaries' bounding box plus a margin: coordinates outside it are refused."""
    from .geo import load_districts, region_bbox

    path = resolve(setting(settings, "CB_BOUNDARIES"))
    return region_bbox(load_districts(path), setting(settings, "CB_REGION_MARGIN"))


def newest_export(settings: dict[str, Any]) -> Path:
    """The data folder a build reads: CB_DATA, else the newest dated export, else the sample."""
    if setting(settings, "CB_DATA"):
        return resolve(setting(settings, "CB_DATA"))
    exports = resolve(setting(settings, "CB_EXPORTS_DIR"))
    if exports.is_dir():
        dated = sorted(p for p in exports.iterdir() if p.is_dir() and len(p.name) == 10
                       and p.name[4] == "-" and p.name[7] == "-")
        if dated:
            return dated[-1]
    return resolve(setting(settings, "CB_SAMPLE_DIR"))
