"""Issue 18's story in a real headless Chromium, from file:// and over http: an events company
searches 행사 -> the city's planned event procurement with its overview (사업 개요) -> its bid
notice with the required documents (구비서류) -> the awarded contract, paid (대금지급 여부) ->
the company's performance certificate -> its code checks on /verify/."""

from __future__ import annotations

import pytest
from browser import Watch, browser, serve
from factory import BRN_B, BRN_C, copy_rows, write_export

from clearbuild.build import build

pytestmark = pytest.mark.browser

AGENCY = "마포구청"
TITLE = "2025 마포구민의 날 기념행사 대행 용역"


def story_rows() -> dict:
    rows = copy_rows()
    rows["procurement_plans"].append({
        "plan_id": "PL-2025-EVT", "agency": AGENCY, "title": "마포구민의 날 운영", "kind": "services",
        "method": "open", "estimated_amount": "50000000", "planned_month": "2025-03",
        "description": "구민의 날 기념행사 기획·운영, 무대·음향 설치와 안전관리. 소요예산 50,000,000원. "
                       "2025년 5월 개최."})
    rows["bid_notices"].append({
        "notice_id": "N-2025-EVT", "plan_id": "PL-2025-EVT", "agency": AGENCY, "title": TITLE,
        "kind": "services", "method": "open", "estimated_price": "48000000", "eligibility": "",
        "required_documents": "입찰참가신청서; 행사 기획·운영 제안서; 최근 3년 이내 행사 수행 실적증명서",
        "published_at": "2025-03-10T09:00", "deadline": "2025-03-20T18:00", "opening_at": "2025-03-21T11:00"})
    rows["bid_results"] += [
        {"notice_id": "N-2025-EVT", "company_id": BRN_B, "bid_amount": "46000000", "rank": "1",
         "winner": "true", "disqualified_reason": ""},
        {"notice_id": "N-2025-EVT", "company_id": BRN_C, "bid_amount": "47000000", "rank": "2",
         "winner": "false", "disqualified_reason": ""}]
    rows["contracts"].append({
        "contract_id": "C-2025-EVT", "notice_id": "N-2025-EVT", "agency": AGENCY, "title": TITLE,
        "kind": "services", "method": "open", "work_type": "general_services", "company_id": BRN_B,
        "amount": "46000000", "signed_at": "2025-03-25", "start_date": "2025-04-01", "end_date": "2025-05-31"})
    rows["contract_payments"].append({
        "payment_id": "CP-EVT", "contract_id": "C-2025-EVT", "kind": "final", "claim_date": "2025-06-02",
        "amount": "46000000", "paid_date": "2025-06-05", "paid_amount": "46000000"})
    return rows


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("payments-browser")
    return build(output=base / "out", data=write_export(base / "e", story_rows()), quiet=True).output


def story(ctx, url: str) -> None:
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(url + "index.html")
    page.fill("form.cb-search-box input[name=q]", "행사")
    page.press("form.cb-search-box input[name=q]", "Enter")
    plan = page.locator("#cb-results a[href$='plans/PL-2025-EVT/index.html']")
    plan.wait_for(timeout=10_000)
    assert page.locator("#cb-results a[href$='notices/N-2025-EVT/index.html']").count() == 1
    plan.click()
    page.wait_for_url("**/plans/PL-2025-EVT/index.html")
    overview = page.locator("section[aria-labelledby=overview]").inner_text()
    assert "사업 개요" in overview and "기념행사 기획·운영" in overview and "50,000,000원" in overview
    page.click("main a[href$='notices/N-2025-EVT/index.html']")
    page.wait_for_url("**/notices/N-2025-EVT/index.html")
    docs = page.locator("ul.required-documents li").all_inner_texts()
    assert docs == ["입찰참가신청서", "행사 기획·운영 제안서", "최근 3년 이내 행사 수행 실적증명서"]
    page.click("main dd a[href$='contracts/C-2025-EVT/index.html']")
    page.wait_for_url("**/contracts/C-2025-EVT/index.html")
    facts = page.locator("dl.facts").inner_text()
    assert "대금지급 여부" in facts and "지급 완료" in facts and "2025-04-01 – 2025-05-31" in facts
    row = page.locator("table.payments-table tbody tr").inner_text()
    assert "준공금" in row and "46,000,000원" in row and "2025-06-05" in row
    assert page.locator("table.payments-table tr.overdue").count() == 0
    page.click(f"dl.facts a[href$='companies/{BRN_B}/index.html']")
    page.wait_for_url(f"**/companies/{BRN_B}/index.html")
    page.click(f"a[href$='companies/{BRN_B}/certificates/general_services/index.html']")
    page.wait_for_url("**/certificates/general_services/index.html")
    assert "214-87-55823" in page.locator("main").inner_text()
    assert TITLE in page.locator("table.records").inner_text()
    code = page.locator(".cert-code").inner_text()
    # An open claim's days run to the data's date (2025-08-20), counted in the browser from the
    # claim date the page carries (clearbuild.filters.days_since): 2025-07-28 -> 23 days.
    page.goto(url + "en/contracts/C-2025-0001/index.html")
    claims = page.locator("table.payments-table").inner_text()
    assert "23 so far" in claims and "since 2025-07-28" not in claims
    page.goto(url + "verify/index.html")
    page.fill("#code", code)
    page.click("#verify button")
    page.wait_for_selector("#verify-result.verify-valid")
    assert "91,000,000원" in page.locator("#verify-result").inner_text()  # 45,000,000 + 46,000,000 paid
    assert watch.errors == [] and watch.dialogs == [] and watch.external == [], vars(watch)
    page.close()


def test_story_over_http(site):
    with serve(site) as url, browser() as ctx:
        story(ctx, url)


def test_story_from_file(site):
    with browser() as ctx:
        story(ctx, site.as_uri() + "/")
