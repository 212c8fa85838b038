"""Contract payments (issue 18): the status a contract page shows, the claims table with days
from claim to payment judged against the legal deadline, and the payment-status listings."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_contracts import page, text

from clearbuild import contractpay

D = contractpay.Deadline()


def claim(kind: str = "progress", claim_date: str = "2025-06-02", amount: int = 100,
          paid_date: str | None = None, paid_amount: int | None = None) -> dict:
    return {"kind": kind, "claim_date": claim_date, "amount": amount, "paid_date": paid_date,
            "paid_amount": paid_amount}


@pytest.mark.parametrize("rows,expected", [
    ([], "no_claim"),
    ([claim()], "unpaid"),
    ([claim(paid_date="2025-06-03")], "paid"),  # a paid_date alone pays the whole claim
    ([claim(paid_date="2025-06-03", paid_amount=100)], "paid"),
    ([claim(paid_date="2025-06-03", paid_amount=40)], "partly_paid"),
    ([claim(paid_date="2025-06-03"), claim(claim_date="2025-07-01")], "partly_paid"),
])
def test_status(rows, expected):
    assert contractpay.status(rows) == expected


def test_deadline_counts_working_days_from_the_claim():
    # Claimed on a Friday, paid the Friday after: 7 calendar days, 5 working days: on time.
    c, = contractpay.claims([claim(claim_date="2025-06-06", paid_date="2025-06-13")], "2025-08-20", D)
    assert (c.days, c.counted, c.overdue, c.state) == (7, 5, False, "paid")
    c, = contractpay.claims([claim(claim_date="2025-06-06", paid_date="2025-06-16")], "2025-08-20", D)
    assert (c.days, c.counted, c.overdue, c.state) == (10, 6, True, "paid_late")
    calendar = contractpay.Deadline(workdays=False)
    c, = contractpay.claims([claim(claim_date="2025-06-06", paid_date="2025-06-13")], "2025-08-20", calendar)
    assert (c.counted, c.overdue) == (7, True)


def test_open_claims_run_to_the_as_of_date_and_advances_are_not_judged():
    rows = [claim(claim_date="2025-08-18"), claim(claim_date="2025-08-01"),
            claim("advance", claim_date="2025-07-01"), claim(claim_date="2025-09-01")]
    states = {c.row["claim_date"]: c.state for c in contractpay.claims(rows, "2025-08-20", D)}
    assert states == {"2025-08-18": "open", "2025-08-01": "overdue", "2025-07-01": "open",
                      "2025-09-01": "future"}


def test_settings_change_the_deadline():
    d = contractpay.Deadline.of({"CB_CONTRACT_PAYMENT_DAYS": 30, "CB_CONTRACT_PAYMENT_KINDS": ["advance"]})
    assert (d.days, d.workdays, d.kinds) == (30, True, ("advance",))


@pytest.fixture(scope="module")
def site(fixture_site) -> Path:
    """The plain fixture site, built once per session (tests/conftest.py)."""
    return fixture_site


def test_contract_page_shows_payment_status_and_claims(site):
    t = text(page(site, "en/contracts/C-2025-0001/index.html"))
    assert "Payment status: Partly paid" in t
    assert "Advance payment 2025-03-12 330,000,000" in t
    assert "15" in t and "paid late" in t
    assert "Progress payment 2025-07-28 200,000,000" in t and "overdue" in t
    # The open claim's running count is the browser's (23 days to 2025-08-20: the browser test);
    # the page itself carries the claim date, so a new night's date does not change it.
    assert "since 2025-07-28" in t and "23 so far" not in t
    assert 'data-from="2025-07-28" data-text="{n} so far"' in page(site, "en/contracts/C-2025-0001/index.html")
    assert "Local Contract Act Enforcement Decree, Article 67" in t
    html = page(site, "contracts/C-2025-0001/index.html")
    assert html.count('class="pay-overdue overdue"') == 1 and 'class="pay-paid_late overdue"' in html
    assert "Paid in full" in text(page(site, "en/contracts/C-2025-0002/index.html"))


def test_contracts_are_listed_by_payment_status(site):
    # By status and month signed (a year of paid contracts was one 15 MB page at Seoul's size).
    assert "C-2025-0001" in page(site, "contracts/by/payment/partly_paid/2025-03/index.html")
    assert "C-2025-0002" in page(site, "contracts/by/payment/paid/2025-04/index.html")
    assert "C-2025-0001" not in page(site, "contracts/by/payment/paid/2025-04/index.html")
    assert not (site / "contracts/by/payment/paid/2025/index.html").exists()
    index = page(site, "en/contracts/by/payment/index.html")
    assert "Partly paid" in text(index) and "Paid in full" in text(index)
    assert 'href="../../../../en/contracts/by/payment/paid/2025-04/index.html"' in index


def test_services_certificates_count_what_was_paid():
    from clearbuild import certcodes
    contracts = [{"contract_id": "S", "kind": "services", "work_type": "general_services"},
                 {"contract_id": "W", "kind": "construction", "work_type": "construction_works"},
                 {"contract_id": "N", "kind": "goods", "work_type": ""}]
    amount = {"S": 100, "W": 200, "N": 300}
    payments = {"S": [claim("final", amount=100, paid_date="2025-06-03", paid_amount=90)],
                "W": [claim("final", amount=200, paid_date="2025-06-03", paid_amount=150)]}
    assert certcodes.certified_amounts({c["contract_id"]: c for c in contracts}, amount, payments) == \
        {"S": 90, "W": 200, "N": 300}


def test_certificate_marks_paid_amounts(site):
    html = page(site, "en/companies/2148755823/certificates/general_services/index.html")
    assert "45,000,000" in html and "actually paid" in html


def test_plan_shows_its_overview_and_notice_its_required_documents(site):
    plan = text(page(site, "plans/PL-2025-001/index.html"))
    assert "사업 개요 강남대로 보도 포장 교체와 점자블록 정비" in plan
    html = page(site, "en/notices/N-2025-0001/index.html")
    assert '<ul class="required-documents"><li>입찰참가신청서</li><li>건설업 등록증 사본</li>' in html


def test_late_agency_payment_signal():
    """Working days from the day after the claim, progress and final claims only, open claims to
    the as-of date, claims after it not due; the same deadline as the contract page."""
    from signals_support import TODAY, dataset, flagged

    def row(pid, cid, kind, claim_date, paid_date="", amount=100, paid_amount=None):
        return {"payment_id": pid, "contract_id": cid, "kind": kind, "claim_date": claim_date,
                "amount": amount, "paid_date": paid_date or None, "paid_amount": paid_amount}

    assert TODAY == "2025-06-30"
    ds = dataset(contract_payments=[
        row("A", "C1", "progress", "2025-06-06", "2025-06-16"),  # Fri -> Mon+1 week: 6 working days
        row("B", "C2", "final", "2025-06-06", "2025-06-13"),  # 5 working days: on time
        row("C", "C3", "advance", "2025-01-01", "2025-03-01"),  # advances are not judged
        row("D", "C4", "final", "2025-06-16"),  # open: 10 working days by 2025-06-30
        row("E", "C5", "final", "2025-06-02", "2025-06-03", paid_amount=50),  # paid in part: open
        row("F", "C6", "final", "2025-07-01"),  # claimed after the as-of date
    ])
    hits = flagged(ds, "late-agency-payment")
    assert set(hits) == {("contracts", "C1"), ("contracts", "C4"), ("contracts", "C5")}
    assert hits[("contracts", "C4")] == {"late": 1, "paid_late": 0, "unpaid": 1, "max_days": None,
                                         "oldest": "2025-06-16", "limit": 5, "ids": ("D",)}
    assert hits[("contracts", "C1")]["max_days"] == 6  # working days, claim to payment
    assert set(flagged(ds, "late-agency-payment", CB_CONTRACT_PAYMENT_DAYS=10)) == {("contracts", "C5")}
    assert set(flagged(ds, "late-agency-payment", CB_SIGNALS_AGENCY_PAYMENT_DAYS=6)) == {
        ("contracts", "C4"), ("contracts", "C5")}


def test_only_late_claims_are_kept_and_a_claim_without_an_id_is_named_by_its_contract():
    """The late claims are picked before their ids are made: an id-less claim is named by its
    contract, kind and claim date; on-time, unjudged, undated and future claims are not kept."""
    from signals_support import dataset

    from clearbuild.signals.base import Context
    from clearbuild.signals.payments import late_agency_claims
    from clearbuild.signals.settings import DEFAULTS

    rows = [{"payment_id": pid, "contract_id": cid, "kind": kind, "claim_date": claimed,
             "paid_date": paid, "amount": 100, "paid_amount": None}
            for pid, cid, kind, claimed, paid in [
                ("A", "C1", "progress", "2025-06-06", "2025-06-16"),  # late, paid
                ("", "C7", "final", "2025-06-02", None),  # late, open, no id of its own
                ("B", "C2", "final", "2025-06-06", "2025-06-13"),  # on time
                ("C", "C3", "advance", "2025-01-01", "2025-03-01"),  # not judged
                ("G", "C8", "final", "", None),  # no claim date
                ("F", "C6", "final", "2025-07-01", None)]]  # after the as-of date
    ds = dataset(contract_payments=rows)
    ctx = Context(ds, dict(DEFAULTS), __import__("datetime").date(2025, 6, 30))
    late = late_agency_claims(ctx)
    assert late["id"].tolist() == ["A", "C7-final-2025-06-02"]
    assert late["contract_id"].tolist() == ["C1", "C7"] and late["unpaid"].tolist() == [False, True]
    assert late["counted"].tolist() == [6, 20] and set(late["limit"]) == {5}


def test_fixture_contract_is_flagged_for_late_agency_payment(site):
    html = page(site, "en/contracts/C-2025-0001/index.html")
    assert "Agency paid its contractor late" in html
    assert "Agency paid its contractor late" not in page(site, "en/contracts/C-2025-0002/index.html")


def test_search_finds_plans_by_overview_and_notices_by_required_documents(tmp_path):
    """행사 in a plan's overview only, 구비서류 words in a notice's only: both found (issue 18)."""
    import pandas as pd

    from clearbuild.search import build_index, export
    from clearbuild.search.query import Reader

    tables = {
        "procurement_plans": pd.DataFrame([{"plan_id": "PL-1", "agency": "마포구청", "title": "구민 화합 사업",
                                            "kind": "services", "description": "구민의 날 기념행사 기획과 운영"}]),
        "bid_notices": pd.DataFrame([{"notice_id": "N-1", "agency": "마포구청", "title": "축제 대행",
                                      "kind": "services", "published_at": "2025-03-01T09:00",
                                      "required_documents": "경비업 허가증 사본; 안전관리계획서"}]),
    }
    _, files, _ = build_index(tables, [], None)
    export.write_files(files, tmp_path / "search")
    reader = Reader(tmp_path / "search")
    assert [h.url for h in reader.search("행사").hits] == ["plans/PL-1/index.html"]
    assert [h.url for h in reader.search("안전관리계획서").hits] == ["notices/N-1/index.html"]
