"""Score every (term, document) pair once, at build time, with whoosh's BM25 formula, vectorised.

Why not whoosh's writer: it indexes ~435 documents/s with a bigram analyzer (11 minutes at Seoul
scale). We only need the analyzer and the formula: each distinct field value is analysed once
(agency and company names repeat across thousands of rows), the (term, document, field)
frequencies become numpy arrays, and BM25F is computed on whole arrays, a chunk of documents at a
time (``CHUNK_DOCS``): at twice Seoul's size the whole corpus's pairs at once (23 million) took
1.5 GB for a few seconds, the build's peak; a chunk's take ~0.2 GB, for 1 s more.

BM25F (Robertson & Zaragoza): per field f, tf_f is normalised by the field's length,
``w_f * tf_f / (1 - b_f + b_f * len_f / avglen_f)``; the sum over fields is saturated once with
k1 and multiplied by whoosh's idf, ``log(N / (df + 1)) + 1`` (whoosh.scoring.bm25 with B=0 on the
pre-normalised frequency). A query's score is then a plain sum over its terms, which is what
lets the browser add precomputed numbers.

Postings per term are capped (top-K by score): see docs/search.md for the trade-off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from whoosh.scoring import bm25

from .. import memwatch
from .documents import search_kinds
from .settings import setting
from .vector import count_terms


@dataclass
class Index:
    docs: pd.DataFrame  # in document-number order
    terms: np.ndarray  # vocabulary (str), index = term number
    df: np.ndarray  # documents containing each term (before the cap)
    post_term: np.ndarray  # kept postings, sorted by (term, doc)
    post_doc: np.ndarray
    post_score: np.ndarray  # round(score * scale), >= 1
    groups: list[list[int]]  # [first doc, kind, year, district] runs of equal facets
    kinds: list[str]
    years: list[str]
    districts: list[str]
    stats: dict[str, Any] = field(default_factory=dict)


def order_documents(docs: pd.DataFrame) -> pd.DataFrame:
    """Number documents so that equal (kind, year, district) are consecutive: the browser then
    knows every result's facets from a short table of runs, without loading the result store.
    Within a run, the order they came in (the export's row order, pages by URL)."""
    docs = docs.reset_index(drop=True)
    year = [d[:4] if d[:4].isdigit() and len(d) >= 4 else "" for d in docs["date"].fillna("").astype(str)]
    district = docs["district"].fillna("").astype(str).tolist()
    kind = docs["kind"].map({k: i for i, k in enumerate(search_kinds())}).to_numpy()
    order = np.lexsort((np.arange(len(docs)), pd.factorize(pd.Series(district, dtype=object), sort=True)[0],
                        pd.factorize(pd.Series(year, dtype=object), sort=True)[0], kind))
    docs = docs.assign(year=year, district=district)
    return docs.iloc[order].reset_index(drop=True)


def _facets(docs: pd.DataFrame) -> tuple[list[list[int]], list[str], list[str], list[str]]:
    kinds = [k for k in search_kinds() if (docs["kind"] == k).any()]
    years = sorted(docs["year"].unique().tolist())
    districts = sorted(docs["district"].unique().tolist())
    if not len(docs):
        return [], kinds, years, districts
    k = docs["kind"].map({v: i for i, v in enumerate(kinds)}).to_numpy()
    y = docs["year"].map({v: i for i, v in enumerate(years)}).to_numpy()
    d = docs["district"].map({v: i for i, v in enumerate(districts)}).to_numpy()
    change = np.ones(len(docs), dtype=bool)
    change[1:] = (k[1:] != k[:-1]) | (y[1:] != y[:-1]) | (d[1:] != d[:-1])
    starts = np.flatnonzero(change)
    groups = [[int(s), int(k[s]), int(y[s]), int(d[s])] for s in starts]
    return groups, kinds, years, districts


def ragged(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, s + n) for each (s, n), without a Python loop."""
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lens)
    offs = np.repeat(starts - (ends - lens), lens)
    return offs + np.arange(total)


PACK_LIMIT = 2**62  # packed sort keys must stay below this (int64)


def _top_k(arrays: list[np.ndarray], n: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The k best postings of each term (ties: lower doc first), returned in (term, doc) order.
    ``arrays``: [term, doc, score], emptied here, so each is freed as soon as it is used.

    Sorting packed integer keys (np.sort) instead of argsort with payloads: ~2.5x faster here.
    Packed in place and sorted in place: at Seoul's size (11.7 million pairs, 94 MB an array)
    the copies were the search index's peak."""
    t, d, q = arrays
    arrays.clear()
    qmax = int(q.max()) + 1 if len(q) else 1
    if (int(t.max()) + 1 if len(t) else 1) * qmax * n >= PACK_LIMIT:  # cannot pack: slower, same result
        order = np.lexsort((d, -q, t))
        t, d, q = t[order], d[order], q[order]
        del order
    else:
        packed = t.astype(np.int64)  # a copy: (t * qmax + (qmax - 1 - q)) * n + d, in place
        del t
        packed *= qmax
        packed += qmax - 1
        packed -= q
        del q
        packed *= n
        packed += d
        del d
        packed.sort()
        d = packed % n
        packed //= n
        t, q = packed // qmax, packed % qmax
        del packed
        q = (qmax - 1) - q
    new = np.r_[True, t[1:] != t[:-1]] if len(t) else np.zeros(0, dtype=bool)
    starts = np.flatnonzero(new)
    rank = np.arange(len(t)) - np.repeat(starts, np.diff(np.r_[starts, len(t)]))
    keep = rank < k
    del new, starts, rank
    t, d, q = t[keep], d[keep], q[keep]
    packed = t * n
    del t
    packed += d
    del d
    packed *= qmax
    packed += q  # back to (term, doc) order
    del q
    packed.sort()
    q = packed % qmax
    packed //= qmax
    return packed // n, packed % n, q, k


# The documents' columns an index keeps once scored (its result store's, the facets', the
# stub pages'): the indexed text parts go (at twice Seoul's size ~0.1 GB held to the end).
SHOWN = frozenset({"kind", "id", "url", "title", "date", "amount", "district", "year", "sub"})

CHUNK_DOCS = 100_000  # documents scored at a time: ~3.6 million (term, document) pairs at Seoul's mix


class _Pairs:
    """The (term, document) pairs of a range of documents with their summed BM25F weight, in
    (document, term) order: what one chunk of ``build`` scores."""

    def __init__(self, parts: dict[str, list[str]], codes: dict[str, np.ndarray],
                 norms: dict[str, np.ndarray], v_start: np.ndarray, v_term: np.ndarray,
                 v_tf: np.ndarray, nv: int) -> None:
        self.parts, self.codes, self.norms, self.nv = parts, codes, norms, nv
        self.v_start, self.v_term, self.v_tf = v_start, v_term, v_tf

    def of(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(term, document, weight) of documents lo..hi-1, one row per distinct pair."""
        parts_t, parts_d, parts_w = [], [], []
        for name, cols in self.parts.items():
            norm = self.norms[name][lo:hi]
            for col in cols:
                vals = self.codes[col][lo:hi]
                lens = self.v_start[vals + 1] - self.v_start[vals]
                idx = ragged(self.v_start[vals], lens)
                parts_t.append(self.v_term[idx].astype(np.int32))
                parts_d.append(np.repeat(np.arange(lo, hi, dtype=np.int32), lens))
                parts_w.append(self.v_tf[idx] * np.repeat(norm, lens))
        t, d, w = (np.concatenate(p) if p else np.zeros(0, dtype=dt)
                   for p, dt in ((parts_t, np.int32), (parts_d, np.int32), (parts_w, np.float64)))
        del parts_t, parts_d, parts_w
        # Each part's pairs are already in (doc, term) order: a stable sort merges the runs, so
        # a pair's weights are summed in the same order whatever the chunk.
        key = d.astype(np.int64) * self.nv + t
        del t, d
        order = np.argsort(key, kind="stable")
        key = key[order]
        w = w[order]
        del order
        first_of = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else key
        wsum = np.add.reduceat(w, first_of) if len(key) else w
        key = key[first_of]
        return key % self.nv, key // self.nv, wsum


def build(docs: pd.DataFrame, settings: dict[str, Any] | None = None) -> Index:
    docs = order_documents(docs)
    memwatch.give_back()  # the frame as it came (~0.3 GB at twice Seoul's size) goes back
    groups, kinds, years, districts = _facets(docs)
    ndocs = len(docs)
    fields = setting(settings, "CB_SEARCH_FIELDS")
    # Analyse each distinct value of each field part once (agencies, companies repeat a lot).
    parts = {name: sorted((c for c in docs.columns if c == name or c.startswith(name + ".")),
                          key=lambda c: (len(c), c)) for name in fields}
    codes, values = {}, []
    for col in (c for cols in parts.values() for c in cols):
        c, uniques = pd.factorize(docs[col].fillna("").astype(str), sort=False)
        # A value's number, as int32 while they fit (a document and a field part: 4 bytes).
        wide = len(values) + len(uniques) >= 2**31
        codes[col] = c.astype(np.int64 if wide else np.int32) + len(values)
        values.extend(uniques.tolist())
    # The indexed text now lives in ``codes`` and ``values``: the documents keep what the result
    # store and the facets show, and the values go once analysed (at twice Seoul's size the
    # parts and the 1.2 million values were ~0.25 GB of the scoring loop's peak, measured).
    docs = docs.drop(columns=[c for cols in parts.values() for c in cols if c not in SHOWN])
    n_values = len(values)
    vocab, v_term, v_value, v_tf, v_len = count_terms(values)
    del values
    memwatch.give_back()  # what was freed goes back before scoring: freed is not returned by itself
    v_start = np.searchsorted(v_value, np.arange(n_values + 1))  # pairs of value v: a slice
    del v_value
    norms = {}
    for name, (weight, b) in fields.items():
        doc_len = sum((v_len[codes[col]] for col in parts[name]), np.zeros(ndocs, dtype=np.int64))
        avg = float(doc_len[doc_len > 0].mean()) if (doc_len > 0).any() else 1.0
        norms[name] = weight / (1 - b + b * doc_len / avg)  # BM25F: per document and field
    del v_len
    pairs = _Pairs(parts, codes, norms, v_start, v_term, v_tf, max(len(vocab), 1))
    # Twice over the documents, a chunk at a time, so the memory is the chunk's, not the
    # corpus's: first the document frequencies, then the scores (they need the frequencies) and
    # each chunk's best postings per term; the best of those are the best of all.
    chunks = [(lo, min(lo + CHUNK_DOCS, ndocs)) for lo in range(0, ndocs, CHUNK_DOCS)] or [(0, 0)]
    df = np.zeros(len(vocab), dtype=np.int64)
    for lo, hi in chunks:
        df += np.bincount(pairs.of(lo, hi)[0], minlength=len(vocab))
    k1, scale = float(setting(settings, "CB_SEARCH_K1")), float(setting(settings, "CB_SEARCH_SCALE"))
    top_k = int(setting(settings, "CB_SEARCH_TOP_K"))
    kept: list[list[np.ndarray]] = [[], [], []]
    for lo, hi in chunks:
        pair_t, pair_d, wsum = pairs.of(lo, hi)
        idf = np.log(ndocs / (df[pair_t] + 1.0)) + 1.0
        score = bm25(idf, wsum, 1.0, 1.0, 0.0, k1)
        del idf, wsum
        q = np.maximum(1, np.rint(score * scale)).astype(np.int64)
        del score
        arrays = [pair_t.astype(np.int64), pair_d.astype(np.int64), q]
        del pair_t, pair_d, q
        for i, part in enumerate(_top_k(arrays, max(ndocs, 1), top_k)[:3]):
            kept[i].append(part.astype(np.int32) if i < 2 else part)
    del pairs, codes
    arrays = [np.concatenate(kept[0]).astype(np.int64), np.concatenate(kept[1]).astype(np.int64),
              np.concatenate(kept[2])]
    del kept
    pair_t, pair_d, q, top_k = _top_k(arrays, max(ndocs, 1), top_k)
    index = Index(docs=docs, terms=vocab, df=df,
                  post_term=pair_t, post_doc=pair_d, post_score=q,
                  groups=groups, kinds=kinds, years=years, districts=districts)
    index.stats = {"documents": ndocs, "values": n_values, "terms": len(vocab),
                   "pairs": int(df.sum()), "postings": len(pair_t),
                   "capped_terms": int((df > top_k).sum())}
    return index


def digits(a: np.ndarray) -> np.ndarray:
    """Decimal digits of non-negative integers, as numpy (for size estimates)."""
    return np.floor(np.log10(np.maximum(a, 1))).astype(np.int64) + 1


def shard_count(index: Index, settings: dict[str, Any] | None = None) -> int:
    """The configured count, or the power of two that keeps shards near the target size."""
    fixed = int(setting(settings, "CB_SEARCH_SHARDS"))
    if fixed:
        if fixed & (fixed - 1):
            raise ValueError(f"CB_SEARCH_SHARDS must be a power of two, not {fixed}")
        return fixed
    deltas = np.diff(index.post_doc, prepend=0)
    starts = np.r_[True, index.post_term[1:] != index.post_term[:-1]] if len(deltas) else deltas
    deltas = np.where(starts, index.post_doc, deltas)
    size = int((digits(deltas) + digits(index.post_score) + 2).sum())
    size += sum(len(str(t).encode()) + 6 for t in index.terms) + int(digits(index.df).sum())
    want = max(1, math.ceil(size / int(setting(settings, "CB_SEARCH_SHARD_BYTES"))))
    return 1 << (want - 1).bit_length()
