"""Issue 17: every page type fits a 360 px phone screen with no sideways page scroll, in both
languages, from file:// and over http; wide tables scroll inside a labelled region instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Watch, browser, serve

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 360, 740
# One page of every kind (the Korean path; the English one is the same under en/).
PAGES = ["index.html", "districts/11230/index.html", "projects/P-0001/index.html", "contracts/index.html",
         "plans/index.html", "plans/PL-2025-001/index.html", "notices/index.html",
         "notices/N-2025-0001/index.html", "contracts/C-2025-0001/index.html",
         "companies/2148755823/index.html", "companies/2148755823/certificates/general_services/index.html",
         "contracts/by/month/2025-03/index.html", "contracts/by/agency/index.html",
         "notices/by/month/2025-02/index.html", "companies/index.html", "companies/map/index.html",
         "companies/district/11230/index.html", "verify/index.html", "search/index.html",
         "signals/index.html", "signals/single-bidder/index.html", "signals/agencies/index.html",
         "signals/companies/index.html", "signals/methodology/index.html", "data/index.html",
         "data/dictionary/index.html", "apartments/index.html", "apartments/A-1/index.html",
         "apartments/documents/D-1/index.html", "changes/index.html", "pages/about/index.html"]
WIDE = """() => { const out = [];
  for (const e of document.querySelectorAll('body *')) {
    if (e.getBoundingClientRect().right <= innerWidth + 1) continue;
    let a = e.parentElement, clipped = false;
    while (a) { if (getComputedStyle(a).overflowX !== 'visible') { clipped = true; break; } a = a.parentElement; }
    if (!clipped) out.push(`${e.tagName}.${e.className}`);
  } return out.slice(0, 5); }"""


def all_pages(site: Path) -> list[str]:
    pages = [p for p in PAGES if (site / p).is_file()]
    english = [f"en/{p}" for p in PAGES if (site / "en" / p).is_file()]
    english += ["en/pages/about/index.html"] if (site / "en/pages/about/index.html").is_file() else []
    return pages + english


def overflowing(page, url: str) -> tuple[int, list[str]]:
    page.goto(url)
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth"), page.evaluate(WIDE)


def test_every_page_fits_360_px_from_file(fixture_site):
    pages = all_pages(fixture_site)
    assert len(pages) >= 2 * len(PAGES) - 2
    wide = {}
    with browser() as ctx:
        page = ctx.new_page()
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        watch = Watch(page)
        for p in pages:
            width, culprits = overflowing(page, (fixture_site / p).as_uri())
            if width > WIDTH:
                wide[p] = (width, culprits)
        assert not watch.external
    assert not wide, wide


def test_pages_fit_over_http_and_regions_are_labelled(fixture_site):
    with serve(fixture_site) as base, browser() as ctx:
        page = ctx.new_page()
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        for p in ["index.html", "en/index.html", "en/data/index.html", "en/projects/P-0001/index.html"]:
            assert overflowing(page, base + p)[0] <= WIDTH, p
        page.goto(base + "en/signals/agencies/index.html")
        regions = page.evaluate("""[...document.querySelectorAll('.scroll')].map(r => [r.getAttribute('role'),
            r.getAttribute('aria-label'), r.tabIndex, r.scrollWidth > r.clientWidth])""")
        assert regions and all(r[0] == "region" and r[1] and r[2] == 0 for r in regions)
        assert any(r[3] for r in regions), "a wide table scrolls inside its region"
        page.goto(base + "en/index.html")
        # The home list is stacked cards: the budget is whole and on screen.
        budget = page.locator("#project-list tbody tr:first-child td.num")
        box = budget.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
        assert page.evaluate("getComputedStyle(document.querySelector('#project-list tbody tr')).display") == "block"
    with serve(fixture_site) as base, browser() as ctx:
        page = ctx.new_page()
        page.set_viewport_size({"width": 1366, "height": 800})
        page.goto(base + "data/index.html")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        link = page.locator("table.data-files a[download]").first.bounding_box()
        assert link["x"] + link["width"] <= 1366
