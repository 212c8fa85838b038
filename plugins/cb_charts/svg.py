"""Inline SVG charts: they need no JavaScript, print well, and scale on a phone.

Pure functions returning Markup; every text from data goes through markupsafe.escape.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from markupsafe import Markup, escape


def _days(d: str) -> int:
    return date.fromisoformat(d[:10]).toordinal()


def progress_chart(points: Sequence[dict[str, Any]], title: str = "", planned_label: str = "planned",
                   actual_label: str = "actual", width: int = 560, height: int = 220) -> Markup:
    """Planned vs actual progress (0-100 %) over dates, as two polylines with a legend."""
    pts = sorted((p for p in points if p.get("date")), key=lambda p: p["date"])
    if not pts:
        return Markup("")
    if len(pts) == 1:
        return _single_report(pts[0], title, planned_label, actual_label, width)
    left, right, top, bottom = 40, 10, 10, 40
    w, h = width - left - right, height - top - bottom
    d0, d1 = _days(pts[0]["date"]), _days(pts[-1]["date"])
    span = max(d1 - d0, 1)

    def xy(p: dict[str, Any], key: str) -> str:
        x = left + (w * (_days(p["date"]) - d0) / span if len(pts) > 1 else w / 2)
        y = top + h - h * float(p[key]) / 100.0
        return f"{x:.1f},{y:.1f}"

    grid = "".join(
        f'<line x1="{left}" x2="{left + w}" y1="{top + h - h * g / 100:.1f}" '
        f'y2="{top + h - h * g / 100:.1f}" class="grid"/><text x="{left - 4}" '
        f'y="{top + h - h * g / 100 + 4:.1f}" text-anchor="end">{g}%</text>'
        for g in (0, 25, 50, 75, 100))
    planned = " ".join(xy(p, "planned_pct") for p in pts)
    actual = " ".join(xy(p, "actual_pct") for p in pts)
    return Markup(
        f'<svg class="chart progress-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{grid}'
        f'<polyline class="planned" points="{planned}" fill="none"/>'
        f'<polyline class="actual" points="{actual}" fill="none"/>'
        f'<text x="{left}" y="{height - 22}">{escape(pts[0]["date"][:10])}</text>'
        f'<text x="{left + w}" y="{height - 22}" text-anchor="end">{escape(pts[-1]["date"][:10])}</text>'
        f'<g class="legend"><line x1="{left}" x2="{left + 20}" y1="{height - 6}" y2="{height - 6}" '
        f'class="planned"/><text x="{left + 24}" y="{height - 2}">{escape(planned_label)}</text>'
        f'<line x1="{left + 120}" x2="{left + 140}" y1="{height - 6}" y2="{height - 6}" class="actual"/>'
        f'<text x="{left + 144}" y="{height - 2}">{escape(actual_label)}</text></g></svg>')


def _single_report(p: dict[str, Any], title: str, planned_label: str, actual_label: str,
                   width: int) -> Markup:
    """One report has no line to draw: planned and actual as two bars on a 0-100 % scale, dated."""
    left, right, bar, gap = 90, 50, 22, 10
    w = width - left - right
    height = 30 + 2 * (bar + gap) + 16
    rows = ""
    for i, (key, label) in enumerate((("planned_pct", planned_label), ("actual_pct", actual_label))):
        v = max(0.0, min(100.0, float(p[key])))
        y = 26 + i * (bar + gap)
        rows += (f'<text x="{left - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end">{escape(label)}</text>'
                 f'<rect x="{left}" y="{y}" width="{w}" height="{bar}" class="track"/>'
                 f'<rect x="{left}" y="{y}" width="{w * v / 100:.1f}" height="{bar}" class="bar {key[:-4]}"/>'
                 f'<text x="{left + w * v / 100 + 4:.1f}" y="{y + bar * 0.7:.1f}">{v:g}%</text>')
    ticks = "".join(f'<text x="{left + w * g / 100:.1f}" y="{height - 2}" text-anchor="middle">{g}%</text>'
                    for g in (0, 50, 100))
    return Markup(
        f'<svg class="chart progress-chart single" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<text x="{left}" y="14">{escape(str(p["date"])[:10])}</text>{rows}{ticks}</svg>')


def bar_chart(items: Sequence[tuple[str, float]], title: str = "", fmt: Any = None,
              width: int = 560, bar: int = 18) -> Markup:
    """Horizontal bars, label on the left, value on the right; sorted as given."""
    items = list(items)
    if not items:
        return Markup("")
    fmt = fmt or (lambda v: f"{v:,.0f}")
    top = max((v for _, v in items), default=0) or 1
    label_w, value_w = 170, 130
    w = width - label_w - value_w
    height = len(items) * (bar + 6) + 4
    rows = []
    for i, (label, value) in enumerate(items):
        y = 2 + i * (bar + 6)
        bw = max(w * value / top, 1 if value else 0)
        rows.append(
            f'<text x="{label_w - 6}" y="{y + bar - 5}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{bw:.1f}" height="{bar}" class="bar"/>'
            f'<text x="{label_w + bw + 4:.1f}" y="{y + bar - 5}">{escape(fmt(value))}</text>')
    return Markup(f'<svg class="chart bar-chart" viewBox="0 0 {width} {height}" role="img" '
                  f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(rows)}</svg>')
