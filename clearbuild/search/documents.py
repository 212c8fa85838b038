"""Dataset rows and content pages -> search documents, one table per build.

Each document has three indexed fields, weighted differently by the scorer (index.FIELDS):
``title`` (the record's name), ``ids`` (identifiers, matched exactly, never diluted by length)
and ``text`` (agency, address, company, description, ...). What a result shows (title, url, date,
amount, district, a subtitle) travels with it. Everything here is column-wise: at Seoul scale
(~280,000 records) a per-row Python object would cost more than the scoring.

Only public columns reach the Dataset, so only public text can reach the index; tables or columns
that are missing or empty simply contribute nothing.
"""

from __future__ import annotations

import html
import logging
import math
import re
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from typing import Any

import pandas as pd

from .. import kinds, public, urls
from ..schema import TABLES

log = logging.getLogger(__name__)

PAGES = "pages"  # the content pages' documents: not a record kind


def search_kinds() -> tuple[str, ...]:
    """The kinds whose records are searched, in the order results of equal score are listed (and
    documents are numbered): each record kind that declares ``search`` (clearbuild.kinds), by
    its rank, then the content pages."""
    ranked = sorted((k.search.rank, i, k.name) for i, k in enumerate(kinds.KINDS.values()) if k.search)
    return (*(name for _, _, name in ranked), PAGES)


COLUMNS = ["kind", "id", "url", "title", "ids", "refs", "text", "date", "amount", "district",
           "sub"]  # + text.1, text.2 ...


def part_name(field: str, i: int) -> str:
    return field if i == 0 else f"{field}.{i}"


def _str(v: Any) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)


def _col(df: pd.DataFrame, name: str) -> list[str]:
    """A column as clean strings ('' for missing), whatever its dtype or absence. Plain lists:
    pandas string operations cost seconds at Seoul scale, list comprehensions a fraction."""
    if name not in df.columns:
        return [""] * len(df)
    s = df[name]
    return [v if type(v) is str else _str(v) for v in s.astype(object).where(s.notna(), "").tolist()]


def _join(*parts: list[str]) -> list[str]:
    """Space-joined non-empty parts, row by row."""
    return [" ".join(filter(None, row)) for row in zip(*parts, strict=True)]


def _brn_forms(ids: list[str]) -> list[str]:
    """A business number as stored (digits) plus as written (123-45-67890): both are exact terms."""
    out = []
    for v in ids:
        d = v.replace("-", "")
        out.append(f"{d} {d[:3]}-{d[3:5]}-{d[5:]}" if len(d) == 10 and d.isdigit() else d)
    return out


def _lookup(df: pd.DataFrame | None, key: str, value: str) -> dict[str, str]:
    if df is None or df.empty or key not in df.columns or value not in df.columns:
        return {}
    return dict(zip(_col(df, key), _col(df, value), strict=True))


def _frame(kind: str, df: pd.DataFrame, id_col: str, title: list[str], refs: list[str],
           text: list[list[str]], date: list[str], amount: str, district: list[str],
           sub: list[str], own: list[str] | None = None) -> pd.DataFrame:
    """One kind's documents: ``ids`` is the record's own id (or ``own``, its written forms),
    ``refs`` the ids of related records, weighted lower so a contract number finds the contract
    before the project that mentions it. ``text`` stays in parts (agency, company, address ...), stored as
    columns text, text.1, text.2 ...: each part's distinct values are analysed once, where a
    joined "agency company number" string would be new on almost every row."""
    rid = _col(df, id_col)
    ok = [bool(urls.SAFE_ID.match(v)) for v in rid]
    if not all(ok):
        bad = [v for v, good in zip(rid, ok, strict=True) if not good]
        log.warning("search: %d %s rows skipped (id unusable in a path, e.g. %r)", len(bad), kind,
                    bad[0])
    money = (pd.to_numeric(df[amount], errors="coerce").astype(float).tolist()
             if amount in df.columns else [math.nan] * len(df))
    section = kinds.KINDS[kind].folder  # its declaration (clearbuild.kinds), as urls.record_path
    out = pd.DataFrame({
        "kind": kind, "id": rid, "url": [f"{section}/{v}/index.html" for v in rid],
        "title": title, "ids": own if own is not None else rid, "refs": refs,
        "date": [d[:10] for d in date],
        "amount": money, "district": district, "sub": sub,
        **{part_name("text", i): p for i, p in enumerate(text)}})
    return out[ok] if not all(ok) else out


def _place(names: dict[str, str], *codes: list[str]) -> list[str]:
    """Every written form (both scripts) of each row's district and neighbourhood."""
    return [" ".join(filter(None, (names.get(c, "") for c in row))) for row in zip(*codes, strict=True)]


class _Sources:
    """A build's tables as the values a kind's ``search`` declaration names (kinds.Searched):
    each table projected once, each lookup made once."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], names: dict[str, str]) -> None:
        self.tables, self.names = tables, names
        self._projected: dict[str, pd.DataFrame | None] = {}
        self._lookups: dict[tuple[str, str], dict[str, str]] = {}

    def table(self, name: str) -> pd.DataFrame | None:
        if name not in self._projected:
            # Ingest already projects every row (clearbuild.public); never rely on one guard.
            df = self.tables.get(name)
            self._projected[name] = public.project(name, df)[0] if df is not None and not df.empty \
                else None
        return self._projected[name]

    def lookup(self, table: str, field: str) -> dict[str, str]:
        if (table, field) not in self._lookups:
            kind = kinds.by_table().get(table)
            key = kind.key if kind else TABLES[table].key[0]
            self._lookups[table, field] = _lookup(self.table(table), key, field)
        return self._lookups[table, field]

    def values(self, df: pd.DataFrame, source: str) -> list[str]:
        """One source's value for each row of ``df`` (the forms are kinds.Searched's)."""
        if not source:
            return [""] * len(df)
        if source.startswith("brn:"):
            return _brn_forms(self.values(df, source[4:]))
        if source.startswith("place:"):
            return _place(self.names, *(self.values(df, s) for s in source[6:].split(",")))
        if ">" in source:
            column, target = source.split(">", 1)
            table, field = target.split(".", 1)
            found = self.lookup(table, field)
            return [found.get(k, "") for k in _col(df, column)]
        return _col(df, source)

    def joined(self, df: pd.DataFrame, sources: tuple[str, ...]) -> list[str]:
        if len(sources) == 1:
            return self.values(df, sources[0])
        return _join(*(self.values(df, s) for s in sources)) if sources else [""] * len(df)


def dataset_documents(tables: Mapping[str, pd.DataFrame], places: dict[str, str] | None = None
                      ) -> pd.DataFrame:
    """Every searchable record of the Dataset's tables: each record kind that declares ``search``
    (clearbuild.kinds), in rank order. ``places``: area code -> its names in both scripts
    (clearbuild.places.names), indexed as text so 양천구, Yangcheon-gu, 목동 and Mokdong find the
    records there; a row's neighbourhood is its ``dong_code``."""
    src = _Sources(tables, places or {})
    frames: list[pd.DataFrame] = []
    for name in search_kinds()[:-1]:
        kind = kinds.KINDS[name]
        spec = kind.search
        df = src.table(kind.table)
        if df is None or spec is None:
            continue
        frames.append(_frame(
            name, df, kind.key, src.values(df, spec.title), src.joined(df, spec.refs),
            [src.values(df, s) for s in spec.text], src.values(df, spec.date), spec.amount,
            src.values(df, spec.district), src.joined(df, spec.sub),
            own=src.values(df, spec.ids) if spec.ids else None))
    return _concat(frames)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    parts = [c for c in out.columns if c.startswith("text.")]
    out[parts] = out[parts].fillna("")
    return out


class _Text(HTMLParser):
    """Visible text of rendered Markdown (script/style dropped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(fragment: str) -> str:
    p = _Text()
    p.feed(fragment or "")
    p.close()
    return re.sub(r"\s+", " ", " ".join(p.parts)).strip()


def page_documents(pages: Iterable[Any]) -> pd.DataFrame:
    """Pelican content pages (objects with title, content, url, optional date)."""
    rows = []
    for page in pages:
        url = str(getattr(page, "url", "") or "")
        if not url or "://" in url or url.startswith(("/", "javascript:")):
            continue
        if url.endswith("/"):
            url += "index.html"  # a folder link opened from file:// lists the folder
        date = getattr(page, "date", None)
        rows.append({
            "kind": "pages", "id": str(getattr(page, "slug", url)), "url": url,
            "title": html.unescape(html_text(str(getattr(page, "title", "")))),
            "ids": "", "refs": "", "text": html_text(str(getattr(page, "content", "") or "")),
            "date": date.strftime("%Y-%m-%d") if hasattr(date, "strftime") else "",
            "amount": float("nan"), "district": "", "sub": ""})
    rows.sort(key=lambda r: r["url"])
    return pd.DataFrame(rows, columns=COLUMNS)


def all_documents(tables: Mapping[str, pd.DataFrame], pages: Iterable[Any] = (),
                  places: dict[str, str] | None = None) -> pd.DataFrame:
    return _concat([dataset_documents(tables, places), page_documents(pages)])
