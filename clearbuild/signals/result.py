"""The computed flags: looked up per record page, listed on /signals/, explained in plain words.

A page shows its own flags and those of the records it stands on (a contract shows its bid
notice's, a project its works contract's), each marked with where it came from, and an
indicator already flagged on the record itself is not repeated from a parent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from .. import filters
from .base import REGISTRY, Indicator

Key = tuple[str, str]  # (kind, id)


@dataclass(frozen=True, slots=True)  # slots: 122,761 flags at Seoul's size, 8 MB less
class Flag:
    indicator: str
    kind: str
    id: str
    values: dict[str, Any]
    variant: str = ""
    via: Key | None = None  # set when shown on a child record's page

    @property
    def meta(self) -> Indicator:
        return REGISTRY[self.indicator]

    def title(self, lang: str) -> str:
        return _pick(self.meta.title, lang)

    def reason(self, lang: str, money: Callable[[Any], str] | None = None) -> str:
        return explain(self, lang, money)


def _pick(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text.get("en") or next(iter(text.values()))


def _fmt(v: Any, kind: str, lang: str, money: Callable[[Any], str]) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "–"
    if kind == "money":
        return money(int(round(float(v))))
    if kind == "pct":
        return f"{float(v):.1f}%"
    if kind == "points":
        return f"{float(v):.1f}"
    if kind in ("int", "days"):
        return f"{int(v):,}"
    if kind in ("ids", "brns"):  # brns: business numbers, written as people do (123-45-67890)
        items = [f"{x[:3]}-{x[3:5]}-{x[5:]}" if kind == "brns" and len(x) == 10 and x.isdigit() else x
                 for x in map(str, v)]
        more = len(items) - 8
        shown = ", ".join(str(x) for x in items[:8])
        return shown + (f" … (+{more})" if more > 0 else "")
    return str(v)


# How a "since" value reads: the count the browser writes, and the date without JavaScript.
SINCE = {"ko": ("{n}일", "{date}부터"), "en": ("{n} days", "since {date}")}


def _since(v: Any, kind: str, lang: str) -> Markup:
    """A day counter (filters.days_since, which also writes "–" for a missing date)."""
    text, fallback = SINCE.get(lang, SINCE["en"])
    return filters.days_since(v, text, fallback, workdays=kind == "since_work")


def explain(flag: Flag, lang: str, money: Callable[[Any], str] | None = None,
            html: bool = False) -> str:
    """The numbers that triggered a flag, in a sentence of the page's language.

    ``html``: for a page (Markup, every value escaped); a "since" value becomes a day counter the
    browser fills in. Plain text (search, downloads) gives "since <date>" instead."""
    meta = flag.meta
    money = money or (lambda n: f"{n:,}")
    templates = meta.reason.get(f"{flag.kind}:{flag.variant}") if flag.variant else None
    template = _pick(templates or meta.reason[flag.kind], lang)
    values: dict[str, Any] = {}
    for name, kind in meta.fields.items():
        v = flag.values.get(name)
        if kind in ("since", "since_work"):
            counter = _since(v, kind, lang)
            values[name] = counter if html else counter.striptags()
        else:
            values[name] = escape(_fmt(v, kind, lang, money)) if html else _fmt(v, kind, lang, money)
    if html:
        return escape(template).format(**values)
    return template.format(**values)


class FlagMap(Mapping[Key, list[str]]):
    """{(kind, id): [indicator ids, in display order]} of every record whose page shows a flag,
    worked out when read. Why not a dict: made whole in every build for search filters that
    read a few keys, it held ~100,000 keys with their lists at Seoul's size in the parent that
    every render worker maps."""

    def __init__(self, sig: Signals) -> None:
        self._sig = sig
        self._order = {ind.id: i for i, ind in enumerate(sig.indicators)}

    def __getitem__(self, key: Key) -> list[str]:
        try:
            kind, record_id = key
        except (TypeError, ValueError):
            raise KeyError(key) from None
        ids = sorted({f.indicator for f in self._sig.for_record(kind, record_id)},
                     key=self._order.__getitem__)
        if not ids:
            raise KeyError(key)
        return ids

    def __iter__(self) -> Iterator[Key]:
        for key in sorted(set(self._sig._own) | set(self._sig.links)):
            if key in self:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass
class Signals:
    today: date
    settings: dict[str, Any]
    indicators: list[Indicator]  # the computed ones, in display order
    flags: list[Flag]
    links: dict[Key, list[Key]]  # record -> records it stands on (contract -> its notice)
    records: pd.DataFrame  # kind, id, title, agency, district, year of every flagged record
    rates: dict[str, pd.DataFrame]
    seconds: dict[str, float] = field(default_factory=dict)
    lots: dict[Key, str] = field(default_factory=dict)  # contract -> the lot of its notice it is for
    _own: dict[Key, list[Flag]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for f in self.flags:
            self._own.setdefault((f.kind, f.id), []).append(f)

    def own(self, kind: str, record_id: str) -> list[Flag]:
        return self._own.get((kind, str(record_id)), [])

    def for_record(self, kind: str, record_id: str) -> list[Flag]:
        """Own flags first, then each parent's not already present, marked with `via`. A contract
        for one lot takes its notice's flags about that lot (or the whole notice), not another lot's."""
        key = (kind, str(record_id))
        out = list(self._own.get(key, []))
        seen = {f.indicator for f in out}
        lot = self.lots.get(key)
        for parent in self._ancestors(key):
            for f in self._own.get(parent, []):
                if lot and f.values.get("lots") and lot not in f.values["lots"]:
                    continue
                if f.indicator not in seen:
                    seen.add(f.indicator)
                    out.append(Flag(f.indicator, f.kind, f.id, f.values, f.variant, via=parent))
        return out

    def _ancestors(self, key: Key) -> list[Key]:
        out: list[Key] = []
        todo = list(self.links.get(key, []))
        while todo:
            k = todo.pop(0)
            if k not in out and k != key:
                out.append(k)
                todo.extend(self.links.get(k, []))
        return out

    def flag_map(self) -> FlagMap:
        """{(kind, id): [indicator ids]} for every record whose page shows a flag (for search)."""
        return FlagMap(self)

    def counts(self) -> dict[str, int]:
        """Records flagged per indicator (own flags only), every computed indicator present."""
        out = {ind.id: 0 for ind in self.indicators}
        for f in self.flags:
            out[f.indicator] += 1
        return out

    def by_indicator(self, indicator_id: str) -> list[Flag]:
        return [f for f in self.flags if f.indicator == indicator_id]

    def rate(self, group: str, key: str) -> dict[str, Any] | None:
        """One agency's or company's rates as a plain dict, None when it has no contracts."""
        df = self.rates.get(group)
        if df is None or key not in df.index:
            return None
        row = df.loc[key]
        return {k: (None if pd.isna(v) else v.item() if hasattr(v, "item") else v) for k, v in row.items()}
