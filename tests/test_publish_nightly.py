"""Nights in a row: history on the record pages, withdrawn records, incremental builds equal to full
ones, rollback, pruning, reproducible signed builds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from factory import copy_rows, write_export
from publish_support import ROOT, history_theme, tree_hash, workspace

from clearbuild.build import build
from clearbuild.publish import nightly
from clearbuild.publish.history import History
from clearbuild.publish.site import Site
from clearbuild.publish.verify import verify


def night2_rows():
    rows = copy_rows()
    rows["contracts"][0]["amount"] = "1381234567"  # C-2025-0001 grows
    rows["projects"] = [p for p in rows["projects"] if p["project_id"] != "P-0003"]  # withdrawn
    rows["payments"][2]["paid_date"] = "2025-08-20"  # PAY-3 finally paid
    rows["payments"][2]["paid_amount"] = "20000000"
    return rows


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory):
    ws = workspace(tmp_path_factory.mktemp("nights"))
    theme = str(history_theme(ws.base))
    ws.export("2026-11-20")
    first = ws.publish(THEME=theme)
    ws.export("2026-11-21", night2_rows())
    second = ws.publish(accept_drop=True, THEME=theme)  # one project of three: a deliberate drop
    return ws, first, second


def test_history_records_old_and_new_with_the_date(two_nights):
    ws, _, second = two_nights
    entries = History(ws.base / "history").entries()
    amount = [e for e in entries if e["table"] == "contracts" and e["field"] == "amount"]
    assert amount == [{"date": "2026-11-21", "kind": "contracts", "id": "C-2025-0001",
                       "table": "contracts", "key": "C-2025-0001", "event": "changed",
                       "field": "amount", "old": "1100000000", "new": "1381234567"}]
    withdrawn = [e for e in entries if e["event"] == "withdrawn"]
    assert [(e["kind"], e["id"], e["date"]) for e in withdrawn] == [("projects", "P-0003", "2026-11-21")]
    paid = {e["field"]: (e["old"], e["new"]) for e in entries if e["key"] == "PAY-3"}
    assert paid == {"paid_date": ("", "2025-08-20"), "paid_amount": ("", "20000000")}
    assert second.changes == len(entries)


def test_record_pages_show_their_history(two_nights):
    ws, _, _ = two_nights
    live = ws.site / "current"
    contract = (live / "contracts/C-2025-0001/index.html").read_text(encoding="utf-8")
    section = contract[contract.index('<section class="history"'):]
    section = section[:section.index("</section>")]
    assert "2026-11-21" in section and "1,100,000,000원" in section and "1,381,234,567원" in section
    project = (live / "projects/P-0001/index.html").read_text(encoding="utf-8")
    assert "PAY-3" in project and "2025-08-20" in project  # a payment's change shows on its project
    en = (live / "en/contracts/C-2025-0001/index.html").read_text(encoding="utf-8")
    assert "Change history" in en and "1,381,234,567" in en


def test_withdrawn_record_is_listed_not_silently_deleted(two_nights):
    ws, _, _ = two_nights
    live = ws.site / "current"
    assert not (live / "projects/P-0003").exists()  # its page goes...
    changes = (live / "changes/index.html").read_text(encoding="utf-8")
    withdrawn = changes[changes.index('id="withdrawn"'):]
    assert "P-0003" in withdrawn and "2026-11-21" in withdrawn  # ...its withdrawal stays, dated


def test_the_changes_page_names_record_kinds_in_each_page_language(two_nights):
    """A kind's name is translated at render time (``_(cb_kinds[kind].plural)``), in the page's
    own language: each language environment has its own runtime gettext (cb_theme.use_language)."""
    ws, _, _ = two_nights
    live = ws.site / "current"
    for path, own, other in (("changes/index.html", "공사", "Projects"),
                             ("en/changes/index.html", "Projects", "공사")):
        page = (live / path).read_text(encoding="utf-8")
        withdrawn = page[page.index('id="withdrawn"'):]
        assert f"<td>{own}</td><td>P-0003</td>" in withdrawn, path
        assert f"<td>{other}</td>" not in page, path


def test_history_survives_a_killed_commit_and_a_rerun(two_nights, tmp_path):
    ws, _, _ = two_nights
    folder = tmp_path / "history"
    import shutil

    shutil.copytree(ws.base / "history", folder)
    history = History(folder)
    before = history.entries()
    with open(folder / "changes.jsonl", "ab") as f:  # a run killed after appending, before HEAD
        f.write(b'{"date": "2026-11-22", "half": ')
    assert history.entries() == before
    from clearbuild import loader
    from clearbuild.build import settings_for

    settings = settings_for("pelicanconf.py", {"CB_DATA": str(ws.exports / "2026-11-21"), "CB_ADMIN_DB": ""})
    assert history.record(loader.load(settings), "2026-11-21") == []  # same export: nothing new
    assert history.entries() == before
    assert (folder / "changes.jsonl").stat().st_size == history.head["bytes"]
    assert history.digest == loader.load(settings).digest()  # the manifest's dataset hash


def test_live_site_verifies_and_names_the_dataset(two_nights):
    ws, _, second = two_nights
    ok, lines = verify(ws.site / "current")
    assert ok, lines
    meta = json.loads((ws.site / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert meta["export"] == "2026-11-21" and len(meta["dataset_sha256"]) == 64
    assert os.readlink(ws.site / "current") == f"builds/{second.build}"


def test_rollback_goes_back_one_build_and_not_forth(two_nights, tmp_path):
    ws, first, second = two_nights
    import shutil

    site = tmp_path / "site"
    shutil.copytree(ws.site, site, symlinks=True)
    assert nightly.rollback(site) == (second.build, first.build)
    assert os.readlink(site / "current") == f"builds/{first.build}"
    assert verify(site / "current")[0]
    with pytest.raises(nightly.Refused, match="oldest build"):
        nightly.rollback(site)


def test_prune_keeps_the_newest_and_the_live_build(tmp_path):
    s = Site(tmp_path)
    s.init()
    for i in range(1, 6):
        name = f"{i:05d}-2026-11-2{i}"
        (s.builds / name).mkdir()
        s.write_meta(name, {"name": name})
    s.switch("00002-2026-11-22")
    (s.builds / "00009-2026-11-29").mkdir()  # a build that was killed before it finished
    assert s.cleanup() == ["00009-2026-11-29"]
    assert s.prune(2) == ["00001-2026-11-21", "00003-2026-11-23"]
    assert s.finished() == ["00002-2026-11-22", "00004-2026-11-24", "00005-2026-11-25"]


def test_incremental_build_equals_full_build(tmp_path):
    # Same export date both nights (the footer shows it): only the changed records differ.
    night1 = write_export(tmp_path / "a" / "2026-11-20")
    rows = night2_rows()
    rows["companies"][2]["address"] = "서울 종로구 종로 1"
    night2 = write_export(tmp_path / "b" / "2026-11-20", rows)
    over = {"CB_ADMIN_DB": "", "CB_WORKERS": 1}
    # Last night's build ran in another process, with another hash seed: page hashes must not
    # depend on it (set order), or every night would render everything again.
    code = ("import sys; from clearbuild.build import build; build(output=sys.argv[1], "
            f"data=sys.argv[2], quiet=True, overrides={over!r})")
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "out1"), str(night1)], cwd=ROOT,
                   env={**os.environ, "PYTHONHASHSEED": "4242"}, check=True, capture_output=True)
    first = SimpleNamespace(output=tmp_path / "out1")
    inc = build(output=tmp_path / "inc", data=night2, quiet=True, overrides=over, previous=first.output)
    full = build(output=tmp_path / "full", data=night2, quiet=True, overrides=over)
    assert tree_hash(inc.output) == tree_hash(full.output)
    assert 0 < inc.rendered < full.rendered / 2, (inc.rendered, full.rendered)
    assert not (inc.output / "projects/P-0003/index.html").exists()
    same = inc.output / "apartments/A-1/index.html"  # untouched by the changes: linked, not rendered
    assert os.stat(same).st_ino == os.stat(first.output / "apartments/A-1/index.html").st_ino
    changed = inc.output / "contracts/C-2025-0001/index.html"
    assert os.stat(changed).st_ino != os.stat(first.output / "contracts/C-2025-0001/index.html").st_ino


def test_two_builds_with_the_same_source_date_epoch_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795219200")
    sites = []
    for name in ("x", "y"):
        ws = workspace(tmp_path / name)
        if name == "y":
            (ws.key).write_bytes((tmp_path / "x" / "key.pem").read_bytes())
        ws.export("2026-11-20")
        ws.publish()
        sites.append(ws.site / "current")
    a, b = tree_hash(sites[0]), tree_hash(sites[1])
    assert a == b, sorted(k for k in a if a[k] != b.get(k))[:10]
    manifest = json.loads((sites[0] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["build_time"] == "2026-11-21T00:00:00Z"


def test_recycled_build_equals_a_fresh_build(tmp_path):
    """With CB_PUBLISH_KEEP builds kept, the oldest is updated in place instead of rebuilt: the
    result is what a fresh full build of the same night gives, and it verifies."""
    ws = workspace(tmp_path)
    theme = str(history_theme(tmp_path, dated_footer=False))
    results = []
    page = "apartments/A-1/index.html"  # untouched by any night's change
    for night in range(4):
        if night == 3:  # the folder night 4 recycles: its unchanged page must stay where it is
            inode = os.stat(ws.site / "builds" / results[0].build / page).st_ino
        rows = copy_rows()
        rows["contracts"][0]["amount"] = str(1_100_000_000 + night)
        if night >= 2:
            rows["projects"] = [p for p in rows["projects"] if p["project_id"] != "P-0003"]
        if night == 3:
            rows["companies"][2]["address"] = "서울 종로구 종로 1"
        ws.export(f"2026-11-2{night}", rows)
        results.append(ws.publish(accept_drop=True, THEME=theme, CB_PUBLISH_KEEP=3))
    assert [r.recycled for r in results] == [None, None, None, results[0].build]
    assert Site(ws.site).finished() == [r.build for r in results[1:]]
    last = results[-1]
    assert 0 < last.rendered < last.pages, (last.rendered, last.pages)
    live = ws.site / "current"
    assert os.stat(live / page).st_ino == inode
    assert verify(live)[0]
    full = build(output=tmp_path / "full", data=ws.exports / "2026-11-23", quiet=True,
                 settings_file="publishconf.py", overrides=ws.overrides(THEME=theme))
    signed = {"manifest.json", "manifest.sig", "verify.py", "publickey.pem"}
    assert {k: v for k, v in tree_hash(live).items() if k not in signed} == tree_hash(full.output)


def test_a_corrupt_history_state_refuses_the_night_in_one_line(two_nights, tmp_path):
    import shutil

    from publish_support import Workspace

    ws, _, _ = two_nights
    copy = Workspace(tmp_path / "ws")
    shutil.copytree(ws.base, copy.base, symlinks=True)
    state = copy.base / "history" / History(copy.base / "history").head["state"]
    arrow = sorted(state.glob("*.arrow"))[-1]
    arrow.write_bytes(arrow.read_bytes()[:-64])  # truncated
    copy.export("2026-11-22", night2_rows())
    with pytest.raises(nightly.Refused) as e:
        copy.publish(accept_drop=True)
    assert e.value.code == 2 and f"{arrow}" in str(e.value).splitlines()[1]
    assert os.readlink(copy.site / "current") == os.readlink(ws.site / "current")
