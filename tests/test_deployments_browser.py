"""The Kyiv deployment in headless Chromium from file://: Ukrainian pages, the ten raions on the
map with OpenStreetMap's credit, the language switch to English, search without the apostrophe
and accents, no console errors and nothing fetched from the network."""

from __future__ import annotations

import re

import pytest
from browser import Watch, browser
from test_deployments import TINY

from clearbuild import deployments
from clearbuild.build import build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def kyiv(tmp_path_factory):
    base = tmp_path_factory.mktemp("kyiv-browser")
    export = deployments.demo("kyiv", sizes=TINY, out=base / "2026-11-20")
    return build(output=base / "out", data=export, settings_file=deployments.settings_file("kyiv"),
                 quiet=True).output


def test_kyiv_from_file(kyiv):
    with browser() as ctx:
        page = ctx.new_page()
        watch = Watch(page)
        page.goto((kyiv / "index.html").as_uri())
        assert page.get_attribute("html", "lang") == "uk"
        assert "Договори" in page.inner_text("header")
        page.wait_for_selector(".leaflet-overlay-pane path", timeout=15_000)
        assert page.locator(".leaflet-overlay-pane path").count() == 10
        assert "OpenStreetMap contributors" in page.locator(".leaflet-control-attribution").inner_text()
        assert "Пропустити мапу" in page.inner_text("body")

        page.click('nav.langs a[hreflang="en"]')
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == "en" and page.url.startswith("file://")
        assert "Contracts" in page.inner_text("header")

        district = next(p for p in (kyiv / "districts").glob("*/index.html"))
        page.goto(district.as_uri())
        name = page.inner_text("h1")
        assert name and not re.search(r"[\uac00-\ud7a3]", page.inner_text("body"))

        # A title with an apostrophe is found when typed with another apostrophe, else a common word.
        titles = (kyiv.parent / "2026-11-20" / "contracts.csv").read_text(encoding="utf-8")
        word = next((w for w in re.findall(r"\w+['’]\w+", titles)), "ремонт").replace("'", "ʼ")
        page.goto((kyiv / "search" / "index.html").as_uri())
        page.fill("#cb-q", word)
        page.wait_for_selector("#cb-results li a", timeout=15_000)
        assert page.locator("#cb-results li a").count() >= 1
        assert not watch.errors, watch.errors
        assert not watch.external, watch.external
