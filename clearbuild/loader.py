"""Load the Dataset a build reads, once per process: the build wrapper loads it first (so a broken
export stops before anything is written) and the Pelican plugin gets the same object back.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

from . import asof, config, memwatch
from .dataset import Dataset
from .ingest import StructuralError, load_dataset
from .ingest.limits import Limits
from .ocds import source as ocds_source

_CACHE: dict[tuple[str, str], Dataset] = {}


def admin_export(settings: dict[str, Any]) -> Path | None:
    """The admin database's approved, signed entries as an export folder, when a database is
    configured. A database that fails verify stops the build (StructuralError: one line naming
    the file and its first problem), before anything is written."""
    db = config.setting(settings, "CB_ADMIN_DB")
    if not db or not config.resolve(db).exists():
        return None
    # The admin command's own export and verify (admin/ is a package of this project, imported
    # here only when a database is configured: a public build without one never loads it).
    from admin import db as admin_db
    from admin import export, signing

    known = (export.ExportError, admin_db.DbError, signing.SigningError)
    out = Path(tempfile.mkdtemp(prefix="cb-admin-"))
    atexit.register(shutil.rmtree, out, True)
    try:
        export.export(str(config.resolve(db)), str(out), config.setting(settings, "CB_ADMIN_ROOT_KEY"))
    except known as e:
        raise StructuralError(f"admin database {e}") from None
    return out


def _key(settings: dict[str, Any]) -> tuple[str, str]:
    return str(config.newest_export(settings)), str(config.setting(settings, "CB_ADMIN_DB") or "")


def seed(settings: dict[str, Any], dataset: Dataset) -> None:
    """Make ``dataset`` the one these settings load: a cluster worker's copy of the parent's
    (clearbuild.cluster reads it from the build's snapshot, never from the export)."""
    _CACHE[_key(settings)] = dataset


def dataset_for(settings: dict[str, Any]) -> Dataset:
    folder = config.newest_export(settings)
    key = _key(settings)
    if key not in _CACHE:
        extra = admin_export(settings)
        # A CSV export folder, OCDS/OC4IDS JSON (a file or a folder), or both (clearbuild.ocds).
        _CACHE[key] = ocds_source.load(folder, settings, load_dataset, region=config.region(settings),
                                       district_codes=frozenset(config.districts(settings)),
                                       extra=[extra] if extra else None,
                                       max_amount=config.setting(settings, "CB_MAX_AMOUNT"),
                                       party_ids=config.setting(settings, "CB_PARTY_IDS"),
                                       limits=Limits.from_settings(settings),
                                       max_file_bytes=config.setting(settings, "CB_MAX_ATTACHMENT_BYTES"),
                                       put_away=True)  # each table memory-mapped as it is accepted
        memwatch.give_back()  # what ingest freed (its parse buffers) goes back before pages start
        try:  # one "as of" date for every page (clearbuild.asof), never the clock
            _CACHE[key].as_of = asof.resolve(_CACHE[key], settings)
        except ValueError as e:
            del _CACHE[key]
            raise StructuralError(str(e)) from None
    return _CACHE[key]


def forget() -> None:
    _CACHE.clear()
