"""OCDS / OC4IDS export: valid against the official schemas, deterministic, public-only, and an
export imported again gives the same contract tables (the round trip of issue 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factory import lot_rows, write_export
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from clearbuild import config
from clearbuild.build import settings_for
from clearbuild.ingest import load_dataset
from clearbuild.ocds import source
from clearbuild.ocds.export import ExportOptions, dumps
from clearbuild.ocds.oc4ids import writers
from clearbuild.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "clearbuild" / "ocds" / "schema"
CONTRACT_TABLES = ["procurement_plans", "bid_notices", "bid_results", "contracts", "contract_amendments",
                   "contract_payments",
                   "companies"]


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


REGISTRY = Registry().with_resources(
    (schema(n)["id"], Resource.from_contents(schema(n), default_specification=DRAFT4))
    for n in ("release-schema.json", "release-package-schema.json", "project-schema.json"))
PACKAGE = Draft4Validator(schema("release-package-schema.json"), registry=REGISTRY, format_checker=FormatChecker())
RELEASE = Draft4Validator(schema("release-schema.json"), format_checker=FormatChecker())
PROJECT = Draft4Validator(schema("project-schema.json"), format_checker=FormatChecker())


def errors(validator: Draft4Validator, doc) -> list[str]:
    doc = json.loads(json.dumps(doc))  # exactly what a reader of the file gets
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(doc)]


def deployment(data: Path):
    settings = settings_for(overrides={"CB_DATA": str(data), "CB_ADMIN_DB": ""})
    kw = {"region": config.region(settings), "district_codes": frozenset(config.districts(settings))}
    return settings, kw


def export_to(data: Path, out: Path):
    settings, kw = deployment(data)
    ds = load_dataset(data, **kw)
    ocds, oc4ids = writers(ds, ExportOptions.from_settings(settings))
    out.mkdir(parents=True, exist_ok=True)
    (out / "ocds-release-package.json").write_text(dumps(ocds.package()), encoding="utf-8")
    (out / "oc4ids-project-package.json").write_text(dumps(oc4ids.package()), encoding="utf-8")
    return ds, ocds, oc4ids, settings, kw


def test_release_package_and_every_release_validate(export_dir):
    _, ocds, _, _, _ = export_dir
    pkg = ocds.package()
    assert errors(PACKAGE, pkg) == []
    # The plan, the notice with its contract, and the sole-source contract: one process each.
    assert [r["ocid"] for r in pkg["releases"]] == [
        "ocds-cbuild-C-2025-0002", "ocds-cbuild-N-2025-0001", "ocds-cbuild-PL-2025-001"]
    for rel in pkg["releases"]:
        assert errors(RELEASE, rel) == []


def test_the_validator_does_reject_a_broken_release(export_dir):
    _, ocds, _, _, _ = export_dir
    rel = dict(ocds.package()["releases"][0])
    del rel["ocid"]
    rel["tag"] = "compiled"  # a string, not a list
    assert len(errors(RELEASE, rel)) == 2


def test_every_project_validates_as_oc4ids(export_dir):
    _, _, oc4ids, _, _ = export_dir
    projects = oc4ids.projects()
    assert [p["id"] for p in projects] == ["P-0001", "P-0002", "P-0003"]
    for p in projects:
        assert errors(PROJECT, p) == []
    broken = dict(projects[0], status="paused")  # not in the closed projectStatus codelist
    assert errors(PROJECT, broken)


def test_contract_release_says_what_the_contract_page_says(export_dir):
    _, ocds, _, _, _ = export_dir
    rel = ocds.releases[ocds.ocid_of["C-2025-0001"]]
    assert rel["ocid"] == "ocds-cbuild-N-2025-0001"
    [c] = rel["contracts"]
    assert c["value"] == {"amount": 1100000000, "currency": "KRW"}
    assert c["dateSigned"] == "2025-03-02T00:00:00+09:00"
    assert c["amendments"][0]["newContractValue"]["amount"] == 1250000000
    assert {b["tenderers"][0]["id"]: b["status"] for b in rel["bids"]["details"]} == {
        "1018100340": "disqualified", "1208147521": "valid", "2148755823": "valid"}
    assert rel["relatedProcesses"][0]["identifier"] == "ocds-cbuild-PL-2025-001"


def test_export_is_deterministic_and_public_only(export, tmp_path):
    a = export_files(export, tmp_path / "a")
    b = export_files(export, tmp_path / "b")
    assert a == b
    text = "".join(a.values())
    for private in ("SECRET-NOTE-XYZ", "010-9999-0000", "02-111-2222", "010-1111-2222", "ceo@hanbit",
                    "123-456-789", "PRIVATE-DOC-TITLE", "javascript:"):
        assert private not in text


def export_files(data: Path, out: Path) -> dict[str, str]:
    export_to(data, out)
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}


def same_tables(before, after, names):
    for name in names:
        key = list(TABLES[name].key)
        a, b = before.tables[name], after.tables[name]
        if name == "companies":  # OCDS carries the companies its processes name, not the others
            used = set(before.tables["contracts"]["company_id"]) | set(before.tables["bid_results"]["company_id"])
            a = a[a["company_id"].isin(used)]
        a = a.sort_values(key).reset_index(drop=True)
        b = b.sort_values(key).reset_index(drop=True)
        assert len(b) == len(a), name
        assert a.equals(b), f"{name} differs after the round trip"


def test_round_trip_of_the_fixture_gives_the_same_tables(export_dir):
    ds, _, _, settings, kw = export_dir
    again = source.load(export_dir.out, settings, load_dataset, **kw)
    assert again.report == []
    same_tables(ds, again, CONTRACT_TABLES + ["projects", "progress"])


def test_lots_are_exported_and_come_back_the_same(tmp_path):
    """A notice in two lots: tender.lots, relatedLots on every bid and award, each contract on
    its lot's award; valid, and imported again it gives the same tables, lots included."""
    ds, ocds, _, settings, kw = export_to(write_export(tmp_path / "e", lot_rows()), tmp_path / "json")
    assert errors(PACKAGE, ocds.package()) == []
    rel = ocds.releases["ocds-cbuild-N-2025-0001"]
    assert rel["tender"]["lots"] == [{"id": "1", "title": "보도 포장"}, {"id": "2", "title": "점자블록"}]
    assert [(b["id"], b["relatedLots"]) for b in rel["bids"]["details"]] == [
        ("N-2025-0001-1-1018100340", ["1"]), ("N-2025-0001-1-1208147521", ["1"]),
        ("N-2025-0001-1-2148755823", ["1"]), ("N-2025-0001-2-1018100340", ["2"]),
        ("N-2025-0001-2-2148755823", ["2"])]
    awards = {a["id"]: a["relatedLots"] for a in rel["awards"]}
    assert awards == {"award-1-1208147521": ["1"], "award-2-2148755823": ["2"]}
    assert {c["id"]: c["awardID"] for c in rel["contracts"]} == {
        "C-2025-0001": "award-1-1208147521", "C-2025-0003": "award-2-2148755823"}
    again = source.load(tmp_path / "json", settings, load_dataset, **kw)
    assert again.report == []
    same_tables(ds, again, CONTRACT_TABLES)
    assert sorted(again.tables["contracts"]["lot_id"]) == ["", "1", "2"]


@pytest.mark.slow
def test_round_trip_of_the_bundled_sample_gives_the_same_contract_tables(tmp_path):
    sample = ROOT / "data" / "sample" / "2026-11-20"
    ds, _, _, settings, kw = export_to(sample, tmp_path / "json")
    assert len(ds.tables["contracts"]) > 1000
    again = source.load(tmp_path / "json", settings, load_dataset, **kw)
    assert again.report == []
    same_tables(ds, again, CONTRACT_TABLES + ["projects", "progress"])


class Exported(tuple):
    out: Path


@pytest.fixture
def export_dir(export, tmp_path):
    result = Exported(export_to(export, tmp_path / "json"))
    result.out = tmp_path / "json"
    return result


def test_payments_overview_and_documents_are_exported(export_dir):
    """Issue 18: contract payments as implementation.transactions (the claim in paymentKind,
    claimDate, claimValue; an open claim has no date or value), the plan's overview as
    planning.rationale, the notice's required documents as tender.submissionMethodDetails."""
    ds, ocds, _, _, _ = export_dir
    rel = ocds.releases[ocds.ocid_of["C-2025-0001"]]
    t = rel["contracts"][0]["implementation"]["transactions"]
    assert [x["id"] for x in t] == ["CP-1", "CP-2", "CP-3"]
    assert t[1]["paymentKind"] == "progress" and t[1]["value"]["amount"] == 300000000
    assert t[1]["claimDate"] == "2025-06-10T00:00:00+09:00" and t[1]["payee"]["id"] == "1208147521"
    assert "date" not in t[2] and "value" not in t[2] and t[2]["claimValue"]["amount"] == 200000000
    assert rel["tender"]["submissionMethodDetails"].startswith("입찰참가신청서;")
    plan = ocds.releases["ocds-cbuild-PL-2025-001"]
    assert plan["planning"]["rationale"].startswith("강남대로 보도 포장")
    assert len(ds.tables["contract_payments"]) == 4


@pytest.mark.parametrize("releases", [[], [{"ocid": "b", "tag": ["compiled"], "x": "한글 \"q\""}, {"ocid": "a"}]])
def test_the_streamed_package_is_the_package_dumps_would_write(tmp_path, releases):
    """Made of Cardinal's lines, written in parts (each part by a child of its own,
    cb_opendata.write_downloads): the bytes ``dumps`` writes of the package made whole."""
    from clearbuild.ocds.writing import digest, dumps, package_of_lines, write_lines

    head = {"uri": "u", "version": "1.1", "publisher": {"name": "서울"}}
    whole = dumps({**head, **({"releases": releases} if releases else {})}, compact=True)
    lines, blob = tmp_path / "releases.jsonl", b""
    lines.touch()
    for part in (releases[:1], [], releases[1:]):
        with lines.open("a", encoding="utf-8") as f:
            blob += write_lines(f, iter(part))
    texts = [dumps(r, compact=True).rstrip("\n") for r in releases]
    assert lines.read_text(encoding="utf-8").splitlines() == texts
    assert blob == b"".join(digest(t) for t in texts)
    assert package_of_lines(tmp_path / "q.json", head, lines) == len(releases)
    assert (tmp_path / "q.json").read_text(encoding="utf-8") == whole


def test_the_streamed_project_package_is_the_one_dumps_would_write(export_dir, tmp_path):
    """The OC4IDS package is written a part of the projects at a time, each by a child of its
    own (cb_opendata.write_downloads): the same bytes as the package made whole, with projects
    and without; a file already at the path (hard-linked from the last build) is replaced,
    never written through."""
    from cb_opendata import lines_in_parts

    from clearbuild.ocds.writing import dumps, package_of_lines

    _, _, oc4ids, _, _ = export_dir
    linked, path, lines = tmp_path / "last-build.json", tmp_path / "p.json", tmp_path / "lines"
    linked.write_text("last night's", encoding="utf-8")
    path.hardlink_to(linked)
    projects = oc4ids.projects()
    assert oc4ids.count() == len(projects) > 2
    for width in (1, 2, 3):  # CB_OPENDATA_WRITERS: parts side by side, their lines in order
        lines_in_parts(lines, oc4ids.each_project, oc4ids.count(), 1, width)
        assert package_of_lines(path, oc4ids.package([]), lines, key="projects") == len(projects)
        assert path.read_text(encoding="utf-8") == dumps(oc4ids.package(projects), compact=True)
        assert not list(tmp_path.glob("lines.*"))  # each part's own file appended and gone
    assert linked.read_text(encoding="utf-8") == "last night's"
    lines_in_parts(lines, oc4ids.each_project, 0, 2)
    assert package_of_lines(path, oc4ids.package([]), lines, key="projects") == 0
    assert path.read_text(encoding="utf-8") == dumps(oc4ids.package([]), compact=True)


def test_a_record_file_is_named_alike_with_or_without_the_package(export_dir, tmp_path):
    """The render workers keep a contract's record file by its release's digest: the one the
    package writer took, or (a cluster worker, which writes no package) one taken alone; both
    must agree, and differ when the release does."""
    import io

    from cb_opendata.recordfiles import Digests, record_file, release_file

    from clearbuild.ocds.writing import DIGEST_BYTES, write_lines

    _, ocds, _, _, _ = export_dir
    ocids = list(ocds.releases)
    blob = write_lines(io.StringIO(), (ocds.releases[k] for k in ocids))
    digests = [blob[i:i + DIGEST_BYTES] for i in range(0, len(blob), DIGEST_BYTES)]
    from_package = dict(zip(ocids, digests, strict=True))
    held = Digests(ocids, blob)  # what the parent keeps
    assert dict(held) == from_package and list(held) == ocids
    assert held.get("ocds-nobody") is None and "ocds-nobody" not in held
    assert list(ocds.ocid_of) == sorted(ocds.ocid_of) and len(ocds.ocid_of) > 1
    for cid, ocid in ocds.ocid_of.items():  # the queue holds contract ids
        assert record_file(ocds, held, cid)["digest"] == from_package[ocid]
        with_package, alone = record_file(ocds, from_package, cid), record_file(ocds, {}, cid)
        assert with_package["digest"] == alone["digest"]
        assert with_package["produce"] is alone["produce"] is release_file
        assert release_file(*alone["args"]) == dumps(ocds.releases[ocid])
    assert len(set(digests)) == len(ocids)


def test_a_project_file_is_the_package_s_project_named_by_the_digest_of_its_text(export_dir):
    """A project's OC4IDS file is made where it is written (the parent holds no project
    document): its bytes are the package's project, and its digest changes exactly when they do."""
    from cb_opendata.recordfiles import project_file, project_text

    ds, _, oc4ids, _, _ = export_dir
    in_package = {p["id"]: p for p in oc4ids.package()["projects"]}
    assert len(in_package) == len(ds.table("projects")) > 1
    seen = set()
    for pid, project in in_package.items():
        job = project_file(oc4ids, pid)
        assert job["produce"] is project_text and job["args"] == (oc4ids, pid)
        text = job["produce"](*job["args"])
        assert text == dumps(project) and json.loads(text) == project
        assert project_file(oc4ids, pid)["digest"] == job["digest"]  # the same text, the same name
        seen.add(job["digest"])
    assert len(seen) == len(in_package)  # another project, another digest


def test_digests_read_against_other_releases_are_refused(export_dir):
    """The parent reads the children's digests against the ocids it gave them: a blob of
    another length (a release more, one less) is an error, never a record file named by
    another release's digest."""
    from cb_opendata.recordfiles import Digests

    _, ocds, _, _, _ = export_dir
    ocids = list(ocds.releases)
    blob = bytes(range(16)) * len(ocids)
    assert len(Digests(ocids, blob)) == len(ocids)
    for wrong in (blob[:-16], blob + bytes(16)):
        with pytest.raises(ValueError, match="not of this build"):
            Digests(ocids, wrong)


def test_each_contract_s_ocid_is_its_notice_s_or_its_own_and_every_process_has_its_release(export_dir):
    """ocid_of is worked out when read (no dict of every contract in the parent): a contract of
    a notice shares the notice's process; one without a notice is a process of its own."""
    ds, ocds, _, _, _ = export_dir
    contracts = ds.index("contracts", "contract_id")
    prefix = ocds.o.prefix
    assert sorted(ocds.ocid_of) == sorted(contracts)  # every contract of this export has a process
    for cid, ocid in ocds.ocid_of.items():
        nid = contracts[cid].get("notice_id")
        assert ocid == f"{prefix}-{nid or cid}"
        rel = ocds.releases[ocid]
        assert cid in [c["id"] for c in rel.get("contracts", [])]
    assert "C-none" not in ocds.ocid_of and ocds.ocid_of.get(None) is None
    with_notice = [c for c in contracts.values() if c.get("notice_id")]
    assert with_notice and any(not c.get("notice_id") for c in contracts.values())
    assert len(ocds.releases) == len(ocds.plans) + len(ds.index("bid_notices", "notice_id")) + sum(
        1 for c in contracts.values() if not c.get("notice_id"))


def test_releases_are_the_same_whatever_number_of_parties_the_writer_keeps(export_dir, monkeypatch):
    from clearbuild.ocds import export

    _, ocds, _, _, _ = export_dir
    want = [ocds.releases[k] for k in ocds.releases]
    kept = len(ocds._parties)
    assert kept > 2  # the export's companies, each made once
    monkeypatch.setattr(export, "PARTIES_HELD", 2)
    ocds._parties.clear()
    assert [ocds.releases[k] for k in ocds.releases] == want
    assert len(ocds._parties) <= 2


def test_releases_are_made_of_what_the_dict_of_every_ocid_held(export_dir):
    """The writer works out an ocid's record when asked (``made_of``, ``ocids``): the same
    ocids, in the same order, each made of the same record as the dict of every ocid it used
    to hold (plans, then notices, then contracts without a notice, a later kind winning), and
    an id two kinds share is a contract's, then a notice's; anything else is no release."""
    from clearbuild.ocds.export import OcdsWriter

    ds, ocds, _, _, _ = export_dir
    prefix = ocds.o.prefix
    held: dict[str, dict] = {}
    for p in ds.index("procurement_plans", "plan_id").values():
        held[f"{prefix}-{p['plan_id']}"] = p
    for nid, n in ds.index("bid_notices", "notice_id").items():
        held[f"{prefix}-{nid}"] = n
    for cid, c in ds.index("contracts", "contract_id").items():
        if not c.get("notice_id"):
            held[f"{prefix}-{cid}"] = c
    assert list(ocds.releases) == sorted(held) and len(ocds.releases) == len(held)
    kinds = {"contract" if "contract_id" in r else "notice" if "deadline" in r else "plan" for r in held.values()}
    assert kinds == {"contract", "notice", "plan"}  # a release of each kind
    assert all(ocds.made_of(k) is r for k, r in held.items())
    for nobody in ("ocds-nobody", f"{prefix}-", f"{prefix}-nobody", prefix, "", None, 7):
        assert nobody not in ocds.releases
        with pytest.raises(KeyError):
            ocds.made_of(nobody)
    # A plan and a contract without a notice sharing an id: the contract's, as the dict held.
    plan = next(iter(ds.index("procurement_plans", "plan_id").values()))
    lone = next(c for c in ds.index("contracts", "contract_id").values() if not c.get("notice_id"))
    shared = OcdsWriter.__new__(OcdsWriter)
    shared.o, shared.plans = ocds.o, {"X": plan}
    shared._notices, shared._contracts = {}, {"X": lone}
    assert shared.made_of(f"{prefix}-X") is lone and shared.ocids() == [f"{prefix}-X"]


def test_the_downloads_are_the_same_bytes_whatever_number_of_writers(export_dir, tmp_path, monkeypatch):
    """CB_OPENDATA_WRITERS: the package writer's parts side by side, each a part of the releases;
    the packages, Cardinal's coverage and the releases' digests as with one writer."""
    import cb_opendata
    from cb_opendata import write_downloads
    from cb_opendata.recordfiles import ocid_array

    _, ocds, oc4ids, _, _ = export_dir
    ocids = ocid_array(ocds.releases)
    monkeypatch.setattr(cb_opendata, "RELEASES_A_CHILD", 2)  # a release a part with 2 writers
    monkeypatch.setattr(cb_opendata, "PROJECTS_A_CHILD", 1)
    assert len(ocids) >= 3
    made = {}
    for n in (1, 2):
        out = tmp_path / str(n)
        out.mkdir()
        downloads = write_downloads(ocds, oc4ids, ocids, out, n)
        made[n] = (downloads.digests, downloads.counts,
                         {p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert made[1] == made[2] and len(made[1][2]) == 3
