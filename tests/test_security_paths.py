"""Ids against every path the site writes, and limits on what an export may make the build do.

One bad row must not stop every night: it is refused with one line naming file, row and column
in the quality report, and every other row is published as if it had never been there.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from factory import BRN_B, copy_rows, write_export

from clearbuild import urls
from clearbuild.build import build

OVER = {"CB_PARTY_IDS": "any", "CB_WORKERS": 1}


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def report(folder: Path) -> list[dict[str, str]]:
    with open(folder / "quality.csv", encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r["refused"] == "True"]


def run(base: Path, rows: dict, **over) -> tuple[Path, list[dict[str, str]]]:
    export = write_export(base / "export", rows)
    settings = {**OVER, "CB_REPORT_DIR": str(base / "reports"), **over}
    result = build(output=base / "out", data=export, quiet=True, overrides=settings)
    return result.output, report(base / "reports")


def poisoned_rows() -> dict:
    rows = copy_rows()
    contract, project = rows["contracts"][1], rows["projects"][1]
    company = {**rows["companies"][2]}
    add = rows["contracts"].append
    add({**contract, "contract_id": "C-2025-0002.json"})  # X vs X.json
    add({**contract, "contract_id": "c-2025-0002"})  # case-insensitive twin
    add({**contract, "contract_id": "C-2025-0009."})  # trailing dot
    add({**contract, "contract_id": "CON"})  # Windows device name
    add({**contract, "contract_id": "lpt1.json"})  # ... with an extension
    add({**contract, "contract_id": "C/2025/0010"})  # path separator
    add({**contract, "contract_id": "C-2025-\x07"})  # control character
    add({**contract, "contract_id": "by"})  # the listings' folder
    rows["projects"].append({**project, "project_id": "P-0002.json"})
    rows["companies"].append({**company, "company_id": "map"})  # the company map
    rows["companies"].append({**company, "company_id": "index.html"})
    rows["photos"].append({**rows["photos"][0], "photo_id": "ph-1"})  # media/photos/PH-1.jpg
    return rows


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return run(tmp_path_factory.mktemp("clean"), copy_rows())


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    return run(tmp_path_factory.mktemp("poisoned"), poisoned_rows())


def refused(poisoned, file: str, column: str, value: str, reason: str) -> None:
    rows = [r for r in poisoned[1] if (r["file"], r["column"], r["value"]) == (file, column, value)]
    assert len(rows) == 1, poisoned[1]
    assert reason in rows[0]["reason"] and int(rows[0]["row"]) > 1


def test_the_other_rows_are_published_as_if_nothing_happened(clean, poisoned):
    assert files(poisoned[0]) == files(clean[0])
    assert {r["value"] for r in poisoned[1]} >= {"C-2025-0002.json", "map", "index.html", "ph-1"}
    assert (poisoned[0] / "companies/map/index.html").read_bytes() == \
        (clean[0] / "companies/map/index.html").read_bytes()


def test_an_id_and_the_same_id_plus_json_no_longer_crash(poisoned):
    refused(poisoned, "contracts.csv", "contract_id", "C-2025-0002.json",
            "collides with contracts/C-2025-0002.json, the .json file of record 'C-2025-0002'")
    refused(poisoned, "projects.csv", "project_id", "P-0002.json",
            "collides with projects/P-0002.json")


def test_reserved_names_of_a_section_are_refused(poisoned):
    refused(poisoned, "companies.csv", "company_id", "map", "reserved for a section page")
    refused(poisoned, "companies.csv", "company_id", "index.html", "reserved for a section page")
    refused(poisoned, "contracts.csv", "contract_id", "by", "reserved for a section page")


def test_ids_equal_but_for_case_are_refused(poisoned):
    refused(poisoned, "contracts.csv", "contract_id", "c-2025-0002", "differs only in case from 'C-2025-0002'")
    refused(poisoned, "photos.csv", "photo_id", "ph-1", "differs only in case from 'PH-1'")


def test_a_trailing_dot_is_refused(poisoned):
    refused(poisoned, "contracts.csv", "contract_id", "C-2025-0009.", "ends with a dot")


def test_windows_device_names_are_refused(poisoned):
    refused(poisoned, "contracts.csv", "contract_id", "CON", "Windows reserves")
    refused(poisoned, "contracts.csv", "contract_id", "lpt1.json", "Windows reserves")


def test_path_separators_and_control_characters_are_refused(poisoned):
    refused(poisoned, "contracts.csv", "contract_id", "C/2025/0010", "id must be letters, digits")
    refused(poisoned, "contracts.csv", "contract_id", "C-2025-\x07", "id must be letters, digits")


def test_every_name_a_section_folder_holds_is_reserved_or_a_record(clean):
    """The reserved list is complete: a build writes nothing else beside the records' folders."""
    from clearbuild import config

    out = clean[0]
    rows = copy_rows()
    ids = {kind: {r[col].replace("-", "") if kind == "companies" else r[col] for r in rows[table]}
           for kind, (table, col) in urls.RECORD_IDS.items()}
    ids["districts"] = set(config.districts({}))
    for kind, folder in urls.SECTIONS.items():
        if not (out / folder).is_dir():
            continue
        for entry in (out / folder).iterdir():
            name = entry.name.removesuffix(".json") if entry.is_file() else entry.name
            assert name in ids[kind] or entry.name in urls.FIXED_NAMES, f"{folder}/{entry.name}"
    assert BRN_B in ids["companies"]
