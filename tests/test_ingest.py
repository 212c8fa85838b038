"""Ingest: one test per class of bad input. A bad row is refused and reported with its file,
row and column; a structural error stops with one line naming the file and the column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from factory import copy_rows, write_export

from clearbuild import config
from clearbuild.ingest import StructuralError, load_dataset
from clearbuild.ingest.checks import brn_valid


def load(folder: Path):
    return load_dataset(folder, config.region({}), frozenset(config.districts({})))


def with_change(tmp_path, table, index, **changes):
    rows = copy_rows()
    rows[table][index].update(changes)
    return load(write_export(tmp_path / "e", rows))


def refused(ds, file, column):
    return [p for p in ds.report if p.file == file and p.column == column and p.refused]


def test_clean_fixture_has_no_problems(export):
    ds = load(export)
    assert [p for p in ds.report if p.refused] == []
    assert len(ds.tables["projects"]) == 3


@pytest.mark.parametrize("table,index,column,value,reason", [
    ("projects", 0, "name", "", "required value missing"),
    ("projects", 0, "budget", "12억", "not an integer"),
    ("projects", 0, "budget", "-5", "negative amount"),
    ("projects", 0, "budget", "999999999999999999", "absurd amount"),
    ("projects", 0, "status", "done", "not one of"),
    ("projects", 0, "district_code", "99999", "not one of"),
    ("projects", 0, "start_date", "2025-13-40", "not a date"),
    ("projects", 0, "planned_end_date", "2024-01-01", "planned_end_date is before start_date"),
    ("projects", 0, "project_id", "../etc", "id must be"),
    ("progress", 0, "actual_pct", "140", "percentage outside 0-100"),
    ("payments", 0, "paid_date", "2025-05-01", "paid_date is before claim_date"),
    ("companies", 0, "company_id", "120-81-47520", "check digit"),
    ("bid_results", 0, "notice_id", "N-NOPE", "unknown bid_notices id"),
    ("contracts", 1, "company_id", "1018100340", None),  # valid and known: no problem
    ("subcontracts", 0, "company_id", "6068164932", "unknown companies id"),
    ("contract_amendments", 0, "date", "2025-01-01", "before the contract was signed"),
    ("apartment_documents", 0, "approvals", "관리소장:2025-06-30;동대표회장:2025-06-01",
     "out of date order"),
    ("apartment_documents", 0, "complex_id", "A-404", "unknown apartments id"),
    ("apartment_documents", 0, "file", "docs/missing.pdf", "attached file missing"),
    ("photos", 0, "file", "../../etc/passwd", "must be relative"),
    ("bid_notices", 0, "deadline", "2025-02-01T09:00", "deadline is before published_at"),
])
def test_bad_value_refuses_row_with_location(tmp_path, table, index, column, value, reason):
    ds = with_change(tmp_path, table, index, **{column: value})
    problems = refused(ds, f"{table}.csv", column)
    if reason is None:
        assert problems == []
        return
    assert problems, ds.report
    p = problems[0]
    assert reason in p.reason
    assert p.row == index + 2  # header is line 1
    assert p.value == value
    assert f"{table}.csv:{index + 2}: {column}=" in p.line()


def test_refused_row_is_left_out_and_others_kept(tmp_path):
    ds = with_change(tmp_path, "projects", 1, status="bogus")
    ids = set(ds.tables["projects"]["project_id"])
    assert ids == {"P-0001", "P-0003"}


def test_duplicate_id_refuses_second(tmp_path):
    rows = copy_rows()
    rows["projects"].append(dict(rows["projects"][0], name="dupe"))
    ds = load(write_export(tmp_path / "e", rows))
    p = refused(ds, "projects.csv", "project_id")
    assert p and p[0].row == 5 and "duplicate" in p[0].reason
    assert list(ds.tables["projects"]["name"]).count("dupe") == 0


def test_swapped_coordinates_named_as_swap(tmp_path):
    ds = with_change(tmp_path, "projects", 0, lat="127.0276", lon="37.4979")
    assert "swapped" in refused(ds, "projects.csv", "lat")[0].reason


def test_coordinates_outside_region(tmp_path):
    ds = with_change(tmp_path, "projects", 0, lat="35.1796", lon="129.0756")  # Busan
    assert "outside the deployment's region" in refused(ds, "projects.csv", "lat")[0].reason


def test_unsafe_link_dropped_but_row_kept(export):
    ds = load(export)
    flagged = [p for p in ds.report if p.column == "website"]
    assert flagged and not flagged[0].refused
    companies = ds.tables["companies"].set_index("company_id")
    assert companies.loc["2148755823", "website"] == ""


def test_private_columns_never_in_dataset(export):
    ds = load(export)
    assert "supervisor_phone" not in ds.tables["projects"].columns
    assert "internal_note" not in ds.tables["projects"].columns
    assert "bank_account" not in ds.tables["payments"].columns
    assert "email" not in ds.tables["companies"].columns


def test_private_documents_withheld(export):
    ds = load(export)
    assert list(ds.tables["apartment_documents"]["doc_id"]) == ["D-1"]
    assert ds.withheld["apartment_documents"] == 1


def rewrite_header(path: Path, old: str, new: str | None):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    i = rows[0].index(old)
    for r in rows:
        if new is None:
            del r[i]
        else:
            r[i] = new if r is rows[0] else r[i]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def test_missing_required_column_is_structural(export):
    rewrite_header(export / "projects.csv", "name", None)
    with pytest.raises(StructuralError, match=r"projects.csv: table projects is missing required column 'name'"):
        load(export)


def test_column_on_no_list_is_structural(export):
    rewrite_header(export / "projects.csv", "description", "resident_registration_no")
    with pytest.raises(StructuralError, match="resident_registration_no.*on no list"):
        load(export)


def test_missing_file_is_structural(export):
    (export / "projects.csv").unlink()
    with pytest.raises(StructuralError, match="projects.csv: required file missing"):
        load(export)


def test_other_encoding_is_structural(export):
    text = (export / "companies.csv").read_text(encoding="utf-8")
    (export / "companies.csv").write_bytes(text.encode("euc-kr"))
    with pytest.raises(StructuralError, match="companies.csv: not UTF-8"):
        load(export)


def test_empty_file_is_structural(export):
    (export / "projects.csv").write_text("", encoding="utf-8")
    with pytest.raises(StructuralError, match="projects.csv: empty file"):
        load(export)


def test_xlsx_and_json_read_like_csv(tmp_path, export):
    import pandas as pd

    df = pd.read_csv(export / "projects.csv", dtype=str, keep_default_na=False)
    (export / "projects.csv").unlink()
    df.to_excel(export / "projects.xlsx", index=False)
    assert set(load(export).tables["projects"]["project_id"]) == {"P-0001", "P-0002", "P-0003"}
    (export / "projects.xlsx").unlink()
    df.to_json(export / "projects.json", orient="records", force_ascii=False)
    assert len(load(export).tables["projects"]) == 3


@pytest.mark.parametrize("number,ok", [("1208147521", True), ("2148755823", True),
                                       ("1208147520", False), ("12081475", False), ("abcdefghij", False)])
def test_brn_check_digit(number, ok):
    assert brn_valid(number) is ok


@pytest.mark.parametrize("name,body,reason", [
    ("photos/PH-1.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
     "attached file type not published"),
    ("photos/PH-1.png", b"\xff\xd8\xff\xe0 a JPEG named .png", "file content is not what its name says"),
])
def test_photo_must_be_an_image_it_claims_to_be(tmp_path, name, body, reason):
    """A photo is served from the site's own origin: an SVG would run script there."""
    rows = copy_rows()
    rows["photos"][0]["file"] = name
    export = write_export(tmp_path / "e", rows)
    (export / name).write_bytes(body)
    problems = refused(load(export), "photos.csv", "file")
    assert [p.row for p in problems] == [2] and reason in problems[0].reason


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "object", "str"])
def test_reference_membership_is_isin_whatever_the_column(dtype):
    """The reference checks use Arrow's is_in (clearbuild.ingest.checks.member): the same answer
    as pandas' isin for text, empty cells, missing cells and Korean ids, on every dtype a table
    column can have, with the known keys as an Arrow array or a set."""
    import pandas as pd

    from clearbuild.ingest.checks import distinct, member

    keys = pd.Series(["C-1", "한글-2", "", None, "C-3"], dtype=dtype)
    refs = pd.Series(["C-1", "C-9", "", None, "한글-2", "c-1", "C-3 "], dtype=dtype)
    expected = refs.isin(set(keys)).tolist()
    assert member(refs, distinct(keys)).tolist() == expected
    assert member(refs, set(keys)).tolist() == expected
    assert member(refs, distinct(keys)).index.equals(refs.index)


def test_later_checks_keep_only_the_columns_they_declare(export, monkeypatch):
    """While ingest runs, a table's accepted rows wait for the checks of later tables
    (``ctx.frames``): only the columns those checks declare (``table_check(reads=...)``), not a
    second copy of the table. Every cross-table check still refuses its rows
    (tests/test_contracts_input.py): a column read but not declared would be missing there."""
    import clearbuild.ingest as ingest
    from clearbuild.ingest.checks import READS

    kept: dict[str, list[str]] = {}
    real = ingest.kept_for_later

    def spy(df, name):
        out = real(df, name)
        kept[name] = list(out.columns)
        assert len(out) == len(df)
        return out

    monkeypatch.setattr(ingest, "kept_for_later", spy)
    ds = load(export)
    assert sorted(kept["contracts"]) == ["contract_id", "signed_at", "start_date"]
    assert sorted(kept["bid_notices"]) == ["estimated_price", "notice_id", "published_at"]
    assert kept["contract_payments"] == [] and kept["progress"] == []
    assert all(set(cols) <= READS.get(name, set()) for name, cols in kept.items())
    assert {"title", "amount", "company_id"} <= set(ds.tables["contracts"].columns)  # the table whole
