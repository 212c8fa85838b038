"""Search benchmark figures (issue 4, item 8): index build seconds and bytes, bytes a browser
transfers per typical 1-, 2- and 3-word Korean query (raw and gzip, as a CDN serves them), and
query time in Chromium from shards loaded to results shown. Prints; asserts nothing.

    python -m clearbuild.search.bench [EXPORT_DIR]    (default: synthetic Seoul-scale tables)
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import time
from pathlib import Path
from statistics import mean
from typing import Any

from .query import Reader
from .standalone import build_site

QUERIES = {
    1: ["도로", "강남구", "하수관로"],
    2: ["강남구 도로포장", "하수관로 정비", "학교 내진보강"],
    3: ["송파구 도로 포장공사", "서울시 하수관로 정비공사", "어린이공원 조성 설계용역"],
}


def transfer(folder: Path, names: list[str]) -> tuple[int, int]:
    raw = packed = 0
    for n in names:
        data = (folder / f"{n}.js").read_bytes()
        raw += len(data)
        packed += len(gzip.compress(data, 6, mtime=0))
    return raw, packed


def chromium_ms(site: Path, queries: list[str]) -> dict[str, tuple[float, float]]:
    """Per query: (ms ranking and rendering, i.e. with every shard at hand, ms from term shards loaded to
    the first page of results in the DOM, which includes loading the result-store shards)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    out = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                              args=["--no-sandbox", "--disable-gpu"])
        page = b.new_page()
        for q in queries:
            page.goto((site / "search" / "index.html").as_uri() + "?q=" + q)
            page.wait_for_function("document.querySelector('#cb-status').dataset.ms", timeout=60_000)
            get = lambda a: float(page.get_attribute("#cb-status", a) or "nan")  # noqa: E731
            out[q] = (get("data-rank-ms") + get("data-render-ms"), get("data-ms"))
        b.close()
    return out


def run(tables: dict[str, Any], settings: dict[str, Any] | None = None,
        browser: bool = True) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cb-search-bench-") as tmp:
        site = Path(tmp)
        t0 = time.perf_counter()
        figures = build_site(site, tables, settings=settings, stubs=False)
        figures["total_s"] = time.perf_counter() - t0
        folder = site / "search"
        files = sorted(folder.glob("*.js"))
        figures["gzip_bytes"] = sum(len(gzip.compress(f.read_bytes(), 6, mtime=0)) for f in files)
        reader = Reader(folder)
        for n, qs in QUERIES.items():
            sizes = [transfer(folder, reader.search(q).files) for q in qs]
            figures[f"query{n}_raw"] = int(mean(s[0] for s in sizes))
            figures[f"query{n}_gzip"] = int(mean(s[1] for s in sizes))
            figures[f"query{n}_gzip_max"] = max(s[1] for s in sizes)
        if browser:
            ms = chromium_ms(site, [q for qs in QUERIES.values() for q in qs])
            if ms:
                figures["rank_ms_mean"] = round(mean(v[0] for v in ms.values()), 1)
                figures["rank_ms_max"] = round(max(v[0] for v in ms.values()), 1)
                figures["query_ms_mean"] = round(mean(v[1] for v in ms.values()), 1)
                figures["query_ms_max"] = round(max(v[1] for v in ms.values()), 1)
    return figures


def report(figures: dict[str, Any]) -> str:
    f = figures
    lines = [
        f"search index: {f['documents']:,} documents, {f['terms']:,} terms, "
        f"{f['postings']:,} postings kept of {f['pairs']:,} ({f['capped_terms']:,} terms capped)",
        f"  build {f['documents_s'] + f['score_s'] + f['export_s']:.1f} s "
        f"(documents {f['documents_s']:.1f}, scoring {f['score_s']:.1f}, export {f['export_s']:.1f});"
        f" whole step incl. writing {f['total_s']:.1f} s",
        f"  {f['files']:,} files, {f['bytes'] / 1e6:.1f} MB ({f['gzip_bytes'] / 1e6:.1f} MB gzip), "
        f"{f['term_shards']} term shards, largest {f['term_shard_max'] / 1e3:.0f} KB",
    ]
    for n in QUERIES:
        lines.append(f"  {n}-word query: {f[f'query{n}_raw'] / 1e3:.0f} KB raw, "
                     f"{f[f'query{n}_gzip'] / 1e3:.0f} KB gzip (max {f[f'query{n}_gzip_max'] / 1e3:.0f})")
    if "query_ms_mean" in f:
        lines.append(f"  Chromium: rank + render {f['rank_ms_mean']} ms mean ({f['rank_ms_max']} max); "
                     f"term shards loaded -> results shown {f['query_ms_mean']} ms mean "
                     f"({f['query_ms_max']} max, includes loading result-store shards)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        from clearbuild import loader

        tables = loader.load({"CB_DATA": argv[0]}).tables
    else:
        from . import synthetic

        tables = synthetic.tables(seed=1, **synthetic.SEOUL)
    print(report(run(tables)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
