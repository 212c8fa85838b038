"""The typed contract between the core and its plugins (clearbuild.buildcontext): one object per
build, no module cache keeping a Dataset from one build into the next."""

from __future__ import annotations

import gc
import weakref

import pytest
from pelican import Pelican

from clearbuild import buildcontext, hooks, loader
from clearbuild.build import build, settings_for
from clearbuild.buildcontext import BuildContext


def test_a_misspelt_attribute_is_an_error_not_a_new_key():
    shared = BuildContext()
    with pytest.raises(AttributeError):
        shared.signal = object()  # type: ignore[attr-defined]


def test_one_build_context_per_pelican_context_and_nothing_else_under_its_key():
    context: dict = {}
    assert buildcontext.of(context) is buildcontext.of(context)
    with pytest.raises(RuntimeError, match="cb_dataset"):
        buildcontext.dataset_of(context)
    with pytest.raises(TypeError, match="BuildContext"):
        buildcontext.of({buildcontext.KEY: {"dataset": None}})


def test_plugins_share_the_dataset_the_wrapper_loaded_and_a_finished_build_keeps_none(
        tmp_path, export, monkeypatch):
    loaded: list[weakref.ref] = []
    ids: list[int] = []
    real = loader.load

    def load(settings):
        dataset = real(settings)
        loaded.append(weakref.ref(dataset))
        ids.append(id(dataset))
        return dataset

    monkeypatch.setattr(loader, "load", load)
    seen: list[int] = []

    def at_render(_, name):
        if name == "render":  # the renderer's parent: every plugin's context is made by now
            gc.collect()
            seen.extend(id(o.dataset) for o in gc.get_objects() if isinstance(o, BuildContext))

    hooks.stage_started.connect(at_render)
    try:
        result = build(output=tmp_path / "site", data=export, quiet=True)
    finally:
        hooks.stage_started.disconnect(at_render)
    assert (result.output / "projects").is_dir()
    assert len(loaded) == 1  # ingested once, by the wrapper; the plugin did not load it again
    assert set(seen) == set(ids)  # the one build context holds that very Dataset
    gc.collect()
    assert loaded[0]() is None  # gone with its build: no cache keeps it for the next one


def test_pelican_run_on_its_own_loads_the_export_itself(tmp_path, export):
    out = tmp_path / "out"
    settings = settings_for(overrides={"CB_DATA": str(export), "OUTPUT_PATH": str(out),
                                       "CB_PROGRESS": False})
    Pelican(settings).run()
    assert (out / "index.html").is_file() and any((out / "projects").glob("*/index.html"))
