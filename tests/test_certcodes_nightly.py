"""Two nights in a row where a company completes one more contract: the certificate printed on
night 1 still verifies on night 2's site, as superseded, with the figures it certified and its
dates; night 2's code is the current one. Also in Chromium, from file://."""

from __future__ import annotations

import re

import pytest
from browser import Watch, browser
from factory import BRN_B, copy_rows
from publish_support import workspace
from test_contracts import registered

from clearbuild.certcodes import LEDGER, read_ledger

NIGHT1, NIGHT2 = "2026-11-20", "2026-11-21"


def rows_with_a_contract_ending_on_night_2():
    rows = copy_rows()
    rows["contracts"].append({
        "contract_id": "C-2026-0003", "notice_id": "", "agency": "마포구청", "title": "보안등 교체 용역",
        "kind": "services", "method": "sole_source", "work_type": "general_services",
        "company_id": BRN_B, "amount": "30000000", "signed_at": "2026-09-01",
        "start_date": "2026-09-01", "end_date": NIGHT2, "project_id": "", "officer_phone": ""})
    return rows


def codes_of(build) -> dict[str, dict]:
    found = {}
    for f in sorted((build / "verify" / "codes").glob("*.js")):
        found.update(registered(f, "cbCertCodes"))
    return found


def certificate_code(build, kind: str = "general_services") -> str:
    html = (build / f"companies/{BRN_B}/certificates/{kind}/index.html").read_text(encoding="utf-8")
    return re.search(r'data-code="([0-9a-f]{16})"', html).group(1)


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    ws = workspace(tmp_path_factory.mktemp("ledger"))
    rows = rows_with_a_contract_ending_on_night_2()
    ws.export(NIGHT1, rows)
    first = ws.publish()
    ws.export(NIGHT2, rows)  # the same rows: C-2026-0003 ends on night 2's date
    second = ws.publish()
    return ws, ws.site / "builds" / first.build, ws.site / "builds" / second.build


def test_night_1_code_is_superseded_on_night_2_with_night_1_figures(nights):
    ws, one, two = nights
    old, new = certificate_code(one), certificate_code(two)
    assert old != new
    night1 = codes_of(one)
    assert night1[old] == {"c": BRN_B, "n": "푸른전기 주식회사", "k": "general_services", "count": 1,
                           "total": 45000000, "total_text": "45,000,000원", "first": "2025-06-30",
                           "last": "2025-06-30"}
    night2 = codes_of(two)
    assert night2[old] == {**night1[old], "seen_first": NIGHT1, "seen_last": NIGHT1,
                           "superseded": NIGHT2}
    assert night2[new] == {"c": BRN_B, "n": "푸른전기 주식회사", "k": "general_services", "count": 2,
                           "total": 75000000, "total_text": "75,000,000원", "first": "2025-06-30",
                           "last": NIGHT2}
    # Every other code was current both nights: the same entry, nothing superseded.
    assert {k: v for k, v in night2.items() if k not in (old, new)} == \
        {k: v for k, v in night1.items() if k != old}
    assert (ws.site / "current").resolve() == two.resolve()


def test_the_ledger_beside_the_history_says_the_same(nights):
    ws, one, two = nights
    rows = read_ledger(ws.base / "history")
    old, new = rows[certificate_code(one)], rows[certificate_code(two)]
    assert (old.first_seen, old.last_seen, old.superseded) == (NIGHT1, NIGHT1, NIGHT2)
    assert (new.first_seen, new.last_seen, new.superseded) == (NIGHT2, NIGHT2, "")
    assert (old.cert.count, old.cert.total, new.cert.count, new.cert.total) == (1, 45000000, 2, 75000000)
    assert len(rows) == len(codes_of(two))  # every code ever published, each once
    assert (ws.base / "history" / LEDGER).read_text(encoding="utf-8").startswith("code,company_id,")


@pytest.mark.browser
def test_verify_page_from_file_says_superseded_with_its_dates(nights):
    _, one, two = nights
    url = two.as_uri() + "/verify/index.html#"
    with browser() as ctx:
        page = ctx.new_page()
        watch = Watch(page)
        page.goto(url + certificate_code(one).upper())
        page.wait_for_selector("#verify-result.verify-superseded")
        said = page.locator("#verify-result").inner_text()
        assert f"{NIGHT1} ~ {NIGHT1}" in said and f"{NIGHT2}에 새 코드로 대체" in said
        assert "45,000,000원" in said and "유효:" not in said
        assert page.locator("#verify-result a").count() == 0  # no link to a certificate that changed
        page.goto("about:blank")
        page.goto(url + certificate_code(two))
        page.wait_for_selector("#verify-result.verify-valid")
        assert "75,000,000원" in page.locator("#verify-result").inner_text()
        assert watch.errors == [] and watch.external == [], vars(watch)
