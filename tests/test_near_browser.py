"""Near me in the browser, from file:// and over http: a typed neighbourhood or road (Korean or
romanised) sorts the project list by distance with the distance shown, hides what is beyond the
radius and narrows the map; ?near= opens a page with the place chosen; apartments too."""

from __future__ import annotations

import re

import pytest
from browser import Watch, browser, serve

pytestmark = pytest.mark.browser
ROWS = "Array.from(document.querySelectorAll('#project-list tbody tr')).filter(r => !r.hidden).map(r => r.dataset.id)"
PINS = "CBMap.find(document.getElementById('project-list')).group.getLayers().length"


def wait_status(p) -> str:
    p.wait_for_function("document.querySelector('[data-near-status]').textContent.length > 0", timeout=10_000)
    return p.locator("[data-near-status]").inner_text()


def test_typing_a_neighbourhood_sorts_the_list_by_distance_from_file(fixture_site):
    with browser() as ctx:
        p = ctx.new_page()
        watch = Watch(p)
        p.goto((fixture_site / "index.html").as_uri())
        p.wait_for_selector(".cbmap-legend", timeout=10_000)
        assert p.evaluate(PINS) == 3
        p.select_option("form.near select[name=radius]", "5000")
        p.fill("form.near input[name=place]", "망원동")  # 망원1동 and 망원2동: their mean
        p.press("form.near input[name=place]", "Enter")
        status = wait_status(p)
        assert "망원동" in status and "5 km" in status
        assert p.evaluate(ROWS) == ["P-0002"]  # Gangnam and Jongno are farther than 5 km
        assert p.evaluate(PINS) == 1
        assert re.fullmatch(r"\d+ m|\d+\.\d km", p.locator("#project-list tr[data-id=P-0002] .near-distance").inner_text())
        # A wider radius keeps every project, nearest first, each with its distance.
        p.select_option("form.near select[name=radius]", "2000")
        p.fill("form.near input[name=place]", "Gangnam-daero")
        p.press("form.near input[name=place]", "Enter")
        p.wait_for_function("document.querySelector('[data-near-status]').textContent.indexOf('2 km') >= 0", timeout=10_000)
        assert p.evaluate(ROWS) == ["P-0001"]
        order = p.evaluate("Array.from(document.querySelectorAll('#project-list tbody tr')).map(r => r.dataset.id)")
        assert order[0] == "P-0001"
        p.click("form.near [data-near-clear]")
        assert sorted(p.evaluate(ROWS)) == ["P-0001", "P-0002", "P-0003"] and p.evaluate(PINS) == 3
        assert not watch.errors and not watch.external


def test_near_in_the_address_opens_with_the_place_chosen_over_http(fixture_site):
    with serve(fixture_site) as base, browser() as ctx:
        p = ctx.new_page()
        watch = Watch(p)
        p.goto(base + "en/index.html?near=Mangwon-dong&r=5000")
        assert "Mangwon" in wait_status(p)
        assert p.evaluate(ROWS) == ["P-0002"]
        assert p.locator("form.near input[name=place]").input_value() == "Mangwon-dong"
        assert p.locator("#project-list tr[data-id=P-0002] .near-distance").inner_text().endswith(("m", "km"))
        # The apartments index: a sorted copy of the complexes near the place, with distances.
        p.goto(base + "apartments/index.html?near=" + "강남구" + "&r=5000")
        wait_status(p)
        p.wait_for_selector("[data-near-results] table tr[data-id]", timeout=10_000)
        assert p.locator("[data-near-results] tr[data-id]").first.get_attribute("data-id") == "A-1"
        assert p.locator("#apartment-list").is_hidden()
        assert re.search(r"\d", p.locator("[data-near-results] .near-distance").first.inner_text())
        p.goto(base + "index.html?near=nowhere-at-all")
        assert "nowhere-at-all" in wait_status(p)
        assert not watch.errors and not watch.external
