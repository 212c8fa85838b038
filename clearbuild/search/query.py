"""Query a built output/search/ exactly as search.js does: same files, same terms, same ranking.

Ranking (both sides): documents matching more of the query's distinct terms first; then the sum
of their precomputed integer scores (integers, so Python and JavaScript add identically); then
document number. A term whose postings were capped (top-K) adds its score but is not counted as
matched: a document missing from a capped list may well contain the term, so it must not rank
below one that merely made the cut. Such a term also makes the count a lower bound ("N+").
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analyzer import fnv1a, query_terms

PAGE = 10  # results per page, as search.js shows them


@dataclass
class Hit:
    doc: int
    matched: int
    score: int
    kind: str = ""
    year: str = ""
    district: str = ""
    title: str = ""
    url: str = ""
    date: str = ""
    amount: int | None = None
    sub: str = ""


@dataclass
class Result:
    terms: list[str]
    total: int
    capped: bool
    hits: list[Hit]
    files: list[str] = field(default_factory=list)  # every file the query needed


class Reader:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._cache: dict[str, Any] = {}
        self.meta = self.load("meta")
        g = self.meta["groups"]
        self._starts = g[0::4]
        self._facets = list(zip(g[1::4], g[2::4], g[3::4], strict=True))

    def load(self, name: str) -> Any:
        if name not in self._cache:
            path = self.folder / f"{name}.js"
            if not path.exists():
                raise FileNotFoundError(f"{path}: no search index here (build the site first)")
            text = path.read_text(encoding="utf-8")
            head = f'CBSearch.register("{name}",'
            if not (text.startswith(head) and text.endswith(");\n")):
                raise ValueError(f"{path}: not a search shard")
            self._cache[name] = json.loads(text[len(head):-3])
        return self._cache[name]

    def term_shard(self, term: str) -> str:
        m = self.meta
        return f"t-{fnv1a(term) % m['shards']:0{m['tw']}x}"

    def doc_shard(self, doc: int) -> str:
        m = self.meta
        return f"d-{doc // m['per']:0{m['dw']}x}"

    def facets(self, doc: int) -> tuple[str, str, str]:
        k, y, d = self._facets[bisect.bisect_right(self._starts, doc) - 1]
        m = self.meta
        return m["kinds"][k], m["years"][y], m["districts"][d]

    def search(self, text: str, kind: str = "", district: str = "", year: str = "",
               limit: int = PAGE) -> Result:
        terms = query_terms(text)
        files = sorted({self.term_shard(t) for t in terms})
        acc: dict[int, list[int]] = {}
        capped = False
        for term in terms:
            post = self.load(self.term_shard(term)).get(term)
            if not post:
                continue
            cut = post[0] > (len(post) - 1) // 2  # capped: absence proves nothing
            capped |= cut
            doc = 0
            for i in range(1, len(post), 2):
                doc += post[i]
                a = acc.setdefault(doc, [0, 0])
                a[0] += not cut
                a[1] += post[i + 1]
        hits = []
        for doc, (matched, score) in acc.items():
            k, y, d = self.facets(doc)
            if (kind and k != kind) or (district and d != district) or (year and y != year):
                continue
            hits.append(Hit(doc, matched, score, k, y, d))
        hits.sort(key=lambda h: (-h.matched, -h.score, h.doc))
        shown = hits[:limit]
        for h in shown:
            name = self.doc_shard(h.doc)
            if name not in files:
                files.append(name)
            h.title, h.url, h.date, h.amount, h.sub = self.load(name)[h.doc % self.meta["per"]]
        return Result(terms, len(hits), capped, shown, files)
