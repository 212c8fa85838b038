"""Issue 17: the map follows the list. A filter zooms to what it selects, a district to its
boundary; a legend names the pin colours; popups show status, budget and a link; a skip link
jumps over the map; clusters open from the keyboard."""

from __future__ import annotations

import pytest
from browser import Watch, browser
from test_maps_browser import site  # noqa: F401  (the synthetic 60-pin map page)

pytestmark = pytest.mark.browser
CENTRE = "(() => { const m = CBMap.controller('projects-map').map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; })()"


def settle(p) -> None:
    p.wait_for_timeout(900)


def test_filters_zoom_legend_popup_and_skip_link(fixture_site):
    with browser() as ctx:
        p = ctx.new_page()
        p.set_viewport_size({"width": 1200, "height": 900})
        watch = Watch(p)
        p.goto((fixture_site / "index.html").as_uri())
        p.wait_for_selector(".cbmap-legend", timeout=10_000)
        legend = p.locator(".cbmap-legend")
        assert legend.get_attribute("aria-label") == "범례"
        assert sorted(legend.locator(".cbmap-legend-row").all_inner_texts()) == ["계획", "공사 중", "준공"]
        lat0, lon0, zoom0 = p.evaluate(CENTRE)
        # A district zooms to its boundary (Mapo-gu: west of the centre, lat 37.53–37.59).
        p.select_option("select[name=district]", "11140")
        settle(p)
        lat, lon, zoom = p.evaluate(CENTRE)
        assert zoom > zoom0 and 37.52 < lat < 37.60 and 126.85 < lon < 126.97
        # Another filter zooms to the pins it leaves; clearing all goes back to the first view.
        p.select_option("select[name=district]", "")
        p.select_option("select[name=status]", "planned")
        settle(p)
        lat, lon, zoom = p.evaluate(CENTRE)
        assert abs(lat - 37.5826) < 0.01 and abs(lon - 126.9816) < 0.01 and zoom > zoom0
        p.select_option("select[name=status]", "")
        settle(p)
        assert p.evaluate(CENTRE)[2] == zoom0
        # The popup: translated status, budget, a relative link.
        assert p.evaluate("CBMap.controller('projects-map').reveal('P-0002')") is True
        p.wait_for_selector(".cbmap-popup-fields", timeout=10_000)
        text = p.locator(".cbmap-popup").inner_text()
        assert "준공" in text and "500,000,000원" in text and "마포구청" in text
        assert p.locator(".cbmap-popup-more").get_attribute("href") == "projects/P-0002/index.html"
        # The skip link is the first stop before the map and lands after it.
        skip = p.locator("a.cbmap-skip")
        target = skip.get_attribute("href")
        assert target == "#cbmap-projects_map-after" and p.locator(target).count() == 1
        skip.focus()
        p.keyboard.press("Enter")
        assert p.evaluate("document.activeElement.id") == "cbmap-projects_map-after"
        assert not watch.errors and not watch.external
        p.goto((fixture_site / "en" / "index.html").as_uri())
        p.wait_for_selector(".cbmap-legend", timeout=10_000)
        assert p.locator(".cbmap-legend").get_attribute("aria-label") == "Legend"
        assert "In progress" in p.locator(".cbmap-legend").inner_text()
        assert p.locator("a.cbmap-skip").inner_text() == "Skip the map"


def test_clusters_open_from_the_keyboard(site):  # noqa: F811
    with browser() as ctx:
        p = ctx.new_page()
        watch = Watch(p)
        p.goto((site / "districts" / "x" / "index.html").as_uri())
        p.wait_for_selector(".marker-cluster", timeout=10_000)
        cluster = p.locator(".marker-cluster").first
        assert cluster.get_attribute("role") == "button" and cluster.get_attribute("tabindex") == "0"
        assert cluster.get_attribute("aria-label")
        zoom = p.evaluate("CBMap.controller('projects-map').map.getZoom()")
        cluster.focus()
        p.keyboard.press("Enter")
        p.wait_for_timeout(1200)
        after = p.evaluate("CBMap.controller('projects-map').map.getZoom()")
        spread = p.locator(".leaflet-marker-icon.cbmap-pin").count()
        assert after > zoom or spread > 0
        assert not watch.errors
