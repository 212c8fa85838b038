"""What one build's core and plugins share, typed: the Dataset, the page renderer, and what one
plugin offers the others (the signals, the map writers, the history of changes).

Why: plugins used to meet through string keys in Pelican's context (``cb_dataset``,
``cb_renderer``, ``cb_signals``, ``cb_maps``...) and module caches (the loader kept
every Dataset it had loaded, keyed by export, for the life of the process, so the build wrapper
and the Pelican plugin would get the same object). A misspelt key read ``None`` and a cache held
the last build's data into the next. Now there is one object per build, in Pelican's context
under one key, with one attribute per thing shared: a misspelt attribute is an error
(``slots``), the types are checked, and it goes when the build's context goes.

How a build fills it:

- ``clearbuild.build`` loads the Dataset first (a broken export stops before anything is
  written) and hands it over with ``handing(dataset)``: the first generator Pelican makes gets it.
  A cluster worker hands over the snapshot's Dataset the same way (clearbuild.cluster). Pelican
  run on its own (no wrapper) gets it from ``cb_dataset``, which loads the export itself.
- ``cb_dataset`` makes the ``renderer``; ``cb_signals`` sets ``signals``; ``cb_maps`` sets
  ``maps``; ``cb_history`` keeps its index of changes in ``history``.

docs/architecture.md lists every attribute; tests/test_docs.py loops over them.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from pelican import signals as pelican_signals

if TYPE_CHECKING:
    from .dataset import Dataset
    from .render import Renderer
    from .signals.result import Signals

KEY = "clearbuild"  # the one key this project keeps in Pelican's context


@dataclasses.dataclass(slots=True, eq=False)
class BuildContext:
    """One build's shared state (the attributes are documented in docs/architecture.md)."""

    dataset: Dataset | None = None  # the export as ingested; None only before it is handed over
    renderer: Renderer | None = None  # the page renderer every section queues its pages on
    signals: Signals | None = None  # the integrity signals, once cb_signals has computed them
    maps: dict[str, Callable[..., Any]] | None = None  # cb_maps' callables, for Python code
    history: Any = None  # cb_history's index of changes: (kind, id) -> entries

    def need_dataset(self) -> Dataset:
        """The Dataset; a plugin that needs it says so plainly when it is missing."""
        if self.dataset is None:
            raise RuntimeError("no Dataset in this build: add 'cb_dataset' first in PLUGINS")
        return self.dataset


FIELDS = tuple(f.name for f in dataclasses.fields(BuildContext))


def of(context: MutableMapping[str, Any]) -> BuildContext:
    """The build's shared state in this Pelican context, made empty the first time it is asked
    for (generators are made, and their ``generator_init`` receivers run, in an order no one
    should depend on)."""
    found = context.get(KEY)
    if found is None:
        found = context[KEY] = BuildContext()
    elif not isinstance(found, BuildContext):
        raise TypeError(f"Pelican context key {KEY!r} holds a {type(found).__name__}, "
                        "not clearbuild's BuildContext")
    return found


def dataset_of(context: MutableMapping[str, Any]) -> Dataset:
    return of(context).need_dataset()


def renderer_of(context: MutableMapping[str, Any]) -> Renderer:
    r = of(context).renderer
    if r is None:
        raise RuntimeError("no page renderer in this build: add 'cb_dataset' first in PLUGINS")
    return r


def release(context: MutableMapping[str, Any]) -> None:
    """Take the build context out of Pelican's context once nothing will read it through that
    dict again (the plugins' globals hold the build context itself). Pelican's own ``memoized``
    cache keeps every page it made, and each page its context, for the life of the process: a
    finished build's Dataset, renderer and signals must not stay with them."""
    context.pop(KEY, None)


@contextlib.contextmanager
def handing(dataset: Dataset) -> Iterator[None]:
    """While Pelican runs inside this block, its generators' shared context gets ``dataset``
    (the caller loaded it before Pelican started). When the block ends the build context leaves
    the Pelican context (``release``; tests/test_buildcontext.py)."""
    given: list[MutableMapping[str, Any]] = []

    def give(generator: Any) -> None:
        bc = of(generator.context)
        if bc.dataset is None:
            bc.dataset = dataset
            given.append(generator.context)

    pelican_signals.generator_init.connect(give)
    try:
        yield
    finally:
        pelican_signals.generator_init.disconnect(give)
        for context in given:
            release(context)
