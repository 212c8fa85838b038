"""Ids against every path the site writes, and limits on what an export may make the build do.

One bad row must not stop every night: it is refused with one line naming file, row and column
in the quality report, and every other row is published as if it had never been there.
"""

from __future__ import annotations

import csv
import struct
import zipfile
from datetime import date, timedelta
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


# Limits: each over-limit file or row is refused with one line, never a traceback.

def progress_rows(n: int) -> dict:
    rows = copy_rows()
    first = rows["progress"][0]
    rows["progress"] = [{**first, "date": str(date(2020, 1, 1) + timedelta(days=i))} for i in range(n)]
    return rows


def pages_of_every_record(out: Path) -> None:
    """The other rows' pages are all there."""
    rows = copy_rows()
    for p in rows["projects"]:
        assert (out / "projects" / p["project_id"] / "index.html").is_file()
    for c in rows["contracts"]:
        assert (out / "contracts" / c["contract_id"] / "index.html").is_file()
    assert (out / "companies/map/index.html").is_file()


def whole_file(report_rows: list[dict[str, str]], file: str, reason: str) -> None:
    lines = [r for r in report_rows if r["file"] == file]
    assert len(lines) == 1 and lines[0]["row"] == "0", report_rows
    assert lines[0]["reason"].startswith("whole file refused: ") and reason in lines[0]["reason"]


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_unread(tmp_path):
    import pandas as pd

    export = write_export(tmp_path / "export")
    (export / "progress.csv").unlink()
    first = copy_rows()["progress"][0]
    # 20,000 rows of the same text: megabytes of sheet XML in a small zip
    pd.DataFrame([{**first, "note": "x" * 50}] * 20_000).to_excel(export / "progress.xlsx", index=False)
    assert (export / "progress.xlsx").stat().st_size < 400_000
    result = build(output=tmp_path / "out", data=export, quiet=True,
                   overrides={**OVER, "CB_REPORT_DIR": str(tmp_path / "r"),
                              "CB_MAX_XLSX_UNPACKED_BYTES": 1_000_000})
    whole_file(report(tmp_path / "r"), "progress.xlsx", "over the limit of 1,000,000 "
                                                        "(CB_MAX_XLSX_UNPACKED_BYTES)")
    pages_of_every_record(result.output)


def test_an_xlsx_whose_zip_lies_about_its_size_is_refused(tmp_path):
    from clearbuild.ingest.limits import LimitError, Limits, check_xlsx

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 1_000_000)
    raw = bytearray(path.read_bytes())
    for sig, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # declare 100 bytes unpacked
        i = raw.index(sig)
        raw[i + at:i + at + 4] = struct.pack("<I", 100)
    path.write_bytes(bytes(raw))
    with pytest.raises(LimitError, match="bomb.xlsx: "):
        check_xlsx(path, Limits(xlsx_bytes=10_000))


def test_an_oversized_cell_refuses_its_row(tmp_path):
    rows = copy_rows()
    rows["contracts"].append({**rows["contracts"][1], "contract_id": "C-2025-0099", "title": "가" * 5000})
    out, lines = run(tmp_path, rows, CB_MAX_CELL_CHARS=1000)
    [line] = [r for r in lines if r["value"].startswith("가")]
    assert (line["file"], line["column"], int(line["row"])) == ("contracts.csv", "title", len(rows["contracts"]) + 1)
    assert "cell of 5,000 characters, over the limit of 1,000 (CB_MAX_CELL_CHARS)" in line["reason"]
    assert len(line["value"]) < 50 and len(lines) == 1
    assert not (out / "contracts/C-2025-0099").exists()
    pages_of_every_record(out)


def test_json_nested_100000_deep_is_refused_without_recursion(tmp_path):
    export = write_export(tmp_path / "export")
    (export / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    result = build(output=tmp_path / "out", data=export, quiet=True,
                   overrides={**OVER, "CB_REPORT_DIR": str(tmp_path / "r")})
    whole_file(report(tmp_path / "r"), "deep.json", "JSON nested 100,000 levels deep, over the "
                                                    "limit of 64 (CB_MAX_JSON_DEPTH)")
    pages_of_every_record(result.output)


def test_a_table_over_the_row_limit_is_refused(tmp_path):
    out, lines = run(tmp_path, progress_rows(30), CB_MAX_ROWS=20)
    whole_file(lines, "progress.csv", "more than 20 rows, the limit per table (CB_MAX_ROWS)")
    pages_of_every_record(out)


def test_a_required_file_over_the_size_limit_stops_the_build_and_leaves_output(tmp_path):
    from clearbuild.ingest import StructuralError

    export = write_export(tmp_path / "export")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "index.html").write_text("yesterday")
    with pytest.raises(StructuralError) as info:
        build(output=tmp_path / "out", data=export, quiet=True,
              overrides={**OVER, "CB_REPORT_DIR": str(tmp_path / "r"), "CB_MAX_FILE_BYTES": 500})
    message = str(info.value)
    assert "\n" not in message and message.startswith("projects.csv: ")
    assert message.endswith("bytes, over the limit of 500 (CB_MAX_FILE_BYTES)")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export", "out"]


def test_a_table_grown_tenfold_refuses_the_night_unless_accepted(tmp_path):
    from publish_support import workspace

    from clearbuild.publish import nightly

    ws = workspace(tmp_path / "ws")
    ws.export("2026-11-20")
    ws.publish()
    live = (ws.site / "current").resolve()
    ws.export("2026-11-21", progress_rows(40))
    with pytest.raises(nightly.Refused) as info:
        ws.publish(CB_PUBLISH_GROWTH_FLOOR=10)
    assert info.value.code == 3 and (ws.site / "current").resolve() == live
    assert ("progress.csv: 40 rows, 13.3 times the 3 published 2026-11-20 (limit 10x)"
            in str(info.value)) and "--accept-growth" in str(info.value)
    nightly.nightly(ws.exports, ws.site, overrides=ws.overrides(CB_PUBLISH_GROWTH_FLOOR=10),
                    say=lambda _m: None, accept_growth=True)
    assert (ws.site / "current").resolve() != live
