"""The offline archive, unzipped and opened from file:// in headless Chromium: the map, search and
a record page with its change history work, nothing errors, nothing leaves the machine."""

from __future__ import annotations

import zipfile

import pytest
from browser import Watch, browser
from factory import copy_rows
from publish_support import history_theme, workspace

from clearbuild.publish.archive import archive

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory):
    ws = workspace(tmp_path_factory.mktemp("offline"))
    theme = str(history_theme(ws.base))
    ws.export("2026-11-20")
    ws.publish(THEME=theme)
    rows = copy_rows()
    rows["contracts"][0]["amount"] = "1381234567"
    ws.export("2026-11-21", rows)
    ws.publish(THEME=theme)
    path, _ = archive(ws.site, ws.base / "copy.zip")
    with zipfile.ZipFile(path) as z:
        z.extractall(ws.base / "usb")
    return ws.base / "usb" / "clearbuild-2026-11-21"


def test_archive_works_from_file_url(unzipped):
    with browser() as ctx:
        page = ctx.new_page()
        watch = Watch(page)
        page.goto((unzipped / "index.html").as_uri())
        page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=10_000)
        page.goto((unzipped / "search" / "index.html").as_uri() + "?q=%EA%B0%95%EB%82%A8%EB%8C%80%EB%A1%9C")
        page.wait_for_selector("#cb-results li a", timeout=10_000)
        assert "강남대로" in page.locator("#cb-results li a").first.inner_text()
        page.goto((unzipped / "contracts" / "C-2025-0001" / "index.html").as_uri())
        history = page.locator("section.history").inner_text()
        assert "2026-11-21" in history and "1,100,000,000" in history and "1,381,234,567" in history
        assert watch.errors == [] and watch.dialogs == [] and watch.external == [], watch.errors
        page.close()
