"""The raw render limit of this machine, measured in the same run as the build it judges.

A plain Jinja2 render-and-write of N record pages of about 3 KB (one small template extending a
base, a record's dozen fields and a table of rows), each into its own ``<id>/index.html``, split
over the same number of processes as the build. Nothing of clearbuild's: no Dataset, no hashing,
no translation. The median of three runs is the figure ``invoke bench`` reports beside its own, so
every pages/s comes with the ceiling it is a share of (issue 14's target: 0.6 of it).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from jinja2 import DictLoader, Environment

BASE = (
    '<!doctype html><html lang="ko"><head><meta charset="utf-8">'
    "<title>{% block title %}{% endblock %}</title>\n"
    '<link rel="stylesheet" href="{{ root }}static/css/site.css"></head><body><header>'
    '<a href="{{ root }}index.html">site</a>\n<nav><a href="{{ root }}contracts/index.html">contracts</a> '
    '<a href="{{ root }}projects/index.html">projects</a></nav></header>\n'
    "<main>{% block main %}{% endblock %}</main><footer><p>footer text of the site, the same on every "
    "page</p></footer></body></html>")
PAGE = (
    '{% extends "base.html" %}{% block title %}{{ r.title }}{% endblock %}{% block main %}\n'
    "<h1>{{ r.title }}</h1><dl>{% for k, v in r.fields %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl>\n"
    '<table><thead><tr><th>date</th><th>what</th><th class="num">amount</th></tr></thead><tbody>\n'
    "{% for row in r.rows %}<tr><td>{{ row[0] }}</td><td>{{ row[1] }}</td>"
    '<td class="num">{{ "{:,}".format(row[2]) }}</td></tr>\n{% endfor %}</tbody></table>{% endblock %}')


def record(i: int, rows: int = 18) -> dict[str, object]:
    return {"title": f"강남대로 보도 정비공사 {i}",
            "fields": [(f"필드 {k}", f"값 {i * 31 + k} 서울특별시 도시기반시설본부") for k in range(12)],
            "rows": [(f"2025-{1 + k % 12:02d}-{1 + k % 28:02d}", f"기성 지급 {k}", 1_000_000 * (k + i % 7))
                     for k in range(rows)]}


def _work(out: str, start: int, step: int, n: int, rows: int) -> None:
    env = Environment(loader=DictLoader({"base.html": BASE, "page.html": PAGE}), autoescape=True,
                      auto_reload=False)
    template = env.get_template("page.html")
    for i in range(start, n, step):
        folder = os.path.join(out, f"R-{i:07d}")
        os.mkdir(folder)
        with open(os.path.join(folder, "index.html"), "wb") as f:
            f.write(template.render(r=record(i, rows), root="../").encode("utf-8"))


def once(n: int, workers: int, where: Path, rows: int = 18) -> float:
    out = Path(tempfile.mkdtemp(prefix="cb-raw-", dir=where))
    t = time.perf_counter()
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_work, args=(str(out), w, workers, n, rows)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    seconds = time.perf_counter() - t
    shutil.rmtree(out, ignore_errors=True)
    return n / seconds


def page_bytes(rows: int = 18) -> int:
    return len(Environment(loader=DictLoader({"base.html": BASE, "page.html": PAGE}), autoescape=True)
               .get_template("page.html").render(r=record(1, rows), root="../").encode("utf-8"))


def rows_for(size: int) -> int:
    """Table rows that make the plain page about ``size`` bytes (at least the 3 KB page's 18)."""
    rows, size_now = 18, page_bytes(18)
    while size_now < size and rows < 10_000:
        rows += max(1, (size - size_now) // 100)  # ~80 bytes a row: close in from below
        size_now = page_bytes(rows)
    return rows


def raw_limit(n: int = 20_000, workers: int = 0, runs: int = 3,
              where: Path | None = None, rows: int = 18) -> dict[str, Any]:
    """Pages/s of the plain render-and-write: median of ``runs`` (and each run, to show the spread).
    ``rows``: a longer table, for pages as large as a build's own (``rows_for``)."""
    workers = workers or os.cpu_count() or 1
    where = where or Path(tempfile.gettempdir())
    where.mkdir(parents=True, exist_ok=True)
    rates = [once(n, workers, where, rows) for _ in range(runs)]
    return {"raw_pages_per_second": round(statistics.median(rates), 1),
            "raw_runs": [round(r, 1) for r in rates], "raw_page_bytes": page_bytes(rows), "raw_pages": n}
