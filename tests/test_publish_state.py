"""The nightly's state (record histories, certificate ledger) lives with the site it publishes."""

from __future__ import annotations

from pathlib import Path

from publish_support import workspace

from clearbuild.publish import nightly

ROOT = Path(__file__).resolve().parent.parent


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_without_a_setting_the_state_goes_under_the_site_not_the_checkout(tmp_path):
    ws = workspace(tmp_path)
    ws.export("2025-08-20")
    over = ws.overrides()
    del over["CB_HISTORY_DIR"]
    checkout = listing(ROOT / "data" / "history")
    nightly.nightly(ws.exports, ws.site, overrides=over, say=lambda _m: None)
    state = ws.site / "state" / "history"
    assert (state / "HEAD.json").is_file() and (state / "certificate-codes.csv").is_file()
    assert listing(ROOT / "data" / "history") == checkout  # nothing written into the code checkout
    # The published pages read the same history: a second night shows the change on the record.
    rows = __import__("factory").copy_rows()
    rows["contracts"][0]["amount"] = "1100000001"
    ws.export("2025-08-21", rows)
    nightly.nightly(ws.exports, ws.site, overrides=over, say=lambda _m: None)
    page = (ws.site / "current" / "contracts" / "C-2025-0001" / "index.html").read_text(encoding="utf-8")
    assert "2025-08-21" in page and "1,100,000,001" in page
