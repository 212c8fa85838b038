"""The Dataset's rows as dicts: one set per table, whichever way a plugin reads it."""

from __future__ import annotations

import pandas as pd

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


def test_records_is_a_new_list_each_time() -> None:
    d = ds()
    mine = d.records("contracts")
    mine.sort(key=lambda r: r["contract_id"], reverse=True)
    mine.append({"contract_id": "X"})
    assert [r["contract_id"] for r in d.records("contracts")] == ["C-1", "C-2", "C-3", "C-4"]
    assert d.records("no_such_table") == []
