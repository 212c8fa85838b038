"""The /signals/ filter in a real headless Chromium, from file://: the form appears, each choice
shows exactly the rows carrying it, a choice in the address is applied, and nothing errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Watch, browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(fixture_site) -> Path:
    """The plain fixture site, built once per session (tests/conftest.py)."""
    return fixture_site


def visible(page) -> list[str]:
    return page.locator("#signal-table tbody tr").evaluate_all(
        "rows => rows.filter(r => !r.hidden).map(r => r.getAttribute('data-signals'))")


def test_filters_from_file(site):
    with browser() as ctx:
        page = ctx.new_page()
        watch = Watch(page)
        page.goto((site / "signals" / "index.html").as_uri())
        assert page.locator("form.signal-filters").is_visible()
        every = visible(page)
        assert len(every) >= 3
        page.select_option("select[name=signal]", "progress-lag")
        shown = visible(page)
        assert shown and all("progress-lag" in s.split() for s in shown)
        assert len(shown) == sum("progress-lag" in s.split() for s in every)
        assert page.locator("#signal-table [data-count]").inner_text() == str(len(shown))
        assert "signal=progress-lag" in page.url
        page.select_option("select[name=signal]", "")
        page.select_option("select[name=district]", "11230")
        in_gangnam = page.locator("#signal-table tbody tr:not([hidden])").evaluate_all(
            "rows => rows.map(r => r.getAttribute('data-district'))")
        assert in_gangnam and set(in_gangnam) == {"11230"}
        page.select_option("select[name=district]", "")
        assert len(visible(page)) == len(every)
        page.goto((site / "signals" / "index.html").as_uri() + "#signal=lowest-disqualified")
        page.reload()
        assert page.locator("select[name=signal]").input_value() == "lowest-disqualified"
        assert all("lowest-disqualified" in s.split() for s in visible(page))
        assert watch.errors == [] and watch.dialogs == [] and watch.external == [], (
            watch.errors, watch.dialogs, watch.external)
        page.close()
