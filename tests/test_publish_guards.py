"""The nightly refuses a broken export: the live site stays exactly as it was, the operator gets a
clear report and a non-zero exit. One published site is shared; each test brings one bad night."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from publish_support import ROOT, baseline_rows, workspace

from clearbuild.publish import nightly
from clearbuild.publish.guards import check

GOOD = "2026-11-20"
BAD = "2026-11-21"


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    ws = workspace(tmp_path_factory.mktemp("guards"))
    ws.export(GOOD, baseline_rows())
    ws.publish()
    return ws


def live_state(ws) -> tuple[str, bytes]:
    return os.readlink(ws.site / "current"), (ws.site / "current" / "manifest.json").read_bytes()


def bad_night(ws, tmp_path: Path, breaker) -> nightly.Refused:
    """Publish a copy of the good export broken by ``breaker(folder)``; must be refused."""
    exports = tmp_path / "exports"
    folder = ws.export(BAD, baseline_rows(), folder=exports)
    breaker(folder)
    before = live_state(ws)
    with pytest.raises(nightly.Refused) as info:
        ws.publish(exports=exports)
    assert live_state(ws) == before
    assert not [p for p in (ws.site / "builds").iterdir() if p.name.startswith(".")]
    assert "live site is unchanged" in str(info.value)
    return info.value


def rewrite(path: Path, fn) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows = fn(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def test_truncated_file_is_refused(ws, tmp_path):
    def cut(folder):
        path = folder / "projects.csv"
        data = path.read_bytes()
        path.write_bytes(data[: len(data) - 40])  # the export job died mid-row

    e = bad_night(ws, tmp_path, cut)
    assert e.code == 3 and "projects.csv" in str(e) and ("cut off" in str(e))


def test_renamed_column_is_refused(ws, tmp_path):
    def rename(folder):
        rewrite(folder / "contracts.csv", lambda rows: [["amt" if c == "amount" else c for c in rows[0]]]
                + rows[1:])

    e = bad_night(ws, tmp_path, rename)
    assert "contracts.csv: column 'amount' missing (renamed to 'amt'?)" in str(e)


def test_encoding_change_is_refused(ws, tmp_path):
    def to_cp949(folder):
        path = folder / "companies.csv"
        path.write_bytes(path.read_text(encoding="utf-8").encode("cp949"))

    e = bad_night(ws, tmp_path, to_cp949)
    assert "companies.csv: not UTF-8" in str(e) and "CP949" in str(e)


def test_duplicate_ids_are_refused(ws, tmp_path):
    e = bad_night(ws, tmp_path, lambda folder: rewrite(folder / "projects.csv", lambda rows: rows + [rows[1]]))
    assert "projects.csv: duplicate id P-0001 on lines 2 and 5" in str(e)


def test_half_the_rows_gone_is_refused_unless_accepted(ws, tmp_path):
    def drop(folder):
        rewrite(folder / "inspections.csv", lambda rows: rows[:3])

    e = bad_night(ws, tmp_path, drop)
    assert "inspections.csv: 2 rows, 50.0% fewer than the 4 published 2026-11-20 (limit 5%)" in str(e)
    assert "--accept-drop" in str(e)
    # The same export, accepted on purpose, is checked but not refused.
    report, _ = check(tmp_path / "exports" / BAD, _published_stats(ws), 0.05, accept_drop=True)
    assert report.ok and [r.file for r in report.accepted] == ["inspections.csv"]


def _published_stats(ws):
    from clearbuild.publish.site import Site

    s = Site(ws.site)
    return s.meta(s.current())["stats"]


def test_empty_file_is_refused(ws, tmp_path):
    e = bad_night(ws, tmp_path, lambda folder: (folder / "payments.csv").write_bytes(b""))
    assert "payments.csv: empty file" in str(e)


def test_missing_table_is_refused(ws, tmp_path):
    e = bad_night(ws, tmp_path, lambda folder: (folder / "bid_results.csv").unlink())
    assert "table bid_results missing" in str(e)


def test_structural_error_from_ingest_is_refused(ws, tmp_path):
    def unknown_column(folder):
        rewrite(folder / "projects.csv", lambda rows: [rows[0] + ["owner_ssn"]] + [r + ["x"] for r in rows[1:]])

    e = bad_night(ws, tmp_path, unknown_column)
    assert e.code == 2 and "owner_ssn" in str(e)


def test_invoke_nightly_exits_non_zero_with_the_report(ws, tmp_path):
    exports = tmp_path / "exports"
    folder = ws.export(BAD, baseline_rows(), folder=exports)
    (folder / "payments.csv").write_bytes(b"")
    before = live_state(ws)
    proc = subprocess.run([sys.executable, "-m", "invoke", "nightly", "--exports", str(exports),
                           "--site", str(ws.site), "--settings", str(ws.settings_file())],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert "payments.csv: empty file" in proc.stderr
    assert live_state(ws) == before
    assert (ws.site / "reports" / f"refused-{BAD}.txt").read_text(encoding="utf-8").startswith("export")
