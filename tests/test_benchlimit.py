"""The raw render limit `invoke bench` reports beside every rate: the plain page, and the same page
made as large as a build's own pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearbuild.benchlimit import page_bytes, raw_limit, rows_for


@pytest.mark.parametrize("size", [5000, 7824, 12_000])
def test_rows_for_makes_the_plain_page_about_as_large_as_asked(size: int) -> None:
    rows = rows_for(size)
    assert page_bytes(rows) >= size > page_bytes(rows - 1)


def test_the_plain_page_is_never_made_smaller_than_3_kb() -> None:
    assert rows_for(100) == 18 and 2900 < page_bytes(18) < 3100


def test_raw_limit_renders_and_writes_the_pages_it_counts(tmp_path: Path) -> None:
    small = raw_limit(n=200, workers=1, runs=1, where=tmp_path)
    large = raw_limit(n=200, workers=1, runs=1, where=tmp_path, rows=rows_for(12_000))
    assert small["raw_page_bytes"] < 3100 and large["raw_page_bytes"] >= 12_000
    assert small["raw_pages_per_second"] > 0 and large["raw_pages_per_second"] > 0
    assert list(tmp_path.iterdir()) == []  # its pages are removed after each run


def test_a_bench_reads_every_row_of_its_export(tmp_path, monkeypatch) -> None:
    # CB_MAX_ROWS guards a real export; a generated one at K times Seoul has more rows in a table
    # (twice Seoul: 1.14 million contract payments), and the whole file used to be refused.
    from factory import write_export

    from clearbuild import config, loader
    from clearbuild.bench import rows_limit
    from clearbuild.ingest.limits import LimitError

    export = write_export(tmp_path / "export")
    monkeypatch.setitem(config.DEFAULTS, "CB_MAX_ROWS", 2)
    wanted = rows_limit(export)["CB_MAX_ROWS"]
    biggest = max(sum(1 for _ in p.open(encoding="utf-8")) - 1 for p in export.glob("*.csv"))
    assert biggest > 2 and wanted >= biggest
    settings = {**config.DEFAULTS, "CB_DATA": str(export), "CB_MAX_ROWS": wanted}
    ds = loader.load(settings)
    assert not [p for p in ds.report if "CB_MAX_ROWS" in p.reason]
    with pytest.raises(LimitError, match="CB_MAX_ROWS"):  # the same export, refused
        loader.load({**settings, "CB_MAX_ROWS": 2})
