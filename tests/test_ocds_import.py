"""OCDS / OC4IDS import: every real published file, and one tiny case per class of messy data.

The real files (../shared/realdata, see its SOURCES.md) are imported for a deployment built for
their data (their currency, a region around the OC4IDS example's motorway, any party ids), then
ingested; the figures below were checked by reading each file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearbuild.geo import District
from clearbuild.ingest import load_dataset
from clearbuild.ocds.common import Money
from clearbuild.ocds.importer import Options, import_files
from clearbuild.schema import Region

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "realdata"  # vendored copy of ../shared/realdata (SOURCES.md)
WEST = Region(51.9, -0.5, 52.5, 0.3)  # around the OC4IDS worked example's M75 junctions
WEST_DISTRICTS = {"UK-W": District("UK-W", "Westshire", "", ((((-0.5, 51.9), (0.3, 51.9), (0.3, 52.5),
                                                                 (-0.5, 52.5)),),), (51.9, -0.5, 52.5, 0.3))}
MINOR = {"AMD": 2, "GBP": 2, "MXN": 2, "UAH": 2, "PYG": 0, "UGX": 0}

# (file, currency, contracts imported, contracts after ingest, projects imported and ingested)
REAL_FILES = [
    # 27 tender releases hold 21 contracts; ingest refuses 6 (signed before the notice, end before
    # start, over 10x the estimate); 73 planning releases are plans, 4 with negative budgets refused.
    # Lots: a lot's contract (67,500 of a 1,590,000 tender) is no longer taken for a typo.
    ("armenia-release-package-100.json", "AMD", 21, 15, 0),
    # 1 project, 3 contracting processes (construction, design, supervision).
    ("oc4ids-worked-example-project-package.json", "GBP", 3, 3, 1),
    ("ocdskit/compile_encoding_encoding.json", "MXN", 0, 0, 0),  # its contract is pending
    ("ocdskit/compiled-release-1.json", "MXN", 1, 1, 0),
    ("ocdskit/compiled-release-2.json", "MXN", 0, 0, 0),  # the contract's value is in USD
    ("ocdskit/record-package-1-2.json", "MXN", 2, 2, 0),  # 3 contracts, 1 of unknown kind
    ("ocdskit/record-package-1.json", "MXN", 2, 2, 0),
    ("ocdskit/record-package-2.json", "MXN", 0, 0, 0),  # kind unknown (no category, no classification)
    ("ocdskit/record-package_1.0.json", "PYG", 0, 0, 0),  # an award, no contract yet
    ("ocdskit/record-package_1.1.json", "PYG", 0, 0, 0),
    ("ocdskit/record-package_linked-releases.json", "MXN", 1, 1, 0),
    ("ocdskit/record-package_package.json", "MXN", 1, 1, 0),
    ("ocdskit/record-package_package_1.1.json", "MXN", 1, 1, 0),  # two records back to back
    ("ocdskit/record-package_record-package.json", "MXN", 2, 2, 0),
    ("ocdskit/record-package_split.json", "MXN", 1, 1, 0),
    ("ocdskit/record-package_versioned.json", "MXN", 1, 1, 0),
    ("ocdskit/release-package-1-2.json", "MXN", 1, 1, 0),  # 4 releases of 2 processes, compiled
    ("ocdskit/release-package-1.json", "MXN", 1, 1, 0),
    ("ocdskit/release-package-2.json", "MXN", 0, 0, 0),
    ("ocdskit/release-package_1.0-1.json", "PYG", 0, 0, 0),
    ("ocdskit/release-package_1.0-2.json", "PYG", 0, 0, 0),  # a contract release: no buyer, kind, method
    ("ocdskit/release-package_1.1-1.json", "PYG", 0, 0, 0),
    ("ocdskit/release-package_1.1-2.json", "PYG", 0, 0, 0),
    ("ocdskit/release-package_encoding-iso-8859-1.json", "MXN", 0, 0, 0),
    ("ocdskit/release-package_encoding-utf-8.json", "MXN", 0, 0, 0),
    ("ocdskit/release-package_record-package.json", "MXN", 2, 2, 0),
    ("ocdskit/release-package_split.json", "MXN", 1, 1, 0),
    ("ocdskit/versioned-release-1.json", "MXN", 1, 1, 0),
    ("ocdskit/versioned-release-2.json", "MXN", 0, 0, 0),
    ("paraguay-dncp-record-package.json", "PYG", 1, 1, 0),
    ("uganda-ppda-release-planning-works.json", "UGX", 0, 0, 0),  # a plan
    ("ukraine-prozorro-record-package.json", "UAH", 0, 0, 0),  # an unsuccessful tender: a notice
]


def options(currency: str = "KRW", region: Region | None = WEST) -> Options:
    return Options(Money(currency, MINOR.get(currency, 0)), region, WEST_DISTRICTS if region else {})


def ingest(imported, tmp_path: Path):
    imported.write(tmp_path / "csv")
    return load_dataset(tmp_path / "csv", WEST, frozenset(WEST_DISTRICTS), party_ids="any")




def test_every_real_file_is_in_the_table():
    on_disk = {str(p.relative_to(REAL)) for p in REAL.rglob("*.json")
               if p.relative_to(REAL).parts[0] != "prozorro"}  # tests/test_ocds_prozorro.py
    assert on_disk == {f for f, *_ in REAL_FILES}


@pytest.mark.parametrize("name,currency,contracts,accepted,projects", REAL_FILES)
def test_real_file_imports(name, currency, contracts, accepted, projects, tmp_path):
    imported = import_files([REAL / name], options(currency))
    assert imported.count("contracts") == contracts
    assert imported.count("projects") == projects
    ds = ingest(imported, tmp_path)
    assert len(ds.tables["contracts"]) == accepted
    assert len(ds.tables["projects"]) == projects
    for p in imported.problems:  # every problem names its file and a reason
        assert p.file == Path(name).name and p.reason


def test_real_defects_are_reported_where_they_are():
    def lines(name: str, currency: str) -> list[str]:
        return [p.line() for p in import_files([REAL / name], options(currency)).problems]

    paraguay = lines("paraguay-dncp-record-package.json", "PYG")
    assert any("contracts[0].suppliers" in x and "object where a list belongs" in x for x in paraguay)
    assert any("classification.schema" in x and "misspelt key 'schema' read as 'scheme'" in x for x in paraguay)
    assert any("differs from its award's" in x and "by 6 minor units" in x for x in paraguay)
    uganda = lines("uganda-ppda-release-planning-works.json", "UGX")
    assert any("tenderPeriod.durationInDays" in x and "736,903 days" in x for x in uganda)
    oc4ids = lines("oc4ids-worked-example-project-package.json", "GBP")
    assert any("parties[6].roles" in x and "text where a list belongs" in x for x in oc4ids)
    assert any("stored as [lat, lon]" in x for x in oc4ids)
    iso = lines("ocdskit/release-package_encoding-iso-8859-1.json", "MXN")
    assert any("not UTF-8" in x for x in iso)


def test_latin_encoded_file_reads_like_its_utf8_twin():
    a = import_files([REAL / "ocdskit/release-package_encoding-iso-8859-1.json"], options("MXN"))
    b = import_files([REAL / "ocdskit/release-package_encoding-utf-8.json"], options("MXN"))
    assert a.tables == b.tables and a.tables["bid_notices"][0]["agency"] == "SECRETARÍA DE FINANZAS"


def test_oc4ids_project_lands_where_the_motorway_is():
    imported = import_files([REAL / "oc4ids-worked-example-project-package.json"], options("GBP"))
    [p] = imported.tables["projects"]
    assert (p["lat"], p["lon"], p["district_code"]) == ("52.2571843", "-0.1163333", "UK-W")
    assert p["budget"] == "4000000000" and p["category"] == "road" and p["status"] == "completed"
    main = next(c for c in imported.tables["contracts"] if c["contract_id"] == p["contract_id"])
    assert main["kind"] == "construction" and main["amount"] == "2900000000"
    # Progress on the measured dates, the plan interpolated from the forecasts.
    assert [(r["date"], r["planned_pct"], r["actual_pct"]) for r in imported.tables["progress"]] == [
        ("2018-01-07", "50", "50"), ("2018-08-07", "100", "75"), ("2018-12-01", "100", "100")]
    assert [(a["amount_before"], a["amount_after"], a["end_after"])
            for a in imported.tables["contract_amendments"]] == [
        ("", "", "2018-12-01"), ("2900000000", "3525000000", "")]


# -- one tiny case per class of messy data ------------------------------------------------------

def write(tmp_path: Path, doc, name: str = "data.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def release(**over) -> dict:
    rel = {"ocid": "ocds-abc123-T1", "id": "1", "date": "2024-05-01T00:00:00Z", "tag": ["contract"],
           "initiationType": "tender", "buyer": {"id": "B", "name": "City Roads"},
           "parties": [{"id": "B", "name": "City Roads", "roles": ["buyer"]},
                       {"id": "S", "name": "Acme Paving", "identifier": {"scheme": "GB-COH", "id": "0123"},
                        "roles": ["supplier"]}],
           "tender": {"id": "T1", "title": "Resurfacing", "mainProcurementCategory": "works",
                      "procurementMethod": "open", "status": "complete",
                      "tenderPeriod": {"startDate": "2024-01-10T09:00:00Z", "endDate": "2024-02-10T12:00:00Z"}},
           "awards": [{"id": "A1", "status": "active", "value": {"amount": 1000, "currency": "KRW"},
                       "suppliers": [{"id": "S", "name": "Acme Paving"}]}],
           "contracts": [{"id": "C1", "awardID": "A1", "dateSigned": "2024-03-01T00:00:00Z",
                          "value": {"amount": 1000, "currency": "KRW"},
                          "period": {"startDate": "2024-03-05T00:00:00Z", "endDate": "2024-09-30T00:00:00Z"}}]}
    rel.update(over)
    return rel


def run(tmp_path: Path, doc, currency: str = "KRW"):
    imported = import_files([write(tmp_path, doc)], options(currency))
    return imported, [p.line() for p in imported.problems]


def test_a_clean_release_maps_onto_the_tables(tmp_path):
    imported, problems = run(tmp_path, {"releases": [release()]})
    assert problems == []
    [c] = imported.tables["contracts"]
    assert c == {"contract_id": "ocds-abc123-T1-C1", "notice_id": "T1", "agency": "City Roads",
                 "lot_id": "", "title": "Resurfacing", "kind": "construction", "method": "open",
                 "work_type": "",
                 "company_id": "GB-COH-0123", "amount": "1000", "signed_at": "2024-03-01",
                 "start_date": "2024-03-05", "end_date": "2024-09-30", "project_id": "",
                 "tenderers": ""}
    [n] = imported.tables["bid_notices"]
    assert (n["published_at"], n["deadline"]) == ("2024-01-10T09:00", "2024-02-10T12:00")


def test_geojson_point_stored_as_lat_lon_is_swapped_and_reported(tmp_path):
    project = {"id": "P1", "title": "Junction upgrade", "status": "implementation", "sector": ["transport.road"],
               "parties": [{"id": "G", "name": "Roads Agency", "roles": ["publicAuthority"]}],
               "budget": {"amount": {"amount": 5, "currency": "GBP"}},
               "locations": [{"id": "1", "geometry": {"type": "Point", "coordinates": [52.2, -0.1]}}]}
    imported, problems = run(tmp_path, {"projects": [project]}, "GBP")
    [p] = imported.tables["projects"]
    assert (p["lat"], p["lon"]) == ("52.2", "-0.1")
    assert any("locations[0].geometry.coordinates" in x and "stored as [lat, lon]" in x for x in problems)


def test_coordinates_outside_the_region_refuse_the_project(tmp_path):
    project = {"id": "P2", "title": "Far away", "status": "completed", "sector": ["water"],
               "parties": [{"id": "G", "name": "Water Board", "roles": ["buyer"]}],
               "budget": {"amount": {"amount": 5, "currency": "GBP"}},
               "locations": [{"id": "1", "geometry": {"type": "Point", "coordinates": [126.98, 37.56]}}]}
    imported, problems = run(tmp_path, {"projects": [project]}, "GBP")
    assert imported.count("projects") == 0
    assert any("outside the deployment's region" in x and "(refused)" in x for x in problems)


def test_object_where_a_list_belongs_is_read_as_a_list(tmp_path):
    rel = release()
    rel["contracts"][0]["suppliers"] = {"id": "S", "name": "Acme Paving"}
    imported, problems = run(tmp_path, {"releases": [rel]})
    assert imported.tables["contracts"][0]["company_id"] == "GB-COH-0123"
    assert any("contracts[0].suppliers" in x and "object where a list belongs" in x for x in problems)


def test_misspelt_key_is_read_and_reported(tmp_path):
    rel = release()
    c = rel["contracts"][0]
    c["dateSinged"] = c.pop("dateSigned")
    rel["awards"][0]["supplier"] = rel["awards"][0].pop("suppliers")
    imported, problems = run(tmp_path, {"releases": [rel]})
    assert imported.tables["contracts"][0]["signed_at"] == "2024-03-01"
    assert any("contracts[0].dateSinged" in x and "misspelt key 'dateSinged' read as 'dateSigned'" in x
               for x in problems)
    assert any("awards[0].supplier" in x and "read as 'suppliers'" in x for x in problems)


def test_absurd_duration_is_flagged_not_believed(tmp_path):
    rel = release()
    rel["tender"]["tenderPeriod"]["durationInDays"] = 736903
    imported, problems = run(tmp_path, {"releases": [rel]})
    assert imported.count("bid_notices") == 1
    assert any("tenderPeriod.durationInDays" in x and "736,903 days" in x and "(flagged)" in x for x in problems)


def test_empty_names_fall_back_to_the_legal_name_then_the_id(tmp_path):
    rel = release()
    rel["parties"][1]["name"] = ""
    rel["parties"][1]["identifier"]["legalName"] = "Acme Paving Ltd"
    rel["awards"][0]["suppliers"] = [{"id": "S", "name": ""}]
    rel["tender"]["title"] = ""
    imported, problems = run(tmp_path, {"releases": [rel]})
    assert imported.tables["companies"][0]["name"] == "Acme Paving Ltd"
    assert any("empty name: its legal name is shown" in x for x in problems)
    assert imported.count("bid_notices") == 0  # a notice needs a title: refused with its reason
    assert any("bid notice not imported: no title" in x for x in problems)


def test_award_and_contract_values_a_few_units_apart_are_flagged(tmp_path):
    rel = release()
    rel["contracts"][0]["value"]["amount"] = 1006
    imported, problems = run(tmp_path, {"releases": [rel]})
    assert imported.tables["contracts"][0]["amount"] == "1006"
    assert any("differs from its award's (1000) by 6 minor units" in x for x in problems)


def test_natural_persons_keep_their_name_and_nothing_else(tmp_path):
    rel = release()
    person = {"id": "P", "name": "María López Pérez", "roles": ["supplier"],
              "identifier": {"id": "LOPM800101AB1", "legalName": "María López Pérez"},  # a 13-character RFC
              "address": {"streetAddress": "Calle Privada 7", "locality": "Coyoacán"},
              "contactPoint": {"name": "María", "telephone": "+52 55 1234 5678", "email": "maria@example.mx",
                               "url": "https://maria.example.mx"}}
    rel["parties"][1]["contactPoint"] = {"email": "office@acme.example", "telephone": "+44 1234"}
    rel["parties"].append(person)
    rel["awards"].append({"id": "A2", "status": "active", "suppliers": [{"id": "P", "name": "María López Pérez"}]})
    rel["contracts"].append({"id": "C2", "awardID": "A2", "dateSigned": "2024-03-02T00:00:00Z",
                             "value": {"amount": 50, "currency": "KRW"}})
    imported, problems = run(tmp_path, {"releases": [rel]})
    assert {"company_id": "LOPM800101AB1", "name": "María López Pérez"} in imported.tables["companies"]
    assert any("natural person" in x and "only the name is kept" in x for x in problems)
    imported.write(tmp_path / "csv")
    written = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "csv").glob("*.csv"))
    assert "María López Pérez" in written
    for private in ("Calle Privada", "Coyoacán", "1234 5678", "maria@", "maria.example", "office@acme", "+44 1234"):
        assert private not in written


def test_value_in_another_currency_is_refused_with_its_reason(tmp_path):
    rel = release()
    rel["contracts"][0]["value"] = {"amount": 10, "currency": "USD"}
    rel["awards"][0]["value"] = {"amount": 10, "currency": "USD"}
    imported, problems = run(tmp_path, {"releases": [rel]})
    assert imported.count("contracts") == 0
    assert any("amount in USD, the deployment's currency is KRW" in x and "(refused)" in x for x in problems)


def test_releases_of_one_process_are_compiled_in_date_order(tmp_path):
    first = release(id="1", date="2024-01-10T00:00:00Z", tag=["tender"])
    del first["awards"], first["contracts"]
    later = release(id="2", date="2024-03-01T00:00:00Z")
    later["contracts"][0]["value"]["amount"] = 1000
    amended = {"ocid": "ocds-abc123-T1", "id": "3", "date": "2024-04-01T00:00:00Z", "tag": ["contractAmendment"],
               "contracts": [{"id": "C1", "value": {"amount": 1200, "currency": "KRW"}}]}
    imported, _ = run(tmp_path, [amended, first, later])  # a bare list, out of order
    [c] = imported.tables["contracts"]
    assert c["amount"] == "1200" and c["notice_id"] == "T1"


def test_versioned_release_reads_each_fields_latest_value(tmp_path):
    def v(*pairs):
        return [{"releaseID": str(i), "releaseDate": d, "releaseTag": ["tender"], "value": x}
                for i, (d, x) in enumerate(pairs)]

    rel = release()
    versioned = {"ocid": rel["ocid"], "buyer": {"name": v(("2024-01-01", "Old name"), ("2024-02-01", "City Roads"))},
                 "tender": {k: v(("2024-01-01", x)) for k, x in rel["tender"].items()},
                 "parties": v(("2024-01-01", rel["parties"])), "awards": v(("2024-01-01", rel["awards"])),
                 "contracts": v(("2024-01-01", rel["contracts"]))}
    imported, _ = run(tmp_path, {"records": [{"ocid": rel["ocid"], "versionedRelease": versioned}]})
    assert imported.tables["contracts"][0]["agency"] == "City Roads"


def test_broken_and_foreign_files_are_refused_not_raised(tmp_path):
    (tmp_path / "broken.json").write_text('{"releases": [', encoding="utf-8")
    (tmp_path / "other.json").write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    (tmp_path / "linked.json").write_text(json.dumps({"records": [{"ocid": "ocds-abc123-9", "releases": [
        {"url": "https://example.org/r.json", "date": "2024-01-01", "tag": ["tender"]}]}]}), encoding="utf-8")
    lines = [p.line() for p in import_files(sorted(tmp_path.glob("*.json")), options()).problems]
    assert any(x.startswith("broken.json:0:") and "not valid JSON" in x for x in lines)
    assert any(x.startswith("other.json:0:") and "not an OCDS release" in x for x in lines)
    assert any(x.startswith("linked.json:1:") and "only linked releases" in x for x in lines)


def test_latin1_bytes_are_decoded_and_flagged(tmp_path):
    rel = release()
    rel["buyer"]["name"] = "Secretaría de Obras"
    (tmp_path / "latin.json").write_bytes(json.dumps({"releases": [rel]}, ensure_ascii=False).encode("latin-1"))
    imported = import_files([tmp_path / "latin.json"], options())
    assert imported.tables["contracts"][0]["agency"] == "Secretaría de Obras"
    assert any("not UTF-8" in p.reason for p in imported.problems)


def test_json_lines_and_concatenated_packages_are_read(tmp_path):
    a, b = release(), release(ocid="ocds-abc123-T2")
    (tmp_path / "lines.jsonl").write_text(json.dumps(a) + "\n" + json.dumps(b) + "\n", encoding="utf-8")
    imported = import_files([tmp_path / "lines.jsonl"], options())
    assert [c["contract_id"] for c in imported.tables["contracts"]] == ["ocds-abc123-T1-C1", "ocds-abc123-T2-C1"]


def test_ids_become_safe_folder_names_deterministically(tmp_path):
    rel = release(ocid="ocds-abc123-Ünïcode/ID 7")
    rel["contracts"][0]["id"] = "C 1/2"
    one, _ = run(tmp_path, {"releases": [rel]})
    two, _ = run(tmp_path, {"releases": [rel]})
    cid = one.tables["contracts"][0]["contract_id"]
    assert cid == two.tables["contracts"][0]["contract_id"]
    assert cid.startswith("ocds-abc123-n-code-ID-7-C-1-2-") and len(cid.rsplit("-", 1)[1]) == 8


# -- tenders divided into lots -------------------------------------------------------------------

def lotted(**award_lots) -> dict:
    """Two lots; Acme and Bolt bid on both; Acme wins lot L1, Bolt lot L2, each with a contract."""
    rel = release()
    rel["parties"].append({"id": "T", "name": "Bolt Works", "identifier": {"scheme": "GB-COH", "id": "0456"},
                           "roles": ["tenderer", "supplier"]})
    rel["tender"]["lots"] = [{"id": "L1", "title": "North roads"}, {"id": "L2", "title": "South roads"}]
    rel["tender"]["value"] = {"amount": 2000, "currency": "KRW"}

    def bid(i: int, who: str, lot: str, amount: int) -> dict:
        return {"id": f"B{i}", "value": {"amount": amount, "currency": "KRW"}, "status": "valid",
                "tenderers": [{"id": who}], "relatedLots": [lot]}

    rel["bids"] = {"details": [bid(1, "S", "L1", 900), bid(2, "T", "L1", 950), bid(3, "S", "L2", 1100),
                               bid(4, "T", "L2", 1000)]}
    rel["awards"] = [{"id": "A1", "status": "active", "value": {"amount": 900, "currency": "KRW"},
                      "suppliers": [{"id": "S"}], "relatedLots": award_lots.get("A1", ["L1"])},
                     {"id": "A2", "status": "active", "value": {"amount": 1000, "currency": "KRW"},
                      "suppliers": [{"id": "T"}], "relatedLots": award_lots.get("A2", ["L2"])}]
    rel["contracts"] = [dict(rel["contracts"][0], value={"amount": 900, "currency": "KRW"}),
                        dict(rel["contracts"][0], id="C2", awardID="A2", value={"amount": 1000, "currency": "KRW"})]
    return rel


def test_each_lot_keeps_its_bids_winner_and_contract(tmp_path):
    """Before lots, Acme's two bids were summed into one and Bolt, the second winner of the same
    notice, was refused in ingest: the winner of lot L2 silently vanished from the notice."""
    imported, problems = run(tmp_path, {"releases": [lotted()]})
    assert problems == []
    bids = sorted((b["lot_id"], b["lot_title"], b["company_id"], b["bid_amount"], b["winner"])
                  for b in imported.tables["bid_results"])
    assert bids == [("L1", "North roads", "GB-COH-0123", "900", "true"),
                    ("L1", "North roads", "GB-COH-0456", "950", "false"),
                    ("L2", "South roads", "GB-COH-0123", "1100", "false"),
                    ("L2", "South roads", "GB-COH-0456", "1000", "true")]
    assert [(c["company_id"], c["lot_id"]) for c in imported.tables["contracts"]] == [
        ("GB-COH-0123", "L1"), ("GB-COH-0456", "L2")]
    ds = ingest(imported, tmp_path)
    assert [p.line() for p in ds.report if p.refused] == []
    assert len(ds.tables["bid_results"]) == 4 and int(ds.tables["bid_results"]["winner"].sum()) == 2


def test_lot_references_in_other_shapes_are_read_and_flagged(tmp_path):
    rel = lotted(A1=[{"lotId": "L1"}])
    del rel["bids"]["details"][0]["relatedLots"]
    rel["bids"]["details"][0]["relatedLot"] = "L1"
    imported, problems = run(tmp_path, {"releases": [rel]})
    assert sorted(b["lot_id"] for b in imported.tables["bid_results"]) == ["L1", "L1", "L2", "L2"]
    assert imported.tables["contracts"][0]["lot_id"] == "L1"
    assert any("bids.details[0].relatedLot" in x and "read as relatedLots" in x for x in problems)
    assert any("awards[0].relatedLots[0]" in x and "its lotId read" in x for x in problems)


def test_a_contract_whose_lot_cannot_be_told_is_kept_for_the_whole_tender(tmp_path):
    rel = lotted(A2=["L1", "L2"])  # one award for both lots
    rel["awards"].append({"id": "A3", "status": "active", "suppliers": [{"id": "T"}], "relatedLots": ["L9"]})
    rel["contracts"].append(dict(rel["contracts"][1], id="C3", awardID="A3"))
    imported, problems = run(tmp_path, {"releases": [rel]})
    assert [c["lot_id"] for c in imported.tables["contracts"]] == ["L1", "", ""]
    assert any("awards[1].relatedLots" in x and "award for 2 lots" in x for x in problems)
    assert any("awards[2].relatedLots" in x and "no bid results published for the award's lot" in x
               for x in problems)


def test_armenias_two_lot_tenders_keep_both_winners(tmp_path):
    """Two Armenian tenders have two lots each, the same firms bidding on both: 8 + 4 bids were
    summed into 6 and 2 winners refused; now every bid and both winners of each notice stay."""
    imported = import_files([REAL / "armenia-release-package-100.json"], options("AMD"))
    ds = ingest(imported, tmp_path)
    bids = ds.tables["bid_results"]
    assert (imported.count("bid_results"), len(bids)) == (32, 32)
    winners = bids[bids["winner"]].groupby("notice_id")["lot_id"].nunique()
    assert sorted(winners[winners > 1].index) == ["AM-PPS-b0cb8a7f63af73761cb327ea60830d83",
                                                  "AM-PPS-e5da72b80ff4fdfdff594c6dcc1ba3be"]
    assert not [p for p in ds.report if "second winner" in p.reason]
