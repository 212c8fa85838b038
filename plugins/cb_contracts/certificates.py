"""Performance certificates (실적증명서): a company's completed contracts of one kind, with a code
anyone can check offline.

Why a hash and not a serial number: a static site has no database to issue serials from. The
code is SHA-256 of the certificate's canonical content (docs/contracts.md gives the exact form),
so it is the same in every language and every rebuild of the same data, anyone can recompute it
from the published records, and changing one digit on a printed copy no longer matches the
figures /verify/ shows for that code. The date the data is "as of" is deliberately not hashed
and not printed: a certificate keeps its code, and its page its bytes, until the company
completes another contract of that kind; it shows the newest date it counts instead.

The rules and the hash are clearbuild.certcodes', shared with the nightly's ledger of issued
codes; codes a company's certificates no longer carry come back from that ledger as superseded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from clearbuild import asof, certcodes
from clearbuild.certcodes import SHARD_HEX, Issued, display_code

from .model import Chain, Record

Codes = dict[str, dict[str, Any]]  # shard -> code -> what /verify/ shows


def certificates_of(ch: Chain, company: Record) -> dict[str, list[Record]]:
    """kind -> the company's completed contracts of that kind (oldest end first)."""
    return certcodes.completed_by_kind(ch.contracts_by_company.get(company["company_id"], []),
                                       ch.end, ch.as_of)


def certificate(ch: Chain, company: Record, kind: str, rows: list[Record]
                ) -> tuple[dict[str, Any], Issued]:
    """The certificate page's context, and its code with the figures /verify/ shows for it."""
    cert = certcodes.certify(company, kind, rows, ch.certified, ch.end)
    paid = kind in certcodes.PAID_KINDS
    lines = [{"contract": c, "amount": ch.certified[c["contract_id"]], "end": ch.final_end(c),
              "paid": paid and bool(ch.payments.get(c["contract_id"]))} for c in rows]
    # The newest date the certificate counts (an end date, or a payment for kinds certified by
    # what was paid), not the export's date: the page then changes only when what it certifies
    # does, like its code, instead of every night.
    dates = [line["end"] for line in lines if line["end"]]
    if paid:
        dates += [str(p["paid_date"]) for c in rows for p in ch.payments.get(c["contract_id"], ())
                  if p.get("paid_date")]
    return {"company": company, "kind": kind, "lines": lines, "code": cert.code,
            "display_code": display_code(cert.code), "total": cert.total,
            "counted_to": max(dates, default="")}, cert


def add_code(codes: Codes, cert: Issued, money: Callable[[Any], str], **extra: str) -> None:
    codes.setdefault(cert.code[:SHARD_HEX], {})[cert.code] = {
        **cert.entry(), "total_text": money(cert.total), **extra}


def add_superseded(codes: Codes, folder: Path, export_date: str, money: Callable[[Any], str]) -> int:
    """Codes the ledger in ``folder`` knows as superseded by this export's date, with the figures
    they certified and their dates; nothing without a dated export or a ledger (a plain build
    stays as it was). Returns how many were added."""
    until = asof.day(export_date)
    if until is None or until != export_date:
        return 0
    rows = certcodes.read_ledger(folder)
    current = {code for shard in codes.values() for code in shard}
    old = certcodes.superseded_as_of(rows, until, current)
    for row in old:
        add_code(codes, row.cert, money, seen_first=row.first_seen, seen_last=row.last_seen,
                 superseded=row.superseded)
    return len(old)
