"""The Dataset's rows as dicts: one set per table, whichever way a plugin reads it."""

from __future__ import annotations

import pandas as pd

from clearbuild.dataset import Dataset


def ds() -> Dataset:
    contracts = pd.DataFrame({"contract_id": ["C-1", "C-2", "C-3"],
                              "project_id": ["P-1", None, "P-1"],
                              "amount": [100, 200, 300]}).astype({"contract_id": "string",
                                                                  "project_id": "string"})
    return Dataset(tables={"contracts": contracts})


def test_index_group_and_records_hold_the_same_row_objects() -> None:
    d = ds()
    rows = d.records("contracts")
    by_id = d.index("contracts", "contract_id")
    by_project = d.group("contracts", "project_id")
    assert [r["contract_id"] for r in rows] == ["C-1", "C-2", "C-3"]
    assert rows[1]["project_id"] is None  # missing is None, not <NA>
    assert by_id["C-1"] is rows[0] and by_id["C-3"] is rows[2]
    assert [r["contract_id"] for r in by_project["P-1"]] == ["C-1", "C-3"]
    assert by_project["P-1"][0] is rows[0]
    assert None not in by_project  # a row without the key is in no group
    assert d.records("contracts")[2] is rows[2]  # made once per build


def test_records_is_a_new_list_each_time() -> None:
    d = ds()
    mine = d.records("contracts")
    mine.sort(key=lambda r: -r["amount"])
    mine.append({"contract_id": "X"})
    assert [r["contract_id"] for r in d.records("contracts")] == ["C-1", "C-2", "C-3"]
    assert d.records("no_such_table") == []
