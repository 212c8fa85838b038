"""cb_search inside the real Pelican build: the page in every language, the header box on every
page, shards beside it, and the CLI answering from the built site."""

from __future__ import annotations

import pytest

from clearbuild.search.query import Reader

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(fixture_site):
    """The plain fixture site (cb_search is in pelicanconf's PLUGINS), built once per session."""
    return fixture_site


def test_search_page_and_shards_are_built(site):
    page = (site / "search" / "index.html").read_text(encoding="utf-8")
    meta = (site / "search" / "meta.js").read_text(encoding="utf-8")
    version = Reader(site / "search").meta["version"]
    assert f'data-version="{version}"' in page and version in meta
    assert 'src="../static/js/search.js?v=' in page and 'data-root="../"' in page
    en = (site / "en" / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-root="../../"' in en and 'data-lang-root="../../en/"' in en


def test_every_page_has_the_header_box(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="cb-search-box"' in home and 'action="search/index.html"' in home
    project = next((site / "projects").glob("*/index.html")).read_text(encoding="utf-8")
    assert 'action="../../search/index.html"' in project


def test_built_index_answers(site):
    reader = Reader(site / "search")
    assert reader.search("120-81-47521").hits[0].url == "companies/1208147521/index.html"
    meta = reader.meta
    for doc in range(meta["count"]):  # every result links to a page that exists
        url = reader.load(reader.doc_shard(doc))[doc % meta["per"]][1]
        assert (site / url).exists(), url
