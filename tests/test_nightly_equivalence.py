"""Nights of random changes published by the real nightly equal a full build of the last export.

Five nights on the small fixture (tests/factory.py), seeded: each night changes fields of several
tables at random, adds records and deletes records (the fourth and fifth also recycle the oldest
build, CB_PUBLISH_KEEP = 3). After every night the live site (`nightly`: guards, build beside the
live site linking unchanged pages, sign, verify, switch) must equal, file for file and byte for
byte, a full `clearbuild.build.build` of that night's export into a fresh folder.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from collections.abc import Callable

from factory import BRN_A, BRN_B, copy_rows
from publish_support import ROOT, tree_hash, workspace

from clearbuild import brn
from clearbuild.build import build
from clearbuild.publish.verify import MANIFEST, PUBLIC_KEY, SIGNATURE

SEED = 20261120
NIGHTS = 5
# Only what the nightly adds after the build, by design: the signed manifest (it lists every
# file, and its build_time is the clock unless SOURCE_DATE_EPOCH is set), its signature, and the
# key and checker that make the copy verifiable (publish.manifest.write). A plain build is not
# signed. Nothing else: every page, data file and .cb-pages.json must be equal. The nightly's
# state (history, certificate ledger, meta, reports) is outside the build folder, so not compared.
SIGNING = {MANIFEST, SIGNATURE, PUBLIC_KEY, "verify.py"}

Rows = dict[str, list[dict[str, str]]]
# Per table: fields a night may change, as (field, kind); int values grow, text gets a word.
FIELDS: dict[str, list[tuple[str, str]]] = {
    "projects": [("budget", "int"), ("description", "text"), ("name", "text"), ("address", "text")],
    "contracts": [("amount", "int"), ("title", "text")],
    "bid_notices": [("estimated_price", "int"), ("title", "text"), ("eligibility", "text")],
    "companies": [("address", "text"), ("name", "text")],
    "procurement_plans": [("estimated_amount", "int"), ("description", "text")],
    "apartments": [("households", "int"), ("name", "text")],
    "apartment_documents": [("amount", "int"), ("title", "text")],
    "payments": [("amount", "int"), ("paid_amount", "int")],
    "contract_payments": [("amount", "int")],
    "contract_amendments": [("reason", "text")],
    "inspections": [("findings", "text")],
    "subcontracts": [("amount", "int"), ("scope", "text")],
    "change_orders": [("days_added", "int"), ("reason", "text")],
    "progress": [("actual_pct", "int")],
}
WORDS = ["정비", "보수", "확장", "변경", "추가", "north", "phase 2"]


def change_fields(rows: Rows, rng: random.Random) -> list[str]:
    """Change one field in a random row of each of three to five random tables."""
    tables = [t for t in sorted(FIELDS) if rows.get(t)]
    changed = []
    for table in rng.sample(tables, rng.randint(3, 5)):
        row = rng.choice(rows[table])
        name, kind = rng.choice(FIELDS[table])
        value = row.get(name, "")
        if kind == "int":
            step = 1 if table == "progress" else rng.randint(1, 99) * 1000
            row[name] = str(min(int(value or 0) + step, 100) if table == "progress" else int(value or 0) + step)
        else:
            row[name] = f"{value} {rng.choice(WORDS)}".strip()
        changed.append(f"{table}.{name}")
    return changed


def _company(n: int) -> dict[str, str]:
    prefix = f"{300000000 + n * 7919:09d}"
    return {"company_id": prefix + str(brn.check_digit(prefix)), "name": f"새한건설 {n}",
            "address": "서울 성동구 왕십리로 10", "lat": "37.5610", "lon": "127.0370",
            "district_code": "11200", "industry": "토목", "small_business": "true",
            "disabled_owned": "false", "startup": "false", "website": "", "representative_phone": "",
            "email": ""}


def add_records(rows: Rows, night: int, rng: random.Random, gone: list[Rows]) -> list[str]:
    """New records of two random kinds (ids unique to the night); sometimes, and on the last
    night at the latest, a record withdrawn on an earlier night comes back with its rows."""
    def project() -> str:
        p = {**rng.choice(rows["projects"]), "project_id": f"P-1{night:03d}",
             "name": f"신규 사업 {night}", "contract_id": "", "budget": str(rng.randint(1, 9) * 10**8)}
        rows["projects"].append(p)
        rows["inspections"].append({"inspection_id": f"I-1{night:03d}", "project_id": p["project_id"],
                                    "date": "2025-08-10", "kind": "safety", "result": "pass",
                                    "findings": "", "inspector_phone": ""})
        return p["project_id"]

    def contract() -> str:
        company = _company(night)
        rows["companies"].append(company)
        c = {**rows["contracts"][0], "contract_id": f"C-2025-1{night:03d}", "notice_id": "",
             "company_id": company["company_id"], "amount": str(rng.randint(10, 99) * 10**6),
             "project_id": "", "title": f"신규 용역 {night}"}
        rows["contracts"].append(c)
        rows["contract_payments"].append({"payment_id": f"CP-1{night:03d}", "contract_id": c["contract_id"],
                                          "kind": "advance", "claim_date": "2025-08-01",
                                          "amount": "1000000", "paid_date": "2025-08-04",
                                          "paid_amount": "1000000"})
        return c["contract_id"]

    def notice() -> str:
        n = {**rows["bid_notices"][0], "notice_id": f"N-2025-1{night:03d}", "plan_id": "",
             "title": f"신규 공고 {night}", "estimated_price": str(rng.randint(1, 9) * 10**7)}
        rows["bid_notices"].append(n)
        rows["bid_results"].append({"notice_id": n["notice_id"], "company_id": BRN_B, "bid_amount": "9000000",
                                    "rank": "1", "winner": "false", "disqualified_reason": ""})
        return n["notice_id"]

    def apartment() -> str:
        a = {**rows["apartments"][0], "complex_id": f"A-1{night:03d}", "name": f"신규 단지 {night}",
             "households": str(rng.randint(100, 999))}
        rows["apartments"].append(a)
        return a["complex_id"]

    def payment() -> str:
        p = {**rows["payments"][0], "payment_id": f"PAY-1{night:03d}", "payee_company_id": BRN_A,
             "amount": str(rng.randint(1, 9) * 10**6), "paid_date": "", "paid_amount": ""}
        rows["payments"].append(p)
        return p["payment_id"]

    kinds: list[Callable[[], str]] = [project, contract, notice, apartment, payment]
    added = [add() for add in rng.sample(kinds, 2)]
    if gone and (rng.random() < 0.5 or night == NIGHTS - 1):
        back = gone.pop(rng.randrange(len(gone)))
        for table, rs in back.items():
            rows[table].extend(rs)
        added.append("back: " + ", ".join(f"{t}/{len(rs)}" for t, rs in sorted(back.items())))
    return added


def delete_record(rows: Rows, rng: random.Random, gone: list[Rows]) -> str:
    """Withdraw a random record that nothing else in the export points at (or its dependants too);
    its rows go to ``gone``."""
    linked_projects = {c["project_id"] for c in rows["contracts"]}
    choices = [("projects", "project_id", r["project_id"]) for r in rows["projects"]
               if r["project_id"] not in linked_projects and len(rows["projects"]) > 1]
    choices += [("apartments", "complex_id", r["complex_id"]) for r in rows["apartments"][1:]]
    choices += [("payments", "payment_id", r["payment_id"]) for r in rows["payments"]]
    choices += [("inspections", "inspection_id", r["inspection_id"]) for r in rows["inspections"]]
    choices += [("apartment_documents", "doc_id", r["doc_id"]) for r in rows["apartment_documents"]]
    table, key, value = rng.choice(choices)
    removed: Rows = {}
    for t, rs in rows.items():  # the record, and rows of other tables that belong to it
        if t == table or (key in ("project_id", "complex_id") and rs and key in rs[0]):
            removed[t] = [r for r in rs if r.get(key) == value]
            rows[t] = [r for r in rs if r.get(key) != value]
    gone.append({t: rs for t, rs in removed.items() if rs})
    return f"{table}/{value}"


def test_nights_of_random_changes_equal_a_full_build(tmp_path):
    rng = random.Random(SEED)
    ws = workspace(tmp_path)
    rows = copy_rows()
    # CB_HISTORY_DIR unset: the nightly keeps its state where it does by default, SITE/state/history.
    settings = ws.settings_file(CB_PUBLISH_KEEP=3, CB_HISTORY_DIR=None)
    log, gone = [], []
    for night in range(NIGHTS):
        if night:
            log.append((night, change_fields(rows, rng), add_records(rows, night, rng, gone),
                        delete_record(rows, rng, gone)))
        export = ws.export(f"2026-11-{20 + night}", rows)
        # The real command, one process a night as in cron, each with another hash seed: page
        # hashes must not depend on it (set order), or a night would differ from a full build.
        proc = subprocess.run([sys.executable, "-m", "invoke", "nightly", "--exports", str(ws.exports),
                               "--site", str(ws.site), "--settings", str(settings), "--accept-drop"],
                              cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": str(night + 1)})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        done = re.search(r"published \S+ \(export (\S+)\): (\d+) pages, (\d+) rendered", proc.stdout)
        assert done and done[1] == export.name, proc.stdout
        assert ("recycling 0" in proc.stdout) == (night >= 3), proc.stdout  # keep 3: from night 4 on
        full = build(output=tmp_path / f"full-{night}", data=export, quiet=True,
                     settings_file=str(settings),
                     overrides={"CB_HISTORY_DIR": str(ws.site / "state" / "history")})
        live, fresh = tree_hash(ws.site / "current"), tree_hash(full.output)
        assert SIGNING <= set(live), sorted(SIGNING - set(live))
        live = {k: v for k, v in live.items() if k not in SIGNING}
        assert set(live) == set(fresh), (log, sorted(set(live) ^ set(fresh))[:20])
        differ = sorted(k for k in live if live[k] != fresh[k])
        assert not differ, (log, differ[:20])
        pages, rendered = int(done[2]), int(done[3])
        assert 0 < rendered < pages if night else rendered == pages, (night, rendered, pages)
    assert all(added and deleted for _, _, added, deleted in log)
    assert any(d.startswith(("projects/", "apartments/")) for *_, d in log)  # a page withdrawn
    assert any(a.startswith("back: ") for _, _, added, _ in log for a in added)  # and one returned
