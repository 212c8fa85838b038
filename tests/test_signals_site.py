"""The signals in a built site (tests/factory.py export): the box on a project page with each flag's
reason and indicator id, the /signals/ list, methodology and rate pages in both languages, a
threshold setting that changes the pages, and incremental builds that notice it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from factory import write_export
from jinja2 import DictLoader, Environment

from clearbuild.build import build
from clearbuild.signals import ORDER

pytestmark = pytest.mark.slow
THEME = Path(__file__).resolve().parent.parent / "theme" / "templates"
OVERRIDES = {"CB_SIGNALS_RATE_MIN_CONTRACTS": 1}


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    return write_export(tmp_path_factory.mktemp("signals-export") / "export")


@pytest.fixture(scope="module")
def site(tmp_path_factory, export) -> Path:
    out = tmp_path_factory.mktemp("signals-site") / "out"
    return build(output=out, data=export, quiet=True, overrides=OVERRIDES).output


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def box(html: str) -> str:
    m = re.search(r'<section class="signals-box".*?</section>', html, re.S)
    assert m, "no signals box"
    return m.group(0)


def test_project_page_lists_each_flag_with_its_numbers_and_method(site):
    b = box(read(site, "projects/P-0001/index.html"))
    found = re.findall(r'<li class="signal signal-([a-z-]+)" data-signal="\1"', b)
    # Own (design change +13.6%, progress 19 points behind, wages) and inherited from its
    # contract (end moved 59 days) and its bid notice (lowest bid disqualified).
    assert found == ["cost-overrun", "progress-lag", "unpaid-wages", "time-overrun", "late-agency-payment", "lowest-disqualified"]
    assert "13.6% 증가" in b and "59일 연장" in b and "서류 미비" in b
    assert '<a href="../../contracts/C-2025-0001/index.html">C-2025-0001</a>' in b
    assert 'href="../../signals/methodology/index.html#cost-overrun"' in b
    assert "잘못의 증거가 아닙니다" in b
    en = box(read(site, "en/projects/P-0001/index.html"))
    assert "Cost overrun" in en and "59 days later" in en and "not proof of wrongdoing" in en


def test_a_project_without_flags_has_no_box(site):
    assert 'class="signals-box"' not in read(site, "projects/P-0003/index.html")


def test_list_rows_carry_filter_data_and_link_to_records(site):
    html = read(site, "signals/index.html")
    rows = re.findall(r'<tr data-signals="([a-z -]+)" data-agency="([^"]*)" data-district="(\d*)" '
                      r'data-year="(\d*)">\s*<td><a href="([^"]+)">', html)
    assert rows, "no rows"
    assert all(set(r[0].split()) <= set(ORDER) for r in rows)
    assert any(r[4] == "../projects/P-0001/index.html" and r[2] == "11230" for r in rows)
    assert any(r[4] == "../notices/N-2025-0001/index.html" and r[2] == "11230" for r in rows)  # via project
    assert re.search(r'<form class="signal-filters" data-signal-filter="signal-table"[^>]*hidden>', html)
    assert '<script src="../static/js/signals.js"></script>' in html
    for ind in ORDER:  # the summary names every indicator with its own list page
        assert f'href="{ind}/index.html"' in html or f'href="../signals/{ind}/index.html"' in html
        assert (site / "signals" / ind / "index.html").is_file()


def test_methodology_explains_every_indicator_with_its_threshold(site):
    html = read(site, "signals/methodology/index.html")
    for ind in ORDER:
        assert f'<section class="signal-method" id="{ind}"' in html
    assert "CB_SIGNALS_COST_OVERRUN_PCT = 10.0" in html
    assert "국가계약법 시행령 제35조" in html
    assert "Local Contract Act Decree art. 25" in read(site, "en/signals/methodology/index.html")


def test_rate_pages_chart_agencies_and_companies(site):
    html = read(site, "signals/agencies/index.html")
    assert html.count('<svg class="chart bar-chart"') == 3
    assert '<tr data-agency="마포구청">' in html
    companies = read(site, "signals/companies/index.html")
    assert 'href="../../companies/2148755823/index.html"' in companies


def test_a_threshold_setting_changes_the_pages(tmp_path, export):
    strict = build(output=tmp_path / "strict", data=export, quiet=True,
                   overrides={**OVERRIDES, "CB_SIGNALS_COST_OVERRUN_PCT": 20.0}).output
    found = re.findall(r'data-signal="([a-z-]+)"', box(read(strict, "projects/P-0001/index.html")))
    assert "cost-overrun" not in found and "time-overrun" in found


def test_an_incremental_build_rerenders_pages_whose_inherited_flags_changed(tmp_path, site):
    """The project page's context does not hold its notice's bids; its flags reach the page hash
    through renderer.depends, or the page would be reused with a stale flag."""
    from factory import ROWS, copy_rows

    rows = copy_rows()
    for r in rows["bid_results"]:
        r["disqualified_reason"] = ""  # no bid refused: no lowest-disqualified flag any more
    rows["bid_results"] = [r for r in rows["bid_results"] if r["rank"] or r["winner"] == "true"]
    assert len(rows["bid_results"]) < len(ROWS["bid_results"])
    again = build(output=tmp_path / "out", data=write_export(tmp_path / "export", rows), quiet=True,
                  previous=site, overrides=OVERRIDES).output
    found = re.findall(r'data-signal="([a-z-]+)"', box(read(again, "projects/P-0001/index.html")))
    assert "lowest-disqualified" not in found and "cost-overrun" in found


def test_the_box_shows_a_companys_rates():
    env = Environment(loader=DictLoader({"box": (THEME / "cb_signals_box.html").read_text(encoding="utf-8")}),
                      autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_null_translations()
    env.filters.update(number=lambda v: f"{v:,}", pct=lambda v: "–" if v is None else f"{v:.1f}%",
                       record_url=lambda i, k: f"{k}/{i}/index.html")
    rates = {"contracts": 12, "direct": 3, "direct_share": 25.0, "tenders": 9, "single_bid": 3,
             "single_bid_rate": 33.3, "overrun": 4.2}
    env.globals.update(cb_signals_for=lambda kind, i: [], cb_signal_rates=lambda g, k: rates)
    html = env.get_template("box").render(signal_kind="companies", signal_id="2148755823", root="../../",
                                          lang_root="../../", lang="en")
    assert "3 (25.0%)" in html and "3 / 9 (33.3%)" in html and "4.2%" in html
    assert env.get_template("box").render(signal_kind="projects", signal_id="P-1", root="", lang_root="",
                                          lang="en").strip() == ""
