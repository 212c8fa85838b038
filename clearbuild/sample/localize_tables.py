"""Column by column: which local value each Seoul value becomes (clearbuild/sample/localize.py)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .localize import COMPANY_IDS, MONEY, PHONES, PHRASES, Locale, _h, arr
from .places import Geo

LOT = re.compile(r"^(.*) \((\d+)권역\)$")


def _col(t: dict[str, Any], name: str) -> list[str]:
    return ["" if v is None else str(v) for v in np.asarray(t[name], dtype=object)]


def run(tables: dict[str, dict[str, Any]], g: Geo, loc: Locale, kdist: dict[str, str]
        ) -> dict[str, dict[str, Any]]:
    out = {name: dict(cols) for name, cols in tables.items()}
    p = loc.p
    used: set[str] = set()

    def agency(v: str) -> str:
        return loc.agency(v, g, kdist) if v else v

    # Companies first: their names are also payers and supervisors.
    comp = out["companies"]
    knames = _col(comp, "name")
    for table, col in COMPANY_IDS.items():
        out[table][col] = arr([loc.company_id(v, used) for v in _col(out[table], col)])
    comp["name"] = arr([loc.company(v) for v in knames])
    codes = _col(comp, "district_code")
    comp["address"] = arr([loc.address(f"c{i}", g, c) for i, c in enumerate(codes)])
    tld = p["companies"]["tld"]
    comp["email"] = arr([f"info@{p['companies']['mail']}{cid[-5:]}.{tld}" if e else ""
                         for cid, e in zip(_col(comp, "company_id"), _col(comp, "email"), strict=True)])
    comp["website"] = arr([f"https://{p['companies']['mail']}{cid[-5:]}.{tld}" if w else ""
                           for cid, w in zip(_col(comp, "company_id"), _col(comp, "website"), strict=True)])
    for table, col in PHONES.items():
        out[table][col] = arr([p["phone"].format(a=_h(v, 1) % 900 + 100, b=_h(v, 2) % 90 + 10,
                                                 c=_h(v, 3) % 90 + 10) if v else ""
                               for v in _col(out[table], col)])

    # Projects: their names and addresses follow their own district and category.
    pr = out["projects"]
    pcodes, cats = _col(pr, "district_code"), _col(pr, "category")
    pr["name"] = arr([loc.title(v, "construction", c, g, d)
                      for v, c, d in zip(_col(pr, "name"), cats, pcodes, strict=True)])
    pr["address"] = arr([loc.address(pid, g, d)
                         for pid, d in zip(_col(pr, "project_id"), pcodes, strict=True)])
    pr["dong_code"] = arr([""] * len(pcodes))
    pr["agency"] = arr([agency(v) for v in _col(pr, "agency")])
    scope = p["scope"]
    pr["description"] = arr([f"{name}: " + scope.get(c, scope["other"]).format(
        a=(_h(pid, "a") % 240 + 10) * 10, b=_h(pid, "b") % 10 + 2, c=_h(pid, "c") % 5 + 1)
        for pid, name, c in zip(_col(pr, "project_id"), _col(pr, "name"), cats, strict=True)])
    pr["supervisor"] = arr([loc.company(v.removesuffix(" 건설사업관리단")) + p["supervisor_suffix"]
                            if v.endswith("건설사업관리단") else loc.one(p["departments"], "dept", v)
                            for v in _col(pr, "supervisor")])
    pr["inspector"] = arr([p["inspector"].format(dept=loc.one(p["departments"], "dept", v),
                                                 person=loc.person(v)) for v in _col(pr, "inspector")])

    # Plans, notices, contracts: one title per distinct Seoul title, by kind.
    for table in ("procurement_plans", "bid_notices", "contracts"):
        t = out[table]
        t["agency"] = arr([agency(v) for v in _col(t, "agency")])
        t["title"] = arr([loc.title(v, k, None, g, None)
                          for v, k in zip(_col(t, "title"), _col(t, "kind"), strict=True)])
    br = out["bid_results"]
    br["lot_title"] = arr([_lot(loc, v, g) for v in _col(br, "lot_title")])

    for table, cols in MONEY.items():
        for col in cols:
            out[table][col] = arr([loc.amount(v) for v in _col(out[table], col)])
    plans = out["procurement_plans"]
    plans["description"] = arr([p["plan_description"].format(
        title=title, scope=loc.one(p["plan_scope"][k], "scope", title), amount=_money(loc, amt),
        month=month) for title, k, amt, month in zip(_col(plans, "title"), _col(plans, "kind"),
                                                     _col(plans, "estimated_amount"),
                                                     _col(plans, "planned_month"), strict=True)])

    for table, col in sorted(PHRASES):
        out[table][col] = arr([loc.phrase(table, col, v) for v in _col(out[table], col)])
    pay = out["payments"]
    pay["payer"] = arr([agency(v) if v.endswith("청") or v.startswith("서울") else loc.company(v)
                        for v in _col(pay, "payer")])
    pay["bank_account"] = arr([f"{loc.one(p['banks'], 'bank', v)} {_h(v, 'acc') % 10**10:010d}" if v else ""
                               for v in _col(pay, "bank_account")])
    ap = out["apartments"]
    ap["name"] = arr([loc.one(p["apartments"], "apt", v) + f" {_h(v) % 30 + 1}" for v in _col(ap, "name")])
    ap["address"] = arr([loc.address(cid, g, d) for cid, d in zip(_col(ap, "complex_id"),
                                                                   _col(ap, "district_code"), strict=True)])
    ad = out["apartment_documents"]
    ad["approvals"] = arr([";".join(f"{loc.one(p['roles'], 'role', r.split(':')[0])}:{r.split(':')[1]}:"
                                    f"{loc.person(r)}" for r in v.split(";")) if v else ""
                           for v in _col(ad, "approvals")])
    return out


def _lot(loc: Locale, v: str, g: Geo) -> str:
    if not v:
        return v
    m = LOT.match(v)
    base = m.group(1) if m else v
    title = loc.title(base, "goods", None, g, None)  # the notice's own title when it was seen
    return loc.p["lot"].format(title=title, n=m.group(2)) if m else title


def _money(loc: Locale, v: str) -> str:
    if not v:
        return "–"
    digits = int(loc.p["money"].get("minor_digits", 0))
    n = int(v) / 10**digits
    return loc.p["money"]["format"].format(f"{n:,.0f}".replace(",", loc.p["money"]["group"]))
