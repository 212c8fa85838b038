"""Performance certificates (실적증명서): a company's completed contracts of one kind, with a code
anyone can check offline.

Why a hash and not a serial number: a static site has no database to issue serials from. The
code is SHA-256 of the certificate's canonical content (docs/contracts.md gives the exact form),
so it is the same in every language and every rebuild of the same data, anyone can recompute it
from the published records, and changing one digit on a printed copy no longer matches the
figures /verify/ shows for that code. The date the data is "as of" is deliberately not hashed:
a certificate keeps its code until the company completes another contract of that kind.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from clearbuild.schema import WORK_TYPE

from .model import Chain, Record, cert_kind

KINDS = WORK_TYPE  # the 8 kinds, in display order
CODE_HEX = 16  # 64 bits: no accidental collision among millions of certificates
SHARD_HEX = 2  # verify/codes/<first two hex digits>.js: 256 small files


def certificates_of(ch: Chain, company: Record) -> dict[str, list[Record]]:
    """kind -> the company's completed contracts of that kind (oldest end first); kinds with none
    are left out, so a company is never offered an empty certificate."""
    found: dict[str, list[Record]] = {}
    for c in ch.contracts_by_company.get(company["company_id"], []):
        if ch.completed(c):
            found.setdefault(cert_kind(c), []).append(c)
    out = {}
    for kind in KINDS:
        if kind in found:
            out[kind] = sorted(found[kind], key=lambda c: (ch.final_end(c), c["contract_id"]))
    return out


def canonical(ch: Chain, company: Record, kind: str, rows: list[Record]) -> str:
    """The exact text that is hashed: compact JSON, sorted keys, UTF-8, no as-of date."""
    body = {
        "v": 1,
        "company_id": company["company_id"],
        "name": company["name"],
        "kind": kind,
        "contracts": [[c["contract_id"], c["agency"], c["title"], c.get("start_date") or "",
                       ch.final_end(c) or "", int(ch.final_amount(c))] for c in rows],
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def code_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:CODE_HEX]


def display_code(code: str) -> str:
    """abcd1234ef567890 -> ABCD-1234-EF56-7890: easy to read aloud and to type."""
    up = code.upper()
    return "-".join(up[i:i + 4] for i in range(0, len(up), 4))


def certificate_context(ch: Chain, company: Record, kind: str, rows: list[Record]) -> dict[str, Any]:
    code = code_of(canonical(ch, company, kind, rows))
    lines = [{"contract": c, "amount": ch.final_amount(c), "end": ch.final_end(c)} for c in rows]
    return {"company": company, "kind": kind, "lines": lines, "code": code,
            "display_code": display_code(code), "total": sum(x["amount"] for x in lines),
            "as_of": ch.as_of}


def index_entry(ctx: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """What /verify/ shows for a code: enough to compare with a printed copy, nothing more."""
    lines = ctx["lines"]
    return ctx["code"], {"c": ctx["company"]["company_id"], "n": ctx["company"]["name"],
                         "k": ctx["kind"], "count": len(lines), "total": ctx["total"],
                         "first": min((x["end"] for x in lines), default=""),
                         "last": max((x["end"] for x in lines), default="")}
