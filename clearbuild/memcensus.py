"""Where the build's own process holds its memory, by owner: what ``invoke census`` prints.

Why: every stage after the search sits on what the parent holds (docs/performance.md: at
Seoul's size 0.66 GB of the 0.94 GB peak, and it doubles with the corpus). A census by type
(dicts, strings, lists) says what that memory is made of, not who keeps it, and each session
wrote its own probe to find out. This one walks the parent's objects from named roots in a fixed
order, the Dataset's tables first, then the build's context, the renderer's queue, each
generator and each module of the project; an object belongs to the first root that reaches it.

Sizes are ``sys.getsizeof`` summed over the objects a root reaches (``gc.get_referents``; a
function through its closure and defaults, never its module's globals; modules, classes and
code belong to nobody). They are Python's own figures: the allocator's overhead and memory
freed but not given back are not in them, so they add up to less than the process's RSS,
which the census prints beside them.
"""

from __future__ import annotations

import functools
import gc
import sys
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import allocators
from .buildcontext import FIELDS, BuildContext

# Nobody's: shared by every root, or not data at all.
_NOBODY = (types.ModuleType, type, types.CodeType, types.BuiltinFunctionType, types.FrameType,
           types.MethodWrapperType, types.WrapperDescriptorType)
_PROJECT = ("clearbuild", "cb_", "admin")  # the modules whose globals are roots


@dataclass(frozen=True)
class Holding:
    """What one root holds that no earlier root reaches: bytes and objects."""

    owner: str
    bytes: int
    objects: int

    @property
    def mb(self) -> float:
        return round(self.bytes / 2**20, 1)


class _Walk:
    """Objects already claimed, and the walk that claims what a root reaches."""

    def __init__(self, nobody: Iterable[Any] = ()) -> None:
        self.seen: set[int] = {id(o) for o in nobody}
        # A module's globals are reached from every function it defines: nobody's either.
        self.seen.update(id(vars(m)) for m in list(sys.modules.values()) if hasattr(m, "__dict__"))
        # pandas' objects give their size with their columns' (``memory_usage(deep=True)``):
        # counted whole, not walked through (their blocks would count twice).
        pandas = sys.modules.get("pandas")
        self.whole = (pandas.DataFrame, pandas.Series, pandas.Index) if pandas else ()

    def claim(self, root: Any) -> tuple[int, int]:
        size = count = 0
        stack = [root]
        seen = self.seen
        while stack:
            o = stack.pop()
            if id(o) in seen or isinstance(o, _NOBODY):
                continue
            seen.add(id(o))
            try:
                size += sys.getsizeof(o)
            except TypeError:  # an extension type without a size
                pass
            count += 1
            if isinstance(o, self.whole):
                continue
            if isinstance(o, types.FunctionType):
                stack.extend(c.cell_contents for c in o.__closure__ or () if _filled(c))
                stack.extend(o.__defaults__ or ())
                stack.extend((o.__kwdefaults__ or {}).values())
            else:
                stack.extend(gc.get_referents(o))
                if isinstance(o, dict):  # a dict of text keys does not give its keys to gc
                    stack.extend(o)
        return size, count


def _filled(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018  # an empty cell raises
    except ValueError:
        return False
    return True


def holdings(roots: Iterable[tuple[str, Any]], nobody: Iterable[Any] = (), least: int = 0,
             rest: Iterable[Any] = ()) -> list[Holding]:
    """Each named root's share, in the roots' order (first claimant wins), those of at least
    ``least`` bytes; then, as "unreached", what of ``rest`` no root reached. ``nobody``:
    objects claimed by no root, and not walked through."""
    walk = _Walk(nobody)
    out = []
    for name, root in roots:
        size, count = walk.claim(root)
        if size >= least and count:
            out.append(Holding(name, size, count))
    size = count = 0
    for o in rest:  # e.g. every live object: a cycle left for the collector, a frame's locals
        more, objects = walk.claim(o)
        size, count = size + more, count + objects
    return [*out, Holding("unreached", size, count)]


def build_roots(dataset: Any, renderer: Any, context: dict[str, Any] | None,
                generators: Iterable[Any] = ()) -> Iterator[tuple[str, Any]]:
    """The build's roots in the order they claim: the Dataset's rows, indexes and groupings
    (one root each), every context key (the build context's signals, maps and history one
    by one; Pelican's own keys), the renderer's queue (a root per group of pages) and its other
    fields, each generator's attributes, then each project module's globals. The Dataset, the
    renderer and the context themselves are containers, not roots (``of_this_process`` names
    them nobody's)."""
    if dataset is not None:
        for attr in ("_rows", "_records", "_groups", "_columns", "_held"):
            for key, value in getattr(dataset, attr, {}).items():
                yield f"dataset {attr.strip('_')} {_name(key)}", value
        for attr in ("tables", "files", "report"):
            yield f"dataset {attr}", getattr(dataset, attr, None)
    for key, value in (context or {}).items():
        if isinstance(value, BuildContext):  # the build's shared state: one root per attribute
            yield from ((f"context {name}", getattr(value, name)) for name in FIELDS
                        if name not in ("dataset", "renderer"))
        else:
            yield f"context {key}", value
    if renderer is not None:
        for key, group in getattr(renderer, "groups", {}).items():
            # Its pages' context function first: what it holds (e.g. a section's model, bound
            # by functools.partial) is named apart from the queued records and keys.
            make = getattr(group, "context", None)
            if make is not None:
                yield f"renderer queue {_name(key)} context {_describe(make)}", make
            yield f"renderer queue {_name(key)}", group
        for attr, value in vars(renderer).items():
            if isinstance(value, list) and 0 < len(value) < 100:  # e.g. depends: one root each
                yield from ((f"renderer {attr}[{i}]", v) for i, v in enumerate(value))
            elif attr != "groups":
                yield f"renderer {attr}", value
    for g in generators:
        for attr, value in vars(g).items():
            if not isinstance(value, types.MethodType):
                yield f"{type(g).__name__}.{attr}", value
    for name, module in sorted(sys.modules.items()):
        if name.startswith(_PROJECT):
            for attr, value in vars(module).items():
                if not attr.startswith("__") and not isinstance(value, types.FunctionType):
                    yield f"{name}.{attr}", value


def _describe(make: Any) -> str:
    """A context function as ``partial(plan_context, Chain)``: what it is bound to, by type."""
    if isinstance(make, functools.partial):
        bound = ", ".join(type(a).__name__ for a in make.args)
        return f"partial({getattr(make.func, '__name__', type(make.func).__name__)}, {bound})"
    return getattr(make, "__qualname__", type(make).__name__)


def _name(key: Any) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return "/".join(str(p).replace("\x00", "") for p in parts)


def of_this_process(least: int = 2**20) -> dict[str, Any]:
    """The census of the running build: its holdings (each at least ``least`` bytes), what no
    root reaches, and the process's anonymous memory, from the objects alive now."""
    from pelican.generators import Generator

    from .dataset import Dataset
    from .render import Renderer

    gc.collect()
    anonymous = _anonymous()  # before the walk, whose own bookkeeping is ~60 bytes an object
    allocs = allocators.breakdown()  # the same moment, by allocator
    alive = gc.get_objects()
    datasets = [o for o in alive if isinstance(o, Dataset)]
    renderers = [o for o in alive if isinstance(o, Renderer)]
    generators = [o for o in alive if isinstance(o, Generator)]
    context = generators[0].context if generators else None
    dataset = datasets[0] if datasets else None
    renderer = renderers[0] if renderers else None
    # Containers, not roots: their parts claim one by one, and an object that holds a whole
    # container (a page's metadata holds the context, a closure the renderer) claims none of it.
    nobody = [o for o in (alive, dataset, renderer, context, *(vars(g) for g in generators))
              if o is not None]
    roots = build_roots(dataset, renderer, context, generators)
    *held, rest = holdings(roots, nobody, least, rest=alive)
    del alive
    return {"anonymous_mb": round(anonymous / 2**20, 1), "allocators": allocs,
            "python_mb": round(sum(h.bytes for h in (*held, rest)) / 2**20, 1),
            "holdings": [[h.owner, h.mb, h.objects] for h in sorted(held, key=lambda h: -h.bytes)],
            "unreached_mb": rest.mb, "unreached_objects": rest.objects}


def _anonymous() -> int:
    """The process's anonymous resident memory (its heap), in bytes."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Stopped(Exception):
    """The build was stopped at the stage the census was taken at (nothing was published)."""


def at_stage(stage: str, build: Callable[[], Any], least: int = 2**20) -> dict[str, Any]:
    """Run ``build`` until it enters ``stage`` (clearbuild.hooks.stage_started), take the census
    there, then stop it: the build removes its unfinished folder, as after any failure."""
    from . import hooks

    taken: dict[str, Any] = {}

    def on_stage(_: Any, name: str = "", **__: Any) -> None:
        if name == stage:
            taken.update(of_this_process(least), stage=stage)
            raise Stopped(stage)

    hooks.stage_started.connect(on_stage)
    try:
        build()
    except Stopped:
        pass
    finally:
        hooks.stage_started.disconnect(on_stage)
    if not taken:
        raise ValueError(f"the build never entered stage {stage!r}")
    return taken


def census_bench(stage: str = "render", projects: int = 3000, scale: str | None = None,
                 times: int = 1, languages: list[str] | None = None) -> dict[str, Any]:
    """``invoke census``: the bench's export (clearbuild.bench), built with one process (no
    worker is forked before the render), stopped at ``stage``, its census."""
    from . import config
    from .bench import export_for, rows_limit, sizes_for
    from .build import build

    export = export_for(sizes_for(projects, scale, times))
    overrides: dict[str, Any] = {"CB_WORKERS": 1, **rows_limit(export)}
    if languages:
        overrides["CB_LANGUAGES"] = languages
    out: Path = config.ROOT / "bench" / "out"
    figures = at_stage(stage, lambda: build(output=out, data=export, overrides=overrides, quiet=True))
    return {"export": export.name, **figures}
