"""pyarrow's memory pool: jemalloc for a build's ingest and a cluster worker's snapshot, unless
the operator chose one (clearbuild.memwatch.returning_pool; why, with the figures: its
docstring and docs/performance.md)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from clearbuild import memwatch


def _has_jemalloc() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


needs_jemalloc = pytest.mark.skipif(not _has_jemalloc(), reason="this pyarrow has no jemalloc")


@pytest.fixture
def system_pool(monkeypatch):
    """The default pool set to glibc's for the test, and put back after it."""
    before = pa.default_memory_pool()
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    pa.set_memory_pool(pa.system_memory_pool())
    yield
    pa.set_memory_pool(before)


@needs_jemalloc
def test_the_pool_becomes_jemalloc(system_pool) -> None:
    assert memwatch.returning_pool() == "jemalloc"
    assert pa.default_memory_pool().backend_name == "jemalloc"
    # pandas' text columns are made in that pool from then on
    import pandas as pd

    before = pa.jemalloc_memory_pool().bytes_allocated()
    texts = pd.Series([f"공사 {i}" for i in range(20_000)], dtype="str")
    assert pa.jemalloc_memory_pool().bytes_allocated() > before
    del texts


def test_the_operators_choice_is_kept(system_pool, monkeypatch) -> None:
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    assert memwatch.returning_pool() == "system"
    assert pa.default_memory_pool().backend_name == "system"


def test_a_pyarrow_without_jemalloc_keeps_its_pool(system_pool, monkeypatch) -> None:
    def missing() -> pa.MemoryPool:
        raise NotImplementedError("built without jemalloc")

    monkeypatch.setattr(pa, "jemalloc_memory_pool", missing)
    assert memwatch.returning_pool() == "system"
    assert pa.default_memory_pool().backend_name == "system"


@needs_jemalloc
def test_ingest_chooses_it_before_reading(system_pool, tmp_path) -> None:
    from factory import write_export

    from clearbuild import config, loader

    seen: list[str] = []
    real = loader.ocds_source.load

    def watch(*args, **kwargs):  # what the pool is while the export is read
        seen.append(pa.default_memory_pool().backend_name)
        return real(*args, **kwargs)

    export = write_export(tmp_path / "export")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(loader.ocds_source, "load", watch)
        dataset = loader.load({**config.DEFAULTS, "CB_DATA": str(export)})
    assert seen == ["jemalloc"]
    assert dataset.row_count() > 0
