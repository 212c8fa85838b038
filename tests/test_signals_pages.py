"""The /signals/ lists split into pages a phone can load: a generated export with hundreds of
flagged records builds pages of at most 300 KB each, every flagged record appears on exactly one
page of the full list and of each indicator's list, and prev/next links walk the parts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clearbuild.build import build
from clearbuild.loader import load
from clearbuild.sample import generate
from clearbuild.signals import compute

pytestmark = pytest.mark.slow
LIMIT = 300 * 1024
ROW = re.compile(r'<tr data-signals="([^"]*)"[^>]*>\s*<td><a href="(?:\.\./)*(?:en/)?([a-z_-]+)/([^/"]+)/index\.html"')


def whole_rows(sig):
    """The lists' rows as they were queued before ``pages.flagged``: one Row per flagged record
    with its own flags, newest year first (then projects, contracts, notices; then by id)."""
    from cb_signals import pages

    flags: dict = {}
    for f in sig.flags:
        flags.setdefault((f.kind, f.id), []).append(f)
    rec = sig.records
    info = {(k, i): (t, a, d, y) for k, i, t, a, d, y in zip(
        rec["kind"].tolist(), rec["id"].tolist(), rec["title"].tolist(), rec["agency"].tolist(),
        rec["district"].tolist(), rec["year"].tolist(), strict=True)}
    out = []
    for key, fl in flags.items():
        title, agency, district, year = info.get(key, (key[1], "", "", ""))
        out.append(pages.Row(key[0], key[1], title or key[1], agency, district, year, tuple(fl)))
    kinds = pages.KINDS
    out.sort(key=lambda r: (-int(r.year or 0), kinds.index(r.kind) if r.kind in kinds else 9, r.id))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, object]:
    base = tmp_path_factory.mktemp("signals-pages")
    data = base / "export" / "2025-06-30"
    generate(data, projects=80, contracts=1500, companies=300, apartments=3, apartment_documents=20,
             photos=False)
    site = build(output=base / "out", data=data, quiet=True, overrides={"CB_SEARCH_ENABLED": False}).output
    return site, compute(load({"CB_DATA": str(data), "CB_ADMIN_DB": ""}), {})


def _pages(site: Path, base: str) -> list[Path]:
    """The list pages of one list: base/index.html and its year/part pages (not other indicators)."""
    folder = site / base
    return [p for p in sorted(folder.rglob("index.html"))
            if p.parent == folder or re.fullmatch(r"(\d{4}|unknown)(/\d+)?", p.parent.relative_to(folder).as_posix())]


def _rows(pages: list[Path]) -> list[tuple[str, str, str]]:
    out = []
    for p in pages:
        out += [(kind, rid, sig) for sig, kind, rid in ROW.findall(p.read_text(encoding="utf-8"))]
    return out


def test_no_signals_page_is_over_300_kb(built):
    site, _ = built
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.glob("**/signals/**/*.html")}
    assert len(sizes) > 40
    assert {k: v for k, v in sizes.items() if v > LIMIT} == {}


def test_every_flagged_record_is_on_exactly_one_page_of_the_list(built):
    site, sig = built
    want = {(f.kind, f.id) for f in sig.flags}
    assert len(want) > 250 * 2, "the export must be big enough to split the list"
    for lang_root in (site, site / "en"):
        pages = _pages(lang_root, "signals")
        assert len(pages) > 2
        seen = [(k, i) for k, i, _ in _rows(pages)]
        assert len(seen) == len(set(seen)) and set(seen) == want


def test_every_indicators_list_holds_each_of_its_records_once(built):
    site, sig = built
    for ind in sig.indicators:
        want = {(f.kind, f.id) for f in sig.flags if f.indicator == ind.id}
        rows = _rows(_pages(site, f"signals/{ind.id}"))
        seen = [(k, i) for k, i, _ in rows]
        assert len(seen) == len(set(seen)) and set(seen) == want, ind.id
        assert all(s == ind.id for _, _, s in rows)


def test_prev_and_next_walk_every_part_in_order(built):
    site, _ = built
    page = site / "signals" / "index.html"
    walked = []
    while True:
        html = page.read_text(encoding="utf-8")
        m = re.search(r'<a rel="next" href="([^"]+)"', html)
        if not m:
            break
        nxt = (page.parent / m.group(1)).resolve()
        assert nxt.is_file()
        back = re.search(r'<a rel="prev" href="([^"]+)"', nxt.read_text(encoding="utf-8"))
        assert walked == [] and back is None or (nxt.parent / back.group(1)).resolve() == page.resolve()
        walked.append(nxt)
        page = nxt
    assert len(walked) == len(set(walked))
    assert set(walked) == {p.resolve() for p in _pages(site, "signals")} - {(site / "signals/index.html").resolve()}
    assert "필터는 이 쪽의 기록에만" in walked[0].read_text(encoding="utf-8")


def test_list_pages_are_queued_as_row_numbers_and_show_the_rows_of_their_list(built):
    """The lists' pages hold two integers a row while queued (pages.Lists); made where they are
    rendered, every list holds what it held when its rows were queued whole: each flagged record
    with its own flags, and in an indicator's list each of its flags of that indicator."""
    from cb_signals import pages

    _, sig = built
    summary = {"counts": sig.counts(), "today": sig.today.isoformat()}
    lists = pages.Lists(sig, 250, summary)
    everything = whole_rows(sig)
    want = {"": everything} | {ind.id: [r._replace(flags=(f,)) for r in everything for f in r.flags
                                        if f.indicator == ind.id] for ind in sig.indicators}
    got: dict[str, list] = {}
    paths = []
    for path, (indicator, listing) in lists.pages:
        assert not any(isinstance(x, pages.Row) for x in listing.rows)  # numbers, not rows
        context = pages.list_context(lists, (indicator, listing))
        shown = context["listing"]
        assert shown.path == path and len(shown.rows) == len(listing.rows)
        assert context["options"] == pages.options(shown.rows)
        assert (context["indicator"].id if context["indicator"] else "") == indicator
        assert ("counts" in context) == (not indicator and not listing.year)
        got.setdefault(indicator, []).extend(shown.rows)
        paths.append(path)
    assert got == want and len(paths) == len(set(paths))
    assert sum(len(v) for v in want.values()) > 2 * len(everything) > 500  # lists were split
    assert any(p.count("/") > 2 for p in paths)  # year pages among them


def test_the_lists_columns_are_the_same_from_a_list_of_flags(built):
    """``pages.flagged`` reads a Signals whose flags are a plain list (one made by hand) exactly
    as it reads the flags held as columns (``FlagList``, what ``compute`` makes)."""
    import dataclasses

    import numpy as np
    from cb_signals import pages

    from clearbuild.signals.flags import FlagList

    _, sig = built
    assert isinstance(sig.flags, FlagList)
    as_list = dataclasses.replace(sig, flags=list(sig.flags))
    table, record, place, indicator = pages.flagged(sig)
    table2, record2, place2, indicator2 = pages.flagged(as_list)
    assert table.num_rows > 100 and table.equals(table2)
    assert np.array_equal(record, record2) and np.array_equal(place, place2)
    assert indicator.tolist() == indicator2.tolist()


def built_watching_stages(export: Path, tmp_path: Path, at_stage) -> Path:
    """The export built (no search index), ``at_stage`` called in the parent as each stage starts."""
    from clearbuild import hooks

    hooks.stage_started.connect(at_stage)
    try:
        return build(output=tmp_path / "out", data=export, quiet=True,
                     overrides={"CB_SEARCH_ENABLED": False}).output
    finally:
        hooks.stage_started.disconnect(at_stage)


def test_the_flagged_records_frame_is_let_go_once_the_lists_are_queued(export, tmp_path):
    """The lists keep their records' text in a table of their own (pages.Lists): at the render
    the build's Signals holds no frame of the flagged records (12.7 MB of the parent at Seoul's
    size, read by no page), and the list page still names every flagged record by its title."""
    import gc
    import html

    from clearbuild.signals.result import Signals

    seen: dict = {}
    before = {id(o) for o in gc.get_objects() if type(o) is Signals}  # other tests' (``built``)

    def at_render(_, name="", **__):
        if name == "render":
            held = [o for o in gc.get_objects() if type(o) is Signals and id(o) not in before]
            seen.update(records=[len(s.records) for s in held], flags=[len(s.flags) for s in held])

    site = built_watching_stages(export, tmp_path, at_render)
    assert seen["records"] == [0] and seen["flags"][0] > 0
    expected = compute(load({"CB_DATA": str(export), "CB_ADMIN_DB": ""}), {}).records
    page = html.unescape((site / "signals" / "index.html").read_text(encoding="utf-8"))
    assert len(expected) > 0 and all(t in page for t in expected["title"].tolist() if t)


def test_a_build_computes_its_signals_in_a_child_and_holds_them_only_after_the_sections(
        export, tmp_path, monkeypatch):
    """cb_signals computes in a forked child started right after the Dataset (its temporaries go
    with the child), and the parent takes the Signals only once every section has made its
    context: not held under the search, open-data and section stages."""
    import gc
    import os

    import clearbuild.signals as signals_lib
    from clearbuild.signals.result import Signals

    pids = tmp_path / "computed-in"
    real = signals_lib.compute

    def spy(ds, settings=None):
        with open(pids, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return real(ds, settings)

    monkeypatch.setattr(signals_lib, "compute", spy)
    before = {id(o) for o in gc.get_objects() if type(o) is Signals}
    held: dict[str, int] = {}

    def at_stage(_, name="", **__):
        held[name] = sum(1 for o in gc.get_objects() if type(o) is Signals and id(o) not in before)

    site = built_watching_stages(export, tmp_path, at_stage)
    computed_in = [int(p) for p in pids.read_text(encoding="utf-8").split()]
    assert len(computed_in) == 1 and computed_in[0] != os.getpid()
    assert list(held)[:list(held).index("search")] == ["ingest", "pelican articles", "pelican pages",
                                                         "dataset", "signals"]
    assert all(held[s] == 0 for s in ("signals", "search", "opendata", "allimi", "contracts", "history"))
    assert held["render"] == 1
    assert "single-bidder" in (site / "signals" / "index.html").read_text(encoding="utf-8")
