"""Record kinds are declared once (clearbuild.kinds): a new kind gets its URL, its pages, its
history dependency and its announcements from the renderer without touching any other module."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from jinja2 import DictLoader, Environment

from clearbuild import hooks, kinds, urls
from clearbuild.publish.history import PAGE_KINDS
from clearbuild.render import Renderer
from clearbuild.schema import TABLES
from clearbuild.schema_types import Column, Table
from clearbuild.search import build_index, export, standalone
from clearbuild.search.documents import dataset_documents, search_kinds
from clearbuild.search.query import Reader

TOY = kinds.Kind("incidents", "safety_incidents", "incident_id", "incidents", "incident.html",
                 "Safety incident", "Safety incidents", reads=(("incident_photos", "incident_id"),),
                 search=kinds.Searched("title", ("cause", "project_id>projects.name"),
                                       refs=("project_id",), date="occurred_on",
                                       district="project_id>projects.district_code",
                                       sub=("project_id>projects.name",)))
# Its table, as clearbuild/schema.py would declare it (the one private column never searched).
INCIDENTS = Table("safety_incidents", "One row per safety incident on a project site.",
                  ("incident_id",), (Column("incident_id", "id", True), Column("title"),
                                     Column("cause"), Column("project_id", ref="projects.project_id"),
                                     Column("occurred_on", "date"),
                                     Column("victim_name", public=False)))


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setitem(TABLES, INCIDENTS.name, INCIDENTS)
    kinds.register(TOY)
    yield TOY
    kinds.unregister(TOY.name)


def incident_context(photos: dict[str, list[str]], row: dict[str, Any]) -> dict[str, Any]:
    return {"incident": row, "photos": photos.get(row["incident_id"], [])}


def renderer(out: Path, previous: Path | None = None) -> Renderer:
    env = Environment(autoescape=True, loader=DictLoader({
        "incident.html": "<h1>{{ incident.title }}</h1>{{ photos|length }} {{ record_kind }}/{{ record_key }}"
                         " {{ history(record_kind, record_key)|join(',') }}"}))
    env.globals["history"] = lambda kind, key: HISTORY.get((kind, key), [])
    settings = {"CB_PREVIOUS_BUILD": str(previous)} if previous else {}
    r = Renderer(env=env, output=out, languages=["ko", "en"], settings=settings)
    r.depends.append(lambda job: HISTORY.get((job.kind, job.key), []))
    return r


HISTORY: dict[tuple[str, str], list[str]] = {}
ROWS = [{"incident_id": f"I-{n}", "title": f"Fall {n}"} for n in range(5)]


def test_a_toy_kind_gets_its_path_pages_history_and_announcements(toy, tmp_path: Path) -> None:
    assert urls.record_path("incidents", "I-1") == "incidents/I-1/index.html"
    assert kinds.by_table()["safety_incidents"] is toy
    seen: list[tuple[str, str, str]] = []

    def on_page(_: Any, **kw: Any) -> None:
        seen.append((kw["path"], kw["kind"], kw["key"]))

    hooks.page_written.connect(on_page)
    try:
        r = renderer(tmp_path / "one")
        r.settings["CB_PARTITION_PAGES"] = 2  # three partitions of one kind
        r.add_records("incidents", ROWS, functools.partial(incident_context, {"I-1": ["a", "b"]}))
        pages, _ = r.write_all(workers=1)
    finally:
        hooks.page_written.disconnect(on_page)
    assert pages == 10 and len(r.partitions) == 3
    page = (tmp_path / "one" / "incidents" / "I-1" / "index.html").read_text()
    assert page == "<h1>Fall 1</h1>2 incidents/I-1 "
    assert (tmp_path / "one" / "en" / "incidents" / "I-4" / "index.html").exists()
    assert sorted(seen) == [(f"incidents/I-{n}/index.html", "incidents", f"I-{n}") for n in range(5)]

    # A history entry for one record re-renders that page, and links the others unchanged.
    HISTORY[("incidents", "I-3")] = ["2026-11-20 changed"]
    try:
        r = renderer(tmp_path / "two", previous=tmp_path / "one")
        r.add_records("incidents", ROWS, functools.partial(incident_context, {"I-1": ["a", "b"]}))
        r.write_all(workers=1)
    finally:
        HISTORY.clear()
    assert r.stats["rendered"] == 2 and r.stats["linked"] == 8  # one record, two languages
    assert (tmp_path / "two" / "incidents" / "I-3" / "index.html").read_text().endswith(
        "incidents/I-3 2026-11-20 changed")


def test_a_toy_kind_gets_its_search_documents_from_its_declaration(toy, tmp_path: Path) -> None:
    tables = {
        "safety_incidents": pd.DataFrame({
            "incident_id": ["I-1", "I-2"], "title": ["Fall from scaffold", "Crane tipped over"],
            "cause": ["guard rail missing", "wind"], "project_id": ["P-1", "P-9"],
            "occurred_on": ["2026-03-04T09:00", ""], "victim_name": ["Kim", "Lee"]}),
        "projects": pd.DataFrame({"project_id": ["P-1"], "name": ["Gangnam sidewalk"],
                                  "district_code": ["11680"]})}
    docs = dataset_documents(tables)
    found = docs[docs["kind"] == "incidents"].reset_index(drop=True)
    assert found["url"].tolist() == ["incidents/I-1/index.html", "incidents/I-2/index.html"]
    assert found["title"].tolist() == ["Fall from scaffold", "Crane tipped over"]
    assert found["refs"].tolist() == ["P-1", "P-9"] and found["date"].tolist() == ["2026-03-04", ""]
    assert found["text.1"].tolist() == ["Gangnam sidewalk", ""]  # its project's name, looked up
    assert found["district"].tolist() == ["11680", ""] and found["sub"].tolist() == ["Gangnam sidewalk", ""]
    assert "Kim" not in docs.to_string()  # a private column never reaches the index
    assert search_kinds()[-2:] == ("incidents", "pages")  # ranked after the built-in kinds
    index, files, _ = build_index(tables, (), None)
    export.write_files(files, tmp_path / "search")
    hits = Reader(tmp_path / "search").search("scaffold", kind="incidents").hits
    assert "incidents" in index.kinds and [h.url for h in hits] == ["incidents/I-1/index.html"]
    site = tmp_path / "site"
    standalone.build_site(site, tables, stubs=False)  # the real search page names it by its plural
    assert '<option value="incidents">Safety incidents</option>' in (site / "search/index.html").read_text()


@pytest.mark.parametrize("source", ["company_id>companies", "place:", "brn:", "Name",
                                    "a>b.c>d.e", "place:a;b", "brn:a,b"])
def test_a_search_source_that_is_not_of_the_declared_forms_is_refused_when_declared(source):
    with pytest.raises(ValueError, match="search source"):
        kinds.Searched("title", (source,))


def test_kinds_feed_urls_and_history() -> None:
    for kind in kinds.KINDS.values():
        assert urls.SECTIONS[kind.name] == kind.folder
        assert urls.RECORD_IDS[kind.name] == (kind.table, kind.key)
        assert PAGE_KINDS[kind.table] == kind.name


def test_a_kind_cannot_be_declared_twice_differently(toy) -> None:
    with pytest.raises(ValueError, match="declared twice"):
        kinds.register(kinds.Kind("incidents", "other", "id", "elsewhere", "x.html", "X", "Xs"))
    with pytest.raises(ValueError, match="another kind's"):
        kinds.register(kinds.Kind("mishaps", "other", "id", "incidents", "x.html", "X", "Xs"))


def test_the_plan_does_not_depend_on_the_order_records_came_in(toy, tmp_path: Path) -> None:
    digests = set()
    for rows in (ROWS, ROWS[::-1]):
        r = renderer(tmp_path)
        r.add_records("incidents", rows, functools.partial(incident_context, {}))
        r.add("incident.html", "index.html", incident={"title": "home"}, photos=[])
        r.plan(size=2)
        digests.add(r.plan_digest())
    assert len(digests) == 1


def test_record_paths_are_made_from_keys_in_the_order_paths_sort(toy, tmp_path: Path) -> None:
    # The queue keeps a record's key, not its path (Group.path makes it): the same paths, in
    # the same order, as the paths themselves sort ("I-1/" after "I-1-2/", as "/" > "-").
    rows = [{"incident_id": i, "title": i} for i in ("I-10", "I-1", "I-1-2", "I-1.5", "I-2")]
    r = renderer(tmp_path)
    r.add_records("incidents", rows, functools.partial(incident_context, {}))
    r.plan(size=2)
    (group,) = r.groups.values()
    assert all(path == "" for path, _, _ in group.items)  # nothing held but the key
    paths = [path for path, _, _ in group.jobs()]
    assert paths == sorted(TOY.path(row["incident_id"]) for row in rows)
    assert [key for _, key, _ in group.jobs(1, 3)] == ["I-1.5", "I-1"]
    r.write_all(workers=1)
    assert sorted(p.as_posix() for p in (tmp_path / "incidents").glob("*/index.html")) == sorted(
        (tmp_path / path).as_posix() for path in paths)


def test_a_queued_record_page_costs_its_three_list_slots_and_nothing_more(toy, tmp_path: Path) -> None:
    # At Seoul's size 369,330 jobs (Korean) and the record files wait in the parent every render worker maps: a job is a slot
    # in each of three lists (path, key, record), not a tuple of its own (64 bytes more).
    import gc
    import tracemalloc

    rows = [{"incident_id": f"I-{i}", "title": "t"} for i in range(50_000)]
    for row in rows:
        row["incident_id"] = str(row["incident_id"])  # the keys exist before: only the queue counts
    r = renderer(tmp_path)
    gc.collect()
    tracemalloc.start()
    r.add_records("incidents", rows, functools.partial(incident_context, {}))
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert held < 30 * len(rows), held / len(rows)  # three 8-byte slots (and list growth)
    (group,) = r.groups.values()
    assert len(group) == len(rows) and group.args[7] is rows[7] and group.keys[7] == "I-7"
    r.plan(size=1000)
    assert [k for _, k, _ in group.jobs(0, 3)] == sorted(row["incident_id"] for row in rows)[:3]
    r._let_go(0)  # a done partition lets go of its records; paths and keys stay
    assert group.args[:1000] == [None] * 1000 and group.args[1000] is not None
    assert [p for p, _, _ in group.jobs(0, 1)] == [TOY.path(group.keys[0])]


def test_a_record_whose_key_is_unsafe_in_a_path_is_refused_when_queued(toy, tmp_path: Path) -> None:
    r = renderer(tmp_path)
    with pytest.raises(ValueError, match="unsafe id"):
        r.add_records("incidents", [{"incident_id": "../etc", "title": "x"}],
                      functools.partial(incident_context, {}))


MADE: list[str] = []  # which contexts were made, in order


def count_context(n: int) -> dict[str, Any]:
    MADE.append(f"count {n}")
    return {"n": n}


def noted_incident(row: dict[str, Any]) -> dict[str, Any]:
    MADE.append("incident")
    return incident_context({}, row)


def test_heavy_pages_made_where_rendered_are_cut_and_ordered_like_pages_queued_whole(
        toy, tmp_path: Path) -> None:
    """Listings queued with add_lazy(heavy=True) are cut into partitions of WHOLE_PAGES and
    rendered before the record pages, as pages queued whole are; other lazy pages are not."""
    from clearbuild.pageplan import WHOLE_PAGES

    r = renderer(tmp_path / "h")
    r.env.loader.mapping.update({"list.html": "{{ n }}", "light.html": "{{ n }}"})  # type: ignore[union-attr]
    r.add_records("incidents", ROWS, noted_incident)
    r.add_lazy("light.html", [(f"light/{n}/index.html", n) for n in range(30)], count_context)
    r.add_lazy("list.html", [(f"lists/{n:02d}/index.html", n) for n in range(60)], count_context,
               heavy=True)
    MADE.clear()
    pages, _ = r.write_all(workers=1)
    sizes = {}
    for (template, _), start, stop in r.partitions:
        sizes.setdefault(template, []).append(stop - start)
    assert sizes["list.html"] == [WHOLE_PAGES, WHOLE_PAGES, 60 - 2 * WHOLE_PAGES]
    assert sizes["light.html"] == [30] and sizes["incident.html"] == [5]
    assert MADE[:60] == [f"count {n}" for n in range(60)]  # the heavy ones first, in path order
    assert "incident" in MADE[60:]
    assert pages == 2 * (5 + 30 + 60)
    assert (tmp_path / "h" / "en" / "lists" / "07" / "index.html").read_text() == "7"


def test_the_signals_lists_name_a_kinds_ids_as_it_declares(toy) -> None:
    """signals_macros.html's ``kind_label`` reads the declaration (``number``, else ``label``),
    translated: no list of kinds in the template."""
    from jinja2 import FileSystemLoader

    env = Environment(autoescape=True, loader=FileSystemLoader(str(Path(kinds.__file__).parent.parent
                                                                   / "theme" / "templates")),
                      extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(lambda s: {"Contract number": "계약번호"}.get(s, s),
                                  lambda s, p, n: s, newstyle=False)
    env.globals["cb_kinds"] = kinds.KINDS
    label = env.get_template("signals_macros.html").module.kind_label
    assert str(label("contracts")) == "계약번호"
    assert str(label("incidents")) == "Safety incident"  # no number declared: its label
    assert str(label("unknown")) == "unknown"
