"""cb_opendata in a built site, and `invoke build --data` fed with OCDS / OC4IDS JSON."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from factory import EXPORT_DATE
from jinja2 import Environment, FileSystemLoader

from clearbuild import config
from clearbuild.build import build, settings_for
from clearbuild.ingest import load_dataset
from clearbuild.ocds import extension, source
from clearbuild.schema import ORDER, TABLES

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "realdata"  # vendored copy of ../shared/realdata (SOURCES.md)
BRN_A = "1208147521"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from factory import write_export

    tmp = tmp_path_factory.mktemp("opendata")
    build(output=tmp / "out", data=write_export(tmp / "export"), quiet=True,
          overrides={"CB_ADMIN_DB": "", "CB_REPORT_DIR": str(tmp / "reports")})
    return tmp / "out"


@pytest.mark.slow
def test_data_folder_has_every_table_the_packages_and_the_licence(site):
    data = site / "data"
    for name in ORDER:
        with open(data / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f))
        assert header == TABLES[name].public_columns  # never a private column
    package = json.loads((data / "ocds-release-package.json").read_text(encoding="utf-8"))
    assert package["version"] == "1.1"
    # Without the site's address (CB_OCDS_SITE_URL) the local extension cannot be declared by URL.
    assert package["extensions"] == list(extension.COMMUNITY.values())
    ext = data / "extension"
    assert json.loads((ext / "extension.json").read_text(encoding="utf-8"))["schemas"] == ["release-schema.json"]
    assert json.loads((ext / "release-schema.json").read_text(encoding="utf-8")) == extension.release_schema_patch()
    assert len(json.loads((data / "oc4ids-project-package.json").read_text(encoding="utf-8"))["projects"]) == 3
    assert "CC BY 4.0" in (data / "LICENSE.txt").read_text(encoding="utf-8")
    everything = "".join(p.read_text(encoding="utf-8") for p in data.glob("*.*"))
    assert "SECRET-NOTE-XYZ" not in everything and "010-9999-0000" not in everything


@pytest.mark.slow
def test_data_page_lists_each_file_with_rows_size_and_date(site):
    page = (site / "data" / "index.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r'href="\.\./data/([a-z0-9_\-]+\.(?:csv|json))" download>.*?<td class="num"[^>]*>([\d,]+)</td>',
                           page, flags=re.S))
    assert rows["contracts.csv"] == "2" and rows["bid_results.csv"] == "3"
    assert rows["ocds-release-package.json"] == "3" and rows["oc4ids-project-package.json"] == "3"
    assert len(rows) == len(ORDER) + 3
    # Cardinal's coverage of the package: the file, and each field with its count on the page.
    counts = json.loads((site / "data" / "cardinal-coverage.json").read_text(encoding="utf-8"))
    assert counts[""] == 3 and list(counts) == sorted(counts)
    assert rows["cardinal-coverage.json"] == f"{len(counts):,}"
    assert f"<code>/tender/tenderPeriod/endDate</code></td><td class=\"num\">{counts['/tender/tenderPeriod/endDate']}</td>" in page
    assert 'href="../data/extension/extension.json"' in page
    assert re.search(rf'contracts\.csv</a></td>\s*<td class="num"[^>]*>2</td><td class="num"[^>]*>[\d.,]+ (B|KB)</td><td[^>]*>{EXPORT_DATE}</td>',
                     page)
    assert (site / "en" / "data" / "index.html").exists()
    dictionary = (site / "data" / "dictionary" / "index.html").read_text(encoding="utf-8")
    assert "<code>company_id</code>" in dictionary and "internal_note" not in dictionary


@pytest.mark.slow
def test_each_contract_and_project_has_its_json_beside_its_page(site):
    for kind, rid in (("contracts", "C-2025-0001"), ("contracts", "C-2025-0002"), ("projects", "P-0003")):
        assert (site / kind / rid / "index.html").exists()
        doc = json.loads((site / kind / f"{rid}.json").read_text(encoding="utf-8"))
        if kind == "contracts":
            assert rid in [c["id"] for c in doc["contracts"]] and doc["tag"] == ["compiled"]
        else:
            assert doc["id"] == rid


def test_download_link_partial_points_at_the_record_json():
    env = Environment(loader=FileSystemLoader(str(ROOT / "theme" / "templates")), autoescape=True,
                      extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)
    html = env.from_string('{% with kind="contracts", record_id=c %}{% include "cb_download_link.html" %}'
                           '{% endwith %}').render(c="C-1", root="../../../", lang_root="../../../en/")
    assert 'href="../../../contracts/C-1.json"' in html and "OCDS JSON" in html
    assert 'href="../../../en/data/index.html"' in html


def westshire(tmp_path: Path) -> Path:
    path = tmp_path / "westshire.json"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"code": "WS1", "name": "Westshire", "name_eng": "Westshire"},
        "geometry": {"type": "Polygon", "coordinates": [[[-0.5, 51.9], [0.3, 51.9], [0.3, 52.5],
                                                          [-0.5, 52.5], [-0.5, 51.9]]]}}]}), encoding="utf-8")
    return path


@pytest.mark.slow
def test_build_from_a_single_oc4ids_file(tmp_path):
    """A deployment of its own (boundaries, currency, party ids) builds the worked example."""
    result = build(output=tmp_path / "out", data=REAL / "oc4ids-worked-example-project-package.json",
                   quiet=True, overrides={
                       "CB_ADMIN_DB": "", "CB_BOUNDARIES": str(westshire(tmp_path)), "CB_CURRENCY": "GBP",
                       "CB_CURRENCY_SYMBOL": "£", "CB_CURRENCY_MINOR_DIGITS": 2, "CB_PARTY_IDS": "any",
                       "CB_REGION_MARGIN": 0, "CB_REPORT_DIR": str(tmp_path / "reports")})
    out = result.output
    pid = "oc4ids-bu3kcz-m75-junctions-4-to-5-smart-motorway"
    assert (out / "projects" / pid / "index.html").exists() and (out / "projects" / f"{pid}.json").exists()
    contracts = sorted(p.name for p in (out / "contracts").glob("ocds-*") if p.is_dir())
    assert len(contracts) == 3
    report = (tmp_path / "reports" / "quality.csv").read_text(encoding="utf-8")
    assert "projects[0].locations[0].geometry.coordinates" in report and "read swapped" in report


def contract_release(ocid: str, **contract) -> dict:
    return {"ocid": ocid, "id": "1", "date": "2025-05-01T00:00:00+09:00", "tag": ["contract"],
            "initiationType": "tender", "buyer": {"name": "서울특별시 물재생센터"},
            "parties": [{"id": BRN_A, "name": "한빛건설(주)", "identifier": {"scheme": "KR-BRN", "id": BRN_A},
                         "roles": ["supplier"]}],
            "tender": {"id": "X", "title": "하수관로 정비", "mainProcurementCategory": "works",
                       "procurementMethod": "direct"},
            "awards": [{"id": "A", "suppliers": [{"id": BRN_A, "name": "한빛건설(주)"}]}],
            "contracts": [{"id": "1", "awardID": "A", "value": {"amount": 7000000, "currency": "KRW"},
                           "dateSigned": "2025-05-01T00:00:00+09:00", **contract}]}


def test_ocds_beside_a_csv_export_joins_the_dataset(export):
    good = contract_release("ocds-abc123-S1", period={"startDate": "2025-05-02", "endDate": "2025-08-31"})
    bad = contract_release("ocds-abc123-S2", period={"startDate": "2025-05-02", "endDate": "2025-01-31"})
    (export / "seoul-ocds.json").write_text(json.dumps({"releases": [good, bad]}, ensure_ascii=False),
                                            encoding="utf-8")
    settings = settings_for(overrides={"CB_DATA": str(export), "CB_ADMIN_DB": ""})
    ds = source.load(export, settings, load_dataset, region=config.region(settings),
                     district_codes=frozenset(config.districts(settings)))
    ids = set(ds.tables["contracts"]["contract_id"])
    assert {"C-2025-0001", "C-2025-0002", "ocds-abc123-S1-1"} <= ids and "ocds-abc123-S2-1" not in ids
    [p] = [p for p in ds.report if p.file == "seoul-ocds.json" and p.refused]
    assert (p.row, p.column) == (2, "releases[1].contracts[0]: contracts.end_date")
    assert "before start_date" in p.reason
    assert ds.source == str(export) and ds.export_date == EXPORT_DATE
