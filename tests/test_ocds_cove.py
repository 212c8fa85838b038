"""The Data Review Tool's checks (libcoveocds, with every additional check) on 500 releases of
the demo's OCDS package: no validation error, no field that no declared extension defines.

Offline: the standard is a ZIP of open-contracting/standard at tag 1__1__5 (its schema folder,
`git archive`), and each declared extension is served from a ZIP of its repository at the
declared ref (tests/fixtures/ocds/README.md); the local extension is what cb_opendata writes
under data/extension/. A request for anything else fails the test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import libcoveocds.api
import pytest
import requests
from libcoveocds.config import LibCoveOCDSConfig
from ocdsextensionregistry import util as registry_util

from clearbuild import config
from clearbuild.build import settings_for
from clearbuild.ingest import load_dataset
from clearbuild.ocds import extension
from clearbuild.ocds.export import ExportOptions, OcdsWriter

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "ocds"
SITE = "https://clearbuild.example"


class Offline(requests.adapters.BaseAdapter):
    """Serves known URLs from bytes; any other URL is a 404, and remembered."""

    def __init__(self, files: dict[str, bytes]) -> None:
        super().__init__()
        self.files, self.missed = files, []

    def send(self, request, **kwargs):
        r = requests.Response()
        r.url, r.request, r.encoding = request.url, request, "utf-8"
        if request.url in self.files:
            r.status_code, r._content = 200, self.files[request.url]
        else:
            self.missed.append(request.url)
            r.status_code, r._content, r.reason = 404, b"", "Not Found"
        return r

    def close(self) -> None:
        pass


def served() -> dict[str, bytes]:
    files = {}
    for url in extension.COMMUNITY.values():
        repo, ref = re.search(r"open-contracting-extensions/([^/]+)/([^/]+)/extension\.json$", url).groups()
        zipped = (FIXTURES / f"{repo}-{ref}.zip").read_bytes()
        files[f"https://github.com/open-contracting-extensions/{repo}/archive/{ref}.zip"] = zipped
    local = f"{SITE}/data/{extension.FOLDER}/"
    files[local + "extension.json"] = json.dumps(extension.metadata(f"{SITE}/data/")).encode()
    files[local + "release-schema.json"] = json.dumps(extension.release_schema_patch()).encode()
    return files


@pytest.fixture(scope="module")
def package() -> dict:
    sample = ROOT / "data" / "sample" / "2026-11-20"
    settings = settings_for(overrides={"CB_DATA": str(sample), "CB_ADMIN_DB": "", "CB_OCDS_SITE_URL": SITE})
    ds = load_dataset(sample, region=config.region(settings), district_codes=frozenset(config.districts(settings)))
    pkg = OcdsWriter(ds, ExportOptions.from_settings(settings)).package()
    releases = pkg["releases"]
    pkg["releases"] = releases[:: len(releases) // 500][:500]  # every kind of process, evenly
    return json.loads(json.dumps(pkg))


def test_package_declares_the_community_extensions_and_its_own(package):
    assert package["extensions"] == [*extension.COMMUNITY.values(), f"{SITE}/data/extension/extension.json"]


def test_data_review_tool_finds_nothing(package, monkeypatch, tmp_path):
    rels = package["releases"]
    assert len(rels) == 500
    # The sample holds what every declared extension is for.
    assert any("bids" in r for r in rels) and any("lots" in r.get("tender", {}) for r in rels)
    assert any(a.get("oldContractValue") for r in rels for c in r.get("contracts", []) for a in c.get("amendments", []))
    offline = Offline(served())
    monkeypatch.setitem(registry_util.session.adapters, "https://", offline)
    monkeypatch.setitem(registry_util.session.adapters, "http://", offline)
    cfg = LibCoveOCDSConfig({"standard_zip": f"file://{FIXTURES / 'standard-1__1__5.zip'}",
                             "additional_checks": "all", "context": "api"})
    with registry_util.session.cache_disabled():  # nothing served here may outlive the test
        result = libcoveocds.api.ocds_json_output(str(tmp_path), json_data=package, lib_cove_ocds_config=cfg)
    assert offline.missed == []
    assert result.get("json_deref_error") is None
    assert result["validation_errors"] == []
    assert result["additional_fields"] == []
    assert result["additional_closed_codelist_values"] == {}
    assert result["additional_checks"] == {}
    assert not (result.get("extensions") or {}).get("invalid_extension")
