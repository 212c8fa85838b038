"""cb_signals: integrity red flags next to the records, a list of them, their method, and rates.

Signals are computed once (clearbuild.signals.compute), in a forked child started in generate_context
right after the Dataset (``clearbuild.signals.Apart``), taken when every generator has made its
context (``all_generators_finalized``), and shared three ways:
- Jinja globals on every environment: ``cb_signals_for(kind, id)`` (flags a record page shows),
  ``cb_signal_reason(flag, lang)`` (the numbers, in words), ``cb_signal_rates(group, key)``
  (an agency's or company's rates) and ``cb_signal_text(texts, lang)``; record templates include
  ``cb_signals_box.html`` with ``signal_kind`` and ``signal_id`` set;
- the build context's ``signals`` (clearbuild.buildcontext) for other plugins, e.g. search
  filters (``flag_map()``: {(kind, id): [indicator ids]});
- pages under /signals/: the list (filterable), one list per indicator, the methodology,
  agency rates and company rates.
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any

from pelican import signals
from pelican.generators import Generator

from clearbuild import buildcontext, forked
from clearbuild.signals import DEFAULTS, Apart, Flag, Signals, compute, explain
from clearbuild.signals import setting as signal_setting

from . import pages

log = logging.getLogger(__name__)

__all__ = ["DEFAULTS", "register"]  # every CB_SIGNALS_* default lives in clearbuild.signals.settings


def _text(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


def on_generator_init(generator: Any) -> None:
    """Globals read the build context lazily, so they work in every environment, even before
    the signals are computed (they then return nothing). They hold the build context itself,
    not Pelican's context: the build context leaves that when the run ends."""
    shared = buildcontext.of(generator.context)
    env = generator.env

    def current() -> Signals | None:
        return shared.signals

    def signals_for(kind: str, record_id: Any) -> list[Flag]:
        sig = current()
        return sig.for_record(kind, str(record_id)) if sig and record_id is not None else []

    def reason(flag: Flag, lang: str = "ko") -> str:
        # Amounts as the page's language writes them (CB_CURRENCY_SYMBOLS: "KRW" on English pages).
        per_language = env.globals.get("cb_language_env")
        money = (per_language(env, lang) if per_language else env).filters.get("money")
        return explain(flag, lang, money, html=True)

    def rates(group: str, key: Any) -> dict[str, Any] | None:
        sig = current()
        return sig.rate(group, str(key)) if sig and key is not None else None

    env.globals.update(cb_signals_for=signals_for, cb_signal_reason=reason, cb_signal_rates=rates,
                       cb_signal_text=_text)


def _depends(sig: Signals, job: Any) -> Any:
    """What a record page's box shows (flags, a company's rates); None for other pages. The
    renderer hands over the record's kind and key (clearbuild.kinds): no path is split."""
    if not job.kind:
        return None
    flags = [[f.indicator, f.values, f.variant, f.via] for f in sig.for_record(job.kind, job.key)]
    return [flags, sig.rate("companies", job.key) if job.kind == "companies" else None]


class SignalsGenerator(Generator):
    def generate_context(self) -> None:
        """Start the computation in a forked child (``clearbuild.signals.Apart``): PLUGINS runs
        this right after the Dataset, so its temporaries stack on the parent's smallest heap and
        go with the child. ``finish`` takes the result once every section has made its context.
        A cluster worker forks no child: it computes in ``finish`` (clearbuild.cluster sends
        ``all_generators_finalized`` as Pelican does), so its pages hash as the parent's do."""
        self._apart: Apart | None = None
        if self.settings.get("CB_CLUSTER_WORKER"):
            return
        forked.collect_all()  # not beside another child's memory (clearbuild.forked)
        self._apart = Apart(buildcontext.dataset_of(self.context), self.settings)
        # Waited for here: the fork is for the memory, not to run beside the search index (the
        # two together would be the build's peak); the bench's "signals" stage is the child's.
        self._apart.wait()

    def finish(self) -> None:
        # Not beside the open-data child, which may still be writing (at twice Seoul's size the
        # Signals read beside it made the build's peak, 1.21 GB).
        forked.collect_all()
        t = time.perf_counter()
        sig = self._apart.result() if self._apart else compute(buildcontext.dataset_of(self.context),
                                                                 self.settings)
        self._apart = None
        buildcontext.of(self.context).signals = sig
        log.info("signals: %d flags on %d records (computed in %.2f s, read in %.2f s)", len(sig.flags),
                 len(sig.records), sum(sig.seconds.values()), time.perf_counter() - t)
        renderer = buildcontext.renderer_of(self.context)
        # A record page shows flags through a Jinja global, not its context: hash them with it.
        renderer.depends.append(functools.partial(_depends, sig))
        self._queue(sig, renderer)

    def _queue(self, sig: Signals, r: Any) -> None:
        limit = int(signal_setting(self.settings, "CB_SIGNALS_PAGE_ROWS"))
        # The date and the site-wide counts go only to the pages that show them (the summary on
        # /signals/, the methodology): in every list page's context they changed every page's
        # hash every night, and the lists re-rendered with nothing of theirs changed.
        summary = {"counts": sig.counts(), "today": sig.today.isoformat()}
        common = {"indicators": sig.indicators}
        # The lists' rows are made where each page is rendered (pages.Lists).
        lists = pages.Lists(sig, limit, summary)
        r.add_lazy("signals_list.html", lists.pages, functools.partial(pages.list_context, lists),
                   heavy=True)
        values = {name: signal_setting(self.settings, name) for name in DEFAULTS}
        r.add("signals_methodology.html", "signals/methodology/index.html", values=values, **common,
              **summary)
        bars = int(signal_setting(self.settings, "CB_SIGNALS_CHART_BARS"))
        least = int(signal_setting(self.settings, "CB_SIGNALS_RATE_MIN_CONTRACTS"))
        ds = buildcontext.dataset_of(self.context)
        companies = ds.table("companies")
        names = dict(zip(companies["company_id"].tolist(), companies["name"].tolist(), strict=True)) \
            if {"company_id", "name"} <= set(companies.columns) else {}
        for group, table in (("agencies", pages.rate_table(sig, "agencies")),
                             ("companies", pages.rate_table(sig, "companies", names, least))):
            tops = {c: pages.top(table, c, bars, least) for c in RATE_COLUMNS}
            r.add("signals_rates.html", f"signals/{group}/index.html", group=group,
                  table=table if group == "agencies" else None, tops=tops, least=least, pct_fmt=_pct,
                  charts={c: pages.chart(rows, c) for c, rows in tops.items()}, **common)
        # The flagged records' text is in the lists' own table now (pages.Lists): held on for
        # the build, the frame was 12.7 MB of the parent at Seoul's size that no page reads.
        sig.records = sig.records.iloc[:0]


def _pct(v: float) -> str:
    return f"{v:.1f}%"


RATE_COLUMNS = ("direct_share", "single_bid_rate", "overrun")


def get_generators(pelican: Any) -> type[Generator]:
    return SignalsGenerator


def finish(generators: list[Any]) -> None:
    for g in generators:
        if isinstance(g, SignalsGenerator):
            g.finish()


def register() -> None:
    signals.generator_init.connect(on_generator_init)
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(finish)
