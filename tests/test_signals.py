"""Each indicator: a record that triggers it, one just under its threshold that does not, and a
changed setting that changes the result. Datasets are built in code (tests/signals_support.py)."""

from __future__ import annotations

import pytest
from signals_support import bid, contract, dataset, flagged, notice, project

from clearbuild.signals import DEFAULTS, REGISTRY, compute
from clearbuild.signals.base import problems

X, Y, Z, W = "1208147521", "2148755823", "1018100340", "1068126705"


def test_single_bidder_counts_valid_bids_only():
    ds = dataset(bid_results=[
        bid("N1", X, 90, True),
        bid("N2", X, 90, True), bid("N2", Y, 95),
        bid("N3", X, 90, True), bid("N3", Y, 80, reason="서류 위조"), bid("N3", Z, 85, reason="보증금 미납"),
        bid("N4", X, 90, reason="서류 위조"),
    ])
    hits = flagged(ds, "single-bidder")
    assert hits == {("notices", "N1"): {"valid_bids": 1, "bids": 1},
                    ("notices", "N3"): {"valid_bids": 1, "bids": 3}}
    assert ("notices", "N2") in flagged(ds, "single-bidder", CB_SIGNALS_SINGLE_BIDDER_MAX_BIDS=2)


def test_single_bidder_from_a_published_tenderer_count():
    ds = dataset(contracts=[contract("C1"), contract("C2")])
    ds.tables["contracts"]["tenderers"] = [1, 2]  # OCDS numberOfTenderers, no bid results
    assert set(flagged(ds, "single-bidder")) == {("contracts", "C1")}


def test_direct_award_above_the_competitive_threshold_before_vat():
    ds = dataset(contracts=[
        contract("C1", method="sole_source", amount=22_000_011),  # 20,000,010 before VAT
        contract("C2", method="sole_source", amount=22_000_000),  # exactly 20,000,000: allowed
        contract("C3", method="open", amount=900_000_000),
        contract("C4", method="sole_source", kind="construction", work_type="general_works", amount=440_000_011),
        contract("C5", method="sole_source", kind="construction", work_type="general_works", amount=440_000_000),
        contract("C6", method="sole_source", kind="construction", amount=88_000_011),  # other works: 80M
    ])
    hits = flagged(ds, "direct-award")
    assert set(hits) == {("contracts", "C1"), ("contracts", "C4"), ("contracts", "C6")}
    assert hits[("contracts", "C1")] == {"amount": 22_000_011, "estimated": 20_000_010, "threshold": 20_000_000}
    assert set(flagged(ds, "direct-award", CB_SIGNALS_COMPETITIVE_THRESHOLDS={"services": 30_000_000})) == set()
    every = flagged(ds, "direct-award", CB_SIGNALS_DIRECT_AWARD_MIN_AMOUNT=0)
    assert {k[1] for k in every} == {"C1", "C2", "C4", "C5", "C6"}
    assert flagged(ds, "direct-award", CB_SIGNALS_DIRECT_METHODS=["open"]).keys() == {("contracts", "C3")}


def test_short_tender_by_kind_and_size():
    ds = dataset(bid_notices=[
        notice("G6", kind="goods", published_at="2025-03-01T17:00", deadline="2025-03-07T10:00"),
        notice("G7", kind="goods", published_at="2025-03-01T17:00", deadline="2025-03-08T10:00"),
        notice("W14", kind="construction", estimated_price=1_500_000_000, deadline="2025-03-15T10:00"),
        notice("W15", kind="construction", estimated_price=1_500_000_000, deadline="2025-03-16T10:00"),
        notice("S7", kind="construction", estimated_price=999_999_999, deadline="2025-03-08T10:00"),
        notice("B39", kind="construction", estimated_price=5_000_000_000, deadline="2025-04-09T10:00"),
        notice("B40", kind="construction", estimated_price=5_000_000_000, deadline="2025-04-10T10:00"),
    ])
    hits = flagged(ds, "short-tender")
    assert set(hits) == {("notices", "G6"), ("notices", "W14"), ("notices", "B39")}
    assert hits[("notices", "W14")] == {"days": 14, "required": 15, "estimated_price": 1_500_000_000}
    relaxed = flagged(ds, "short-tender", CB_SIGNALS_TENDER_MIN_DAYS={"construction": [[0, 7]], "goods": [[0, 7]]})
    assert set(relaxed) == {("notices", "G6")}


def test_bid_near_estimate():
    ds = dataset(bid_notices=[notice("N1", estimated_price=1_000_000), notice("N2", estimated_price=1_000_000)],
                 bid_results=[bid("N1", X, 995_000, True), bid("N2", X, 994_999, True), bid("N2", Y, 999_000)])
    hits = flagged(ds, "bid-near-estimate")
    assert set(hits) == {("notices", "N1")}
    assert hits[("notices", "N1")]["ratio"] == pytest.approx(99.5)
    assert set(flagged(ds, "bid-near-estimate", CB_SIGNALS_BID_NEAR_ESTIMATE_PCT=99.0)) == {
        ("notices", "N1"), ("notices", "N2")}


def test_lowest_disqualified_ignores_routine_reasons():
    ds = dataset(bid_results=[
        bid("N1", X, 900_000, reason="서류 위조"), bid("N1", Y, 950_000, True), bid("N1", Z, 990_000),
        bid("N2", X, 900_000, reason="낙찰하한율 미만 투찰"), bid("N2", Y, 950_000, True),
        bid("N3", X, 900_000, True), bid("N3", Y, 800_000 + 200_000, reason="서류 위조"),
    ])
    hits = flagged(ds, "lowest-disqualified")
    assert set(hits) == {("notices", "N1")}
    assert hits[("notices", "N1")]["lowest_reason"] == "서류 위조"
    assert hits[("notices", "N1")]["gap"] == pytest.approx(50_000 / 900_000 * 100)
    assert flagged(ds, "lowest-disqualified", CB_SIGNALS_LOWEST_DISQUALIFIED_MIN_GAP_PCT=6) == {}
    assert set(flagged(ds, "lowest-disqualified", CB_SIGNALS_ROUTINE_REASONS=[])) == {
        ("notices", "N1"), ("notices", "N2")}


def test_all_but_winner_disqualified():
    ds = dataset(bid_results=[
        bid("N1", X, 90, True), bid("N1", Y, 80, reason="서류 위조"), bid("N1", Z, 85, reason="업종 미달"),
        bid("N2", X, 90, True), bid("N2", Y, 80, reason="서류 위조"), bid("N2", Z, 95),
        bid("N3", X, 90, True), bid("N3", Y, 80, reason="서류 위조"),
        bid("N4", X, 90, True), bid("N4", Y, 80, reason="낙찰하한율 미만"), bid("N4", Z, 85, reason="서류 위조"),
    ])
    hits = flagged(ds, "all-but-winner-disqualified")
    assert hits == {("notices", "N1"): {"bids": 3, "refused": 2, "reasons": "서류 위조, 업종 미달"}}
    assert set(flagged(ds, "all-but-winner-disqualified", CB_SIGNALS_ALL_BUT_WINNER_MIN_BIDS=2)) == {
        ("notices", "N1"), ("notices", "N3")}


def test_identical_bids():
    ds = dataset(bid_results=[
        bid("N1", X, 1_000_000, True), bid("N1", Y, 1_000_000), bid("N1", Z, 1_100_000),
        bid("N2", X, 1_000_000, True), bid("N2", Y, 1_000_001),
    ])
    hits = flagged(ds, "identical-bids")
    assert hits == {("notices", "N1"): {"amount": 1_000_000, "bidders": 2, "companies": (X, Y)}}
    assert flagged(ds, "identical-bids", CB_SIGNALS_IDENTICAL_BIDS_MIN=3) == {}


def test_split_contracts_within_the_window_and_above_the_threshold_together():
    sole = {"method": "sole_source", "amount": 12_100_000}  # 11,000,000 before VAT, under 20M
    ds = dataset(contracts=[
        contract("A1", company_id=X, signed_at="2025-03-01", **sole),
        contract("A2", company_id=X, signed_at="2025-03-31", **sole),  # 30 days later: same window
        contract("B1", company_id=Y, signed_at="2025-03-01", **sole),
        contract("B2", company_id=Y, signed_at="2025-04-01", **sole),  # 31 days: outside
        contract("C1", company_id=Z, signed_at="2025-03-01", method="sole_source", amount=11_000_000),
        contract("C2", company_id=Z, signed_at="2025-03-05", method="sole_source", amount=11_000_000),  # =20M
        contract("D1", company_id=W, signed_at="2025-03-01", **sole),
        contract("D2", company_id=W, signed_at="2025-03-02", method="sole_source", amount=33_000_000),
        contract("E1", company_id=X, signed_at="2025-03-10", agency="강남구청", **sole),
    ])
    hits = flagged(ds, "split-contracts")
    assert set(hits) == {("contracts", "A1"), ("contracts", "A2")}
    assert hits[("contracts", "A1")] == {"contracts": 2, "total": 22_000_000, "threshold": 20_000_000,
                                         "first": "2025-03-01", "last": "2025-03-31", "ids": ("A1", "A2")}
    wider = flagged(ds, "split-contracts", CB_SIGNALS_SPLIT_WINDOW_DAYS=31)
    assert {k[1] for k in wider} == {"A1", "A2", "B1", "B2"}
    assert flagged(ds, "split-contracts", CB_SIGNALS_SPLIT_MIN_CONTRACTS=3) == {}


def test_cost_overrun_of_contracts_and_projects():
    ds = dataset(
        contracts=[contract("C1", amount=1_000_000), contract("C2", amount=1_000_000)],
        contract_amendments=[
            {"contract_id": "C1", "date": "2025-04-01", "seq": 1, "amount_before": 1_000_000, "amount_after": 1_050_000},
            {"contract_id": "C1", "date": "2025-05-01", "seq": 1, "amount_before": 1_050_000, "amount_after": 1_101_000},
            {"contract_id": "C2", "date": "2025-04-01", "seq": 1, "amount_before": 1_000_000, "amount_after": 1_100_000},
        ],
        change_orders=[
            {"change_id": "CO1", "project_id": "P1", "date": "2025-04-01", "reason": "물량 증가",
             "amount_before": 1_000_000, "amount_after": 1_200_000},
            {"change_id": "CO2", "project_id": "P2", "date": "2025-04-01", "reason": "물량 증가",
             "amount_before": 1_000_000, "amount_after": 1_100_000},
        ])
    hits = flagged(ds, "cost-overrun")
    assert set(hits) == {("contracts", "C1"), ("projects", "P1")}
    assert hits[("contracts", "C1")] == {"original": 1_000_000, "final": 1_101_000,
                                         "growth": pytest.approx(10.1), "changes": 2}
    assert len(flagged(ds, "cost-overrun", CB_SIGNALS_COST_OVERRUN_PCT=5)) == 4


def test_time_overrun_of_contracts_finished_and_open_projects():
    ds = dataset(
        contracts=[contract("C1", end_date="2025-06-30"), contract("C2", end_date="2025-06-30")],
        contract_amendments=[
            {"contract_id": "C1", "date": "2025-05-01", "seq": 1, "end_before": "2025-06-30", "end_after": "2025-07-31"},
            {"contract_id": "C2", "date": "2025-05-01", "seq": 1, "end_before": "2025-06-30", "end_after": "2025-07-30"},
        ],
        projects=[
            project("P1", planned_end_date="2025-03-01", actual_end_date="2025-04-01", status="completed"),
            project("P2", planned_end_date="2025-03-01", actual_end_date="2025-03-31", status="completed"),
            project("P3", planned_end_date="2025-05-30"),  # open, today 2025-06-30: 31 days
            project("P4", planned_end_date="2024-01-01", status="completed"),  # no actual end: unknown
            project("P5", planned_end_date="2025-05-31"),  # open, 30 days
        ],
        change_orders=[{"change_id": "CO1", "project_id": "P1", "date": "2025-02-01", "reason": "우기",
                        "amount_before": 1, "amount_after": 1, "days_added": 20}])
    sig = compute(ds, {})
    hits = {(f.kind, f.id): f for f in sig.flags if f.indicator == "time-overrun"}
    assert set(hits) == {("contracts", "C1"), ("projects", "P1"), ("projects", "P3")}
    assert hits[("projects", "P1")].values == {"planned": "2025-03-01", "end": "2025-04-01", "days": 31,
                                               "approved": 20, "late_since": None}
    # An unfinished work carries the date its delay runs from, not a count that grows nightly.
    open_values = {"planned": "2025-05-30", "end": None, "days": None, "approved": 0,
                   "late_since": "2025-05-30"}
    assert hits[("projects", "P3")].values == open_values
    assert hits[("projects", "P3")].variant == "open" and hits[("projects", "P1")].variant == ""
    assert "미준공" in hits[("projects", "P3")].reason("ko")
    assert "since 2025-05-30" in hits[("projects", "P3")].reason("en")
    assert flagged(ds, "time-overrun", CB_SIGNALS_TIME_OVERRUN_DAYS=40) == {}
    ds.export_date = "2025-07-01"  # the next night's export
    later = flagged(ds, "time-overrun")
    assert ("projects", "P5") in later
    assert later[("projects", "P3")] == open_values  # the same flag, so the same page


def test_progress_lag_reads_the_latest_report():
    rows = [("P1", "2025-03-31", 50, 30), ("P1", "2025-04-30", 60, 49.9), ("P2", "2025-04-30", 60, 50),
            ("P3", "2025-03-31", 50, 20), ("P3", "2025-04-30", 70, 65)]
    ds = dataset(progress=[{"project_id": p, "date": d, "planned_pct": a, "actual_pct": b} for p, d, a, b in rows])
    hits = flagged(ds, "progress-lag")
    assert set(hits) == {("projects", "P1")}
    assert hits[("projects", "P1")]["lag"] == pytest.approx(10.1)
    assert set(flagged(ds, "progress-lag", CB_SIGNALS_PROGRESS_LAG_POINTS=5)) == {
        ("projects", "P1"), ("projects", "P2")}


def _change(pid: str, n: int, reason: str = "물량 증가") -> dict[str, object]:
    return {"change_id": f"{pid}-{n}", "project_id": pid, "date": f"2025-0{n}-01", "reason": reason,
            "amount_before": 100, "amount_after": 100}


def test_many_changes():
    ds = dataset(change_orders=[_change("P1", 1), _change("P1", 2), _change("P1", 3), _change("P2", 1),
                                _change("P2", 2)],
                 contract_amendments=[{"contract_id": "C1", "date": f"2025-0{i}-01", "seq": 1, "reason": "x"}
                                      for i in (1, 2, 3)])
    hits = flagged(ds, "many-changes")
    assert hits == {("contracts", "C1"): {"changes": 3, "first": "2025-01-01", "last": "2025-03-01"},
                    ("projects", "P1"): {"changes": 3, "first": "2025-01-01", "last": "2025-03-01"}}
    assert ("projects", "P2") in flagged(ds, "many-changes", CB_SIGNALS_MANY_CHANGES=2)


def test_unexplained_change():
    ds = dataset(change_orders=[_change("P1", 1, ""), _change("P2", 1, "-"), _change("P3", 1, "설계")],
                 contract_amendments=[{"contract_id": "C1", "date": "2025-02-01", "seq": 1, "reason": ""}])
    hits = flagged(ds, "unexplained-change")
    assert set(hits) == {("projects", "P1"), ("projects", "P2"), ("contracts", "C1")}
    assert hits[("projects", "P1")] == {"count": 1, "dates": ("2025-01-01",)}
    assert ("projects", "P3") in flagged(ds, "unexplained-change", CB_SIGNALS_UNEXPLAINED_MIN_CHARS=5)


def _claim(pay: str, pid: str, kind: str, claim: str, paid: str = "", amount: int = 100,
           paid_amount: int | None = None) -> dict[str, object]:
    return {"payment_id": pay, "project_id": pid, "payee_kind": kind, "claim_date": claim, "amount": amount,
            "paid_date": paid, "paid_amount": paid_amount if paid_amount is not None else (amount if paid else None)}


def test_late_payment_paid_late_or_unpaid_past_the_limit():
    ds = dataset(payments=[
        _claim("A", "P1", "subcontractor", "2025-01-01", "2025-01-17"),  # 16 days
        _claim("B", "P2", "subcontractor", "2025-01-01", "2025-01-16"),  # 15 days: on time
        _claim("C", "P3", "equipment", "2025-06-14"),  # unpaid, 16 days by 2025-06-30
        _claim("D", "P4", "materials", "2025-06-15"),  # unpaid, 15 days
        _claim("E", "P5", "wages", "2025-01-01", "2025-03-01"),  # wages: the other indicator
        _claim("F", "P6", "subcontractor", "2025-07-05"),  # claimed after today: not due
    ])
    hits = flagged(ds, "late-payment")
    assert set(hits) == {("projects", "P1"), ("projects", "P3")}
    assert hits[("projects", "P1")]["max_days"] == 16 and hits[("projects", "P1")]["oldest"] is None
    # Unpaid: the date its wait runs from, not a count of days that grows every night.
    open_values = {"late": 1, "paid_late": 0, "unpaid": 1, "max_days": None, "oldest": "2025-06-14",
                   "limit": 15, "ids": ("C",)}
    assert hits[("projects", "P3")] == open_values
    ds.export_date = "2025-07-01"  # the next night's export
    assert flagged(ds, "late-payment")[("projects", "P3")] == open_values
    ds.export_date = "2025-06-30"
    assert flagged(ds, "late-payment", CB_SIGNALS_PAYMENT_DAYS=20) == {}
    # None falls back to the core's CB_OVERDUE_DAYS, which the Allimi pages use too.
    assert set(flagged(ds, "late-payment", CB_OVERDUE_DAYS=10)) == {
        ("projects", "P1"), ("projects", "P2"), ("projects", "P3"), ("projects", "P4")}


def test_unpaid_wages_unpaid_part_paid_or_late():
    ds = dataset(payments=[
        _claim("W1", "P1", "wages", "2025-06-14", amount=300),  # unpaid 16 days
        _claim("W2", "P2", "wages", "2025-06-01", "2025-06-10", 300, 150),  # half paid, 29 days on
        _claim("W3", "P3", "wages", "2025-01-01", "2025-01-16"),  # paid in full in 15 days
        _claim("W4", "P4", "wages", "2025-01-01", "2025-01-17"),  # paid in full in 16 days
        _claim("S1", "P5", "subcontractor", "2025-01-01"),
    ])
    hits = flagged(ds, "unpaid-wages")
    assert set(hits) == {("projects", "P1"), ("projects", "P2"), ("projects", "P4")}
    assert hits[("projects", "P2")]["outstanding"] == 150 and hits[("projects", "P2")]["oldest"] == "2025-06-01"
    assert hits[("projects", "P2")]["max_days"] is None  # nothing paid in full: no finished wait
    assert hits[("projects", "P4")]["outstanding"] == 0 and hits[("projects", "P4")]["paid_late"] == 1
    assert set(flagged(ds, "unpaid-wages", CB_SIGNALS_WAGE_DAYS=20)) == {("projects", "P2")}


def test_every_indicator_is_complete_and_its_settings_exist():
    assert len(REGISTRY) >= 15
    for ind in REGISTRY.values():
        assert problems(ind) == [], ind.id
        assert set(ind.settings) <= set(DEFAULTS), ind.id


def test_disabled_indicators_are_not_computed_and_unknown_ones_refused():
    ds = dataset(bid_results=[bid("N1", X, 90, True)])
    sig = compute(ds, {"CB_SIGNALS_DISABLED": ["single-bidder"]})
    assert "single-bidder" not in sig.counts() and sig.flags == []
    with pytest.raises(ValueError, match="no-such"):
        compute(ds, {"CB_SIGNALS_DISABLED": ["no-such"]})


# -- notices divided into lots: each lot is judged as a tender of its own ----------------------

def test_lots_are_judged_one_by_one():
    """Every case here was wrong when a notice had one winner: two lone winners made 'two valid
    bids', the cheap lot hid the disqualified lowest bid of the other, one firm bidding alike on
    two lots looked like two identical bidders, and one lot's winner stood for the whole notice."""
    ds = dataset(
        bid_notices=[notice("N7", estimated_price=1_000_000), notice("N8", estimated_price=1_000_000)],
        bid_results=[
            bid("N1", X, 90, True, lot="A"), bid("N1", Y, 95, True, lot="B"),  # a lone bid in each lot
            bid("N2", X, 90, True, lot="A"), bid("N2", Y, 95, lot="A"),
            bid("N2", X, 90, True, lot="B"), bid("N2", Z, 95, lot="B"),
            bid("N3", X, 90, True, lot="A"), bid("N3", Y, 80, reason="서류 위조", lot="A"),
            bid("N3", Z, 85, reason="업종 미달", lot="A"), bid("N3", Y, 70, True, lot="B"), bid("N3", X, 75, lot="B"),
            bid("N4", X, 900_000, reason="서류 위조", lot="A"), bid("N4", Y, 950_000, True, lot="A"),
            bid("N4", Z, 500_000, True, lot="B"), bid("N4", W, 510_000, lot="B"),
            bid("N5", X, 1_000_000, True, lot="A"), bid("N5", Y, 1_100_000, lot="A"),
            bid("N5", X, 1_000_000, True, lot="B"), bid("N5", Y, 1_100_000, lot="B"),
            bid("N6", X, 500, True, lot="A"), bid("N6", Y, 500, lot="A"), bid("N6", Z, 700, True, lot="B"),
            bid("N6", W, 800, lot="B"),
            bid("N7", X, 600_000, True, lot="A"), bid("N7", Y, 650_000, lot="A"),
            bid("N7", Y, 396_000, True, lot="B"), bid("N7", X, 399_000, lot="B"),
            bid("N8", X, 600_000, True, lot="A"), bid("N8", Y, 650_000, lot="A"),
            bid("N8", Y, 396_000, reason="서류 위조", lot="B"),  # lot B failed: no sum to judge
        ])
    assert flagged(ds, "single-bidder")[("notices", "N1")] == {
        "valid_bids": 1, "bids": 1, "lot": "A", "lots": ("A", "B")}
    assert ("notices", "N2") not in flagged(ds, "single-bidder")
    assert flagged(ds, "all-but-winner-disqualified") == {("notices", "N3"): {
        "bids": 3, "refused": 2, "reasons": "서류 위조, 업종 미달", "lot": "A", "lots": ("A",)}}
    lowest = flagged(ds, "lowest-disqualified")
    assert set(lowest) == {("notices", "N3"), ("notices", "N4")}
    assert lowest[("notices", "N4")]["winning_bid"] == 950_000 and lowest[("notices", "N4")]["lot"] == "A"
    assert flagged(ds, "identical-bids") == {("notices", "N6"): {
        "amount": 500, "bidders": 2, "companies": (X, Y), "lot": "A", "lots": ("A",)}}
    near = flagged(ds, "bid-near-estimate")
    assert set(near) == {("notices", "N7")} and near[("notices", "N7")]["winning_bid"] == 996_000
    assert near[("notices", "N7")]["lots"] == ("A", "B")


def test_a_lots_flag_reads_in_plain_words_and_reaches_only_its_lots_contract():
    ds = dataset(
        bid_results=[bid("N3", X, 90, True, lot="A"), bid("N3", Y, 80, reason="서류 위조", lot="A"),
                     bid("N3", Z, 85, reason="업종 미달", lot="A"), bid("N3", Y, 70, True, lot="B"),
                     bid("N3", X, 75, lot="B"), bid("N1", X, 90, True, lot="A"), bid("N1", Y, 95, True, lot="B")],
        contracts=[contract("CA", notice_id="N3", lot_id="A", company_id=X),
                   contract("CB", notice_id="N3", lot_id="B", company_id=Y),
                   contract("C1", notice_id="N1", lot_id="B", company_id=Y)])
    sig = compute(ds, {})
    [flag] = [f for f in sig.own("notices", "N3") if f.indicator == "all-but-winner-disqualified"]
    assert flag.reason("en") == "lot A: 2 of 3 bids disqualified, all but the winner: 서류 위조, 업종 미달"
    assert flag.reason("ko") == "로트 A: 입찰 3건 중 낙찰자 외 2건 실격: 서류 위조, 업종 미달"
    [lone] = [f for f in sig.own("notices", "N1") if f.indicator == "single-bidder"]
    assert lone.reason("en") == "flagged in lots A, B; lot A: 1 valid bid(s) of 1 submitted"
    shown = {cid: {f.indicator for f in sig.for_record("contracts", cid)} for cid in ("CA", "CB", "C1")}
    assert "all-but-winner-disqualified" in shown["CA"] and "all-but-winner-disqualified" not in shown["CB"]
    assert "single-bidder" in shown["C1"]  # lot B of N1 had a lone bid too
    # Rates count a lot's contract as a tender of its own: CA's and C1's lots drew one valid bid
    # each (their notices drew three and two).
    assert sig.rate("agencies", "마포구청")["single_bid"] == 2
