"""The sample for a deployment outside Seoul: the same generator, then its words, places, ids
and money replaced by the deployment's own (deployments/<city>/sample.json).

Why a pass over the finished tables and not a second generator: the Seoul generator already makes
the records consistent with each other (projects with their contracts, bids with their notices,
the planted integrity signals); this layer keeps every link and every proportion and only changes
what a reader sees. Seoul never goes through it, so its demo stays byte-identical.

Each distinct Korean value maps to one local value (memoised, chosen by a hash of the value and
the seed), so a title shared by a plan, its notice and its contract stays shared, and the output
does not depend on the order rows are visited in.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import resolve
from .places import Geo

HANGUL = re.compile(r"[\uac00-\ud7a3]")
MONEY = {"projects": ("budget",), "change_orders": ("amount_before", "amount_after"),
         "subcontracts": ("amount",), "payments": ("amount", "paid_amount"),
         "procurement_plans": ("estimated_amount",), "bid_notices": ("estimated_price",),
         "bid_results": ("bid_amount",), "contracts": ("amount",),
         "contract_amendments": ("amount_before", "amount_after"),
         "contract_payments": ("amount", "paid_amount"), "apartment_documents": ("amount",)}
COMPANY_IDS = {"companies": "company_id", "contracts": "company_id", "bid_results": "company_id",
               "subcontracts": "company_id", "payments": "payee_company_id"}
PHONES = {"contracts": "officer_phone", "companies": "representative_phone",
          "projects": "supervisor_phone", "inspections": "inspector_phone"}
# Free-text columns whose distinct values map onto a list of local phrases (sample.json "phrases").
PHRASES = {("bid_notices", "eligibility"), ("bid_notices", "required_documents"),
           ("bid_results", "disqualified_reason"), ("change_orders", "reason"),
           ("contract_amendments", "reason"), ("inspections", "findings"), ("photos", "caption"),
           ("progress", "note"), ("project_documents", "title"), ("projects", "internal_note"),
           ("subcontracts", "scope"), ("companies", "industry"), ("apartment_documents", "category"),
           ("apartment_documents", "title")}


def load(path: str | Path) -> Locale:
    p = resolve(path)
    return Locale(json.loads(p.read_text(encoding="utf-8")), p.parent)


def _h(*parts: Any) -> int:
    return zlib.crc32("\x1f".join(str(p) for p in parts).encode())


@dataclass
class Locale:
    p: dict[str, Any]
    folder: Path
    memo: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def boundaries(self) -> str:
        return str(resolve(self.p["boundaries"]))

    def seed(self) -> int:
        return int(self.p.get("seed", 0))

    def one(self, items: list[str], *key: Any) -> str:
        return items[_h(self.seed(), *key) % len(items)]

    def _memo(self, space: str, value: str, make: Any) -> str:
        k = (space, value)
        if k not in self.memo:
            self.memo[k] = make()
        return self.memo[k]

    # --- the pieces ---------------------------------------------------------------------------
    def person(self, key: str) -> str:
        pe = self.p["people"]
        return pe["format"].format(first=self.one(pe["first"], "f", key), last=self.one(pe["last"], "l", key))

    def street(self, key: str, district: str | None) -> str:
        by = self.p["streets"]
        items = by.get(district or "", []) or by["*"]
        return self.one(items, "street", key)

    def forms(self, name: str) -> dict[str, str]:
        """The district's name inflected as the templates need it ({district_loc}, {district_fem})."""
        out = {"district": name}
        for form, (end, new) in self.p.get("district_forms", {}).items():
            out[f"district_{form}"] = name[: -len(end)] + new if end and name.endswith(end) else name
        full = self.p.get("district_full")
        if full:  # "quận Hải Châu", "huyện Hòa Vang"
            out["district_full"] = full.get(name, full["*"]).format(name=name)
        return out

    def address(self, key: str, g: Geo, code: str) -> str:
        d = g.districts[code]
        n = _h(self.seed(), "no", key) % 180 + 1
        return self.p["address"].format(city=self.p["city"], street=self.street(key, code), no=n,
                                        **self.forms(d.name))

    def amount(self, v: str) -> str:
        if v == "" or v is None:
            return ""
        x = int(v) * float(self.p["money"]["per_krw"])
        step = int(self.p["money"].get("round", 1))
        return str(int(round(x / step)) * step)

    def company_id(self, v: str, used: set[str]) -> str:
        digits = str(v).replace("-", "")
        if not digits:
            return ""

        def make() -> str:
            spec = self.p["company_ids"]
            width = int(spec["digits"]) - len(spec.get("prefix", ""))
            k = _h(self.seed(), "id", digits)
            while True:
                cand = spec.get("prefix", "") + str(k % 10**width).zfill(width)
                if cand not in used:
                    used.add(cand)
                    return cand
                k += 7919
        return self._memo("id", digits, make)

    def agency(self, name: str, g: Geo, district_names: dict[str, str]) -> str:
        """District offices by their district; the city's own agencies by a hash onto the list."""
        def make() -> str:
            for code, kname in district_names.items():
                if name == kname + "청":
                    return self.p["district_agency"].format(**self.forms(g.districts[code].name))
            return self.one(self.p["city_agencies"], "agency", name)
        return self._memo("agency", name, make)

    def company(self, name: str) -> str:
        def make() -> str:
            c = self.p["companies"]
            stem = self.one(c["stems"], "s1", name)
            second = self.one(c["stems2"], "s2", name)
            form = self.one(c["forms"], "form", name)
            return form.format(stem=stem, second=second)
        return self._memo("company", name, make)

    def title(self, value: str, kind: str, category: str | None, g: Geo, code: str | None) -> str:
        def make() -> str:
            t = self.p["titles"]
            forms = t.get(category or "", []) if kind == "construction" else t[kind]
            if not forms:
                forms = [f for cat, fs in sorted(t.items()) if cat not in ("services", "goods") for f in fs]
            c = code or g.codes[_h(self.seed(), "dist", value) % len(g.codes)]
            title = self.one(forms, "title", value).format(
                street=self.street(value, c), city=self.p["city"], n=_h(self.seed(), "n", value) % 40 + 1,
                **self.forms(g.districts[c].name))
            year = re.match(r"(\d{4})년 ", value)
            return self.p.get("year_prefix", "{year} {title}").format(year=year.group(1), title=title) \
                if year else title
        return self._memo("title", value, make)

    def phrase(self, table: str, col: str, value: str) -> str:
        if not value or not HANGUL.search(value):
            return value
        fixed = self.p.get("fixed", {})
        if value in fixed:
            return fixed[value]
        return self._memo(f"{table}.{col}", value,
                          lambda: self.one(self.p["phrases"][f"{table}.{col}"], table, col, value))


def apply(tables: dict[str, dict[str, Any]], g: Geo, loc: Locale, korean_districts: dict[str, str]
          ) -> dict[str, dict[str, Any]]:
    """Replace the Seoul words, ids, phones and amounts of every table with the deployment's."""
    from . import localize_tables

    return localize_tables.run(tables, g, loc, korean_districts)


def arr(values: list[str]) -> np.ndarray:
    return np.asarray(values, dtype=object)
