"""Load the Dataset a build reads. Each call reads the export again: nothing is kept here. The
build wrapper loads it first (so a broken export stops before anything is written) and hands the
object to its plugins (clearbuild.buildcontext); the nightly guards it, then hands it to the build.
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


def load(settings: dict[str, Any]) -> Dataset:
    """The newest export these settings name (with the admin database's approved entries when one
    is configured), ingested, its "as of" date resolved. StructuralError: one line, nothing
    written."""
    memwatch.returning_pool()  # before the first table reaches pandas
    folder = config.newest_export(settings)
    extra = admin_export(settings)
    # A CSV export folder, OCDS/OC4IDS JSON (a file or a folder), or both (clearbuild.ocds).
    dataset = ocds_source.load(folder, settings, load_dataset, region=config.region(settings),
                               district_codes=frozenset(config.districts(settings)),
                               extra=[extra] if extra else None,
                               max_amount=config.setting(settings, "CB_MAX_AMOUNT"),
                               party_ids=config.setting(settings, "CB_PARTY_IDS"),
                               limits=Limits.from_settings(settings),
                               max_file_bytes=config.setting(settings, "CB_MAX_ATTACHMENT_BYTES"),
                               put_away=True)  # each table memory-mapped as it is accepted
    memwatch.give_back()  # what ingest freed (its parse buffers) goes back before pages start
    try:  # one "as of" date for every page (clearbuild.asof), never the clock
        dataset.as_of = asof.resolve(dataset, settings)
    except ValueError as e:
        raise StructuralError(str(e)) from None
    return dataset
