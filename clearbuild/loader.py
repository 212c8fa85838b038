"""Load the Dataset a build reads, once per process: the build wrapper loads it first (so a broken
export stops before anything is written) and the Pelican plugin gets the same object back.
"""

from __future__ import annotations

import atexit
import importlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

from . import config
from .dataset import Dataset
from .ingest import load_dataset
from .ocds import source as ocds_source

_CACHE: dict[tuple[str, str], Dataset] = {}


def admin_export(settings: dict[str, Any]) -> Path | None:
    """The admin database's approved entries as an export folder, when a database is configured."""
    db = config.setting(settings, "CB_ADMIN_DB")
    if not db or not config.resolve(db).exists():
        return None
    export = importlib.import_module("admin.export")
    out = Path(tempfile.mkdtemp(prefix="cb-admin-"))
    atexit.register(shutil.rmtree, out, True)
    export.export(str(config.resolve(db)), str(out))
    return out


def dataset_for(settings: dict[str, Any]) -> Dataset:
    folder = config.newest_export(settings)
    db = str(config.setting(settings, "CB_ADMIN_DB") or "")
    key = (str(folder), db)
    if key not in _CACHE:
        extra = admin_export(settings)
        # A CSV export folder, OCDS/OC4IDS JSON (a file or a folder), or both (clearbuild.ocds).
        _CACHE[key] = ocds_source.load(folder, settings, load_dataset, region=config.region(settings),
                                       district_codes=frozenset(config.districts(settings)),
                                       extra=[extra] if extra else None,
                                       max_amount=config.setting(settings, "CB_MAX_AMOUNT"),
                                       party_ids=config.setting(settings, "CB_PARTY_IDS"),
                                       max_file_bytes=config.setting(settings, "CB_MAX_FILE_BYTES"))
    return _CACHE[key]


def forget() -> None:
    _CACHE.clear()
