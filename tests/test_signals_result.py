"""What pages read from the signals: flags per record (own and inherited), reasons in words,
where a flag lives (agency, district, year), rates per agency and company, and the flag map
the search plugin uses."""

from __future__ import annotations

import pandas as pd
import pytest
from signals_support import bid, contract, dataset, notice, project

from clearbuild.forked import ForkedError
from clearbuild.signals import Apart, compute, explain

X, Y = "1208147521", "2148755823"


@pytest.fixture
def linked():
    """Notice N1 (single bidder) -> contract C1 (cost overrun) -> project P1 (own cost overrun)."""
    return dataset(
        bid_notices=[notice("N1", published_at="2024-11-02T09:00", deadline="2024-11-20T10:00")],
        bid_results=[bid("N1", X, 1_000_000, True)],
        contracts=[contract("C1", notice_id="N1", amount=1_000_000, company_id=X, signed_at="2024-12-01"),
                   contract("C2", method="sole_source", amount=5_000_000, company_id=Y),
                   contract("C3", method="sole_source", amount=5_000_000, company_id=Y, agency="강남구청")],
        contract_amendments=[{"contract_id": "C1", "date": "2025-02-01", "seq": 1, "reason": "물량 증가",
                              "amount_before": 1_000_000, "amount_after": 1_300_000}],
        projects=[project("P1", contract_id="C1", district_code="11140")],
        change_orders=[{"change_id": "CO1", "project_id": "P1", "date": "2025-02-01", "reason": "물량 증가",
                        "amount_before": 1_000_000, "amount_after": 1_200_000}],
    )


def test_a_page_shows_its_parents_flags_once(linked):
    sig = compute(linked, {})
    on_contract = {(f.indicator, f.via) for f in sig.for_record("contracts", "C1")}
    assert on_contract == {("cost-overrun", None), ("single-bidder", ("notices", "N1"))}
    on_project = sig.for_record("projects", "P1")
    # The project's own cost overrun (design changes, +20%) wins over its contract's (+30%).
    own = [f for f in on_project if f.indicator == "cost-overrun"]
    assert len(own) == 1 and own[0].via is None and own[0].values["growth"] == pytest.approx(20)
    assert ("single-bidder", ("notices", "N1")) in {(f.indicator, f.via) for f in on_project}
    assert sig.for_record("contracts", "C2") == []


def test_flag_map_for_search_lists_what_each_page_shows(linked):
    flags = compute(linked, {}).flag_map()
    assert flags[("notices", "N1")] == ["single-bidder"]
    assert flags[("contracts", "C1")] == ["single-bidder", "cost-overrun"]  # display order
    assert flags[("projects", "P1")] == ["single-bidder", "cost-overrun"]
    assert ("contracts", "C2") not in flags


def test_reasons_name_the_numbers_in_each_language(linked):
    sig = compute(linked, {})
    f = next(f for f in sig.for_record("contracts", "C1") if f.indicator == "cost-overrun")
    assert explain(f, "ko", lambda n: f"{n:,}원") == "계약 변경 1건으로 1,000,000원 → 1,300,000원 (30.0% 증가)"
    assert explain(f, "en") == "1,000,000 → 1,300,000 through 1 amendment(s) (+30.0%)"
    assert explain(f, "vi") == explain(f, "en")  # a language without texts falls back to English
    assert f.title("ko") == "사업비 증가" and f.title("en") == "Cost overrun"


def test_records_carry_agency_district_and_year(linked):
    rec = compute(linked, {}).records.set_index(["kind", "id"])
    assert rec.loc[("notices", "N1")].to_dict() == {"title": "공고 N1", "agency": "마포구청",
                                                     "district": "11140", "year": "2024"}
    assert rec.loc[("contracts", "C1"), "district"] == "11140"  # through its project
    assert rec.loc[("projects", "P1"), "year"] == "2025"


def test_rates_per_agency_and_company(linked):
    sig = compute(linked, {})
    mapo = sig.rate("agencies", "마포구청")
    assert mapo["contracts"] == 2 and mapo["direct"] == 1 and mapo["direct_share"] == pytest.approx(50)
    assert mapo["tenders"] == 1 and mapo["single_bid_rate"] == pytest.approx(100)
    assert mapo["overrun"] == pytest.approx(300_000 / 6_000_000 * 100)  # amount-weighted over all
    y = sig.rate("companies", Y)
    assert y["contracts"] == 2 and y["direct_share"] == pytest.approx(100) and y["single_bid_rate"] is None
    assert sig.rate("companies", "0000000000") is None


def test_same_data_same_flags(linked):
    a, b = compute(linked, {}), compute(linked, {})
    assert a.flags == b.flags and a.records.equals(b.records) and a.flag_map() == b.flag_map()


def test_today_is_the_export_date_else_the_newest_event(linked):
    assert compute(linked, {}).today.isoformat() == "2025-06-30"
    linked.export_date = "export"
    assert compute(linked, {}).today.isoformat() == "2025-03-01"  # newest event: C2 and C3 signed
    assert compute(linked, {"CB_SIGNALS_TODAY": "2026-01-01"}).today.isoformat() == "2026-01-01"


def test_an_empty_dataset_flags_nothing():
    sig = compute(dataset(), {})
    assert sig.flags == [] and sig.flag_map() == {} and all(v == 0 for v in sig.counts().values())


def _ancestors(links, key):
    """What Signals._ancestors did before links were pruned: breadth first over every link."""
    out, todo = [], list(links.get(key, []))
    while todo:
        k = todo.pop(0)
        if k not in out and k != key:
            out.append(k)
            todo.extend(links.get(k, []))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_only_links_that_lead_to_a_flag_are_kept_and_every_page_shows_the_same_flags(seed):
    import random

    from clearbuild.signals.result import Flag, Signals, leading_to

    rng = random.Random(seed)
    notices = [("notices", f"N{i}") for i in range(40)]
    contracts = [("contracts", f"C{i}") for i in range(120)]
    projects = [("projects", f"P{i}") for i in range(30)]
    links = {c: [rng.choice(notices)] for c in contracts if rng.random() < 0.8}
    links.update({p: rng.sample(contracts, rng.randint(1, 3)) for p in projects})
    links[notices[0]] = [contracts[0]]  # a cycle (no real export has one): still the same flags
    links[contracts[0]] = [notices[0]]
    flagged = rng.sample(notices, 8) + rng.sample(contracts, 10) + rng.sample(projects, 3)
    flags = [Flag("single-bidder", k, i, {"bidders": 1}) for k, i in flagged]
    sig = Signals(None, {}, [], flags, dict(links), None, {})
    assert len(sig.links) < len(links)  # most links lead nowhere flagged
    for key in notices + contracts + projects + [("projects", "P-none")]:
        want = [a for a in _ancestors(links, key) if sig.own(*a)]
        assert [a for a in sig._ancestors(key) if sig.own(*a)] == want, key
    assert leading_to({("c", "1"): [("n", "1")]}, {}) == {}
    chain = {("p", "1"): [("c", "1")], ("c", "1"): [("n", "1")]}  # through an unflagged contract
    assert leading_to(chain, {("n", "1"): [1]}) == chain


def test_a_flag_holds_its_figures_as_a_tuple_and_reads_them_as_a_dict():
    import gc
    import tracemalloc

    from clearbuild.signals.result import Flag

    f = Flag("cost-overrun", "contracts", "C1", {"growth": 30.0, "amendments": 1})
    assert f.values == {"growth": 30.0, "amendments": 1} and list(f.values) == ["growth", "amendments"]
    assert f.values is not f.values  # made when read: nobody changes a flag's figures
    via = f.shown_via(("notices", "N1"))
    assert via.via == ("notices", "N1") and via.values == f.values and f.via is None
    assert via == Flag("cost-overrun", "contracts", "C1", f.values, via=("notices", "N1")) != f
    assert "values={'growth': 30.0, 'amendments': 1}" in repr(f)
    with pytest.raises(AttributeError, match="read-only"):
        f.via = ("notices", "N2")  # read-only, as the frozen dataclass it was
    assert f.via is None
    gc.collect()
    tracemalloc.start()
    flags = [Flag("cost-overrun", "contracts", f"C{i}", {"growth": 30.0, "amendments": 1, "lots": None})
             for i in range(10_000)]
    held = tracemalloc.get_traced_memory()[0] / len(flags)
    tracemalloc.stop()
    assert held < 260, held  # 214; it was 326 with a dict of three figures beside every flag
    assert len({id(x._names) for x in flags}) == 1  # one tuple of names for them all


def test_own_flags_are_found_by_key_and_read_as_lists():
    from clearbuild.signals.result import Flag, Own

    a = Flag("single-bidder", "notices", "N1", {"bidders": 1})
    b = Flag("short-deadline", "notices", "N1", {"days": 3})
    c = Flag("cost-overrun", "contracts", "N1", {"growth": 30.0})  # the same id, another kind
    d = Flag("cost-overrun", "contracts", "N2", {"growth": 40.0})
    own = Own([a, c, b, d])  # a record's flags need not be together: read in the flags' order
    assert own[("notices", "N1")] == [a, b] and own[("contracts", "N1")] == [c]
    mine = own[("notices", "N1")]
    mine.append(c)  # a list of one's own: the flags held do not change
    assert own[("notices", "N1")] == [a, b]
    assert list(own) == [("notices", "N1"), ("contracts", "N1"), ("contracts", "N2")] and len(own) == 3
    assert ("notices", "N2") not in own and ("projects", "N1") not in own and "x" not in own
    assert ("notices", 1) not in own and ("notices", "N1", "x") not in own
    assert own.get(("notices", "N2"), []) == [] and own.get(None) is None
    assert len(Own()) == 0 and list(Own()) == [] and ("notices", "N1") not in Own()


def test_signals_computed_in_a_child_are_those_computed_in_place(linked):
    """cb_signals computes in a forked child and takes the result back pickled: every flag (its
    figures), link, listed record and rate comes back equal."""
    settings = {"CB_SIGNALS_RATE_MIN_CONTRACTS": 1, "UNPICKLABLE": lambda: None}
    here, apart = compute(linked, settings), Apart(linked, settings).result()
    assert list(apart.flags) == list(here.flags) and len(apart.flags) > 1
    for kind, record_id in [("contracts", "C1"), ("contracts", "C2"), ("projects", "P1"), ("notices", "N1")]:
        assert apart.for_record(kind, record_id) == here.for_record(kind, record_id)
    assert apart.flag_map() == here.flag_map() and apart.links == here.links and apart.lots == here.lots
    pd.testing.assert_frame_equal(apart.records, here.records)
    assert apart.rates.keys() == here.rates.keys()
    for group in here.rates:
        pd.testing.assert_frame_equal(apart.rates[group], here.rates[group])
    assert apart.settings == settings and apart.today == here.today


def test_a_computation_that_fails_in_its_child_says_why(linked):
    with pytest.raises(ForkedError, match="(?s)Traceback.*CB_SIGNALS_DISABLED names unknown indicators"):
        Apart(linked, {"CB_SIGNALS_DISABLED": ["no-such-indicator"]}).result()
