"""Real Prozorro (Ukraine) OCDS and the tolerance rules it needs (clearbuild/ocds/tolerance.py):
each reading is flagged in the quality report, never made silently."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clearbuild import deployments
from clearbuild.build import build
from clearbuild.ocds.common import Money
from clearbuild.ocds.importer import Options, import_files

ROOT = Path(__file__).resolve().parent.parent
PROZORRO = ROOT / "tests" / "realdata" / "prozorro"


def uah() -> Options:
    return Options(Money("UAH", 2))


@pytest.fixture(scope="module")
def real():
    return import_files(sorted(PROZORRO.rglob("*.json")), uah())


def test_real_prozorro_imports(real):
    assert real.count("contracts") == 19 and real.count("bid_notices") == 9
    works = [r for r in real.tables["contracts"] if r["kind"] == "construction"]
    assert len(works) == 5  # the five works contracts, all reported direct contracts
    assert {r["method"] for r in works} == {"sole_source"}
    lighting = next(r for r in works if "001789-a" in r["contract_id"])
    assert lighting["amount"] == "6832700" and "Сенча" in lighting["title"]  # 68,327.00 UAH


def test_procurement_method_type_decides_the_method(real):
    by_ocid = {r["contract_id"][:36]: r["method"] for r in real.tables["contracts"]}
    assert by_ocid["ocds-be6bcu-UA-2017-01-20-000582-a-6"] == "sole_source"  # limited + reporting
    assert by_ocid["ocds-be6bcu-UA-2016-06-02-000468-c-c"] == "open"  # belowThreshold
    assert {r["method"] for r in real.tables["bid_notices"]} == {"open"}  # below/aboveThreshold
    reasons = [p.reason for p in real.problems]
    assert any("'limited' with procurementMethodType 'reporting': read as sole_source" in r for r in reasons)
    assert any("inferred from ДК021 45450000-6" in r for r in reasons)
    assert not any("designated" in r["method"] for r in real.tables["contracts"])


def test_prozorro_builds_the_kyiv_site(tmp_path):
    data = tmp_path / "prozorro"  # a folder of OCDS files, as a publisher hands them over
    data.mkdir()
    for i, f in enumerate(sorted(PROZORRO.rglob("*.json"))):
        shutil.copyfile(f, data / f"{i:02d}-{f.name}")
    result = build(output=tmp_path / "out", data=data, settings_file=deployments.settings_file("kyiv"),
                   quiet=True, overrides={"CB_REPORT_DIR": str(tmp_path / "reports")})
    pages = sorted(p.name for p in (result.output / "contracts").glob("ocds-be6bcu-*") if p.is_dir())
    assert len(pages) == 19
    page = (result.output / "contracts" / next(p for p in pages if "001789-a" in p) / "index.html")
    html = page.read_text(encoding="utf-8")
    assert '<html lang="uk">' in html and "68\u00a0327,00 грн" in html and "Прямий договір" in html
    report = (tmp_path / "reports" / "quality.csv").read_text(encoding="utf-8")
    assert "procurementMethodType" in report
    # Real records' pages read only the rows their kinds declare (clearbuild.readcheck).
    from clearbuild import readcheck

    assert readcheck.main(["--data", str(data), "--settings", str(deployments.settings_file("kyiv")),
                           "--every", "1"]) == 0


# -- one small synthetic release per rule ----------------------------------------------------

def release(**over) -> dict:
    rel = {"ocid": "ocds-be6bcu-UA-2020-01-01-000001-a", "id": "r1", "date": "2020-02-01T00:00:00+02:00",
           "tag": ["award"], "buyer": {"name": "КП «Київавтодор»"},
           "tender": {"id": "t1", "title": "Ремонт дороги", "procurementMethod": "open",
                      "procurementMethodType": "belowThreshold", "mainProcurementCategory": "works",
                      "tenderPeriod": {"startDate": "2020-01-01T00:00:00+02:00",
                                       "endDate": "2020-01-10T00:00:00+02:00"}},
           "parties": [{"id": "UA-EDR-12345678", "name": "ТОВ «Шлях»", "roles": ["supplier"],
                        "identifier": {"scheme": "UA-EDR", "id": "12345678"}}],
           "awards": [{"id": "a1", "status": "active", "value": {"amount": 150000.5, "currency": "UAH"},
                       "suppliers": [{"id": "UA-EDR-12345678", "name": "ТОВ «Шлях»"}]}]}
    rel.update(over)
    return rel


def run(tmp_path: Path, rel: dict):
    f = tmp_path / "r.json"
    f.write_text(json.dumps({"releases": [rel]}, ensure_ascii=False), encoding="utf-8")
    imp = import_files([f], uah())
    return imp, [p.reason for p in imp.problems]


def test_award_without_contract_is_a_winning_bid_result(tmp_path):
    imp, reasons = run(tmp_path, release())
    (row,) = imp.tables["bid_results"]
    assert row["winner"] == "true" and row["bid_amount"] == "15000050" and row["company_id"] == "UA-EDR-12345678"
    assert any("award without a contract: read as a winning bid result" in r for r in reasons)


def contract(**over) -> dict:
    return {"id": "c1", "awardID": "a1", "status": "active", "dateSigned": "2020-02-01T00:00:00+02:00",
            "value": {"amount": 150000.5, "currency": "UAH"}, **over}


def test_unmatched_award_id_links_the_only_award(tmp_path):
    imp, reasons = run(tmp_path, release(contracts=[contract(awardID="elsewhere")]))
    (row,) = imp.tables["contracts"]
    assert row["company_id"] == "UA-EDR-12345678"  # the award's supplier
    assert any("linked to the release's only award (a1)" in r for r in reasons)
    assert not imp.tables.get("bid_results")


def test_supplier_only_in_parties(tmp_path):
    rel = release(contracts=[contract()])
    del rel["awards"][0]["suppliers"]
    imp, reasons = run(tmp_path, rel)
    assert imp.tables["contracts"][0]["company_id"] == "UA-EDR-12345678"
    assert any("the one party with the role supplier" in r for r in reasons)


def test_release_name_and_buyer_legal_name(tmp_path):
    rel = release(contracts=[contract()], name="Поточний ремонт вул. Хрещатик",
                  buyer={"identifier": {"scheme": "UA-EDR", "id": "04012345", "legalName": "Печерська РДА"}})
    del rel["tender"]["title"]
    imp, reasons = run(tmp_path, rel)
    row = imp.tables["contracts"][0]
    assert row["title"] == "Поточний ремонт вул. Хрещатик" and row["agency"] == "Печерська РДА"
    assert any("release's name is used as its title" in r for r in reasons)
    assert any("legalName is used" in r for r in reasons)


@pytest.mark.parametrize("scheme,code,kind", [("ДК021", "45233142-6", "construction"),
                                              ("ДК021", "09130000-9", "goods"),
                                              ("CPC", "54122", "construction"), ("CPC", "43210", "goods"),
                                              ("CPC", "83310", "services")])
def test_classification_gives_the_kind(tmp_path, scheme, code, kind):
    rel = release(contracts=[contract()])
    del rel["tender"]["mainProcurementCategory"]
    rel["tender"]["items"] = [{"id": "i1", "classification": {"scheme": scheme, "id": code, "description": "x"}}]
    imp, reasons = run(tmp_path, rel)
    assert imp.tables["contracts"][0]["kind"] == kind
    assert any(f"inferred from {scheme if scheme != 'CPC' else 'CPC'} {code}" in r for r in reasons)


@pytest.mark.parametrize("method,typ,want", [("limited", "reporting", "sole_source"),
                                             ("limited", "negotiation", "sole_source"),
                                             ("limited", "negotiation.quick", "sole_source"),
                                             ("open", "aboveThresholdEU", "open"),
                                             ("open", "aboveThresholdUA", "open")])
def test_method_types(tmp_path, method, typ, want):
    rel = release(contracts=[contract()])
    rel["tender"].update(procurementMethod=method, procurementMethodType=typ)
    imp, _ = run(tmp_path, rel)
    assert imp.tables["contracts"][0]["method"] == want
