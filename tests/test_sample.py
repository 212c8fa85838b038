"""The sample generator: exact schema columns, byte-identical reruns, real geography, valid
business numbers, every reference resolvable, and a story that holds together (dates, winners,
statuses, payments). Small sizes keep it fast; the committed demo is checked to be current."""

import csv
import hashlib
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest

from clearbuild import brn, config, geo
from clearbuild.ingest import load_dataset
from clearbuild.sample import SampleError, generate
from clearbuild.sample.__main__ import main
from clearbuild.sample.common import AS_OF
from clearbuild.schema import TABLES

DEMO = config.ROOT / config.DEFAULTS["CB_SAMPLE_DIR"]  # named by its date: data/sample/<AS_OF>

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"projects": 40, "contracts": 150, "companies": 80, "apartments": 6, "apartment_documents": 80}


def read(folder: Path) -> dict[str, list[dict[str, str]]]:
    out = {}
    for name in TABLES:
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            out[name] = list(csv.DictReader(fh))
    return out


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    generate(folder, seed=5, **SMALL)
    return folder, read(folder)


@pytest.fixture(scope="module")
def districts():
    return geo.load_districts()


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def brn_ok(value: str) -> bool:
    """The shape (123-45-67890 or ten digits) and clearbuild.brn's check digit (tests/test_safeio.py
    checks that against published numbers)."""
    d = value.replace("-", "")
    if "-" in value and [len(x) for x in value.split("-")] != [3, 2, 5]:
        return False
    return brn.valid(d)


def test_columns_are_exactly_the_schemas(sample):
    folder, _ = sample
    for name, table in TABLES.items():
        with (folder / f"{name}.csv").open(encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == [c.name for c in table.columns], name


def test_reruns_are_byte_identical_and_seeds_differ(sample, tmp_path):
    folder, _ = sample
    generate(tmp_path / "again", seed=5, **SMALL)
    first, again = digest(folder), digest(tmp_path / "again")
    assert first == again
    assert any(p.startswith("photos/") for p in first) and any(p.startswith("documents/") for p in first)
    generate(tmp_path / "other", seed=6, **SMALL)
    assert digest(tmp_path / "other")["projects.csv"] != first["projects.csv"]


def test_rows_are_sorted_by_key_and_keys_unique(sample):
    _, t = sample
    for name, table in TABLES.items():
        keys = [tuple(r[k] for k in table.key) for r in t[name]]
        assert keys == sorted(keys), name
        assert len(set(keys)) == len(keys), name


def test_coordinates_lie_inside_their_district_and_dong(sample, districts):
    _, t = sample
    dongs = geo.load_districts(geo.NEIGHBOURHOODS_FILE)
    for name in ("projects", "companies", "apartments"):
        rows = t[name]
        assert rows
        for r in rows:
            assert districts[r["district_code"]].contains(float(r["lat"]), float(r["lon"])), (name, r)
            if r.get("dong_code"):
                assert r["dong_code"].startswith(r["district_code"])
                assert dongs[r["dong_code"]].contains(float(r["lat"]), float(r["lon"]))
    assert sum(1 for r in t["projects"] if r["dong_code"]) >= 0.8 * len(t["projects"])


def test_every_district_has_projects_and_companies(sample, districts):
    _, t = sample
    assert {r["district_code"] for r in t["projects"]} == set(districts)
    assert {r["district_code"] for r in t["companies"]} == set(districts)


def test_business_numbers_pass_the_check_digit_in_both_forms(sample):
    _, t = sample
    ids = [r["company_id"] for r in t["companies"]]
    assert all(brn_ok(x) for x in ids)
    assert any("-" in x for x in ids) and any("-" not in x for x in ids)
    assert len({x.replace("-", "") for x in ids}) == len(ids)
    for name, table in TABLES.items():
        for col in (c.name for c in table.columns if c.type == "brn"):
            assert all(brn_ok(r[col]) for r in t[name] if r[col]), (name, col)
    assert brn_ok("220-81-62517") and not brn_ok("220-81-62518") and not brn_ok("2208-1-62517")


def test_every_reference_resolves(sample):
    _, t = sample
    for name, table in TABLES.items():
        for col in table.columns:
            if not col.ref:
                continue
            ref_table, ref_col = col.ref.split(".")
            known = {r[ref_col].replace("-", "") for r in t[ref_table]}
            missing = {r[col.name] for r in t[name] if r[col.name] and r[col.name].replace("-", "") not in known}
            assert not missing, (name, col.name, sorted(missing)[:3])
    contracts = {r["contract_id"] for r in t["contracts"]}
    assert all(r["contract_id"] in contracts for r in t["apartment_documents"] if r["contract_id"])


def test_projects_and_their_works_contracts_point_at_each_other(sample):
    _, t = sample
    by_contract = {r["contract_id"]: r for r in t["contracts"]}
    linked = 0
    for p in t["projects"]:
        if p["contract_id"]:
            c = by_contract[p["contract_id"]]
            assert c["project_id"] == p["project_id"] and c["kind"] == "construction"
            assert (c["title"], c["agency"]) == (p["name"], p["agency"])
            linked += 1
        else:
            assert p["status"] in ("planned", "tendering")
    projects = {p["project_id"]: p for p in t["projects"]}
    for c in t["contracts"]:
        if c["project_id"]:
            assert projects[c["project_id"]]["contract_id"] == c["contract_id"]
    assert linked >= 0.7 * len(t["projects"])


def test_schema_date_orders_hold(sample):
    _, t = sample
    for name, table in TABLES.items():
        for early, late in table.date_order:
            bad = [r for r in t[name] if r[early] and r[late] and r[late] < r[early]]
            assert not bad, (name, early, late, bad[:1])


def test_project_status_matches_its_dates(sample):
    _, t = sample
    statuses = Counter(p["status"] for p in t["projects"])
    assert statuses["completed"] and statuses["in_progress"]
    for p in t["projects"]:
        done = p["status"] == "completed"
        assert bool(p["actual_end_date"]) == done
        if done:
            assert p["actual_end_date"] <= AS_OF
        if p["status"] in ("in_progress", "suspended"):
            assert p["start_date"] <= AS_OF
    started = {p["project_id"]: p for p in t["projects"] if p["status"] in ("in_progress", "suspended",
                                                                              "completed")}
    for name in ("progress", "inspections", "photos", "payments", "subcontracts", "change_orders"):
        assert t[name], name
        assert {r["project_id"] for r in t[name]} <= set(started), name
    for r in t["progress"]:
        assert 0 <= float(r["actual_pct"]) <= 100 and r["date"] <= AS_OF


def test_competitive_contracts_come_from_a_notice_they_won(sample):
    _, t = sample
    notices = {n["notice_id"]: n for n in t["bid_notices"]}
    bids = defaultdict(list)  # per tender: a notice, or one lot of a notice divided into lots
    for b in t["bid_results"]:
        bids[b["notice_id"], b["lot_id"]].append(b)
    sole = [c for c in t["contracts"] if c["method"] == "sole_source"]
    assert 0.15 <= len(sole) / len(t["contracts"]) <= 0.4
    for c in t["contracts"]:
        assert (c["notice_id"] == "") == (c["method"] == "sole_source")
        if not c["notice_id"]:
            continue
        n = notices[c["notice_id"]]
        assert n["published_at"] < n["deadline"] <= n["opening_at"] and n["opening_at"][:10] < c["signed_at"]
        (win,) = [b for b in bids[c["notice_id"], c["lot_id"]] if b["winner"] == "true"]
        assert win["company_id"] == c["company_id"] and int(win["bid_amount"]) == int(c["amount"])
        assert win["rank"] == "1" and not win["disqualified_reason"]
    for rows in bids.values():
        assert len(rows) <= 12 and sum(b["winner"] == "true" for b in rows) <= 1
        ranks = sorted(int(b["rank"]) for b in rows if b["rank"])
        assert ranks == list(range(1, len(ranks) + 1))
        assert all(bool(b["disqualified_reason"]) == (b["rank"] == "") for b in rows)
    assert any(n["deadline"] > AS_OF for n in t["bid_notices"])  # some notices are still open


def lotted(t: dict) -> dict[str, list[dict[str, str]]]:
    out = defaultdict(list)
    for c in t["contracts"]:
        if c["lot_id"]:
            out[c["notice_id"]].append(c)
    return out


def test_a_few_notices_are_divided_into_lots_each_with_its_contract(sample):
    _, t = sample
    notices = {n["notice_id"]: n for n in t["bid_notices"]}
    groups = lotted(t)
    assert groups and all(2 <= len(cs) <= 4 for cs in groups.values())
    for nid, cs in groups.items():
        assert sorted(c["lot_id"] for c in cs) == [str(i) for i in range(1, len(cs) + 1)]
        assert len({(c["agency"], c["kind"], c["work_type"], c["company_id"] == "") for c in cs}) == 1
        assert notices[nid]["title"].endswith(f"외 {len(cs) - 1}건")
        bids = [b for b in t["bid_results"] if b["notice_id"] == nid]
        assert {b["lot_id"] for b in bids} == {c["lot_id"] for c in cs}  # every bid names its lot
        titles = {b["lot_id"]: b["lot_title"] for b in bids}
        assert all(titles[c["lot_id"]] == c["title"] for c in cs)
        # The notice's estimate is its lots' together: each lot won below the whole.
        assert sum(int(c["amount"]) for c in cs) < int(notices[nid]["estimated_price"])
    assert all(b["lot_id"] == "" for b in t["bid_results"] if b["notice_id"] not in groups)


def test_the_demo_has_a_realistic_share_of_lotted_notices():
    with (DEMO / "contracts.csv").open(encoding="utf-8", newline="") as fh:
        contracts = list(csv.DictReader(fh))
    with (DEMO / "bid_notices.csv").open(encoding="utf-8", newline="") as fh:
        notices = sum(1 for _ in fh) - 1
    groups = lotted({"contracts": contracts})
    assert 0.03 <= len(groups) / notices <= 0.05
    assert {len(cs) for cs in groups.values()} == {2, 3, 4}


def test_amendments_follow_signing_in_order(sample):
    _, t = sample
    signed = {c["contract_id"]: c["signed_at"] for c in t["contracts"]}
    seqs = defaultdict(list)
    for a in t["contract_amendments"]:
        assert signed[a["contract_id"]] <= a["date"] <= AS_OF
        seqs[a["contract_id"]].append((int(a["seq"]), a["date"]))
    for rows in seqs.values():
        rows.sort()
        assert [s for s, _ in rows] == list(range(1, len(rows) + 1))
        assert [d for _, d in rows] == sorted(d for _, d in rows)


def test_payments_mostly_on_time_and_never_in_the_future(sample):
    _, t = sample
    pays = t["payments"]
    paid = [p for p in pays if p["paid_date"]]
    assert paid and len(paid) < len(pays) or len(pays) < 20
    for p in paid:
        assert p["claim_date"] <= p["paid_date"] <= AS_OF
        assert int(p["paid_amount"]) <= int(p["amount"])
    assert {p["payee_kind"] for p in pays} >= {"subcontractor", "wages"}
    assert all(p["payee_company_id"] == "" for p in pays if p["payee_kind"] == "wages")


def test_files_ship_beside_the_export(sample):
    folder, t = sample
    assert t["photos"]
    for r in t["photos"]:
        assert r["file"] == f"photos/{r['photo_id']}.jpg"
        assert (folder / r["file"]).read_bytes()[:3] == b"\xff\xd8\xff"  # JPEG
    docs = [r for r in t["apartment_documents"] if r["file"]]
    assert docs and all((folder / r["file"]).read_bytes().startswith(b"%PDF-") for r in docs)


def test_private_values_are_present_and_private_titles_distinct(sample):
    """Leak tests elsewhere search output/ for these; they must exist to be searched for."""
    _, t = sample
    for name, table in TABLES.items():
        for col in (c.name for c in table.columns if not c.public):
            if t[name]:
                assert any(r[col] for r in t[name]), (name, col)
    docs = t["apartment_documents"]
    private = [d["title"] for d in docs if d["public"] == "false"]
    public = [d["title"] for d in docs if d["public"] == "true"]
    assert private and len(private) < 0.25 * len(docs)
    assert not any(p in q for p in private for q in public)
    for d in docs:
        steps = [s.split(":") for s in d["approvals"].split(";")]
        dates = [s[1] for s in steps]
        assert dates == sorted(dates) and d["date"] <= dates[0]


def test_ingest_accepts_every_row(sample):
    folder, _ = sample
    ds = load_dataset(folder, config.region({}), frozenset(config.districts({})))
    assert ds.refused == 0, ds.report[:3]
    assert len(ds.tables["projects"]) == SMALL["projects"]


def test_cli_writes_and_rejects_bad_sizes(tmp_path, capsys):
    assert main([str(tmp_path / "cli"), "--projects", "26", "--contracts", "30", "--companies", "30",
                 "--apartments", "2", "--documents", "5", "--no-photos"]) == 0
    assert "wrote" in capsys.readouterr().out
    assert not (tmp_path / "cli" / "photos").exists()
    with (tmp_path / "cli" / "photos.csv").open() as fh:
        assert len(fh.readlines()) == 1  # header only: a photo row needs its file
    assert main([str(tmp_path / "bad"), "--projects", "0"]) == 2
    with pytest.raises(SampleError):
        generate(tmp_path / "bad", companies=0)


def test_committed_demo_is_what_the_generator_writes(tmp_path):
    """data/sample must be regenerated (invoke sample) whenever the generator changes."""
    generate(tmp_path / "demo")
    assert digest(tmp_path / "demo") == digest(DEMO)


def test_numbers_are_plausible(sample):
    _, t = sample
    budgets = np.array([int(p["budget"]) for p in t["projects"]])
    assert budgets.min() >= 50_000_000 and np.median(budgets) > 500_000_000
    overruns = [int(c["amount_after"]) / int(c["amount_before"]) for c in t["change_orders"]]
    assert overruns and min(overruns) > 0.9


def test_demo_export_is_named_by_its_date():
    """The demo carries its date like every export: its pages judge every date-dependent value on it."""
    assert DEMO.name == AS_OF and DEMO.is_dir()
