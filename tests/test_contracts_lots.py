"""A bid notice divided into lots, on the site: the notice page ranks each lot apart with its own
winner and contract, the contract page names its lot, the company page its lost lot, and the
signals box of a lot's contract shows its notice's flags about that lot only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from factory import BRN_A, BRN_B, BRN_C, lot_rows, write_export
from test_contracts import page, text

from clearbuild.build import build


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("lots")
    rows = lot_rows()
    # Lot 2: BRN_C dearer than BRN_B and disqualified, so lot 2 drew one valid bid (single-bidder).
    rows["bid_results"][4].update(bid_amount="45000000", rank="", disqualified_reason="서류 미비")
    return build(output=base / "out", data=write_export(base / "export", rows), quiet=True).output


def lot_section(html: str, lot: str) -> str:
    m = re.search(rf'<section class="lot" aria-labelledby="lot-{lot}">(.*?)</section>', html, re.S)
    assert m, f"no section for lot {lot}"
    return m.group(1)


def bidders(section: str) -> list[tuple[str, str]]:
    """(company id, row class) of each bid row, in page order."""
    rows = re.findall(r'<tr( class="(\w+)")?><td class="num">[^<]*</td><td><a href="[^"]*companies/(\d+)/',
                      section)
    return [(cid, cls) for _, cls, cid in rows]


def test_notice_page_ranks_each_lot_apart_with_its_winner_and_contract(site):
    html = page(site, "notices/N-2025-0001/index.html")
    one, two = lot_section(html, "1"), lot_section(html, "2")
    assert '<h3 id="lot-1">로트 1: 보도 포장</h3>' in one and '<h3 id="lot-2">로트 2: 점자블록</h3>' in two
    assert bidders(one) == [(BRN_A, "winner"), (BRN_B, ""), (BRN_C, "disqualified")]
    assert bidders(two) == [(BRN_B, "winner"), (BRN_C, "disqualified")]
    assert "contracts/C-2025-0001/index.html" in one and "contracts/C-2025-0003/index.html" not in one
    assert "contracts/C-2025-0003/index.html" in two
    # The estimate is the whole tender's: no "% of estimate" column in a lot's table.
    assert "추정가격 대비" not in html
    assert html.count('class="records bid-results"') == 2
    en = text(page(site, "en/notices/N-2025-0001/index.html"))
    assert "This tender is divided into lots" in en and "Lot 2: 점자블록" in en


def test_contract_page_names_its_lot_and_links_to_it(site):
    html = page(site, "contracts/C-2025-0003/index.html")
    assert '<dt>로트</dt><dd><a href="../../notices/N-2025-0001/index.html#lot-2">2</a>: 점자블록' in html
    assert 'notices/N-2025-0001/index.html#lot-2">개찰결과</a>' in html
    plain = page(site, "contracts/C-2025-0002/index.html")  # sole source: no lot
    assert "<dt>로트</dt>" not in plain


def test_company_page_names_the_lot_of_a_lost_bid(site):
    lost = text(page(site, "en/companies/2148755823/index.html")).split("Bids lost", 1)[1]
    assert "lot 1: 보도 포장" in lost and "lot 2" not in lost  # BRN_B won lot 2, lost lot 1


def test_undivided_notice_keeps_one_table(tmp_path):
    out = build(output=tmp_path / "out", data=write_export(tmp_path / "e"), quiet=True).output
    html = page(out, "notices/N-2025-0001/index.html")
    assert 'class="lot"' not in html and html.count('class="records bid-results"') == 1
    assert "추정가격 대비" in html


def test_a_lots_contract_shows_its_notices_flag_about_that_lot_only(site):
    def flags(path: str) -> str:
        m = re.search(r'<section class="signals-box"[^>]*data-signals="([^"]*)"', page(site, path))
        return m.group(1) if m else ""

    assert "single-bidder" in flags("notices/N-2025-0001/index.html")
    assert "single-bidder" in flags("contracts/C-2025-0003/index.html")  # lot 2: one valid bid
    assert "single-bidder" not in flags("contracts/C-2025-0001/index.html")  # lot 1: two
    reason = text(page(site, "en/notices/N-2025-0001/index.html"))
    assert "lot 2: 1 valid bid(s) of 2 submitted" in reason
