"""Field checks for what officials type: each a small function that returns the clean value or
raises ValidationError naming the field.

Why strict here rather than in ingest only: the database is append-only, so a typo that gets in
stays in the history forever (a correction can replace it on the site, not remove it). Checks
that need other records (progress going down, payment above its claim) live in entries.py, where
they run inside the write transaction.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clearbuild.config import newest_export
from clearbuild.schema import (
    CONTRACT_PAYMENT_KIND,
    INSPECTION_KIND,
    INSPECTION_RESULT,
    PAYEE_KIND,
    PROJECT_DOC_KIND,
    TABLES,
)

MAX_TEXT = 2000
EARLIEST = date(1950, 1, 1)
# What officials naturally type for a payee kind, onto the schema's enum.
PAYEE_ALIASES = {"subcontract": "subcontractor", "wage": "wages", "material": "materials"}


class ValidationError(Exception):
    """One bad field: ``str()`` is the one line an official reads."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass
class Context:
    """What field checks compare against: today, the export's projects, the amount ceiling."""

    export_dir: Path | None = None
    today: date | None = None
    max_amount: int = 10**14
    _projects: frozenset[str] | None = None
    _contracts: frozenset[str] | None = None

    @property
    def day(self) -> date:
        return self.today or date.today()

    def projects(self) -> frozenset[str]:
        if self._projects is None:
            self.export_dir = Path(self.export_dir or newest_export({}))
            self._projects = load_projects(self.export_dir)
        return self._projects

    def contracts(self) -> frozenset[str]:
        if self._contracts is None:
            self.export_dir = Path(self.export_dir or newest_export({}))
            self._contracts = load_projects(self.export_dir, "contracts", "contract_id")
        return self._contracts


def load_projects(export_dir: Path, table: str = "projects", column: str = "project_id") -> frozenset[str]:
    """Project (or contract) ids of the current export, the ones entries may refer to."""
    path = Path(export_dir) / f"{table}.csv"
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if column not in (reader.fieldnames or []):
                raise ValidationError("project_id", f"{path} has no {column} column")
            return frozenset(r[column].strip() for r in reader if r[column])
    except FileNotFoundError as e:
        raise ValidationError("project_id", f"cannot check {table} ids: {path} not found "
                                            "(give --export DIR, the current export folder)") from e
    except (UnicodeDecodeError, csv.Error) as e:
        raise ValidationError("project_id", f"cannot read {path}: {e}") from e


def _present(field: str, value: Any, required: bool) -> str | None:
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise ValidationError(field, "required, missing")
        return None
    return text


def project(field: str, value: Any, ctx: Context) -> str:
    text = _present(field, value, True)
    assert text is not None
    if text not in ctx.projects():
        raise ValidationError(field, f"{text!r} is not a project in {ctx.export_dir}/projects.csv")
    return text


def day(field: str, value: Any, ctx: Context, required: bool = True) -> str | None:
    text = _present(field, value, required)
    if text is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        d = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, f"{text!r} is not a date (YYYY-MM-DD)") from None
    if d > ctx.day:
        raise ValidationError(field, f"{text} is in the future (today is {ctx.day.isoformat()})")
    if d < EARLIEST:
        raise ValidationError(field, f"{text} is before {EARLIEST.isoformat()}; a typo?")
    return text


def pct(field: str, value: Any, ctx: Context) -> float:
    text = _present(field, value, True)
    assert text is not None
    try:
        n = float(text.removesuffix("%").strip())
    except ValueError:
        n = float("nan")
    if not 0 <= n <= 100:  # also false for nan
        raise ValidationError(field, f"must be a percentage from 0 to 100, got {text!r}")
    return round(n, 2)


def amount(field: str, value: Any, ctx: Context, required: bool = True) -> int | None:
    text = _present(field, value, required)
    if text is None:
        return None
    digits = text.replace(",", "").replace("_", "")
    if not re.fullmatch(r"[+-]?\d+", digits) or re.search(r",(?!\d{3}(,|$))", text):
        raise ValidationError(field, f"must be a whole number of won (no decimals), got {text!r}")
    n = int(digits)
    if n <= 0:
        raise ValidationError(field, f"must be positive, got {text!r}")
    if n > ctx.max_amount:
        raise ValidationError(field, f"{n:,} is over {ctx.max_amount:,}; a typo?")
    return n


def integer(field: str, value: Any, ctx: Context, lo: int, hi: int) -> int:
    text = _present(field, value, False) or "0"
    if not re.fullmatch(r"[+-]?\d+", text) or not lo <= int(text) <= hi:
        raise ValidationError(field, f"must be a whole number from {lo} to {hi}, got {text!r}")
    return int(text)


def choice(field: str, value: Any, allowed: tuple[str, ...], aliases: dict[str, str] | None = None) -> str:
    text = (_present(field, value, True) or "").lower()
    text = (aliases or {}).get(text, text)
    if text not in allowed:
        raise ValidationError(field, f"{value!r} is not one of {', '.join(allowed)}")
    return text


def text(field: str, value: Any, required: bool = False, max_len: int = MAX_TEXT) -> str:
    t = _present(field, value, required) or ""
    if len(t) > max_len:
        raise ValidationError(field, f"too long ({len(t)} characters, at most {max_len})")
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", t):
        raise ValidationError(field, "contains control characters")
    return t


def brn(field: str, value: Any, required: bool) -> str:
    t = _present(field, value, required)
    if t is None:
        return ""
    from clearbuild.brn import valid as brn_valid

    digits = t.replace("-", "")
    if not brn_valid(digits):
        raise ValidationError(field, f"{t!r} is not a valid business registration number "
                                     "(10 digits with a check digit)")
    return digits


def entry_id(field: str, value: Any) -> int:
    t = _present(field, value, True) or ""
    if not t.isdigit() or int(t) <= 0:
        raise ValidationError(field, f"{t!r} is not an entry id (a positive whole number)")
    return int(t)


# Field order per kind is also the bulk CSV header and the prompt order of the command line.
def _progress(v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {"project_id": project("project_id", v.get("project_id"), ctx),
            "date": day("date", v.get("date"), ctx),
            "planned_pct": pct("planned_pct", v.get("planned_pct"), ctx),
            "actual_pct": pct("actual_pct", v.get("actual_pct"), ctx)}


def _inspection(v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    out = {"project_id": project("project_id", v.get("project_id"), ctx),
           "date": day("date", v.get("date"), ctx),
           "kind": choice("kind", v.get("kind"), INSPECTION_KIND),
           "result": choice("result", v.get("result"), INSPECTION_RESULT),
           "findings": text("findings", v.get("findings"))}
    if out["result"] != "pass" and not out["findings"]:
        raise ValidationError("findings", f"required when the result is {out['result']}")
    return out


def _change(v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    days = TABLES["change_orders"].column("days_added")
    return {"project_id": project("project_id", v.get("project_id"), ctx),
            "date": day("date", v.get("date"), ctx),
            "reason": text("reason", v.get("reason"), required=True),
            "amount_before": amount("amount_before", v.get("amount_before"), ctx),
            "amount_after": amount("amount_after", v.get("amount_after"), ctx),
            "days_added": integer("days_added", v.get("days_added"), ctx, int(days.min or 0),
                                  int(days.max or 0))}


def existing_file(field: str, value: Any) -> str:
    """A file that exists; what it contains is checked where it is stored (photos, documents)."""
    src = _present(field, value, True)
    if not Path(str(src)).is_file():
        raise ValidationError(field, f"{src} not found")
    return str(src)


def _photo(v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    file = existing_file("file", v.get("file"))
    return {"project_id": project("project_id", v.get("project_id"), ctx),
            "date": day("date", v.get("date"), ctx),
            "caption": text("caption", v.get("caption"), max_len=500),
            "file": file}


def _document(v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    file = existing_file("file", v.get("file"))
    return {"project_id": project("project_id", v.get("project_id"), ctx),
            "date": day("date", v.get("date"), ctx),
            "kind": choice("kind", v.get("kind"), PROJECT_DOC_KIND),
            "title": text("title", v.get("title"), required=True, max_len=300),
            "file": file}


def _claim(v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    kind = choice("payee_kind", v.get("payee_kind"), PAYEE_KIND, PAYEE_ALIASES)
    return {"project_id": project("project_id", v.get("project_id"), ctx),
            "payee_kind": kind,
            "payee_company_id": brn("payee_company_id", v.get("payee_company_id"),
                                    required=kind != "wages"),
            "claim_date": day("claim_date", v.get("claim_date"), ctx),
            "amount": amount("amount", v.get("amount"), ctx),
            "payer": text("payer", v.get("payer"), max_len=200)}


def _payment(v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {"claim_id": entry_id("claim_id", v.get("claim_id")),
            "paid_date": day("paid_date", v.get("paid_date"), ctx),
            "paid_amount": amount("paid_amount", v.get("paid_amount"), ctx)}


def _contract_claim(v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """A claim on a contract (issue 18); the contract id travels as the entry's project_id."""
    cid = _present("project_id", v.get("project_id"), True)
    if cid not in ctx.contracts():
        raise ValidationError("project_id", f"{cid!r} is not a contract in {ctx.export_dir}/contracts.csv")
    return {"project_id": cid, "kind": choice("kind", v.get("kind"), CONTRACT_PAYMENT_KIND),
            "claim_date": day("claim_date", v.get("claim_date"), ctx),
            "amount": amount("amount", v.get("amount"), ctx)}


CLEAN: dict[str, Callable[[dict[str, Any], Context], dict[str, Any]]] = {
    "progress": _progress, "inspection": _inspection, "change": _change, "photo": _photo,
    "document": _document, "claim": _claim, "payment": _payment,
    "contract-payment": _contract_claim, "contract-paid": _payment,
}
FIELDS = {
    "progress": ("project_id", "date", "planned_pct", "actual_pct"),
    "inspection": ("project_id", "date", "kind", "result", "findings"),
    "change": ("project_id", "date", "reason", "amount_before", "amount_after", "days_added"),
    "photo": ("project_id", "date", "caption", "file"),
    "document": ("project_id", "date", "kind", "title", "file"),
    "claim": ("project_id", "payee_kind", "payee_company_id", "claim_date", "amount", "payer"),
    "payment": ("claim_id", "paid_date", "paid_amount"),
    "contract-payment": ("project_id", "kind", "claim_date", "amount"),
    "contract-paid": ("claim_id", "paid_date", "paid_amount"),
}
# Fields that may be left empty (a bulk file may leave their column out).
OPTIONAL = frozenset({"findings", "caption", "payee_company_id", "payer", "days_added"})


def clean(kind: str, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Validate every field of one record of ``kind``; the first bad field raises."""
    return CLEAN[kind](values, ctx)


def note(value: Any) -> str:
    return text("note", value, max_len=1000)
