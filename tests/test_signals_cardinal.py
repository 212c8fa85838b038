"""Our indicators beside Open Contracting's Cardinal: the codes recorded on the declarations, and
R024 (price close to winning bid), which clearbuild computes as Cardinal defines it."""

from __future__ import annotations

import pytest
from signals_support import bid, dataset, flagged, notice

from clearbuild.signals import REGISTRY
from clearbuild.signals.base import Indicator, problems

# (our indicator, Cardinal's); the differences are in docs/signals.md.
CARDINAL = {"single-bidder": "R018", "short-tender": "R003", "lowest-disqualified": "R036",
            "all-but-winner-disqualified": "R035", "identical-bids": "R028", "close-second-bid": "R024"}


def test_each_indicator_names_the_cardinal_indicator_it_lines_up_with():
    assert {i.id: i.cardinal for i in REGISTRY.values() if i.cardinal} == CARDINAL
    assert REGISTRY["close-second-bid"].cardinal_url == \
        "https://cardinal.readthedocs.io/en/latest/cli/indicators/R/024.html"
    assert REGISTRY["direct-award"].cardinal_url == ""


def test_a_malformed_cardinal_code_is_refused():
    ind = Indicator("single-bidder", "procurement", ("notices", "contracts"), (), REGISTRY["single-bidder"].fields,
                    compute=lambda ctx: None, cardinal="R18")
    assert any("Cardinal code" in p for p in problems(ind))


def tenders(gaps: dict[str, float], lot: str = "") -> list[dict]:
    """One tender per id: the winner bids 1,000,000, the runner-up that much more (a fraction)."""
    rows = []
    for nid, gap in gaps.items():
        rows += [bid(nid, "1111111111", 1_000_000, winner=True, lot=lot),
                 bid(nid, "2222222222", round(1_000_000 * (1 + gap)), lot=lot),
                 bid(nid, "3333333333", 2_000_000, lot=lot)]
    return rows


SPREAD = {f"N{i:02d}": 0.10 + i / 1000 for i in range(20)}  # 10.0% .. 11.9%: Q1 10.5%, IQR 1%


def test_runner_up_unusually_close_flags_the_notice_and_both_firms():
    rows = tenders({**SPREAD, "NX": 0.001})
    got = flagged(dataset(bid_notices=[notice(n) for n in [*SPREAD, "NX"]], bid_results=rows), "close-second-bid")
    assert list(got) == [("notices", "NX")]
    v = got["notices", "NX"]
    assert (v["winning_bid"], v["second_bid"], v["gap"]) == (1_000_000, 1_001_000, 1_000)
    assert v["difference"] == pytest.approx(0.1)
    assert v["companies"] == ("1111111111", "2222222222")
    assert 8 < v["fence"] < 9  # Q1 − 1.5 IQR of the differences, in percent


def test_no_flag_when_the_lower_fence_is_not_above_zero():
    # Cardinal's guard: a spread this wide puts the fence below zero, and nothing is unusual.
    gaps = {f"N{i:02d}": i / 100 for i in range(20)}
    ds = dataset(bid_notices=[notice(n) for n in gaps], bid_results=tenders(gaps))
    assert flagged(ds, "close-second-bid") == {}


def test_too_few_tenders_for_quartiles_flag_nothing():
    few = dict(list(SPREAD.items())[:5])
    ds = dataset(bid_notices=[notice(n) for n in [*few, "NX"]], bid_results=tenders({**few, "NX": 0.001}))
    assert flagged(ds, "close-second-bid") == {}
    assert list(flagged(ds, "close-second-bid", CB_SIGNALS_CLOSE_BID_MIN_TENDERS=6)) == [("notices", "NX")]


def test_a_winner_above_a_losing_bid_is_left_out_and_lots_are_judged_apart():
    rows = tenders(SPREAD)
    # Not on price alone: the winner bid more than a valid loser; never flagged.
    rows += [bid("NP", "1111111111", 1_000_000, winner=True), bid("NP", "2222222222", 999_000)]
    # A notice in two lots: lot 2's runner-up is close, lot 1's is not.
    rows += tenders({"NL": 0.11}, lot="1") + tenders({"NL": 0.0005}, lot="2")
    ds = dataset(bid_notices=[notice(n) for n in [*SPREAD, "NP", "NL"]], bid_results=rows)
    got = flagged(ds, "close-second-bid")
    assert list(got) == [("notices", "NL")]
    assert got["notices", "NL"]["lot"] == "2"
