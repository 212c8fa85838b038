"""Search in a real headless Chromium, from file:// and over http: the header box on the home
page leads to the results, the first result is the expected record and opens; as-you-type,
filters, keyboard, the query in the URL; data text never runs as HTML; no console errors."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import search_fake
from browser import Watch, browser, serve

from clearbuild.search.standalone import build_site

pytestmark = pytest.mark.browser
EVIL = {"project_id": "P-79", "name": "<img src=x onerror=alert(1)> 위험제목", "agency": "x",
        "district_code": "11110", "start_date": "2025-01-01"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("searchsite")
    tables = search_fake.tables()
    tables["projects"] = pd.concat([tables["projects"], pd.DataFrame([EVIL])], ignore_index=True)
    build_site(out, tables, search_fake.PAGES)
    return out


def first_result(page) -> str:
    page.wait_for_selector("#cb-results li a", timeout=10_000)
    return page.locator("#cb-results li a").first.inner_text()


def journey(ctx, home: str) -> None:
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(home)
    page.fill("form.cb-search-box input[name=q]", "세종대로의 보행환경")
    page.press("form.cb-search-box input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"search/index\.html\?q="))
    assert "세종대로 보행환경 개선사업" in first_result(page)
    assert re.search(r"\d+\+? results", page.inner_text("#cb-status"))
    assert page.locator("#cb-results li a").first.locator("mark").count() >= 1
    assert float(page.get_attribute("#cb-status", "data-ms")) >= 0

    # As you type: no submit needed; the URL follows the query.
    page.fill("#cb-q", "120-81-47521")
    page.wait_for_function("location.search.includes('120-81-47521')")
    page.wait_for_function(
        "document.querySelector('#cb-results a') && "
        "document.querySelector('#cb-results a').href.includes('companies/1208147521/')")
    page.select_option("#cb-kind", "contracts")
    page.wait_for_function("location.search.includes('kind=contracts')")
    page.wait_for_function(
        "[...document.querySelectorAll('#cb-results a')].every(a => a.href.includes('/contracts/'))"
        " && document.querySelectorAll('#cb-results a').length > 0")
    page.select_option("#cb-kind", "")

    # Data is text, never markup.
    page.fill("#cb-q", "위험제목")
    page.wait_for_function("document.querySelector('#cb-results a') && "
                           "document.querySelector('#cb-results a').textContent.includes('<img')")
    assert page.locator("#cb-results img").count() == 0

    # Keyboard: arrow down from the box to the first result, Enter opens it.
    page.fill("#cb-q", "C-2025-004211")
    page.wait_for_function("document.querySelector('#cb-results a') && "
                           "document.querySelector('#cb-results a').href.includes('C-2025-004211')")
    page.focus("#cb-q")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.href").endswith("contracts/C-2025-004211/index.html")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"contracts/C-2025-004211/index\.html$"))
    assert "세종대로 보행환경 개선공사" in page.inner_text("#record-title")

    # A linked result list opens directly.
    page.goto(home.replace("index.html", "") + "search/index.html?q=%EC%84%B8%EC%A2%85%EB%8C%80%EB%A1%9C")
    assert "세종대로" in first_result(page)
    assert not watch.errors, watch.errors
    assert not watch.dialogs and not watch.external
    page.close()


def test_search_from_file_url(site):
    with browser() as ctx:
        journey(ctx, (site / "index.html").as_uri())


def test_search_over_http(site):
    with serve(site) as url, browser() as ctx:
        journey(ctx, url + "index.html")
