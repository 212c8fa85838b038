"""clearbuild.certcodes: the certificate codes the build prints and the nightly records, and the
ledger of every code issued (first and last export it was current, when it was superseded)."""

from __future__ import annotations

import hashlib
import json

import pytest
from factory import BRN_B, write_export

from clearbuild import asof, certcodes, loader, safeio
from clearbuild.build import settings_for
from clearbuild.certcodes import LEDGER, Issued, LedgerError, read_ledger, record, superseded_as_of


def cert(code: str, count: int = 1, name: str = "푸른전기 주식회사") -> Issued:
    return Issued(code, BRN_B, name, "general_services", count, 45_000_000 * count, "2025-06-30",
                  "2025-06-30" if count == 1 else "2026-11-21")


A, B, C = "a" * 16, "b" * 16, "0123456789abcdef"


def test_first_and_last_seen_and_a_superseded_code_is_kept(tmp_path):
    assert record(tmp_path, [cert(A), cert(B)], "2026-11-20") == {"current": 2, "new": 2, "superseded": 0}
    assert record(tmp_path, [cert(A), cert(C, 2)], "2026-11-21") == {"current": 2, "new": 1,
                                                                      "superseded": 1}
    record(tmp_path, [cert(A), cert(C, 2)], "2026-11-23")
    rows = read_ledger(tmp_path)
    assert [(r.first_seen, r.last_seen, r.superseded) for r in (rows[A], rows[B], rows[C])] == [
        ("2026-11-20", "2026-11-23", ""), ("2026-11-20", "2026-11-20", "2026-11-21"),
        ("2026-11-21", "2026-11-23", "")]
    assert rows[B].cert == cert(B)  # the figures it certified, kept after it left the data
    assert rows[C].cert.count == 2 and rows[C].cert.total == 90_000_000


def test_same_export_twice_changes_nothing_and_older_exports_are_not_recorded(tmp_path):
    record(tmp_path, [cert(A)], "2026-11-20")
    record(tmp_path, [cert(B)], "2026-11-21")
    before = (tmp_path / LEDGER).read_bytes()
    assert record(tmp_path, [cert(B)], "2026-11-21") == {"current": 1, "new": 0, "superseded": 0}
    assert (tmp_path / LEDGER).read_bytes() == before
    assert record(tmp_path, [cert(C)], "2026-11-19")["current"] == 0  # history only moves forward
    assert (tmp_path / LEDGER).read_bytes() == before
    # A corrected export of the same night: its codes are current, the withdrawn one superseded.
    record(tmp_path, [cert(C)], "2026-11-21")
    rows = read_ledger(tmp_path)
    assert (rows[B].superseded, rows[C].first_seen, rows[C].superseded) == ("2026-11-21", "2026-11-21", "")
    record(tmp_path, [cert(B)], "2026-11-22")  # a code that comes back is current again
    rows = read_ledger(tmp_path)
    assert (rows[B].first_seen, rows[B].last_seen, rows[B].superseded) == ("2026-11-21", "2026-11-22", "")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        record(tmp_path, [cert(A)], "export")


def test_a_write_killed_before_the_rename_leaves_the_old_ledger(tmp_path, monkeypatch):
    record(tmp_path, [cert(A)], "2026-11-20")
    before = (tmp_path / LEDGER).read_bytes()

    def killed(src, dst):
        raise KeyboardInterrupt("killed between the temp file and the rename")

    monkeypatch.setattr(safeio.os, "replace", killed)  # the shared atomic write
    with pytest.raises(KeyboardInterrupt):
        record(tmp_path, [cert(B)], "2026-11-21")
    assert (tmp_path / LEDGER).read_bytes() == before  # not half of the new one
    assert list(read_ledger(tmp_path)) == [A]
    monkeypatch.undo()
    record(tmp_path, [cert(B)], "2026-11-21")  # the next night's run completes it
    assert sorted(read_ledger(tmp_path)) == [A, B]
    assert [p.name for p in tmp_path.iterdir()] == [LEDGER]  # no temp file left


def test_ledger_is_sorted_and_deterministic_whatever_the_order_or_the_text(tmp_path):
    odd = 'Co, "Ltd"\nline two =1+1'
    certs = [cert(B), cert(C, name=odd), cert(A)]
    record(tmp_path / "x", certs, "2026-11-20")
    record(tmp_path / "y", list(reversed(certs)), "2026-11-20")
    text = (tmp_path / "x" / LEDGER).read_bytes()
    assert text == (tmp_path / "y" / LEDGER).read_bytes()
    assert read_ledger(tmp_path / "x")[C].cert.name == odd
    lines = text.decode().split("\n")
    assert lines[0] == ",".join(certcodes.COLUMNS)
    assert [ln[:16] for ln in lines[1:] if ln[:1] in "0ab"][:3] == [C, A, B]  # by code
    assert lines[1].startswith(f"{C},{BRN_B},\"Co, \"\"Ltd\"\"")


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace("general_services", "gold_medals", 1), "row 2, column kind"),
    (lambda t: t.replace(",45000000,", ",45,000,000,", 1), "row 2: 13 columns"),
    (lambda t: t.replace(",45000000,", ",-45000000,", 1), "row 2, column total"),
    (lambda t: t.replace("2026-11-20", "2026-13-20", 1), "row 2, column first_seen"),
    (lambda t: t.replace("aaaa", "AAAA", 1), "row 2, column code"),
    (lambda t: t.replace("first_seen", "since", 1), "row 1: header"),
])
def test_a_damaged_ledger_is_named_by_row_and_column(tmp_path, edit, message):
    record(tmp_path, [cert(A)], "2026-11-20")
    path = tmp_path / LEDGER
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(LedgerError, match=message) as e:
        read_ledger(tmp_path)
    assert str(path) in str(e.value) and "\n" not in str(e.value)


def test_a_build_sees_the_ledger_as_it_stood_on_its_export_date(tmp_path):
    record(tmp_path, [cert(A)], "2026-11-20")
    record(tmp_path, [cert(B)], "2026-11-21")
    record(tmp_path, [cert(C)], "2026-11-22")
    rows = read_ledger(tmp_path)
    assert [r.cert.code for r in superseded_as_of(rows, "2026-11-22", [C])] == [A, B]
    assert [r.cert.code for r in superseded_as_of(rows, "2026-11-21", [B])] == [A]  # B current then
    assert superseded_as_of(rows, "2026-11-20", [A]) == []
    assert [r.cert.code for r in superseded_as_of(rows, "2026-11-22", [A])] == [B]  # current wins


def test_issued_codes_are_the_documented_hash(tmp_path):
    """The nightly's codes (from the Dataset, no build) equal docs/contracts.md's recipe."""
    ds = loader.load(settings_for("pelicanconf.py", {
        "CB_DATA": str(write_export(tmp_path / "2026-11-20")), "CB_ADMIN_DB": ""}))
    found = certcodes.issued(ds, asof.of(ds))
    body = {"v": 1, "company_id": BRN_B, "name": "푸른전기 주식회사", "kind": "general_services",
            "contracts": [["C-2025-0002", "마포구청", "가로등 보수 용역", "2025-04-01", "2025-06-30", 45000000]]}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    code = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    by_kind = {(i.company_id, i.kind): i for i in found}
    assert by_kind[(BRN_B, "general_services")] == Issued(code, BRN_B, "푸른전기 주식회사",
                                                          "general_services", 1, 45000000,
                                                          "2025-06-30", "2025-06-30")
    # As of the export's date C-2025-0001 has ended too (after its amendment: 1,250,000,000 won).
    works = by_kind[("1208147521", "construction_works")]
    assert (works.count, works.total, works.last) == (1, 1_250_000_000, "2026-02-28")
    assert [i.code for i in found] == sorted(i.code for i in found)
    assert certcodes.issued(ds, "2025-05-01") == []  # nothing had ended yet
