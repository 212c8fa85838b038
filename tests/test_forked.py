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

import psutil
import pytest

from clearbuild.forked import Forked, ForkedError, in_turns


def test_the_childs_value_comes_back_and_its_writes_are_there(tmp_path: Path) -> None:
    parent = os.getpid()

    def work() -> dict:
        (tmp_path / "out.txt").write_text("written by the child")
        return {"pid": os.getpid(), "big": b"x" * 1_000_000}  # more than a pipe's buffer

    done = Forked(work).result()
    assert done["pid"] != parent and len(done["big"]) == 1_000_000
    assert (tmp_path / "out.txt").read_text() == "written by the child"


def test_a_child_ends_when_its_work_is_done_not_when_its_result_is_asked_for() -> None:
    """A value larger than a pipe's buffer (the open-data child's digests) used to keep the child
    blocked on its write until the parent read it, mapping the parent's old pages all along."""
    job = Forked(lambda: b"d" * 4_000_000)
    deadline = time.monotonic() + 20
    while alive(job._pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(job._pid), "the child still runs, waiting for its result to be read"
    assert job.result() == b"d" * 4_000_000


def test_a_result_is_read_once_and_its_file_goes() -> None:
    job = Forked(lambda: {"rows": 3})
    job.collect()
    assert job.result() == {"rows": 3} and job.result() == {"rows": 3}
    assert job._file is not None and job._file.closed


def test_a_failure_in_the_child_is_raised_with_its_traceback() -> None:
    def work() -> None:
        raise ValueError("release C-7 cannot be made")

    job = Forked(work)
    with pytest.raises(ForkedError, match="(?s)Traceback.*ValueError: release C-7 cannot be made"):
        job.result()


def test_a_value_that_cannot_be_handed_back_is_a_clear_error() -> None:
    job = Forked(lambda: {"reader": lambda i: i})  # a closure does not pickle
    with pytest.raises(ForkedError, match="(?s)could not be handed back.*pickle"):
        job.result()


def test_a_child_that_dies_is_a_clear_error() -> None:
    job = Forked(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(ForkedError, match="ended without a result"):
        job.result()


def private_mb() -> float:
    """This process's private dirty pages: what it wrote, its copies of a parent's pages included."""
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith("Private_Dirty:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no Private_Dirty")


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="Linux's accounting")
def test_in_turns_runs_each_part_in_a_child_of_its_own_and_its_copies_go_with_it() -> None:
    """The open-data package is written a part at a time (cb_opendata.write_downloads): each
    part in a child of its own, one after another, results in order. Reading the parent's
    objects copies their pages into the child that reads them; a part's child copies only its
    part's, and gives them back when it ends."""
    held = [f"{i:08d}" * 10 for i in range(400_001)]  # ~50 MB of the parent's objects

    def touch(start: int, stop: int) -> tuple[int, int, int, float]:
        before = private_mb()
        assert all(held[start:stop])  # reading writes each object's reference count
        return os.getpid(), start, stop, private_mb() - before

    parts = list(in_turns(touch, len(held), 100_000))
    assert [(a, b) for _, a, b, _ in parts] == [(0, 100_000), (100_000, 200_000), (200_000, 300_000),
                                              (300_000, 400_000), (400_000, 400_001)]
    pids = {pid for pid, *_ in parts}
    assert len(pids) == 5 and os.getpid() not in pids
    whole = Forked(lambda: touch(0, len(held))).result()[3]
    assert whole > 30 and max(copied for *_, copied in parts) < whole / 3
    assert list(in_turns(touch, 0, 10)) == []
    with pytest.raises(ForkedError, match="(?s)part 2-3 of 3: forked work failed.*ZeroDivisionError"):
        list(in_turns(lambda a, b: 1 / 0 if a else a, 3, 2))


def test_in_turns_runs_width_parts_at_once_and_gives_their_results_in_order(tmp_path: Path) -> None:
    """The open-data child may run parts side by side (CB_OPENDATA_WRITERS): a part that
    ends before the one ahead of it waits its turn, and never more than ``width`` run."""
    def part(start: int, stop: int) -> tuple[int, int, float, float]:
        began = time.monotonic()
        (tmp_path / f"{start}.on").touch()
        time.sleep(0.6 if start == 0 else 0.1)  # the first part ends last of the first two
        running = len(list(tmp_path.glob("*.on")))
        (tmp_path / f"{start}.on").unlink()
        return start, running, began, time.monotonic()

    parts = list(in_turns(part, 5, 1, width=2))
    assert [p[0] for p in parts] == [0, 1, 2, 3, 4]
    assert max(p[1] for p in parts) == 2  # two at once, never three
    assert parts[1][2] < parts[0][3]  # the second began before the first ended
    started = time.monotonic()
    assert [p[0] for p in in_turns(part, 3, 1, width=1)] == [0, 1, 2]
    assert time.monotonic() - started > 0.75  # one at a time: 0.6 + 0.1 + 0.1


def test_in_turns_leaves_no_child_running_when_a_part_fails() -> None:
    def part(start: int, stop: int) -> int:
        if start == 0:
            raise ValueError("release C-1 cannot be made")
        time.sleep(30)  # the part beside it: cancelled, not waited for
        return start

    started = time.monotonic()
    turns = in_turns(part, 4, 1, width=2)
    with pytest.raises(ForkedError, match="(?s)part 0-1 of 4.*C-1 cannot be made"):
        for _ in turns:
            pass
    assert time.monotonic() - started < 20
    assert not [p.pid for p in psutil.Process().children() if alive(p.pid)]


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
