"""Does each record kind read what it declares? ``invoke reads``.

Why: ``Kind.reads`` says which rows a record's page reads (clearbuild.partial), so that a
partition's contexts can be made from those rows alone and a night can tell which pages a
changed row touches. A declaration nobody checks drifts from the templates and context
functions, and then a page made from its declared rows would silently differ. This makes every
kind's contexts twice, exactly as a build does (Pelican's context phase, clearbuild.cluster):
from the whole export, and from a Dataset of only the rows a partition of the kind's records
declares (every ``every``-th record). A context that differs is a read not declared, named by
kind, record and field.

The first run (2026-12-07, the demo export) found five: a contract's project (projects naming
the contract), a contract's lot title (the bids of its notice), a plan's contracts (through its
notices), a company's total won (its contracts' amendments), and a document's neighbours and
contract.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from . import buildcontext, partial
from .dataset import Dataset
from .kinds import KINDS, PAGES
from .pagehash import stable_json


@dataclass(frozen=True)
class Undeclared:
    """A record whose page, made from its declared rows only, differs from the build's."""

    kind: str
    key: str
    field: str  # where the contexts first differ: ".contract.amount", ".rows[2].title"
    whole: str  # the value made from the whole export, shortened
    declared: str  # ... and from the declared rows only

    def __str__(self) -> str:
        return (f"{self.kind} {self.key}: {self.field} is {self.whole} from the whole export but "
                f"{self.declared} from the rows clearbuild/kinds.py declares it reads")


def contexts(settings: dict[str, Any], dataset: Dataset) -> dict[tuple[str, str], str]:
    """(kind, key) -> every record page's context (stable JSON), as the build makes them."""
    from .cluster import context_phase

    scratch = tempfile.mkdtemp(prefix="cb-reads-")
    context: dict[str, Any] = {}
    try:
        context = context_phase({**settings, "OUTPUT_PATH": scratch}, dataset)
        renderer = buildcontext.renderer_of(context)
        return {(g.kind, key): stable_json(g.context(record))
                for g in renderer.groups.values() if g.kind and g.context
                for _, key, record in g.jobs()}
    finally:
        buildcontext.release(context)
        shutil.rmtree(scratch, ignore_errors=True)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def first_difference(whole: Any, declared: Any, at: str = "") -> tuple[str, Any, Any] | None:
    """(where, whole's value, declared's value) of the first difference of two JSON values."""
    if isinstance(whole, dict) and isinstance(declared, dict):
        for k in sorted(set(whole) | set(declared)):
            hit = first_difference(whole.get(k, "(none)"), declared.get(k, "(none)"), f"{at}.{k}")
            if hit:
                return hit
        return None
    if isinstance(whole, list) and isinstance(declared, list) and len(whole) == len(declared):
        for i, (a, b) in enumerate(zip(whole, declared, strict=True)):
            if hit := first_difference(a, b, f"{at}[{i}]"):
                return hit
        return None
    return None if whole == declared else (at or ".", whole, declared)


def check(settings: dict[str, Any], dataset: Dataset, every: int = 3,
          kinds: Iterable[str] | None = None,
          whole: dict[tuple[str, str], str] | None = None) -> Iterator[Undeclared]:
    """Every record of every kind (or of ``kinds``) in a partition of every ``every``-th
    record whose page differs when made from its declared rows only. ``whole``: the whole
    export's ``contexts``, when already made."""
    whole = contexts(settings, dataset) if whole is None else whole
    for name in kinds or list(KINDS):
        keys = sorted(key for kind, key in whole if kind == name)[::every]
        if not keys:
            continue
        # The plugin's own pages of the kind (kinds.PAGES, loaded by the context phase above):
        # what a process holding only the partition's rows would make; else a context phase.
        made = ({(name, key): stable_json(c) for key, c in partial.contexts(dataset, name, keys, settings)}
                if name in PAGES else contexts(settings, partial.dataset_for(dataset, name, keys)))
        for key in keys:
            if made.get((name, key)) == whole[(name, key)]:
                continue
            ours = json.loads(made[(name, key)]) if (name, key) in made else None
            where, a, b = first_difference(json.loads(whole[(name, key)]), ours) or (".", "", "")
            yield Undeclared(name, key, where, _short(a), _short(b))


def main(argv: list[str] | None = None) -> int:
    """``invoke reads``: print each undeclared read, one line each; 1 if any, 2 if the export
    cannot be read."""
    import argparse
    import sys

    from . import config, loader
    from .build import settings_for
    from .ingest import StructuralError

    p = argparse.ArgumentParser(prog="invoke reads", description=__doc__.splitlines()[0])
    p.add_argument("--data", help="export folder (default: the settings' newest export)")
    p.add_argument("--settings", default="pelicanconf.py")
    p.add_argument("--every", type=int, default=3, help="check every N-th record of each kind")
    p.add_argument("--kind", action="append", help="only this kind (repeatable)")
    args = p.parse_args(argv)
    settings = settings_for(args.settings, {"CB_DATA": str(config.resolve(args.data))} if args.data else {})
    try:
        dataset = loader.load(settings)
    except StructuralError as e:
        print(f"reads: {e}", file=sys.stderr)
        return 2
    found = 0
    for problem in check(settings, dataset, max(1, args.every), args.kind):
        print(problem)
        found += 1
    kinds, share = ", ".join(args.kind or KINDS), f"one record in {args.every}"
    print(f"{found} undeclared reads ({kinds}; {share})" if found else
          f"every page of {kinds} is made from the rows its kind declares ({share} checked)")
    return 1 if found else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
