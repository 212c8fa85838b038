"""cb_history: every record page shows what changed in it, night by night, from data/history.

The history is written by the nightly (clearbuild.publish.history) and read here at build time.
Templates include ``cb_history.html``, which asks the ``cb_history(kind, id)`` global for the
entries of the record the page shows (the renderer's ``record_kind``/``record_key``), newest
first. A build shows the entries dated up to its export's date (the export folder's YYYY-MM-DD
name), so rebuilding an old export shows the history as it stood then, and a test export without
a dated name shows none.

Each page's entries are also added to its input hash (``renderer.depends``): a new change to a
record re-renders that record's page and no other.
"""

from __future__ import annotations

import functools
from typing import Any

from pelican import signals
from pelican.generators import Generator

from clearbuild import asof, buildcontext, config
from clearbuild.publish import setting
from clearbuild.publish.history import PAGE_KINDS, History, by_record
from clearbuild.schema import TABLES

Index = dict[tuple[str, str], list[dict[str, Any]]]


def read_index(settings: dict[str, Any], dataset: Any) -> Index:
    """(kind, id) -> the history log's entries dated up to the export's date."""
    history = History(config.resolve(setting(settings, "CB_HISTORY_DIR")))
    until = asof.day(asof.of(dataset, settings)) or ""
    entries = history.entries() if until else []
    for e in entries:
        e["type"] = TABLES[e["table"]].column(e["field"]).type if e["field"] and \
            e["table"] in TABLES and e["field"] in TABLES[e["table"]]._by_name() else None
    return by_record(entries, until)


def index(shared: buildcontext.BuildContext, settings: dict[str, Any]) -> Index:
    """The build's index, read once and kept in the build context (clearbuild.buildcontext):
    every generator's environment and the page hashes share it, and it goes with the build."""
    if shared.history is None:
        shared.history = read_index(settings, shared.need_dataset())
    return shared.history


def on_generator_init(generator: Any) -> None:
    """The ``cb_history(kind, id)`` global: the index is read when a page first asks (by then
    the build's Dataset is in the context, whatever order the generators were made in)."""
    shared, settings = buildcontext.of(generator.context), generator.settings

    def lookup(kind: str, record_id: Any) -> list[dict[str, Any]]:
        return index(shared, settings).get((kind, str(record_id)), [])

    generator.env.globals["cb_history"] = lookup


def _depends(idx: Index, job: Any) -> list[dict[str, Any]]:
    """A record page's history entries (the renderer hands over its kind and key)."""
    return idx.get((job.kind, job.key), []) if job.kind else []


def nights(entries: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Per night, per kind: how many records changed, were added, were withdrawn."""
    out: dict[str, dict[str, dict[str, set[str]]]] = {}
    for e in entries:
        kinds = out.setdefault(e["date"], {})
        kinds.setdefault(e["kind"], {"changed": set(), "added": set(), "withdrawn": set()})
        own = e["table"] in PAGE_KINDS
        event = e["event"] if own else "changed"  # a payment added changes its project
        kinds[e["kind"]][event].add(e["id"])
    return [{"date": d, "kinds": [{"kind": k, **{ev: len(ids) for ev, ids in v.items()}}
                                  for k, v in sorted(out[d].items())]}
            for d in sorted(out, reverse=True)[:limit]]


class HistoryGenerator(Generator):
    """Adds the history to page hashes, and queues the site-wide list of changes."""

    def generate_context(self) -> None:
        idx = index(buildcontext.of(self.context), self.settings)
        renderer = buildcontext.renderer_of(self.context)
        renderer.depends.append(functools.partial(_depends, idx))
        entries = [e for items in idx.values() for e in items]
        ds = buildcontext.dataset_of(self.context)
        present = {(kind, str(i)) for table, kind in PAGE_KINDS.items()
                   for i in ds.table(table).get(TABLES[table].key[0], [])}
        latest: dict[tuple[str, str], str] = {}
        for e in entries:
            rec = (e["kind"], e["id"])
            if e["event"] == "withdrawn" and e["table"] in PAGE_KINDS and rec not in present:
                latest[rec] = max(latest.get(rec, ""), e["date"])
        # Still listed, with the date, after the page has gone: withdrawn, not silently deleted.
        withdrawn = sorted(({"date": d, "kind": k, "id": i} for (k, i), d in latest.items()),
                           key=lambda w: (w["date"], w["kind"], w["id"]), reverse=True)
        renderer.add("cb_changes.html", "changes/index.html", nights=nights(entries, 60),
                     withdrawn=withdrawn)


def get_generators(pelican: Any) -> type[Generator]:
    return HistoryGenerator


def register() -> None:
    signals.generator_init.connect(on_generator_init)
    signals.get_generators.connect(get_generators)
