"""Queueing pages on the renderer: whole pages, a record kind's records, data files.

Why apart from clearbuild.render: what plugins call (this) is the stable contract; how the
queue is cut into partitions and written is the renderer's business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

DATA = "\0data"  # the template name of a data-file job: written once, in no language but the first


@dataclass
class Group:
    """Jobs of one template, and of one record kind when they are record pages.

    A job is (path, key, record or context), held in three lists, not a tuple per job: at
    Seoul's size the sections queue 369,330 jobs in Korean (counted; the OCDS record files come
    on top) in the parent that every render worker maps, and a tuple is 64 bytes more than three
    list slots (48 bytes a job, ~18 MB). A record page's path, and the path of a job queued by
    key (``add_files`` and ``add_lazy`` given ``under``), is "" and made from its key when read
    (``path``, ``jobs``): 322,000 record paths of ~78 bytes each (~25 MB, counted from their
    sizes); the OCDS record files' 177,600 paths 12.2 MB and the certificates' 6.6 (traced)."""

    template: str
    kind: str = ""
    # item -> context; None: the item's third field is the context itself (a page added whole)
    context: Callable[[Any], dict[str, Any]] | None = None
    # A job queued by key has the path prefix + key + suffix (a record page: its kind's folder
    # and "/index.html", clearbuild.kinds).
    prefix: str = ""
    suffix: str = ""
    # Heavy pages made where they are rendered (listings): cut and ordered like pages queued
    # whole (clearbuild.pageplan.WHOLE_PAGES a partition, rendered first).
    heavy: bool = False
    paths: list[str] = field(default_factory=list)  # "" for a job queued by key
    keys: list[str] = field(default_factory=list)  # a record page's record, a job's key, or ""
    args: list[Any] = field(default_factory=list)  # record, argument or context; None once done

    def add(self, path: str, key: str, arg: Any) -> None:
        self.paths.append(path)
        self.keys.append(key)
        self.args.append(arg)

    def __len__(self) -> int:
        return len(self.paths)

    def path(self, i: int) -> str:
        return self.paths[i] or f"{self.prefix}{self.keys[i]}{self.suffix}"  # = Kind.path(key), key checked

    def jobs(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[str, str, Any]]:
        """(path, key, record or context) of jobs[start:stop]."""
        for i in range(start, len(self.paths) if stop is None else min(stop, len(self.paths))):
            yield self.path(i), self.keys[i], self.args[i]

    @property
    def items(self) -> list[tuple[str, str, Any]]:
        """The jobs as (path as queued, key, arg) tuples: for tests and tools, made when read."""
        return list(zip(self.paths, self.keys, self.args, strict=True))

    def sort(self) -> None:
        """Jobs in path order (the plan's, whatever order generators queued them in)."""
        order = sorted(range(len(self.paths)), key=self.path)
        self.paths[:] = [self.paths[i] for i in order]
        self.keys[:] = [self.keys[i] for i in order]
        self.args[:] = [self.args[i] for i in order]

    def let_go(self, start: int, stop: int) -> None:
        """Drop what jobs[start:stop] carried; paths and keys stay."""
        self.args[start:stop] = [None] * (stop - start)


class PageQueue:
    """The queueing side of clearbuild.render.Renderer (which declares ``groups``)."""

    groups: dict[tuple[str, str], Group]

    def _group(self, template: str, kind: str = "",
               context: Callable[[Any], dict[str, Any]] | None = None) -> Group:
        name = getattr(context, "__qualname__", None) or getattr(getattr(context, "func", None),
                                                                  "__qualname__", "")
        key = (template, f"{kind}:{name}")
        if key not in self.groups:
            self.groups[key] = Group(template, kind, context)
        return self.groups[key]

    def add(self, template: str, path: str, **context: Any) -> None:
        """A page whose context is made now (section homes, listings: a few thousand pages)."""
        self._group(template).add(path, "", context)

    def add_records(self, kind: str, records: Iterable[dict[str, Any]],
                    context: Callable[[dict[str, Any]], dict[str, Any]],
                    template: str | None = None) -> None:
        """One page per record of a declared kind (clearbuild.kinds); ``context(record)`` is
        called where the page is rendered. ``context`` must be a module-level function or a
        functools.partial of one, so every process (and every Dask worker) names it alike."""
        from .kinds import KINDS

        k = KINDS[kind]
        group = self._group(template or k.template, kind, context)
        group.prefix, group.suffix = f"{k.folder}/", "/index.html"
        before = len(group)
        for r in records:
            key = str(r[k.key])
            k.path(key)  # refuses an id that is unsafe in a path
            group.add("", key, r)
        if len(group) > before:
            # Once here, in the parent: shared indexes a context builds on first use (Dataset.group,
            # a Chain's caches) then exist before the workers fork, not once per worker.
            context(group.args[before])

    def add_lazy(self, template: str, items: Iterable[tuple[str, Any]],
                 context: Callable[[Any], dict[str, Any]], under: tuple[str, str] | None = None,
                 heavy: bool = False) -> None:
        """Pages that are not a record kind's but whose contexts are made where they are rendered:
        ``context(arg)`` for each ``(path, arg)`` (e.g. a company's certificate of one kind).
        With ``under`` (prefix, suffix), each item is ``(key, arg)`` and its page's path is
        prefix + key + suffix, made when read (``Group.path``). ``heavy``: large pages (a
        listing of thousands of rows), cut into small partitions and rendered first, as pages
        queued whole are: in one partition of 2,000, a month's worth of listings would be one
        worker's alone at the end of the build."""
        group = _keyed(self._group(template, "", context), under)
        group.heavy = group.heavy or heavy
        for path, arg in items:
            group.add(*_queued(path, under), arg)

    def add_file(self, path: str, produce: Callable[..., str | bytes], *args: Any) -> None:
        """Queue a data file (not HTML, not translated) whose bytes are ``produce(*args)``.

        Why through the renderer: at Seoul's size one process serialising and writing 175,000
        record JSON files took ~45 s; here the page workers share them, and like pages they are
        hashed (``produce`` by name, ``args`` by value), so an unchanged file is kept or linked.
        """
        if path.endswith(".html"):
            raise ValueError(f"add_file is for data files; queue pages with add(): {path}")
        self._group(DATA).add(path, "", {"produce": produce, "args": args})

    def add_files(self, items: Iterable[tuple[str, Any]],
                  context: Callable[[Any], dict[str, Any]], under: tuple[str, str] | None = None) -> None:
        """Data files made where they are written: ``context(arg)`` returns ``{"produce": f,
        "args": (...)}`` for each ``(path, arg)``, as ``add_file`` takes them. Why: the 175,000
        OCDS record files at Seoul's size, each a compiled release, no longer wait in the parent.

        With a ``"digest"`` (bytes that change whenever ``produce(*args)`` would), the file's
        hash is ``produce``'s name and the digest, not ``args``: an unchanged file is kept
        without its arguments being hashed, and ``args`` may be cheap references (a writer and
        a key) whose work is done only when the file is written. With ``under`` (prefix,
        suffix), each item is ``(key, arg)``, as in ``add_lazy``."""
        if under is not None and under[1].endswith(".html"):
            raise ValueError(f"add_files is for data files; queue pages with add(): {under}")
        group = _keyed(self._group(DATA, "", context), under)
        for path, arg in items:
            if path.endswith(".html"):
                raise ValueError(f"add_files is for data files; queue pages with add(): {path}")
            group.add(*_queued(path, under), arg)

    def queued(self) -> int:
        """How many jobs are queued (pages in one language, and data files)."""
        return sum(len(g) for g in self.groups.values())


def _keyed(group: Group, under: tuple[str, str] | None) -> Group:
    """The group, its path form set to ``under``: one form a group."""
    if under is not None:
        if len(group) and (group.prefix, group.suffix) != under:
            raise ValueError(f"one group, two path forms: {under} and {(group.prefix, group.suffix)}")
        group.prefix, group.suffix = under
    return group


def _queued(path_or_key: str, under: tuple[str, str] | None) -> tuple[str, str]:
    """(path as queued, key) of an item: a key queued ``under`` a path form keeps no path."""
    if under is None:
        return path_or_key, ""
    # Every segment a name: no "..", ".", empty segment (nor a leading "/") or backslash, so
    # a key cannot lead its path out of its form's folder.
    if "\\" in path_or_key or any(part in ("", ".", "..") for part in path_or_key.split("/")):
        raise ValueError(f"a key queued under a path form names no file: {path_or_key!r}")
    return "", path_or_key
