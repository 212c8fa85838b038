"""A complex page in a real headless Chromium, from file:// and over http: the documents list and
the spending charts render, a document opens with its approval trail, nothing errors, nothing
leaves the machine."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Watch, browser, serve
from test_apartments import write_apartment_export

from clearbuild.build import build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("apartments-browser")
    return build(output=base / "out", data=write_apartment_export(base / "export"), quiet=True,
                 overrides={"CB_REPORT_DIR": str(base / "reports")}).output


def check_complex(ctx, base: str) -> None:
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(base + "apartments/A-2/index.html")
    assert page.locator("h1").inner_text() == "마포 푸른숲 아파트"
    rows = page.locator("#document-list tr[data-id]")
    assert rows.count() == 5
    assert all(rows.nth(i).is_visible() for i in range(5))
    charts = page.locator("svg.bar-chart")
    assert charts.count() == 2
    for i in range(2):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 20
        widths = [float(w) for w in charts.nth(i).locator("rect.bar").evaluate_all(
            "els => els.map(e => e.getBBox().width)")]
        assert max(widths) > 100  # the largest bar is drawn, not collapsed
    assert page.locator("svg.bar-chart").first.locator("rect.bar").count() == 3  # March to May
    page.click("#document-list a:text('승강기 유지보수 용역 계약')")
    page.wait_for_selector("#approval-trail")
    assert page.url.endswith("apartments/documents/D-11/index.html")
    assert page.locator("#approval-trail tbody tr").count() == 3
    link = page.locator("a.attachment")
    assert link.get_attribute("href").endswith("media/apartment-documents/D-11.pdf")
    page.go_back()
    page.wait_for_selector("#document-list")
    page.goto(base + "apartments/index.html")
    assert page.locator("#apartment-list tr[data-id]").count() == 3
    page.wait_for_timeout(300)  # let deferred map scripts run, so their errors are caught too
    assert watch.errors == [] and watch.dialogs == [] and watch.external == [], (
        watch.errors, watch.dialogs, watch.external)
    page.close()


def test_complex_page_from_file(site):
    with browser() as ctx:
        check_complex(ctx, site.as_uri() + "/")


def test_complex_page_over_http(site):
    with serve(site) as url, browser() as ctx:
        check_complex(ctx, url)
