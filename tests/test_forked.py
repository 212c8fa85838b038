"""clearbuild.forked: a piece of the build's work in a forked child, which returns its value,
reports its failure with its traceback, and never outlives the build that forked it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from clearbuild.forked import Forked, ForkedError


def test_the_childs_value_comes_back_and_its_writes_are_there(tmp_path: Path) -> None:
    parent = os.getpid()

    def work() -> dict:
        (tmp_path / "out.txt").write_text("written by the child")
        return {"pid": os.getpid(), "big": b"x" * 1_000_000}  # more than a pipe's buffer

    done = Forked(work).result()
    assert done["pid"] != parent and len(done["big"]) == 1_000_000
    assert (tmp_path / "out.txt").read_text() == "written by the child"


def test_a_failure_in_the_child_is_raised_with_its_traceback() -> None:
    def work() -> None:
        raise ValueError("release C-7 cannot be made")

    job = Forked(work)
    with pytest.raises(ForkedError, match="(?s)Traceback.*ValueError: release C-7 cannot be made"):
        job.result()


def test_a_child_that_dies_is_a_clear_error() -> None:
    job = Forked(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(ForkedError, match="ended without a result"):
        job.result()


def alive(pid: int) -> bool:
    """Running, not a zombie left for a PID 1 that does not reap (a container's)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_child_dies_with_a_killed_parent(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    script = textwrap.dedent(f"""
        import os, time
        from clearbuild.forked import Forked
        def work():
            open({str(pidfile)!r}, "w").write(str(os.getpid()))
            time.sleep(60)
        Forked(work)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script])
    for _ in range(100):
        if pidfile.exists() and pidfile.read_text():
            break
        time.sleep(0.05)
    child = int(pidfile.read_text())
    parent.kill()  # kill -9, as the nightly's drill does
    parent.wait()
    for _ in range(100):
        if not alive(child):
            return
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)
    pytest.fail("the forked child outlived its killed parent")


def test_cancel_stops_a_running_child() -> None:
    job = Forked(lambda: time.sleep(60))
    started = time.time()
    job.cancel()
    assert time.time() - started < 5
    with pytest.raises(ForkedError, match="cancelled"):
        job.result()


def test_cancel_all_stops_every_child_not_collected() -> None:
    from clearbuild import forked

    jobs = [Forked(lambda: time.sleep(60)) for _ in range(2)]
    done = Forked(lambda: 7)
    assert done.result() == 7
    pids = [job._pid for job in jobs]
    forked.cancel_all()
    assert not any(alive(pid) for pid in pids)
    assert done.result() == 7  # a collected child keeps its value
    for job in jobs:
        with pytest.raises(ForkedError, match="cancelled"):
            job.result()


def test_the_parents_collector_leaves_shared_objects_alone_while_a_child_lives() -> None:
    # A full collection in the parent writes into every object it walks, and so makes the
    # kernel copy every page the child still shares: frozen while a child lives, then thawed.
    import gc

    before = gc.get_freeze_count()
    keep = [{"row": i} for i in range(1000)]
    first, second = Forked(lambda: len(keep)), Forked(lambda: 2)
    assert gc.get_freeze_count() >= len(keep)
    assert first.result() == 1000
    assert gc.get_freeze_count() >= len(keep)  # the second child still shares them
    assert second.result() == 2
    assert gc.get_freeze_count() == before == 0


def test_collect_all_waits_for_every_child_and_keeps_each_result_for_its_owner() -> None:
    from clearbuild.forked import collect_all

    good, bad = Forked(lambda: "done"), Forked(lambda: 1 / 0)
    collect_all()
    assert not alive(good._pid) and not alive(bad._pid)
    assert good.result() == "done"
    with pytest.raises(ForkedError, match="ZeroDivisionError"):
        bad.result()
