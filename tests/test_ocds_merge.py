"""Compiling the releases of one process is ocdsmerge's job (clearbuild has no merge of its own),
with the merge rules of the vendored release schema of the data's OCDS version, never fetched."""

from __future__ import annotations

import json
from pathlib import Path

import ocdsmerge
import pytest
from test_ocds_import import REAL, options, release, run

from clearbuild.ocds.common import At, Sink
from clearbuild.ocds.importer import import_files
from clearbuild.ocds.read import SCHEMAS, Source, compile_process


def sources(*rels: dict, version: str = "1.1") -> list[Source]:
    return [Source("release", r, At("f.json", i + 1, ""), version=version) for i, r in enumerate(rels)]


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the network was asked for a schema")

    monkeypatch.setattr(ocdsmerge.util, "get_tags", refuse)
    monkeypatch.setattr(ocdsmerge.rules, "get_tags", refuse)


def test_compiled_release_is_ocdsmerges_own():
    first = release(id="1", date="2024-01-10T00:00:00Z", tag=["tender"])
    later = {"ocid": first["ocid"], "id": "2", "date": "2024-03-01T00:00:00Z", "tag": ["contract"],
             "tender": {"title": None}, "contracts": [{"id": "C1", "value": {"amount": 1200, "currency": "KRW"}}]}
    got = compile_process(sources(later, first), Sink()).data  # out of order: sorted by date
    schema = json.loads(SCHEMAS["1.1"].read_text(encoding="utf-8"))
    assert got == ocdsmerge.Merger(schema=schema).create_compiled_release([first, later])
    assert "title" not in got["tender"]  # null deletes
    [c] = got["contracts"]  # merged by id, field by field
    assert c["value"]["amount"] == 1200 and c["dateSigned"] == "2024-03-01T00:00:00Z"
    assert got["id"] == f"{first['ocid']}-2024-03-01T00:00:00Z" and got["tag"] == ["compiled"]


def test_ocds_10_lists_without_ids_are_replaced_not_appended():
    # ocdskit's real 1.0 package (no "version"): two tender releases name the same two tenderers.
    imported = import_files([REAL / "ocdskit/release-package-1.json"], options("MXN"))
    lines = [p.line() for p in imported.problems]
    assert any("tender.tenderers='2'" in x for x in lines)
    # The same releases declared 1.1: organization references without their (1.1) ids are
    # new objects to the 1.1 merge rules, so ocdsmerge keeps both copies (docs/open-data.md).
    doc = json.loads((REAL / "ocdskit/release-package-1.json").read_text(encoding="utf-8"))
    rels = [r for r in doc["releases"] if r["ocid"] == "OCDS-87SD3T-AD-SF-DRM-063-2015"]
    assert len(compile_process(sources(*rels), Sink()).data["tender"]["tenderers"]) == 4
    assert len(compile_process(sources(*rels, version="1.0"), Sink()).data["tender"]["tenderers"]) == 2


def test_duplicate_ids_are_flagged(tmp_path: Path):
    first = release(id="1", date="2024-01-10T00:00:00Z")
    later = release(id="2", date="2024-03-01T00:00:00Z")
    later["awards"] = [later["awards"][0], {**later["awards"][0], "date": "2024-02-01T00:00:00Z"}]
    _, problems = run(tmp_path, {"version": "1.1", "releases": [first, later]})
    assert any("Multiple objects have the `id` value 'A1' in the `awards` array" in x for x in problems)


def test_releases_that_cannot_be_compiled_leave_the_latest_read_alone(tmp_path: Path):
    first = release(id="1", date="2024-01-10T00:00:00Z", tag=["tender"])
    first["tender"]["value"] = 5000
    later = release(id="2", date="2024-03-01T00:00:00Z")
    later["tender"]["value"] = {"amount": 5000, "currency": "KRW"}  # a number, then an object
    imported, problems = run(tmp_path, {"version": "1.1", "releases": [first, later]})
    assert any("releases not compiled" in x and "the latest is read alone" in x for x in problems)
    assert imported.count("contracts") == 1
