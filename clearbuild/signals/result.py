"""The computed flags: looked up per record page, listed on /signals/, explained in plain words.

A page shows its own flags and those of the records it stands on (a contract shows its bid
notice's, a project its works contract's), each marked with where it came from, and an
indicator already flagged on the record itself is not repeated from a parent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from .. import filters
from .base import REGISTRY, Indicator

Key = tuple[str, str]  # (kind, id)


_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple of field names per indicator


class Flag:
    """One indicator flagging one record: its figures (``values``), the variant of its
    explanation and, on a child record's page, the record it was raised on (``via``).

    Why not a dict of values per flag: 122,761 flags at Seoul's size, held in the parent for
    the whole render; a flag keeps its values as a tuple beside one shared tuple of names
    (a flag of three figures with its id: 214 bytes traced against 326, ~14 MB at Seoul's
    size), and ``values`` is a dict made when read."""

    __slots__ = ("_names", "_values", "id", "indicator", "kind", "variant", "via")

    def __init__(self, indicator: str, kind: str, id: str, values: Mapping[str, Any],
                 variant: str = "", via: Key | None = None) -> None:
        names = tuple(values)
        self._set(_NAMES.setdefault(names, names), tuple(values.values()), indicator, kind, id,
                  variant, via)

    def _set(self, names: tuple[str, ...], values: tuple[Any, ...], indicator: str, kind: str,
             id: str, variant: str, via: Key | None) -> None:
        for name, value in (("_names", names), ("_values", values), ("indicator", indicator),
                            ("kind", kind), ("id", id), ("variant", variant), ("via", via)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Flag is read-only (shared by the pages that show it): {name}")

    @property
    def values(self) -> dict[str, Any]:
        return dict(zip(self._names, self._values, strict=True))

    def shown_via(self, parent: Key) -> Flag:
        """The same flag as a child record's page shows it (its figures shared, not copied)."""
        out = Flag.__new__(Flag)
        out._set(self._names, self._values, self.indicator, self.kind, self.id, self.variant, parent)
        return out

    def _fields(self) -> tuple[Any, ...]:
        return (self.indicator, self.kind, self.id, self.values, self.variant, self.via)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Flag) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # its values are a dict, as they always were

    def __repr__(self) -> str:
        return (f"Flag(indicator={self.indicator!r}, kind={self.kind!r}, id={self.id!r}, "
                f"values={self.values!r}, variant={self.variant!r}, via={self.via!r})")

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
    figures = flag.values
    for name, kind in meta.fields.items():
        v = figures.get(name)
        if kind in ("since", "since_work"):
            counter = _since(v, kind, lang)
            values[name] = counter if html else counter.striptags()
        else:
            values[name] = escape(_fmt(v, kind, lang, money)) if html else _fmt(v, kind, lang, money)
    if html:
        return escape(template).format(**values)
    return template.format(**values)


def leading_to(links: dict[Key, list[Key]], flagged: Mapping[Key, Any]) -> dict[Key, list[Key]]:
    """The links through which a record reaches a flagged one (its own parent, or a parent's
    parent): the others add no flag to any page, in any order.

    Why: every contract stands on its notice, every project on its contracts (175,000 links
    at Seoul's size), and most of those lead to no flag; held for the whole render they were
    ~11 MB of the parent (traced) and grow with the corpus."""
    reach = set(flagged)
    grew = True
    while grew:  # a few rounds: links are a contract's notice, a project's contracts
        before = len(reach)
        reach.update(k for k, parents in links.items() if k not in reach and any(p in reach for p in parents))
        grew = len(reach) > before
    out: dict[Key, list[Key]] = {}
    for k, parents in links.items():
        kept = [p for p in parents if p in reach]
        if kept:
            out[k] = kept if len(kept) < len(parents) else parents
    return out


def _digest(key: Key) -> int:
    """A record's (kind, id) as 64 bits, the same in every process (unlike ``hash``)."""
    text = f"{key[0]}\x00{key[1]}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little", signed=True)


class Own(Mapping[Key, list[Flag]]):
    """(kind, id) -> the record's own flags, in the flags' order: positions in the flags
    (a list, or clearbuild.signals.flags.FlagList), found by their key's digest.

    Why: ~100,000 flagged records at Seoul's size, held in the parent through the whole render;
    a dict of them (a key and a list, or the flag, per record) grew with the corpus. This is a
    sorted array of digests and the flags' positions: 12 bytes a flag. A lookup costs ~4 us
    against ~0.9 for the dict (120,000 flags, half the keys flagged, measured): an estimated ~10 s
    of CPU at Seoul's size (a few lookups for each of ~370,000 record pages)."""

    def __init__(self, flags: Sequence[Flag] = ()) -> None:
        self._flags = flags
        key_at = getattr(flags, "key_at", None)
        self._key_at: Callable[[int], Key] = key_at or (lambda i: (flags[i].kind, flags[i].id))
        keys = flags.keys() if hasattr(flags, "keys") else ((f.kind, f.id) for f in flags)
        digests = np.fromiter((_digest(k) for k in keys), dtype=np.int64, count=len(flags))
        self._at = np.argsort(digests, kind="stable").astype(np.int32)  # positions, by digest
        self._digests = digests[self._at]
        # Distinct records: two sharing a digest (~1 in 10^9 at Seoul's size) would count once.
        self._records = len(np.unique(digests))

    def _positions(self, key: object) -> list[int]:
        if type(key) is not tuple or len(key) != 2 or not all(type(k) is str for k in key):
            return []
        d, digests = _digest(key), self._digests
        lo = hi = int(digests.searchsorted(d))
        # Most records have no flag: one search, and the next digest is not theirs.
        while hi < len(digests) and digests[hi] == d:
            hi += 1
        return [i for i in sorted(self._at[lo:hi].tolist()) if self._key_at(i) == key]

    def __getitem__(self, key: Key) -> list[Flag]:
        found = self._positions(key)
        if not found:
            raise KeyError(key)
        return [self._flags[i] for i in found]

    def __contains__(self, key: object) -> bool:
        return bool(self._positions(key))

    def __iter__(self) -> Iterator[Key]:
        seen: set[Key] = set()
        for i in range(len(self._flags)):
            key = self._key_at(i)
            if key not in seen:
                seen.add(key)
                yield key

    def __len__(self) -> int:
        return self._records


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
    flags: Sequence[Flag]  # a list, or the flags held as columns (clearbuild.signals.flags)
    links: dict[Key, list[Key]]  # record -> records it stands on (contract -> its notice)
    # kind, id, title, agency, district, year of every flagged record: what the lists' pages
    # and the agencies' counts are made of (cb_signals lets it go once they are queued)
    records: pd.DataFrame
    rates: dict[str, pd.DataFrame]
    seconds: dict[str, float] = field(default_factory=dict)
    lots: dict[Key, str] = field(default_factory=dict)  # contract -> the lot of its notice it is for
    _own: Own = field(default_factory=Own, repr=False)

    def __post_init__(self) -> None:
        self._own = Own(self.flags)
        self.links = leading_to(self.links, self._own)

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
                if lot and (lots := f.values.get("lots")) and lot not in lots:
                    continue
                if f.indicator not in seen:
                    seen.add(f.indicator)
                    out.append(f.shown_via(parent))
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
