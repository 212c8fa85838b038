"""Issue 17: a printed certificate can be checked on paper: it names its issuer, the site's
address and the verify page's URL for its code, with a QR code of that URL made at build time
(segno); without a site address it says so and shows no QR code."""

from __future__ import annotations

import re

import pytest
from cb_contracts import paper
from factory import write_export

from clearbuild.build import build

CERT = "companies/2148755823/certificates/general_services/index.html"
SITE = "https://clean.example.go.kr/allimi"


@pytest.fixture(scope="module")
def with_url(tmp_path_factory):
    base = tmp_path_factory.mktemp("paper")
    return build(output=base / "out", data=write_export(base / "export"), quiet=True,
                 overrides={"CB_SITE_URL": SITE, "CB_ISSUER": "서울특별시 도시기반시설본부"}).output


def code_of(html: str) -> str:
    return re.search(r'data-code="([0-9a-f]{16})"', html).group(1)


def test_certificate_prints_issuer_address_verify_url_and_qr(with_url):
    html = (with_url / CERT).read_text(encoding="utf-8")
    code = code_of(html)
    url = f"{SITE}/verify/index.html?code={code}"
    assert "서울특별시 도시기반시설본부, https://clean.example.go.kr/allimi/" in html
    assert f'<a class="verify-url" href="{url}">{url}</a>' in html
    svg = re.search(r'<svg role="img" xmlns="http://www.w3.org/2000/svg"[^>]*class="qr".*?</svg>', html, re.S)
    assert svg, "the QR code is an inline SVG"
    assert f"<title>{url}</title>" in svg.group(0)
    assert "<script" not in svg.group(0) and "href" not in svg.group(0)
    # Deterministic: the same URL always gives the same bytes (no clock, no random ids).
    paper.qr_svg.cache_clear()
    assert str(paper.qr_svg(url, url)) == svg.group(0)
    assert "no-site-url" not in html
    english = (with_url / "en" / CERT).read_text(encoding="utf-8")
    assert f"{SITE}/en/verify/index.html?code={code}" in english


def test_without_a_site_address_the_certificate_says_so(fixture_site):
    html = (fixture_site / CERT).read_text(encoding="utf-8")
    assert 'class="no-site-url"' in html and "svg" not in html.split('class="paper-check"')[1]
    assert "서울특별시" in html  # the issuer defaults to the city


@pytest.mark.parametrize("value, expected", [
    ("https://a.example/x/", "https://a.example/x/"), ("http://a.example", "http://a.example/"),
    ("javascript:alert(1)", ""), ("//a.example", ""), ("https://a.example/\"><x", ""), (None, "")])
def test_only_http_addresses_are_printed(value, expected):
    assert paper.site_url({"CB_SITE_URL": value}) == expected
