"""Page input hashes depend on values only: never on which objects happen to be shared.

Regression: with pickle's memo, 1% of rows changed at Seoul's size gave every page a new hash
(equal strings read from a CSV are one object or several depending on the parser's chunks), so
an incremental night re-rendered all 368,404 pages. Data files queued with add_file are
hashed, kept and linked like pages, written once (not per language).
"""

from __future__ import annotations

import io
import json
import os
import signal
import time
import weakref
from collections import Counter
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from clearbuild.pagehash import PAGES_FILE, Job, job_hash, write_pages
from clearbuild.render import Renderer


def fresh(text: str) -> str:
    return "".join(list(text))  # an equal string that is a new object


def contract(shared: bool) -> dict:
    agency = fresh("서울특별시 도시기반시설본부")
    other = agency if shared else fresh(agency)
    record = {"contract_id": "C-1", "agency": agency, "title": fresh("도로 포장 공사")}
    rows = [{"agency": other, "amount": i} for i in range(70)]  # long enough to be hashed once
    return {"contract": record, "rows": rows, "notes": [agency, other], "company": {"name": other}}


def hashed(context: dict) -> str:
    return job_hash("fp", Job("contract.html", "contracts/C-1/index.html", context), [], {})


def test_equal_values_hash_equal_whatever_they_share() -> None:
    shared, apart = contract(shared=True), contract(shared=False)
    assert shared["notes"][0] is shared["notes"][1] and apart["notes"][0] is not apart["notes"][1]
    assert hashed(shared) == hashed(apart)


def test_a_changed_value_changes_the_hash() -> None:
    changed = contract(shared=True)
    changed["rows"][69]["amount"] = -1
    assert hashed(changed) != hashed(contract(shared=True))
    changed = contract(shared=True)
    changed["company"]["name"] = "다른 회사"
    assert hashed(changed) != hashed(contract(shared=True))


def test_cyclic_values_are_hashed_not_fatal() -> None:
    loop: list = [1]
    loop.append(loop)
    first, second = hashed({"loop": loop}), hashed({"loop": loop})
    assert first == second and len(first) == 64


def produce(record: dict) -> str:
    return json.dumps(record, sort_keys=True)


def renderer(out: Path, records: dict[str, dict], previous: Path | None = None) -> Renderer:
    env = Environment(loader=DictLoader({"p.html": "<p>{{ r.name }}</p>"}), autoescape=True)
    settings = {"CB_PREVIOUS_BUILD": str(previous)} if previous else {}
    r = Renderer(env=env, output=out, languages=["ko", "en"], settings=settings)
    for rid, rec in records.items():
        r.add("p.html", f"things/{rid}/index.html", r=rec)
        r.add_file(f"things/{rid}.json", produce, rec)
    return r


def test_data_files_are_written_once_then_kept_or_linked_like_pages(tmp_path: Path) -> None:
    night1 = {"a": {"name": "가"}, "b": {"name": "나"}, "gone": {"name": "다"}}
    renderer(tmp_path / "one", night1).write_all(workers=1)
    assert (tmp_path / "one" / "things" / "a.json").read_text() == produce(night1["a"])
    assert not (tmp_path / "one" / "en" / "things" / "a.json").exists()  # not translated
    assert (tmp_path / "one" / "en" / "things" / "a" / "index.html").exists()

    night2 = {"a": {"name": "가"}, "b": {"name": "나나"}}
    r = renderer(tmp_path / "two", night2, previous=tmp_path / "one")
    r.write_all(workers=1)
    one, two = tmp_path / "one" / "things", tmp_path / "two" / "things"
    assert os.path.samefile(one / "a.json", two / "a.json")  # unchanged: linked, not written
    assert not os.path.samefile(one / "b.json", two / "b.json")
    assert (two / "b.json").read_text() == produce(night2["b"])
    assert r.stats["data_files"] == 2 and r.stats["data_written"] == 1 and r.stats["pages"] == 4
    # Pages are counted apart from data files: a linked data file is not a linked page.
    assert (r.stats["rendered"], r.stats["linked"], r.stats["kept"]) == (2, 2, 0)
    # Where the workers' time went, by step (what `invoke bench` prints as the profile).
    assert {k for k in r.stats if k.startswith("ms_")} == {"ms_context", "ms_hash", "ms_render",
                                                           "ms_link", "ms_data"}
    html = (tmp_path / "two").rglob("*.html")
    assert r.stats["page_bytes"] == sum(f.stat().st_size for f in html) > 0  # data files apart

    r = renderer(tmp_path / "one", night2)  # in place over night 1: the gone record's file goes
    r.write_all(workers=1)
    assert not (one / "gone.json").exists() and (one / "b.json").read_text() == produce(night2["b"])
    assert r.stats["data_written"] == 1


def test_add_file_refuses_pages() -> None:
    with pytest.raises(ValueError, match="add_file is for data files"):
        renderer(Path("unused"), {}).add_file("things/x/index.html", produce, {})


class Source:
    """Arguments a digest-named file must not have hashed: it counts what it is asked to make."""

    def __init__(self, records: dict[str, dict]) -> None:
        self.records, self.made, self.pickled = records, [], 0

    def __reduce__(self):  # hashing the arguments would pickle this
        self.pickled += 1
        return (Source, ({},))

    def text(self, rid: str) -> str:
        self.made.append(rid)
        return produce(self.records[rid])


def digest_file(source: Source, rid: str) -> dict:
    return {"produce": Source.text, "args": (source, rid), "digest": produce(source.records[rid]).encode()}


def digest_renderer(out: Path, source: Source, previous: Path | None = None) -> Renderer:
    r = renderer(out, {}, previous)
    r.add_files(((f"things/{rid}.json", rid) for rid in source.records),
                lambda rid: digest_file(source, rid))
    return r


def test_a_file_named_by_its_digest_is_made_only_when_written(tmp_path: Path) -> None:
    one = Source({"a": {"n": 1}, "b": {"n": 2}})
    digest_renderer(tmp_path / "one", one).write_all(workers=1)
    assert sorted(one.made) == ["a", "b"] and one.pickled == 0
    two = Source({"a": {"n": 1}, "b": {"n": 3}})
    r = digest_renderer(tmp_path / "two", two, previous=tmp_path / "one")
    r.write_all(workers=1)
    assert two.made == ["b"] and two.pickled == 0  # a: same digest, linked without being made
    assert os.path.samefile(tmp_path / "one/things/a.json", tmp_path / "two/things/a.json")
    assert (tmp_path / "two/things/b.json").read_text() == produce({"n": 3})
    assert r.stats["data_written"] == 1


def maker_pid(_: str) -> str:
    return str(os.getpid())


def pid_file(arg: str) -> dict:
    return {"produce": maker_pid, "args": (arg,)}


def slow_pid_file(arg: str) -> dict:
    time.sleep(0.05)  # long enough that the parent and the worker both take partitions
    return {"produce": maker_pid, "args": (arg,)}


@pytest.mark.parametrize("fresh_every", [1, 3, 0])
def test_render_processes_are_replaced_every_few_partitions(tmp_path: Path, fresh_every: int) -> None:
    # A process kept for the whole build ends up with a private copy of every page of the
    # parent's memory its partitions read; CB_WORKER_PARTITIONS replaces it with a fresh fork.
    # The parent takes partitions too (it copies nothing by reading its own heap).
    env = Environment(loader=DictLoader({}), autoescape=True)
    settings = {"CB_PARTITION_PAGES": 1, "CB_WORKERS": 2, "CB_WORKER_PARTITIONS": fresh_every}
    r = Renderer(env=env, output=tmp_path, languages=["ko"], settings=settings)
    r.add_files(((f"pids/{i}.txt", str(i)) for i in range(12)), slow_pid_file)
    r.write_all()
    makers = Counter((tmp_path / "pids" / f"{i}.txt").read_text() for i in range(12))
    assert sum(makers.values()) == 12
    parent = makers.pop(str(os.getpid()), 0)
    assert parent >= 1 and makers  # both took partitions: the parent and (one at a time) a worker
    if fresh_every:
        assert max(makers.values()) <= fresh_every
        assert len(makers) >= -(-sum(makers.values()) // fresh_every)
    else:
        assert len(makers) == 1  # CB_WORKERS 2: the parent and one kept worker


def failing_file(arg: str) -> dict:
    if os.getpid() != int(arg):
        raise ValueError(f"no file for {arg} here")
    time.sleep(0.05)  # the parent is slow: the worker is sure to take one
    return {"produce": maker_pid, "args": (arg,)}


def test_a_worker_failing_fails_the_render(tmp_path: Path) -> None:
    env = Environment(loader=DictLoader({}), autoescape=True)
    settings = {"CB_PARTITION_PAGES": 1, "CB_WORKERS": 2}
    r = Renderer(env=env, output=tmp_path, languages=["ko"], settings=settings)
    parent = str(os.getpid())
    r.add_files(((f"f/{i}.txt", parent) for i in range(40)), failing_file)
    with pytest.raises(ValueError, match="no file for"):
        r.write_all()


def test_a_partition_says_where_its_time_went(tmp_path: Path) -> None:
    r = renderer(tmp_path / "one", {"a": {"name": "가"}, "b": {"name": "나"}})
    r.plan()
    pages = next(i for i, (key, _, _) in enumerate(r.partitions) if key[0] == "p.html")
    spent = r.run_partition(pages).ms
    assert set(spent) == {"context", "hash", "render", "link", "data"}
    assert spent["render"] > 0 and spent["link"] == spent["data"] == 0  # nothing to link yet


@pytest.mark.parametrize("pages", [
    {},
    {"a/index.html": "0" * 64},
    {"z/b.json": "1" * 64, "a/\"quoted\"\\/index.html": "2" * 64, "가/index.html": "3" * 64,
     "a/index.html": "4" * 64, "a-1/index.html": "5" * 64, "a/1/index.html": "6" * 64},
])
def test_the_pages_file_is_written_as_json_dump_would(tmp_path: Path, pages: dict[str, str]) -> None:
    count = write_pages(tmp_path, "fp\"x", iter(sorted(pages.items())))
    expected = io.StringIO()
    json.dump({"fingerprint": "fp\"x", "pages": pages}, expected, sort_keys=True, indent=0)
    assert count == len(pages)
    assert (tmp_path / PAGES_FILE).read_text(encoding="utf-8") == expected.getvalue() + "\n"


class Held:
    """An object a listing's context holds: does the parent still hold it after the render?"""


def test_each_pages_hash_is_recorded_and_what_it_carried_let_go(tmp_path: Path) -> None:
    # Partitions of one page, on two forked workers: they finish in any order; the pages file
    # is in path order all the same, and holds each page's and file's own input hash.
    records = {f"r{i}": {"name": f"이름 {i}"} for i in range(12)}
    r = renderer(tmp_path / "one", records)
    held = Held()
    r.add("p.html", "things/held/index.html", r={"name": "held"}, held=held)
    alive = weakref.ref(held)
    del held
    r.settings = {"CB_PARTITION_PAGES": 1, "CB_WORKERS": 2}
    r.write_all()
    written = json.loads((tmp_path / "one" / PAGES_FILE).read_text(encoding="utf-8"))["pages"]
    assert list(written) == sorted(written) and len(written) == 2 * 12 + 1
    assert r.stats["pages"] == (12 + 1) * 2 and r.stats["data_files"] == 12
    for rid, rec in records.items():
        job = Job("p.html", f"things/{rid}/index.html", {"r": rec})
        assert written[job.path] == job_hash(r._fp, job, r.depends, {})
    assert alive() is None  # the listing's context went once its partition was done
    assert all(item is None for g in r.groups.values() for _, _, item in g.items)
    # A second build given this one keeps or links every page: the hashes were the right ones.
    again = renderer(tmp_path / "two", records, previous=tmp_path / "one")
    again.add("p.html", "things/held/index.html", r={"name": "held"}, held=Held())
    again.write_all(workers=1)
    assert (again.stats["rendered"], again.stats["linked"], again.stats["data_written"]) == (0, 26, 0)


def dying_file(arg: str) -> dict:
    if os.getpid() != int(arg):
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    time.sleep(0.05)
    return {"produce": maker_pid, "args": (arg,)}


def test_a_worker_killed_outright_fails_the_render_instead_of_waiting_forever(tmp_path: Path) -> None:
    env = Environment(loader=DictLoader({}), autoescape=True)
    settings = {"CB_PARTITION_PAGES": 1, "CB_WORKERS": 2}
    r = Renderer(env=env, output=tmp_path, languages=["ko"], settings=settings)
    r.add_files(((f"f/{i}.txt", str(os.getpid())) for i in range(40)), dying_file)
    t = time.monotonic()
    with pytest.raises(RuntimeError, match=r"render worker \d+ ended without finishing partition \d+"):
        r.write_all()
    assert time.monotonic() - t < 30


def lazy_page(key: str) -> dict:
    return {"title": key.replace("/", " ")}


def test_jobs_queued_by_key_have_their_paths_made_when_read(tmp_path: Path) -> None:
    """``under`` (prefix, suffix): the queue keeps the key, not the path; the site is the one
    queued by path, a page's key is announced only for a record kind's pages, and a key or a
    form that could name another file is refused."""
    from clearbuild import hooks

    def queue(r: Renderer, keyed: bool) -> None:
        keys = ["a", "b-2"]
        under = ("things/", ".json") if keyed else None
        r.add_files(((k if keyed else f"things/{k}.json", k) for k in keys),
                    lambda k: {"produce": produce, "args": ({"name": k},)}, under=under)
        pages = ((f"{k}/more" if keyed else f"lazy/{k}/more/index.html", f"{k}/more") for k in keys)
        r.add_lazy("lazy.html", pages, lazy_page, under=("lazy/", "/index.html") if keyed else None)

    sites = {}
    for keyed in (False, True):
        r = renderer(tmp_path / str(keyed), {})
        r.env.loader.mapping["lazy.html"] = "<p>{{ title }}</p>"
        queue(r, keyed)
        group = next(g for g in r.groups.values() if g.template == "lazy.html")
        assert group.paths == (["", ""] if keyed else ["lazy/a/more/index.html", "lazy/b-2/more/index.html"])
        assert group.path(1) == "lazy/b-2/more/index.html"
        seen: list[tuple[str, str, str]] = []

        def note(sender, path, kind, key, languages, seen=seen):
            seen.append((path, kind, key))

        hooks.page_written.connect(note)
        try:
            r.write_all(workers=1)
        finally:
            hooks.page_written.disconnect(note)
        assert ("lazy/a/more/index.html", "", "") in seen
        sites[keyed] = {str(p.relative_to(tmp_path / str(keyed))): p.read_bytes()
                        for p in (tmp_path / str(keyed)).rglob("*") if p.is_file() and p.name != PAGES_FILE}
    assert sites[True] == sites[False] and "things/b-2.json" in sites[True]
    r = renderer(tmp_path / "bad", {})
    for key in ("", "..", "a\\b", "../x", "a/../../x", "/etc/x", "a//b", "a/./b"):
        with pytest.raises(ValueError, match="names no file"):
            r.add_files([(key, key)], lambda k: {}, under=("things/", ".json"))
    with pytest.raises(ValueError, match="add_files is for data files"):
        r.add_files([("a", "a")], lambda k: {}, under=("things/", "/index.html"))
    r.add_files([("a", "a")], lambda k: {}, under=("things/", ".json"))
    with pytest.raises(ValueError, match="two path forms"):
        r.add_files([("b", "b")], lambda k: {}, under=("other/", ".json"))
