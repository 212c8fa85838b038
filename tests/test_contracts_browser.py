"""The certificate flow and the company map in a real headless Chromium, from file:// and over
http: type a business number (with hyphens) -> company page -> certificate -> its code checks on
/verify/; typos and tampered codes are refused; the map loads one district's markers; nothing
errors, nothing leaves the machine, and script payloads in the data never run."""

from __future__ import annotations

import pytest
from browser import Watch, browser, serve
from factory import BRN_B, write_export
from test_build import payload_rows

from clearbuild.build import build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("contracts-browser")
    plain = build(output=base / "plain", data=write_export(base / "e1"), quiet=True).output
    evil = build(output=base / "evil", data=write_export(base / "e2", payload_rows()), quiet=True).output
    return plain, evil


def certificate_flow(ctx, url: str, name: str | None = "푸른전기 주식회사") -> None:
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(url + "companies/index.html")
    page.fill("#brn", "214-87-55824")  # one digit off: the check digit catches it
    page.press("#brn", "Enter")
    page.wait_for_function("document.getElementById('brn-result').textContent.includes('올바른')")
    page.fill("#brn", "606-81-64932")  # valid, but no such company in the data
    page.click("#brn-lookup button")
    page.wait_for_function("document.getElementById('brn-result').textContent.includes('없습니다')")
    page.fill("#brn", "214-87-55823")
    page.click("#brn-lookup button")
    page.wait_for_url(f"**/companies/{BRN_B}/index.html")
    page.click(f"a[href$='companies/{BRN_B}/certificates/general_services/index.html']")
    page.wait_for_url("**/certificates/general_services/index.html")
    shown = page.locator(".cert-code").inner_text()
    assert len(shown) == 19 and shown.count("-") == 3
    if name:
        assert page.locator("h1").inner_text().startswith("실적증명서")
    page.goto(url + "verify/index.html")
    page.fill("#code", shown.lower())
    page.click("#verify button")
    page.wait_for_selector("#verify-result.verify-valid")
    result = page.locator("#verify-result").inner_text()
    assert "214-87-55823" in result and "45,000,000원" in result and "일반용역" in result
    if name:
        assert name in result
    page.click("#verify-result a")  # back to the certificate the code belongs to
    page.wait_for_url("**/certificates/general_services/index.html")
    page.goto(url + "verify/index.html")
    tampered = shown[:-1] + ("0" if shown[-1] != "0" else "1")
    page.fill("#code", tampered)
    page.click("#verify button")
    page.wait_for_selector("#verify-result.verify-invalid")
    assert "일치하는 증명서가 공개 자료에 없습니다" in page.locator("#verify-result").inner_text()
    assert watch.errors == [] and watch.dialogs == [] and watch.external == [], vars(watch)
    page.close()


def company_map(ctx, url: str) -> None:
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(url + "en/companies/map/index.html")
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=10_000)
    page.wait_for_function("document.querySelectorAll('[data-cbmap-list] li').length === 1")
    assert page.locator("[data-cbmap-list] li").inner_text().startswith("한빛건설(주)")  # 11230: largest
    page.select_option("select[data-cbmap-dataset]", "companies-11140")
    page.wait_for_function("document.querySelector('[data-cbmap-list] li') &&"
                           " document.querySelector('[data-cbmap-list] li').textContent.includes('푸른전기')")
    assert page.locator(".leaflet-marker-icon").count() == 1
    page.check("input[data-cbmap-filter=small_business]")  # 푸른전기 is not a small business
    page.wait_for_function("document.querySelectorAll('[data-cbmap-list] li').length === 0")
    page.uncheck("input[data-cbmap-filter=small_business]")
    page.check("input[data-cbmap-filter=disabled_owned]")
    page.wait_for_function("document.querySelectorAll('[data-cbmap-list] li').length === 1")
    href = page.locator("[data-cbmap-list] li a").first.get_attribute("href")
    assert href.endswith(f"en/companies/{BRN_B}/index.html")  # links stay in the page's language
    loaded = page.evaluate("Object.keys(window.CB_MAPDATA).sort()")
    assert loaded == ["companies-11140", "companies-11230"]  # one file per district, on demand
    assert watch.errors == [] and watch.dialogs == [] and watch.external == [], vars(watch)
    page.close()


def test_certificate_flow_over_http(sites):
    with serve(sites[0]) as url, browser() as ctx:
        certificate_flow(ctx, url)


def test_certificate_flow_from_file(sites):
    with browser() as ctx:
        certificate_flow(ctx, sites[0].as_uri() + "/")


def test_company_map_loads_one_district_at_a_time(sites):
    with serve(sites[0]) as url, browser() as ctx:
        company_map(ctx, url)
    with browser() as ctx:
        company_map(ctx, sites[0].as_uri() + "/")


def test_payloads_never_run(sites):
    evil = sites[1]
    with browser() as ctx:
        certificate_flow(ctx, evil.as_uri() + "/", name=None)
        page = ctx.new_page()
        watch = Watch(page)
        for path in ("contracts/index.html", "notices/N-2025-0001/index.html",
                     "contracts/C-2025-0001/index.html", f"companies/{BRN_B}/index.html",
                     "companies/district/11140/index.html", "companies/map/index.html"):
            page.goto(evil.as_uri() + "/" + path)
            page.wait_for_load_state("load")
        page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=10_000)
        page.locator(".leaflet-marker-icon").first.click()
        page.wait_for_selector(".cbmap-popup")
        assert "alert(1)" in page.locator(".cbmap-popup").inner_text()  # shown as text
        assert watch.dialogs == [] and watch.errors == [], vars(watch)
