"""The Dataset's columnar snapshot (clearbuild.snapshot): what a cluster worker reads must be
exactly what the parent ingested, table by table, dtype by dtype, None apart from NaN."""

from __future__ import annotations

import atexit
import dataclasses
import gc
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clearbuild import config, loader, putaway, snapshot
from clearbuild.build import settings_for
from clearbuild.dataset import Dataset


def same_cells(a: pd.Series, b: pd.Series) -> bool:
    """Cell by cell, NaN is NaN and None is None (assert_frame_equal treats them as equal)."""
    def tag(v):
        if v is None:
            return ("None",)
        if isinstance(v, float) and math.isnan(v):
            return ("NaN",)
        if v is pd.NA:
            return ("NA",)
        return (type(v), v)
    return [tag(v) for v in a.tolist()] == [tag(v) for v in b.tolist()]


def assert_same(a: Dataset, b: Dataset) -> None:
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        left, right = a.tables[name], b.tables[name]
        pd.testing.assert_frame_equal(left, right, check_dtype=True, check_exact=True,
                                      check_index_type=True, check_column_type=True)
        assert list(left.columns) == list(right.columns)
        assert type(left.index) is type(right.index)
        for col in left.columns:
            assert same_cells(left[col], right[col]), (name, col)
        assert a.records(name) == b.records(name), name
    for f in dataclasses.fields(Dataset):
        if not f.name.startswith("_") and f.name != "tables":
            assert getattr(a, f.name) == getattr(b, f.name), f.name
    assert a.refused == b.refused
    assert a.digest() == b.digest()


@pytest.fixture(scope="module")
def fixture_dataset(tmp_path_factory):
    from factory import write_export

    export = write_export(tmp_path_factory.mktemp("snap") / "export")
    return loader.load(settings_for(overrides={"CB_DATA": str(export)}))


def test_fixture_round_trip(fixture_dataset, tmp_path):
    where = snapshot.write(fixture_dataset, tmp_path / "snaps", "b1")
    assert sorted(p.name for p in (tmp_path / "snaps").iterdir()) == ["b1"]  # no temp left
    back = snapshot.read(where)
    assert_same(fixture_dataset, back)
    assert back.files and back.withheld and back.as_of  # the fixture has each of these


def test_demo_round_trip(tmp_path):
    settings = settings_for(overrides={"CB_DATA": str(config.resolve(config.DEFAULTS["CB_SAMPLE_DIR"]))})
    ds = loader.load(settings)
    assert_same(ds, snapshot.read(snapshot.write(ds, tmp_path, "demo")))


def test_awkward_columns(tmp_path):
    frames = {
        "mixed": pd.DataFrame({
            "text": pd.Series(["a", None, np.nan, "ㄱ"], dtype=object),
            "only_none": pd.Series([None] * 4, dtype=object),
            "only_nan": pd.Series([np.nan] * 4, dtype=object),
            "values": pd.Series([{"k": 1}, [1, 2], None, np.nan], dtype=object),
            "ints": pd.array([1, None, 3, -(2**62)], dtype="Int64"),
            "plain_ints": np.array([1, 2, 3, 4], dtype="int64"),
            "floats": [1.5, np.nan, -0.0, 3.0],
            "flags": [True, False, True, False],
            "maybe": pd.array([True, None, False, True], dtype="boolean"),
            "pystr": pd.Series(["x", None, "z", ""], dtype=pd.StringDtype("python", na_value=np.nan)),
            "nastr": pd.Series(["x", None, "z", ""], dtype="string"),
            "when": pd.to_datetime(["2025-01-01", None, "2025-03-01", "2025-04-01"]),
            "cat": pd.Categorical(["a", "b", None, "a"]),
        }),
        "empty": pd.DataFrame(),
        "no_rows": pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype=object),
                                 "c": pd.Series([], dtype="Int64")}),
        "zed_first": pd.DataFrame({"z": ["1"], "a": ["2"]}),
        "other_index": pd.DataFrame({"v": [1, 2]}, index=pd.Index(["x", "y"], name="id")),
    }
    ds = Dataset(tables=frames, source="s", export_date="2025-08-20", as_of="2025-08-20",
                 withheld={"t": 2}, sources=["s", "t"])
    back = snapshot.read(snapshot.write(ds, tmp_path, "odd"))
    assert_same(ds, back)
    assert back.tables["mixed"]["text"].tolist()[1] is None
    assert isinstance(back.tables["mixed"]["text"].tolist()[2], float)


def test_written_again_replaces_whole(fixture_dataset, tmp_path):
    snapshot.write(Dataset(tables={"x": pd.DataFrame({"a": [1]})}), tmp_path, "b")
    back = snapshot.read(snapshot.write(fixture_dataset, tmp_path, "b"))
    assert "x" not in back.tables
    snapshot.remove(tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_url_round_trip(fixture_dataset, tmp_path):
    """A file system URL goes through pyarrow.fs (s3:// and gs:// the same way)."""
    where = snapshot.write(fixture_dataset, f"file://{tmp_path}/remote", "b2")
    assert where.startswith("file://")
    assert_same(fixture_dataset, snapshot.read(where))
    snapshot.remove(where)
    assert not (tmp_path / "remote" / "b2").exists()


def test_put_away_tables_read_the_same_and_go_with_the_dataset(fixture_dataset):
    # A copy: the module's fixture keeps its tables in memory for the other tests.
    ds = dataclasses.replace(fixture_dataset, tables=dict(fixture_dataset.tables), _groups={},
                             _records={}, _rows={}, _columns={})
    putaway.put_away(ds)
    assert isinstance(ds.tables, putaway.StoredTables)
    folder = Path(ds.tables.location).parent
    assert folder.stat().st_mode & 0o777 == 0o700  # only the build's user reads it
    putaway.put_away(ds)  # once is enough: the same snapshot
    assert Path(ds.tables.location).parent == folder
    assert_same(fixture_dataset, ds)  # every table, every cell, the records, the digest
    assert ds.table("no_such_table").empty
    pid = os.fork()
    if pid == 0:  # a forked child that ends through atexit must not remove the parent's folder
        try:
            atexit._run_exitfuncs()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert folder.is_dir()
    del ds
    gc.collect()
    assert not folder.exists()


def test_put_away_tables_are_read_only_when_asked_for(fixture_dataset, monkeypatch):
    # The search phase once held every table at once ({**tables, ...}): ~120 MB of mapped pages
    # at Seoul's size. Asking whether a table is there, and the search's apartments with their
    # neighbourhoods over the rest, read no table but the one asked for.
    from clearbuild import search

    ds = dataclasses.replace(fixture_dataset, tables=dict(fixture_dataset.tables), _groups={},
                             _records={}, _rows={}, _columns={})
    putaway.put_away(ds)
    read: list[str] = []
    real = putaway._read_table
    monkeypatch.setattr(putaway, "_read_table", lambda loc, name, *a: read.append(name) or real(loc, name, *a))
    assert "contracts" in ds.tables and "no_such_table" not in ds.tables and read == []
    settings = settings_for(overrides={})
    tables = search.with_dongs(ds.tables, settings)
    assert read == ["apartments"]
    assert set(tables) == set(ds.tables)
    assert "dong_code" in tables["apartments"].columns
    assert tables["contracts"].equals(fixture_dataset.tables["contracts"]) and read[-1] == "contracts"


def test_a_killed_builds_tables_are_swept_by_the_next(tmp_path):
    # A build killed half-way (SIGKILL, a nightly's kill test) never removes its folder.
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = tmp_path / f"{putaway.PUT_AWAY}{done.stdout.strip()}-abc"
    alive = tmp_path / f"{putaway.PUT_AWAY}{os.getppid()}-def"  # pytest's parent: running
    mine = tmp_path / f"{putaway.PUT_AWAY}{os.getpid()}-ghi"
    odd = tmp_path / f"{putaway.PUT_AWAY}x-jkl"
    for folder in (dead, alive, mine, odd):
        (folder / "tables").mkdir(parents=True)
    assert putaway.sweep(str(tmp_path)) == [dead]
    assert not dead.exists() and alive.is_dir() and mine.is_dir() and odd.is_dir()


def test_ingest_puts_each_table_away_as_it_is_accepted(tmp_path, monkeypatch):
    """A build's ingest (``load_dataset(put_away=True)``, as the loader calls it) hands each
    table to the put-away snapshot once accepted and holds none: the same Dataset, cell for
    cell; an ingest stopped half-way (a required file missing after seven tables) leaves no
    folder behind."""
    import tempfile

    from factory import write_export

    from clearbuild.ingest import StructuralError, load_dataset

    export = write_export(tmp_path / "export")
    args = (config.region({}), frozenset(config.districts({})))
    written: list[int] = []
    real = putaway._write_table
    monkeypatch.setattr(putaway, "_write_table",
                        lambda folder, i, df: written.append(len(df)) or real(folder, i, df))
    held = load_dataset(export, *args)
    assert written == []
    away = load_dataset(export, *args, put_away=True)
    assert isinstance(away.tables, putaway.StoredTables) and isinstance(held.tables, dict)
    assert written == [len(t) for t in held.tables.values()] and sum(written) > 20
    assert_same(held, away)
    assert away.row_count() == held.row_count() == sum(written)

    def mine() -> set[Path]:
        return set(Path(tempfile.gettempdir()).glob(f"{putaway.PUT_AWAY}{os.getpid()}-*"))

    before = mine()
    (export / "projects.csv").unlink()
    written.clear()
    with pytest.raises(StructuralError, match="projects.csv: required file missing"):
        load_dataset(export, *args, put_away=True)
    assert len(written) == 7  # the tables before it were written, then removed
    assert mine() == before
