"""The build on a Dask cluster (clearbuild.cluster): Dask's own ``dask scheduler`` and two
``dask worker`` processes on 127.0.0.1 render the fixture site, byte for byte the local build;
and again with a worker SIGKILLed mid-build and another joining."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from clearbuild import cluster, loader, snapshot
from clearbuild.build import build, settings_for

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
# Small partitions, so the fixture's ~110 jobs make a dozen tasks and both workers get some.
SMALL = {"CB_PARTITION_PAGES": 10}


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_identical(a: Path, b: Path) -> None:
    left, right = tree(a), tree(b)
    assert sorted(left) == sorted(right), (set(left) ^ set(right))
    differ = [p for p in left if left[p] != right[p]]
    assert not differ, differ[:10]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from factory import write_export

    base = tmp_path_factory.mktemp("cluster")
    export = write_export(base / "export")
    local = build(output=base / "local", data=export, quiet=True, overrides=dict(SMALL)).output
    return base, export, local


@pytest.fixture(scope="module")
def dask_cluster(site):
    pytest.importorskip("distributed")
    from clearbuild.localcluster import LocalCluster

    base = site[0]
    marks = base / "marks"
    marks.mkdir()
    lc = LocalCluster(preload=[str(ROOT / "tests" / "cluster_preload.py")], logs=base / "logs",
                      env={"CB_TEST_MARKS": str(marks), "CB_TEST_PARTITION_DELAY": "0.2"},
                      idle_timeout="120s")
    lc.start(2)
    try:
        yield lc, marks
    finally:
        pids = [p.pid for p in [*lc.workers, lc.scheduler] if p is not None]
        lc.stop()
        for pid in pids:  # no orphan: every process we started is gone
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def test_cluster_build_is_byte_identical(site, dask_cluster):
    from clearbuild import clusterclient

    base, export, local = site
    lc, marks = dask_cluster
    out = build(output=base / "on-cluster", data=export, quiet=True,
                overrides={**SMALL, "CB_CLUSTER": lc.address}).output
    assert_identical(local, out)
    figures = clusterclient.LAST["figures"]
    assert len({f.pid for f in figures}) == 2  # both workers rendered partitions
    assert sorted(f.index for f in figures) == list(range(len(figures)))
    assert not any((base / ".cb-snapshots").iterdir())  # the snapshot is removed after the build


def test_worker_killed_mid_build(site, dask_cluster):
    base, export, local = site
    lc, marks = dask_cluster
    victim = lc.workers[0]
    for m in marks.iterdir():
        m.unlink()
    killed = threading.Event()

    def kill_when_busy() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(m.name.startswith(f"{victim.pid}-") for m in marks.iterdir()):
                lc.kill_worker(victim)  # SIGKILL, mid-partition (each waits 0.2 s first)
                killed.set()
                lc.add_worker()  # a new worker joins the running build
                return
            time.sleep(0.02)

    watcher = threading.Thread(target=kill_when_busy, daemon=True)
    watcher.start()
    out = build(output=base / "after-kill", data=export, quiet=True,
                overrides={**SMALL, "CB_CLUSTER": lc.address}).output
    watcher.join(30)
    assert killed.is_set()
    assert victim.poll() is not None
    assert_identical(local, out)


def test_worker_with_another_plan_fails_loudly(site, tmp_path):
    """A worker that rebuilds a different plan (other code or data there) refuses the task."""
    base, export, _ = site
    settings = settings_for(overrides={**SMALL, "CB_DATA": str(export), "OUTPUT_PATH": str(tmp_path / "o")})
    dataset = loader.load(settings)
    where = snapshot.write(dataset, tmp_path / "snaps", "b")
    spec = cluster.BuildSpec("b", where, settings)
    renderer = cluster.rebuild(spec)  # no digest: nothing to check against
    digest = renderer.plan_digest()
    assert cluster.rebuild(replace(spec, digest=digest)).plan_digest() == digest
    with pytest.raises(cluster.PlanMismatch, match="rebuilt another plan"):
        cluster.renderer_for(replace(spec, build_id="other", digest="0" * 64))
    with pytest.raises(cluster.PlanMismatch):  # and the next task of that build, at once
        cluster.renderer_for(replace(spec, build_id="other", digest="0" * 64),
                             make=lambda s: pytest.fail("rebuilt twice"))
    cluster.forget()
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())  # nothing written
    assert os.path.isdir(where)


def test_a_worker_lets_go_of_a_build_it_forgot(site, tmp_path, monkeypatch):
    """A Dask worker lives for many builds, and Pelican's memoized pages keep their contexts for
    the life of the process: once forgotten, a build's renderer and Dataset must be freed."""
    import gc
    import weakref

    base, export, _ = site
    settings = settings_for(overrides={**SMALL, "CB_DATA": str(export), "OUTPUT_PATH": str(tmp_path / "o")})
    where = snapshot.write(loader.load(settings), tmp_path / "snaps", "b")
    read, datasets = snapshot.read, []

    def reading(location):  # the worker's own Dataset, read from the snapshot
        dataset = read(location)
        datasets.append(weakref.ref(dataset))
        return dataset

    monkeypatch.setattr(cluster.snapshot, "read", reading)
    renderer = cluster.renderer_for(cluster.BuildSpec("freed", where, settings))
    gone = weakref.ref(renderer)
    assert renderer.queued() > 0 and len(datasets) == 1 and datasets[0]() is not None
    del renderer
    cluster.forget()
    gc.collect()
    assert gone() is None and datasets[0]() is None


def test_sweep_removes_what_dead_workers_left(tmp_path):
    """A worker SIGKILLed between writing ``<page>.<pid>.tmp`` and renaming it leaves that file."""
    from types import SimpleNamespace

    from clearbuild.clusterclient import sweep

    for rel in ["p/A/index.html", "p/A/index.html.123.tmp", "en/p/A/index.html.9.tmp",
                "p/A/index.html.7.link", "p/B/index.html.5.tmp", "d/A.json.4.tmp", "p/A/keep.tmp"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    from clearbuild.pagequeue import Group

    renderer = SimpleNamespace(output=tmp_path, languages=["ko", "en"],
                               partitions=[(("t", ""), 0, 1), (("d", ""), 0, 1)],
                               groups={("t", ""): Group("t", "p", prefix="p/", suffix="/index.html", paths=[""], keys=["A"],
                                                        args=[{}]),
                                       ("d", ""): Group("d", paths=["d/A.json"], keys=["A"], args=[{}])})
    assert sweep(renderer, [0, 1]) == 4
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["p/A/index.html", "p/A/keep.tmp", "p/B/index.html.5.tmp"]  # B: not these partitions
