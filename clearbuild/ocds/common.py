"""What every OCDS/OC4IDS mapper shares: where a value came from, what was wrong with it, and
tolerant readers for the shapes real publishers get wrong.

Why tolerant readers instead of schema validation first: a publisher's file that fails the
schema still holds contracts citizens should see. Each deviation we can read past (an object
where a list belongs, a misspelt key, a number stored as text) is read and flagged with its JSON
path; what cannot be read is refused with its path. Nothing raises on bad data.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..ingest.problems import Problem
from ..urls import SAFE_ID

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
MAX_DAYS = 36_525  # a period longer than a century is a data error, not a contract
_NOT_SAFE = re.compile(r"[^0-9A-Za-z._-]+")


@dataclass(frozen=True)
class At:
    """A place in a source file: file name, the item's position (1-based), its JSON path."""

    file: str
    row: int
    path: str

    def __truediv__(self, key: str | int) -> At:
        if isinstance(key, int):
            return At(self.file, self.row, f"{self.path}[{key}]")
        return At(self.file, self.row, f"{self.path}.{key}" if self.path else key)


@dataclass
class Sink:
    """Collects the problems of one import, once each, in the order they were found."""

    problems: list[Problem] = field(default_factory=list)
    _seen: set[tuple[str, int, str, str]] = field(default_factory=set)

    def _add(self, at: At, value: Any, reason: str, refused: bool) -> None:
        key = (at.file, at.row, at.path, reason)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(Problem(at.file, at.row, at.path, short(value), reason, refused))

    def flag(self, at: At, value: Any, reason: str) -> None:
        """The value was read (or read past) and the row kept."""
        self._add(at, value, reason, False)

    def refuse(self, at: At, value: Any, reason: str) -> None:
        """The row this value belongs to is not imported."""
        self._add(at, value, reason, True)


def short(value: Any, limit: int = 80) -> str:
    if value is None:
        return ""
    s = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return s if len(s) <= limit else s[: limit - 1] + "…"


@lru_cache(maxsize=1)
def known_keys() -> frozenset[str]:
    """Every property name of the vendored OCDS and OC4IDS schemas: real keys, never misspellings."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}) if isinstance(node.get("properties"), dict) else ())
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for path in sorted(SCHEMA_DIR.glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return frozenset(names)


def get(obj: Any, key: str, at: At, sink: Sink) -> Any:
    """obj[key]; when absent, a near-miss key (schema/scheme, Suppliers/suppliers) is read and flagged."""
    if not isinstance(obj, dict):
        return None
    if key in obj:
        return obj[key]
    for k in obj:
        if (
            k not in known_keys()
            and abs(len(k) - len(key)) <= 1
            and SequenceMatcher(None, k.lower(), key.lower()).ratio() >= 0.8
        ):
            sink.flag(at / k, k, f"misspelt key '{k}' read as '{key}'")
            return obj[k]
    return None


def obj(value: Any, at: At, sink: Sink) -> dict[str, Any]:
    """An object; a one-item list holding one is unwrapped (flagged), anything else is empty."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        sink.flag(at, "[…]", "list where an object belongs; its only item read")
        return value[0]
    if value not in (None, "", [], {}):
        sink.flag(at, value, f"expected an object, found {type(value).__name__}; ignored")
    return {}


def as_list(value: Any, at: At, sink: Sink) -> list[Any]:
    """A list; an object or a string where a list belongs is read as a one-item list (flagged)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        sink.flag(at, "{…}", "object where a list belongs; read as a list of one")
        return [value]
    if isinstance(value, str) and value:
        sink.flag(at, value, "text where a list belongs; read as a list of one")
        return [value]
    if value != "":
        sink.flag(at, value, f"expected a list, found {type(value).__name__}; ignored")
    return []


def text(value: Any) -> str:
    """Free text as published (numbers as written, never 19.0 for 19); absent is ''."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def day(value: Any, at: At, sink: Sink) -> str:
    """An ISO date-time's date as the publisher wrote it (local date, no time-zone shift)."""
    s = text(value)
    if not s:
        return ""
    if re.match(r"^\d{4}-\d{2}-\d{2}", s):
        try:
            date.fromisoformat(s[:10])
            return s[:10]
        except ValueError:
            pass
    sink.flag(at, s, "not an ISO 8601 date; ignored")
    return ""


def minute(value: Any, at: At, sink: Sink) -> str:
    """YYYY-MM-DDTHH:MM of an ISO date-time (local time as published); a bare date is 00:00."""
    d = day(value, at, sink)
    if not d:
        return ""
    s = text(value)
    m = re.match(r"^\d{4}-\d{2}-\d{2}[T ](\d{2}):(\d{2})", s)
    return f"{d}T{m.group(1)}:{m.group(2)}" if m else f"{d}T00:00"


def duration(period: dict[str, Any], at: At, sink: Sink) -> None:
    """Flag an absurd durationInDays (736,903 days is a date's day number, not a duration)."""
    days = period.get("durationInDays")
    if isinstance(days, (int, float)) and not isinstance(days, bool) and (days < 0 or days > MAX_DAYS):
        what = "negative duration" if days < 0 else f"absurd duration (about {int(days) // 365:,} years)"
        sink.flag(at / "durationInDays", days, f"{what}: {int(days):,} days; ignored")


@dataclass(frozen=True)
class Money:
    """The deployment's currency: amounts become integers in its minor unit."""

    currency: str = "KRW"
    minor_digits: int = 0

    def amount(self, value: Any, at: At, sink: Sink) -> tuple[str, str]:
        """(minor units as text, why empty) of an OCDS Value object."""
        v = obj(value, at, sink)
        raw = v.get("amount")
        if raw is None or raw == "":
            return "", "no amount"
        if isinstance(raw, str):
            sink.flag(at / "amount", raw, "number stored as text")
        try:
            dec = Decimal(str(raw).replace(",", "")) if not isinstance(raw, bool) else None
        except InvalidOperation:
            dec = None
        if dec is None or not dec.is_finite():
            sink.flag(at / "amount", raw, "amount is not a number; ignored")
            return "", "amount is not a number"
        cur = text(v.get("currency")).upper()
        if not cur:
            sink.flag(at / "currency", "", f"currency missing; read as {self.currency}")
        elif cur != self.currency:
            return "", f"amount in {cur}, the deployment's currency is {self.currency}"
        minor = dec.scaleb(self.minor_digits)
        whole = minor.to_integral_value()
        if whole != minor:
            sink.flag(at / "amount", raw, f"more decimals than {self.currency} has; rounded")
        return str(int(whole)), ""


def safe_id(raw: Any) -> str:
    """Any published id as a SAFE_ID (a folder name): kept when already safe, otherwise cleaned
    and suffixed with a short hash of the original so two different ids never meet."""
    s = text(raw)
    if SAFE_ID.match(s):
        return s
    digest = hashlib.sha1(s.encode("utf-8")).hexdigest()[:8]
    cleaned = re.sub(r"-{2,}", "-", _NOT_SAFE.sub("-", s)).strip("._-")[:100]
    return f"{cleaned}-{digest}" if cleaned else f"x-{digest}"


OCID = re.compile(r"^ocds-[0-9a-z]{6}-(.+)$")


def local_part(ocid: str) -> str:
    """The publisher's own process id: what follows the registered prefix ocds-xxxxxx-."""
    m = OCID.match(ocid)
    return m.group(1) if m else ""


def scoped(ocid: str, local: Any) -> str:
    """A process-local id (contract, award) made global: OCDS ids are unique only within their
    ocid. When the ocid is exactly prefix + id (clearbuild's own exports), the id is kept."""
    loc = text(local)
    if not loc:
        return safe_id(ocid)
    if loc == ocid or loc == local_part(ocid):
        return safe_id(loc)
    return safe_id(f"{ocid}-{loc}")


def process_id(ocid: str, local: Any) -> str:
    """A process-wide record (notice, plan) is named by its ocid, or by the id the ocid wraps."""
    loc = text(local)
    return safe_id(loc if loc and loc == local_part(ocid) else ocid)


def count(value: object) -> str:
    """A published count (numberOfTenderers) as text, or "" when absent or not a whole number."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    return ""
