"""Settings kept in the database (so every official's machine agrees), changed by an admin only
and, like everything else, through the audit log."""

from __future__ import annotations

import sqlite3

from clearbuild.config import DEFAULTS

from . import audit
from .db import get_setting, transaction
from .users import User, require
from .validate import ValidationError

# name -> (lowest, highest) allowed whole number
SETTINGS = {"overdue_days": (1, 365)}


def set_setting(conn: sqlite3.Connection, actor: User, name: str, value: str) -> None:
    require(actor, "setting.set")
    if name not in SETTINGS:
        raise ValidationError("setting", f"{name!r} is not one of {', '.join(SETTINGS)}")
    lo, hi = SETTINGS[name]
    value = (value or "").strip()
    if not value.isdigit() or not lo <= int(value) <= hi:
        raise ValidationError(name, f"must be a whole number from {lo} to {hi}, got {value!r}")
    with transaction(conn):
        audit.upsert(conn, actor.name, "setting.set", "settings", {"name": name, "value": value}, actor.key)


def overdue_days(conn: sqlite3.Connection, option: int | None = None) -> int:
    """--overdue-days, else the database's setting, else CB_OVERDUE_DAYS's default (15)."""
    if option is not None:
        if option < 1:
            raise ValidationError("--overdue-days", f"must be at least 1, got {option}")
        return option
    value = get_setting(conn, "overdue_days")
    return int(value) if value is not None else int(DEFAULTS["CB_OVERDUE_DAYS"])
