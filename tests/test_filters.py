"""Template filters and SVG charts: pure functions, tested without Pelican."""

from __future__ import annotations

import math
import re

import pytest
from cb_charts.svg import bar_chart, progress_chart
from markupsafe import Markup

from clearbuild import filters, urls


@pytest.mark.parametrize("value,expected", [(1381234567, "1,381,234,567원"), (0, "0원"),
                                            (None, "–"), (math.nan, "–")])
def test_money(value, expected):
    assert filters.money(value) == expected


def test_money_minor_units_for_other_currencies():
    assert filters.money(123456, symbol="UAH", minor_digits=2) == "1,234.56 UAH"


@pytest.mark.parametrize("url,ok", [("https://example.org/a?b=1", True), ("http://x.kr", True),
                                    ("javascript:alert(1)", False), ("data:text/html,x", False),
                                    (" JAVASCRIPT:alert(1)", False), ("//evil.example", False),
                                    ("https://x.org/\"onmouseover=alert(1)", False)])
def test_safe_url_allows_only_http(url, ok):
    assert (filters.safe_url(url) != "") is ok


def test_brn_format():
    assert filters.brn("1208147521") == "120-81-47521"
    assert filters.brn("abc") == "abc"


def test_overrun_and_days():
    assert round(filters.overrun(1_200_000_000, 1_381_234_567), 2) == 15.10
    assert filters.overrun(0, 5) is None
    assert filters.days_between("2025-06-01", "2025-06-16") == 15


def test_json_script_cannot_be_closed_by_data():
    out = str(filters.json_script({"t": "</script><script>alert(1)</script>", "u": "${x}`"}, "d"))
    assert out.count("</script>") == 1 and out.endswith("</script>")
    assert "\\u003c/script\\u003e" in out


def test_record_paths_refuse_climbing_ids():
    assert urls.record_path("projects", "P-1") == "projects/P-1/index.html"
    with pytest.raises(ValueError):
        urls.record_path("projects", "../x")
    assert urls.root_prefix("projects/P-1/index.html") == "../../"
    assert urls.root_prefix("index.html") == ""


def test_progress_chart_escapes_and_scales():
    svg = str(progress_chart([{"date": "2025-01-01", "planned_pct": 0, "actual_pct": 0},
                              {"date": "2025-03-01", "planned_pct": 100, "actual_pct": 50}],
                             title="<b>x</b>"))
    assert "&lt;b&gt;x&lt;/b&gt;" in svg and "<b>" not in svg
    assert 'points="40.0,180.0 550.0,10.0"' in svg  # planned: 0% bottom-left to 100% top-right
    assert 'points="40.0,180.0 550.0,95.0"' in svg  # actual ends at 50%
    assert str(progress_chart([])) == ""


def test_bar_chart_longest_bar_is_the_largest_value():
    svg = str(bar_chart([("A<", 10), ("B", 5)]))
    assert "A&lt;" in svg
    assert 'width="260.0"' in svg and 'width="130.0"' in svg


def test_progress_chart_with_a_single_report_draws_bars():
    svg = str(progress_chart([{"date": "2025-06-30", "planned_pct": 35, "actual_pct": 25.5}],
                             title="진척", planned_label="계획", actual_label="실적"))
    assert "<polyline" not in svg  # a line through one point draws nothing
    assert svg.count('class="bar ') == 2 and "35%" in svg and "25.5%" in svg and "2025-06-30" in svg
    widths = re.findall(r'class="bar (planned|actual)"', svg)
    assert widths == ["planned", "actual"] and "계획" in svg and "실적" in svg
    assert svg == str(progress_chart([{"date": "2025-06-30", "planned_pct": 35, "actual_pct": 25.5}],
                                     title="진척", planned_label="계획", actual_label="실적"))


@pytest.mark.parametrize("value", ["(주)한빛 & <건설>", "O'Brien \"Ltd\"", Markup("<b>a</b>"), 12345,
                                   1.5, "שלום", "  spaced  "])
def test_bdi_isolates_and_escapes_a_name_like_markup_format(value: object) -> None:
    assert filters.bdi(value) == Markup("<bdi>{}</bdi>").format(value)
    assert isinstance(filters.bdi(value), Markup)


@pytest.mark.parametrize("value", [None, "", float("nan")])
def test_bdi_of_nothing_is_empty(value: object) -> None:
    assert filters.bdi(value) == ""
