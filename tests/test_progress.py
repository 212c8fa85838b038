"""A long build says what it is doing: stage, pages done of total, rate, ETA; one summary line."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from factory import copy_rows, write_export

from clearbuild.progress import Progress

ROOT = Path(__file__).resolve().parent.parent


def test_plain_progress_lines_count_every_page_across_workers():
    stream = io.StringIO()
    progress = Progress(enabled=True, stream=stream, interval=0.05)
    import multiprocessing
    import time

    with progress.stage("writing pages (ko)", 1000) as counter:
        def work(n: int) -> None:
            for _ in range(n):
                with counter.get_lock():
                    counter.value += 1
            time.sleep(0.2)

        procs = [multiprocessing.get_context("fork").Process(target=work, args=(500,)) for _ in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
    assert counter.value == 1000
    last = stream.getvalue().strip().splitlines()[-1]
    assert last.startswith("writing pages (ko): 1,000 of 1,000 (") and last.endswith("/s, done)")


def test_a_disabled_progress_prints_nothing():
    stream = io.StringIO()
    with Progress(enabled=False, stream=stream, interval=0.01).stage("x", 10) as counter:
        counter.value += 10
    assert stream.getvalue() == ""


def test_invoke_build_ends_with_one_summary_line_naming_the_report(tmp_path):
    rows = copy_rows()
    rows["contracts"][1]["amount"] = "-5"  # a refused row (and what hangs off that contract)
    export = write_export(tmp_path / "e", rows)
    done = subprocess.run([sys.executable, "-m", "invoke", "build", "--data", str(export),
                           "--output", str(tmp_path / "out")], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    out = done.stdout.strip().splitlines()
    assert len(out) == 1 and out[0].startswith(f"built {tmp_path / 'out'}: ")
    refused = re.search(r", (\d+) rows refused \(see ([^)]+)\)", out[0])
    assert refused and int(refused.group(1)) >= 1 and refused.group(2) == str(ROOT / "reports" / "quality.csv")
    everything = done.stdout + done.stderr
    assert "Processed" not in everything and "articles" not in everything  # Pelican's line is gone
    assert f"data as of {export.name}" in done.stderr


def test_summed_pss_counts_the_workers_and_matches_psutil():
    import multiprocessing
    import os
    import time

    import psutil

    from clearbuild.memwatch import PeakPss, pss, tree_pss

    # Two reads of a live process a moment apart: a page may come or go between them (CI saw
    # 4 KB), so equal within 1 MiB; reading Rss for Pss, or kB as bytes, is off far more.
    assert abs(pss(os.getpid()) - psutil.Process().memory_full_info().pss) <= 2**20
    ctx = multiprocessing.get_context("fork")
    ready, stop = ctx.Event(), ctx.Event()

    def hold() -> None:
        block = bytearray(64 * 2**20)  # 64 MiB of its own, touched
        block[::4096] = b"x" * len(block[::4096])
        ready.set()
        stop.wait(10)

    alone = tree_pss(os.getpid())
    with PeakPss(every=0.05) as peak:
        child = ctx.Process(target=hold)
        child.start()
        ready.wait(10)
        assert tree_pss(os.getpid()) - alone > 60 * 2**20  # the worker's memory is counted
        time.sleep(0.3)  # a few samples while the worker holds it
        stop.set()
        child.join()
    assert peak.peak - alone > 60 * 2**20
    # The peak is split between the parent and the worker that held the memory.
    figures = peak.figures()
    assert figures["peak_children_mb"] > 60
    assert figures["peak_parent_mb"] + figures["peak_children_mb"] == pytest.approx(peak.mb, abs=0.2)
    assert figures["memory_timeline"][0][0] < 1  # the first sample is kept


def test_each_stage_is_credited_with_the_memory_held_while_it_ran():
    import multiprocessing
    import os

    from clearbuild import hooks
    from clearbuild.memwatch import PeakPss, tree_pss

    ctx = multiprocessing.get_context("fork")
    ready, stop = ctx.Event(), ctx.Event()

    def hold() -> None:
        block = bytearray(64 * 2**20)
        block[::4096] = b"x" * len(block[::4096])
        ready.set()
        stop.wait(10)

    alone = tree_pss(os.getpid())
    with PeakPss(every=0.05).watch_stages() as peak:
        hooks.stage_started.send(None, name="small")
        hooks.stage_started.send(None, name="big")
        child = ctx.Process(target=hold)  # a forked child counts towards the parent's stage
        child.start()
        ready.wait(10)
        hooks.stage_started.send(None, name="after")  # sampled on entry: "big" keeps the child
        stop.set()
        child.join()
        hooks.stage_started.send(None, name="last")
    stages = peak.figures()["peak_by_stage_mb"]
    assert list(stages) == ["small", "big", "after", "last"]
    started = peak.figures()["stage_started_s"]  # when each began, in seconds since the start
    assert list(started) == list(stages) and list(started.values()) == sorted(started.values())
    assert 0 <= started["small"] < 30
    assert stages["big"] - alone / 2**20 > 60 and stages["small"] < stages["big"] - 60
    assert stages["last"] < stages["big"] - 60
    assert not hooks.stage_started.receivers  # let go when the sampling ends


def test_a_build_announces_its_stages_in_order(export, tmp_path):
    """What ``invoke bench`` prints as ``peak_by_stage_mb``: ingest, each generator's context,
    the render; every stage sampled."""
    from clearbuild.build import build
    from clearbuild.memwatch import PeakPss

    with PeakPss(every=0.05).watch_stages() as peak:
        build(output=tmp_path / "out", data=export, quiet=True)
    names = list(peak.stages)
    assert names[0] == "ingest" and names[-1] == "render" and "pelican articles" in names, names
    for section in ("dataset", "search", "opendata", "contracts", "signals"):
        assert section in names, names
    # The signals' child runs on the smallest heap, before the search index and the sections.
    order = [names.index(s) for s in ("dataset", "signals", "search", "opendata", "contracts")]
    assert order == sorted(order), names
    assert all(size > 0 for size in peak.stages.values()), peak.stages
