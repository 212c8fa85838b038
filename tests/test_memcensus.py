"""The memory census (clearbuild.memcensus): who holds the build's objects, first claimant first."""

from __future__ import annotations

import sys

import pyarrow as pa
import pytest

from clearbuild import memcensus
from clearbuild.build import build
from clearbuild.memcensus import Holding, holdings

BIG = 2**16


def _by_owner(held: list[Holding]) -> dict[str, Holding]:
    return {h.owner: h for h in held}


def test_an_object_two_roots_reach_belongs_to_the_first():
    shared = bytearray(BIG)
    a, b = [shared], {"x": shared}
    held = _by_owner(holdings([("a", a), ("b", b)]))
    assert held["a"].bytes >= BIG + sys.getsizeof(a)
    assert held["b"].bytes == sys.getsizeof(b) + sys.getsizeof("x")  # the bytearray is a's
    assert held["a"].objects == 2 and held["b"].objects == 2
    swapped = _by_owner(holdings([("b", b), ("a", a)]))
    assert swapped["b"].bytes >= BIG and swapped["a"].bytes < BIG


def test_a_function_holds_its_closure_not_its_modules_globals():
    kept = bytearray(BIG)

    def reads() -> int:
        return len(kept) + len(memcensus.__doc__ or "")  # a module global: nobody's

    held = _by_owner(holdings([("f", reads)]))
    assert held["f"].bytes >= BIG
    assert held["f"].bytes < BIG + 8 * 2**10  # the function, its cell, the bytearray: no module
    assert holdings([("module", memcensus)])[0].owner == "unreached"  # nobody's: no holding


def test_nobody_is_neither_counted_nor_walked_and_least_filters():
    inner = bytearray(BIG)
    box = [inner]
    held = _by_owner(holdings([("box", [box]), ("inner", inner)], nobody=[box]))
    assert held["box"].objects == 1  # the outer list only: box is nobody's, not walked through
    assert held["inner"].bytes >= BIG  # so inner is still there for the next root
    small = holdings([("tiny", [1]), ("big", [bytearray(BIG)])], least=BIG)
    assert [h.owner for h in small] == ["big", "unreached"]


def test_what_no_root_reaches_is_counted_once_as_unreached():
    claimed, loose = bytearray(BIG), bytearray(2 * BIG)
    held = holdings([("root", [claimed])], rest=[claimed, loose, [loose]])
    assert held[-1].owner == "unreached"
    assert 2 * BIG <= held[-1].bytes < 2 * BIG + 256  # loose once, its list, not claimed again


def test_a_build_stopped_at_a_stage_gives_its_census_and_publishes_nothing(tmp_path, export):
    out = tmp_path / "site"
    census = memcensus.at_stage("render", lambda: build(output=out, data=export, quiet=True),
                                least=0)
    assert census["stage"] == "render"
    owners = [owner for owner, _, _ in census["holdings"]]
    # The Dataset's tables, the renderer's queued pages and the build context's parts each claim.
    assert any(o.startswith("dataset rows projects") for o in owners)
    assert any(o.startswith("renderer queue ") for o in owners)
    assert {"context signals", "context maps", "context history"} <= set(owners)
    assert census["anonymous_mb"] > census["holdings"][0][1] > 0
    # by allocator: a build's ingest made jemalloc pyarrow's pool (clearbuild.memwatch)
    allocs = census["allocators"]
    try:
        pa.jemalloc_memory_pool()
        assert allocs["arrow"]["pool"] == "jemalloc"
    except NotImplementedError:  # a pyarrow built without it keeps its own
        assert allocs["arrow"]["pool"] == pa.default_memory_pool().backend_name
    assert 0 < allocs["pymalloc"]["blocks_in_use_mb"] <= allocs["pymalloc"]["arenas_mb"]
    assert not out.exists() and not list(tmp_path.glob(".build-*"))  # stopped: nothing written


def test_a_stage_never_entered_is_an_error(tmp_path, export):
    with pytest.raises(ValueError, match="never entered stage 'no such stage'"):
        memcensus.at_stage("no such stage", lambda: build(output=tmp_path / "s", data=export,
                                                           quiet=True))


def test_a_frame_counts_its_columns_once():
    import pandas as pd

    df = pd.DataFrame({"text": [f"row {i}" * 10 for i in range(5000)], "n": range(5000)})
    [frame, _] = holdings([("frame", df)])
    deep = int(df.memory_usage(deep=True).sum())
    assert deep <= frame.bytes < deep * 1.1, (frame.bytes, deep)


def test_allocators_see_what_is_allocated_and_given_back():
    from clearbuild import allocators, memwatch

    memwatch.give_back()
    before = allocators.breakdown()
    small = [[i] for i in range(300_000)]  # ~25 MB of small objects: pymalloc's
    big = [bytearray(4096) for _ in range(3_000)]  # ~12 MB of 4 KB blocks: glibc's
    during = allocators.breakdown()
    grown_small = during["pymalloc"]["blocks_in_use_mb"] - before["pymalloc"]["blocks_in_use_mb"]
    assert grown_small > 20
    assert during["pymalloc"]["blocks_in_use_mb"] <= during["pymalloc"]["arenas_mb"]
    if before["glibc"]:  # glibc 2.33 or later
        grown_big = during["glibc"]["in_use_mb"] - before["glibc"]["in_use_mb"]
        assert 10 < grown_big < 20
    del small, big
    memwatch.give_back()
    after = allocators.breakdown()
    assert after["pymalloc"]["blocks_in_use_mb"] < during["pymalloc"]["blocks_in_use_mb"] - 20
