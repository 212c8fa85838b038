"""One "as of" date per build (clearbuild.asof), and pages that never read the clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from factory import EXPORT_DATE, write_export

from clearbuild import asof
from clearbuild.build import build
from clearbuild.dataset import Dataset

ROOT = Path(__file__).resolve().parent.parent


def tables() -> dict[str, pd.DataFrame]:
    return {"contracts": pd.DataFrame({"signed_at": ["2024-03-01", "2025-01-02", None]}),
            "bid_notices": pd.DataFrame({"published_at": ["2025-02-03T09:00"], "deadline": ["2031-01-01T18:00"]}),
            "projects": pd.DataFrame({"planned_end_date": ["2030-12-31"]})}


def test_the_export_date_wins_then_the_setting_then_the_newest_event():
    ds = Dataset(tables=tables(), export_date="2025-11-20")
    assert asof.resolve(ds, {"CB_AS_OF": "2026-01-01"}) == "2025-11-20"
    ds.export_date = ""
    assert asof.resolve(ds, {"CB_AS_OF": "2026-01-01"}) == "2026-01-01"
    # Deadlines and planned ends lie in the future: only events date an undated export.
    assert asof.resolve(ds, {}) == "2025-02-03"
    assert asof.resolve(Dataset(tables={}), {}) == asof.EPOCH


@pytest.mark.parametrize("alias", asof.ALIASES)
def test_retired_section_settings_are_aliases(alias):
    assert asof.resolve(Dataset(tables=tables()), {alias: "2026-02-02"}) == "2026-02-02"


@pytest.mark.parametrize("value", ["sample", "2026-02-30", "20260202", "tomorrow"])
def test_a_setting_that_is_not_a_date_is_refused(value):
    with pytest.raises(ValueError, match="CB_AS_OF"):
        asof.resolve(Dataset(tables=tables()), {"CB_AS_OF": value})


@pytest.mark.parametrize(("name", "dated"), [("2026-11-20", "2026-11-20"), ("2026-11-20.json", "2026-11-20"),
                                             ("sample", ""), ("2026-13-01", ""), ("export", "")])
def test_only_a_real_date_names_an_export(name, dated):
    assert asof.dated_name(name) == dated


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


BUILD = "import sys; from clearbuild.build import build; build(output=sys.argv[2], data=sys.argv[1], quiet=True)"


def build_with_clock(export: Path, out: Path, days: int) -> dict[str, str]:
    """A build in a process whose every clock (libfaketime: date, datetime, time, the C library's)
    reads ``days`` from today, at a different hour too."""
    when = dt.datetime.now() + dt.timedelta(days=days, hours=7)
    cmd = ["faketime", when.strftime("%Y-%m-%d %H:%M:%S"), sys.executable, "-c", BUILD, str(export), str(out)]
    subprocess.run(cmd, check=True, cwd=ROOT, env=dict(os.environ), timeout=600,
                   capture_output=True)
    return digest(out)


@pytest.mark.skipif(shutil.which("faketime") is None, reason="needs Debian's faketime (.ci/run installs it)")
def test_the_same_export_builds_the_same_bytes_a_year_apart(tmp_path):
    export = write_export(tmp_path / "export")
    today = build_with_clock(export, tmp_path / "now", 0)
    next_year = build_with_clock(export, tmp_path / "later", 366)
    assert today == next_year, sorted(k for k in today if today[k] != next_year.get(k))[:10]


def test_every_page_of_the_site_shows_one_data_date(tmp_path):
    out = build(output=tmp_path / "out", data=write_export(tmp_path / "export"), quiet=True).output
    seen: set[str] = set()
    pattern = re.compile(r"(?:자료 기준일|기준일|as of|Data as of|measured up to)\W*(?:<[^>]+>)?\s*(\d{4}-\d{2}-\d{2})")
    for page in out.rglob("*.html"):
        seen.update(pattern.findall(page.read_text(encoding="utf-8")))
    assert seen == {EXPORT_DATE}
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f"{EXPORT_DATE}." in home and "sample." not in home


def test_build_as_of_dates_an_undated_export_and_refuses_a_non_date(tmp_path):
    export = write_export(tmp_path / "x")
    undated = export.rename(tmp_path / "undated")
    run = [sys.executable, "-m", "invoke", "build", "--data", str(undated), "--output", str(tmp_path / "out")]
    done = subprocess.run(run + ["--as-of", "2025-09-01"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "자료 기준일 2025-09-01." in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    before = digest(tmp_path / "out")
    bad = subprocess.run(run + ["--as-of", "sample"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines() == ["build refused: CB_AS_OF: 'sample' is not a date (YYYY-MM-DD)"]
    assert digest(tmp_path / "out") == before  # the live output untouched
