"""The nightly bench's pieces that are cheap to check: the changed export and the profile's stages."""

from __future__ import annotations

import filecmp

from factory import write_export

from clearbuild.bench import changed_export
from clearbuild.benchnight import stages


def test_a_night_of_no_change_is_the_same_export_under_a_new_date(tmp_path):
    export = write_export(tmp_path / "exports" / "2026-11-20")
    out = tmp_path / "exports" / "2026-11-21"
    assert changed_export(export, out, 0.0) == 0
    same = filecmp.dircmp(export, out)
    assert not same.diff_files and not same.left_only and not same.right_only
    changed = changed_export(export, tmp_path / "other" / "2026-11-21", 0.5)
    assert changed >= 6  # at least one record of each table with pages
    assert (tmp_path / "other" / "2026-11-21" / "projects.csv").read_bytes() != \
        (export / "projects.csv").read_bytes()


def test_profile_samples_are_summed_by_stage(tmp_path):
    head = 'process 1:"python -m invoke nightly --site /x/publish/site.py";<module> (invoke/__main__.py:3)'
    night = f"{head};_run (clearbuild/publish/nightly.py:150)"
    build = f"{night};build (clearbuild/build.py:130);run (pelican/__init__.py:1)"
    profile = tmp_path / "p.txt"
    profile.write_text("\n".join([
        f"{head};_find_and_load (<frozen importlib._bootstrap>:1) 25",  # start-up: not in _run
        f"{night};verify (clearbuild/publish/verify.py:9) 50",
        f"{build};write_all (clearbuild/render.py:239);plan (clearbuild/render.py:210) 10",
        f"{build};write_all (clearbuild/render.py:239);_parallel (clearbuild/render.py:190) 100",
        f"{build};finalized (cb_search/__init__.py:5) 20",
        f"{build};generate_context (plugins/cb_contracts/__init__.py:5) 40",
        "", "not a sample line"]), encoding="utf-8")
    assert stages(profile, rate=50) == {"rendering/linking": 2.0, "verify": 1.0, "context phase": 0.8,
                                        "start-up (imports), exit": 0.5, "search": 0.4, "hashing": 0.2}
