"""The Dataset's rows as dicts: one set per table, whichever way a plugin reads it."""

from __future__ import annotations

import gc
import json
import tracemalloc

import pandas as pd
import pytest

from clearbuild.dataset import Dataset


def ds() -> Dataset:
    contracts = pd.DataFrame({"contract_id": ["C-1", "C-2", "C-3", "C-4"],
                              "project_id": ["P-1", None, "P-2", "P-1"],
                              "amount": [100, 200, None, 300]}).astype(
        {"contract_id": "string", "project_id": "string", "amount": "Int64"})
    return Dataset(tables={"contracts": contracts})


def test_index_and_records_hold_the_same_row_objects() -> None:
    d = ds()
    rows = d.records("contracts")
    by_id = d.index("contracts", "contract_id")
    assert [r["contract_id"] for r in rows] == ["C-1", "C-2", "C-3", "C-4"]
    assert rows[1]["project_id"] is None  # missing is None, not <NA>
    assert by_id["C-1"] is rows[0] and by_id["C-4"] is rows[3]
    assert d.records("contracts")[2] is rows[2]  # made once per build


def test_a_group_is_the_records_rows_in_file_order_made_when_read() -> None:
    d = ds()
    by_project = d.group("contracts", "project_id")
    assert list(by_project) == ["P-1", "P-2"]  # keys in the order they first appear
    assert by_project["P-1"] == [d.records("contracts")[i] for i in (0, 3)]
    assert [type(v) for v in by_project["P-1"][0].values()] == [str, str, int]
    assert by_project["P-2"][0]["amount"] is None  # missing is None, as in records
    assert None not in by_project and by_project.get(None) is None  # no key, no group
    assert len(by_project) == 2 and by_project.get("P-9", ()) == ()
    assert by_project["P-1"][0] is not by_project["P-1"][0]  # made anew: nothing held
    by_amount = d.group("contracts", "amount")
    assert {k: [r["contract_id"] for r in v] for k, v in by_amount.items()} == {
        100: ["C-1"], 200: ["C-2"], 300: ["C-4"]}
    assert dict(d.group("contracts", "no_such_column")) == {}
    assert dict(d.group("no_such_table", "contract_id")) == {}


def test_once_the_records_exist_a_group_is_made_of_them_and_the_column_lists_go() -> None:
    from clearbuild.rows import ArrowGroups, RowGroups
    d = ds()
    early = d.group("contracts", "amount")  # asked before the records: made from columns
    rows = d.records("contracts")
    assert "contracts" not in d._columns  # the rows hold the values: no second set of lists
    by_project = d.group("contracts", "project_id")
    assert type(by_project) is RowGroups and type(early) is ArrowGroups
    assert list(by_project) == ["P-1", "P-2"] and by_project.get(None) is None
    assert by_project["P-1"][0] is rows[0] and by_project["P-1"][1] is rows[3]
    assert by_project["P-1"] is not by_project["P-1"]  # a new list of the same rows
    assert early[300] == [rows[3]] and early[300][0] is not rows[3]
    assert d.records("contracts")[0] is rows[0]  # made once, not again from new lists


def test_a_table_of_other_types_grouped_first_keeps_sharing_its_values_with_its_records() -> None:
    from clearbuild.rows import Groups, RowGroups
    frame = pd.DataFrame({"k": ["x", "y", "x"], "when": pd.to_datetime(["2024-01-01", None, "2024-01-03"])})
    d = Dataset(tables={"t": frame})
    first = d.group("t", "k")
    assert type(first) is Groups  # dates as Timestamps: Python values
    rows = d.records("t")
    assert first["x"][1]["when"] is rows[2]["when"]  # one value object, read both ways
    assert type(d.group("t", "when")) is RowGroups


def test_records_is_a_new_list_each_time() -> None:
    d = ds()
    mine = d.records("contracts")
    mine.sort(key=lambda r: r["contract_id"], reverse=True)
    mine.append({"contract_id": "X"})
    assert [r["contract_id"] for r in d.records("contracts")] == ["C-1", "C-2", "C-3", "C-4"]
    assert d.records("no_such_table") == []


def wide(columns: int, rows: int = 2000) -> Dataset:
    frame = pd.DataFrame({f"c{i}": [f"v{i}-{r % 7}" for r in range(rows)] for i in range(columns)})
    return Dataset(tables={"t": frame.astype("string")})


def plain(d: Dataset) -> list[dict]:
    frame = d.table("t")
    return [dict(zip(frame.columns, (None if pd.isna(v) else v for v in row), strict=True))
            for row in frame.itertuples(index=False)]


@pytest.mark.parametrize("columns", [1, 20, 29, 30, 45])
def test_rows_are_plain_dicts_equal_to_the_table_in_order(columns: int) -> None:
    d = wide(columns, rows=50)
    rows, want = d.records("t"), plain(d)
    assert rows == want and all(type(r) is dict for r in rows)
    assert [list(r) for r in rows] == [list(w) for w in want]  # column order kept
    assert json.dumps(rows, sort_keys=False) == json.dumps(want, sort_keys=False)
    assert d.group("t", "c0")["v0-3"] == [w for w in want if w["c0"] == "v0-3"]
    rows[0]["extra"] = 1  # a row given a key of its own: only that row has it
    assert rows[0]["extra"] == 1 and "extra" not in rows[1] and rows[1] == want[1]


@pytest.mark.parametrize("columns", [8, 12, 15, 29])
def test_rows_share_their_keys_and_take_less_memory_than_plain_dicts(columns: int) -> None:
    d = wide(columns)
    d._columns_of("t")  # the values, held either way
    want = plain(d)
    gc.collect()
    tracemalloc.start()
    rows = d.records("t")
    ours = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    tracemalloc.start()
    copies = [dict(r) for r in want]
    theirs = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert rows == copies
    assert ours < 0.7 * theirs, (ours, theirs)  # Seoul: contracts (15) 39 MB against 79


# Groups made from Arrow columns (ArrowGroups) against the same groups made from Python values.

def python_groups(frame: pd.DataFrame, key: str):
    """The groups made from the table's Python values (``rows.values``, what records hold)."""
    from clearbuild.rows import Groups, values
    return Groups(frame, key, (list(frame.columns), [values(frame[c]) for c in frame.columns]))


def both_ways(frame: pd.DataFrame, key: str):
    """(asked of a fresh Dataset, made from Python values) for one table and key. On the way,
    the groups of a Dataset whose records exist (``RowGroups``: the records themselves) are
    checked equal to the second."""
    from clearbuild.rows import RowGroups
    arrow = Dataset(tables={"t": frame}).group("t", key)
    python = python_groups(frame, key)
    d = Dataset(tables={"t": frame})
    records = d.records("t")
    of_records = d.group("t", key)
    assert type(of_records) is RowGroups or not records  # an empty table keeps no records
    same(of_records, python)
    ids = {id(r) for r in records}
    assert all(id(r) in ids for k in of_records for r in of_records[k])
    return arrow, python


def same(a, b) -> None:
    assert list(a) == list(b) and len(a) == len(b)
    for k in b:
        ra, rb = a[k], b[k]
        assert ra == rb
        assert [[(n, type(v)) for n, v in r.items()] for r in ra] == \
            [[(n, type(v)) for n, v in r.items()] for r in rb]
        assert json.dumps(ra, default=str) == json.dumps(rb, default=str)


def test_arrow_groups_equal_python_groups_on_every_table_of_a_generated_export(tmp_path) -> None:
    from clearbuild import loader
    from clearbuild.build import settings_for
    from clearbuild.rows import ArrowGroups, Groups
    from clearbuild.sample import generate

    folder = tmp_path / "export"
    generate(folder, seed=5, photos=False, projects=30, contracts=300, notices=120, companies=50)
    real = loader.load(settings_for(overrides={"CB_DATA": str(folder)}))
    checked = 0
    for name in sorted(real.tables):
        frame = real.table(name)
        for key in [c for c in frame.columns if c.endswith("_id")]:
            arrow, python = both_ways(frame, key)
            assert type(arrow) is ArrowGroups and type(python) is Groups, (name, key)
            same(arrow, python)
            checked += len(python)
    assert checked > 1000  # every bid, payment and contract group, not an empty export


@pytest.mark.parametrize("column", [
    pd.Series([1, None, 3, 4], dtype="Int64"),
    pd.Series([1.5, float("nan"), -0.0, 1e16]),  # NaN is missing: None
    pd.Series([True, False, True, False]),
    pd.Series([True, None, False, None], dtype="boolean"),
    pd.Series(["가", None, float("nan"), "\u200f"], dtype=object),  # text, None and NaN
    pd.Series(["a", None, "c", ""], dtype="string"),
    pd.Series([7, 8, 9, 2**62], dtype="uint64"),
    pd.Series([0.0, -0.0, 0.0, -0.0]),  # repeated: equal, but JSON prints them apart
    pd.Series(["a", "a", None, "a"], dtype="str"),  # repeated: codes
])
def test_arrow_groups_keep_every_plain_column_type(column: pd.Series) -> None:
    frame = pd.DataFrame({"k": ["x", "y", "x", None], "v": column})
    arrow, python = both_ways(frame, "k")
    from clearbuild.rows import ArrowGroups
    assert type(arrow) is ArrowGroups
    same(arrow, python)
    assert list(arrow) == ["x", "y"]


@pytest.mark.parametrize("column", [
    pd.Series([1, "1", 2.5, None], dtype=object),  # mixed objects: Arrow would change them
    pd.Series(pd.to_datetime(["2024-01-01", None, "2024-01-03", "2024-01-04"])),
    pd.Series(["a", "b", "a", "b"], dtype="category"),
    pd.Series([1.5, None, 2.0, 3.0], dtype="Float64"),
])
def test_other_columns_keep_their_python_values(column: pd.Series) -> None:
    from clearbuild.rows import Groups
    frame = pd.DataFrame({"k": ["x", "y", "x", "y"], "v": column})
    arrow, python = both_ways(frame, "k")
    assert type(arrow) is Groups  # not converted: the values are exactly the records'
    same(arrow, python)


def payments_like(rows: int) -> pd.DataFrame:
    """Contract payments' shape: a unique id, the contract (three rows each, in order), a kind,
    two dates and two amounts, one in five unpaid."""
    return pd.DataFrame({
        "payment_id": [f"CP-{i:08d}" for i in range(rows)],
        "contract_id": [f"C-{i // 3:07d}" for i in range(rows)],
        "kind": [("advance", "progress", "final")[i % 3] for i in range(rows)],
        "claim_date": [f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(rows)],
        "amount": [1_000_000 + 7919 * i for i in range(rows)],
        "paid_date": [None if i % 5 == 0 else f"2024-{1 + i % 12:02d}-28" for i in range(rows)],
        "paid_amount": [None if i % 5 == 0 else 1_000_000 + 7919 * i for i in range(rows)],
    }).astype({"payment_id": "str", "contract_id": "str", "kind": "str", "claim_date": "str",
               "paid_date": "str", "amount": "Int64", "paid_amount": "Int64"})


def test_groups_from_columns_hold_codes_and_arrow_arrays_not_python_values() -> None:
    import pyarrow as pa

    from clearbuild.rows import Coded

    frame = payments_like(60_000)
    d = Dataset(tables={"t": frame})
    gc.collect()
    tracemalloc.start()
    arrow_before = pa.total_allocated_bytes()
    by_contract = d.group("t", "contract_id")
    ours = tracemalloc.get_traced_memory()[0] + pa.total_allocated_bytes() - arrow_before
    tracemalloc.stop()
    kinds = {n: type(c).__name__ for n, c in zip(frame.columns, d._held["t"], strict=True)}
    assert kinds == {"payment_id": "StringArray", "contract_id": "Coded", "kind": "Coded",
                     "claim_date": "Coded", "amount": "Int64Array", "paid_date": "Coded",
                     "paid_amount": "Int64Array"}
    # rows already in contract order: the groups are slices of the table's own columns
    assert all(a is b for a, b in zip(by_contract._columns, d._held["t"], strict=True))
    by_kind = d.group("t", "kind")  # not in order: a sorted copy of the codes, the same pools
    assert isinstance(by_kind._columns[1], Coded) and by_kind._columns[1].pool is d._held["t"][1].pool
    assert [r["payment_id"] for r in by_kind["final"][:2]] == ["CP-00000002", "CP-00000005"]

    gc.collect()
    tracemalloc.start()
    python = python_groups(frame, "contract_id")  # the Python values and the same grouping
    theirs = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    same(by_contract, python)
    assert ours < 0.5 * theirs, (ours, theirs)


def test_group_keys_are_the_objects_the_table_already_holds_and_codes_are_narrow() -> None:
    """A grouping's keys are its key column's distinct values (ArrowGroups) or its records' own
    values (RowGroups), not a second string per group; codes take as few bytes as their
    distinct values need."""
    import numpy as np

    from clearbuild.rows import Coded, code_type

    frame = payments_like(3_000)
    d = Dataset(tables={"t": frame})
    by_contract = d.group("t", "contract_id")
    pool = d._held["t"][1].pool
    assert all(a is b for a, b in zip(by_contract, pool[:-1], strict=True))
    assert by_contract["C-0000007"][0]["contract_id"] is pool[7]
    codes = {n: c.codes.dtype for n, c in zip(frame.columns, d._held["t"], strict=True)
             if isinstance(c, Coded)}
    assert codes == {"contract_id": np.int16, "kind": np.int8, "claim_date": np.int8,
                     "paid_date": np.int8}
    assert [code_type(n) for n in (1, 127, 128, 32_767, 32_768)] == \
        [np.int8, np.int8, np.int16, np.int16, np.int32]

    records = d.records("t")  # a table with records: the keys are the first record's values
    by_kind = d.group("t", "kind")
    first = {}
    for r in records:
        first.setdefault(r["kind"], r["kind"])
    assert [k for k in by_kind] == list(first) and all(
        a is b for a, b in zip(by_kind, first.values(), strict=True))


def test_a_reference_is_the_referenced_records_own_id_object(tmp_path) -> None:
    """A contract's company id, a bid's notice and company ids, a payment's contract id are the
    very string objects of the records they name (one object per id, not one per table), with
    the same values as before; contracts and projects, which name each other, still load."""
    from clearbuild import loader
    from clearbuild.build import settings_for
    from clearbuild.sample import generate

    folder = tmp_path / "export"
    generate(folder, seed=7, photos=False, projects=20, contracts=200, notices=80, companies=40)
    settings = settings_for(overrides={"CB_DATA": str(folder)})
    ds, plain = loader.load(settings), loader.load(settings)  # plain: only its tables read
    contracts = ds.records("contracts")  # indexes the companies, notices and projects first
    companies = ds.index("companies", "company_id")
    notices = ds.index("bid_notices", "notice_id")
    assert contracts and all(c["company_id"] is companies[c["company_id"]]["company_id"]
                             for c in contracts)
    linked = [c for c in contracts if c.get("notice_id")]
    assert linked and all(c["notice_id"] is notices[c["notice_id"]]["notice_id"] for c in linked)
    by_company = ds.group("bid_results", "company_id")
    assert len(by_company) and all(k is companies[k]["company_id"] for k in by_company)
    index = ds.index("contracts", "contract_id")
    payments = ds.group("contract_payments", "contract_id")
    assert len(payments) and all(k is index[k]["contract_id"] for k in payments)
    # the same rows, value for value and type for type, as the tables' own values give
    from clearbuild.rows import values
    for name, got in (("contracts", contracts), ("companies", list(companies.values()))):
        frame = plain.table(name)
        cols = [values(frame[c]) for c in frame.columns]
        want = [dict(zip(frame.columns, row, strict=True)) for row in zip(*cols, strict=True)]
        assert got == want
        assert [[type(v) for v in r.values()] for r in got] == \
            [[type(v) for v in r.values()] for r in want]
    assert {k: payments[k] for k in payments} == dict(
        python_groups(plain.table("contract_payments"), "contract_id").items())
