"""The Allimi pages in a real headless Chromium, over http and from file://: markers render, a
filter changes the list, a project page opens, nothing errors, nothing leaves the machine, and
script payloads in the data never run."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Watch, browser, serve
from factory import write_export
from test_build import payload_rows

from clearbuild.build import build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("allimi")
    plain = build(output=base / "plain", data=write_export(base / "e1"), quiet=True).output
    evil = build(output=base / "evil", data=write_export(base / "e2", payload_rows()), quiet=True).output
    return plain, evil


def markers(page) -> int:
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=10_000)
    return page.locator(".leaflet-marker-icon, .marker-cluster").count()


def visible_rows(page) -> int:
    return page.locator("#project-list tbody tr:visible").count()


def check_home(ctx, url: str) -> None:
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(url + "index.html")
    assert markers(page) >= 1
    assert page.locator(".leaflet-overlay-pane path").count() >= 25  # district boundaries
    assert visible_rows(page) == 3
    page.select_option("form.filters select[name=status]", "completed")
    page.wait_for_function("document.querySelectorAll('#project-list tbody tr:not([hidden])').length === 1")
    assert visible_rows(page) == 1
    page.click("#project-list tbody tr:visible a")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "망원 유수지 정비"
    assert page.url.endswith("projects/P-0002/index.html")
    assert watch.errors == [] and watch.dialogs == [] and watch.external == []
    page.close()


def test_home_over_http(sites):
    with serve(sites[0]) as url, browser() as ctx:
        check_home(ctx, url)


def test_home_from_file(sites):
    with browser() as ctx:
        check_home(ctx, Path(sites[0]).as_uri() + "/")


def test_payloads_never_run_and_markers_still_show(sites):
    evil = sites[1]
    with browser() as ctx:
        for path in ["index.html", "projects/P-0001/index.html", "districts/11230/index.html"]:
            page = ctx.new_page()
            watch = Watch(page)
            page.goto(Path(evil / path).as_uri())
            assert markers(page) >= 1
            page.wait_for_timeout(300)
            assert watch.dialogs == [], path
            assert watch.errors == [], (path, watch.errors)
            page.close()
