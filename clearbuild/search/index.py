"""Score every (term, document) pair once, at build time, with whoosh's BM25 formula, vectorised.

Why not whoosh's writer: it indexes ~435 documents/s with a bigram analyzer (11 minutes at Seoul
scale). We only need the analyzer and the formula: each distinct field value is analysed once
(agency and company names repeat across thousands of rows), the (term, document, field)
frequencies become numpy arrays, and BM25F is computed on whole arrays.

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

from .documents import KINDS
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
    kind = docs["kind"].map({k: i for i, k in enumerate(KINDS)}).to_numpy()
    order = np.lexsort((np.arange(len(docs)), pd.factorize(pd.Series(district, dtype=object), sort=True)[0],
                        pd.factorize(pd.Series(year, dtype=object), sort=True)[0], kind))
    docs = docs.assign(year=year, district=district)
    return docs.iloc[order].reset_index(drop=True)


def _facets(docs: pd.DataFrame) -> tuple[list[list[int]], list[str], list[str], list[str]]:
    kinds = [k for k in KINDS if (docs["kind"] == k).any()]
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


def _ragged(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
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


def build(docs: pd.DataFrame, settings: dict[str, Any] | None = None) -> Index:
    docs = order_documents(docs)
    groups, kinds, years, districts = _facets(docs)
    ndocs = len(docs)
    fields = setting(settings, "CB_SEARCH_FIELDS")
    # Analyse each distinct value of each field part once (agencies, companies repeat a lot).
    parts = {name: sorted((c for c in docs.columns if c == name or c.startswith(name + ".")),
                          key=lambda c: (len(c), c)) for name in fields}
    codes, values, first = {}, [], {}
    for col in (c for cols in parts.values() for c in cols):
        c, uniques = pd.factorize(docs[col].fillna("").astype(str), sort=False)
        codes[col], first[col] = c.astype(np.int64) + len(values), len(values)
        values.extend(uniques.tolist())
    vocab, v_term, v_value, v_tf, v_len = count_terms(values)
    v_start = np.searchsorted(v_value, np.arange(len(values) + 1))  # pairs of value v: a slice
    parts_t, parts_d, parts_w = [], [], []
    for name, (weight, b) in fields.items():
        doc_len = sum((v_len[codes[col]] for col in parts[name]), np.zeros(ndocs, dtype=np.int64))
        avg = float(doc_len[doc_len > 0].mean()) if (doc_len > 0).any() else 1.0
        norm = weight / (1 - b + b * doc_len / avg)  # BM25F: per document and field
        for col in parts[name]:
            vals = codes[col]
            lens = v_start[vals + 1] - v_start[vals]
            idx = _ragged(v_start[vals], lens)
            parts_t.append(v_term[idx].astype(np.int32))
            parts_d.append(np.repeat(np.arange(ndocs, dtype=np.int32), lens))
            parts_w.append(v_tf[idx] * np.repeat(norm, lens))
    del v_term, v_value, v_tf, codes
    t, d, w = np.concatenate(parts_t), np.concatenate(parts_d), np.concatenate(parts_w)
    del parts_t, parts_d, parts_w
    nv = max(len(vocab), 1)
    # Each part's pairs are already in (doc, term) order: a stable sort merges the runs.
    key = d.astype(np.int64) * nv + t
    del t, d
    # (Temporaries are dropped as soon as used: at Seoul scale each one is ~80 MB.)
    order = np.argsort(key, kind="stable")
    key = key[order]  # one at a time: each copy is at least 94 MB at Seoul's size
    w = w[order]
    del order
    first_of = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else key
    wsum = np.add.reduceat(w, first_of) if len(key) else w
    key = key[first_of]
    del w, first_of
    pair_t, pair_d = key % nv, key // nv
    del key
    df = np.bincount(pair_t, minlength=len(vocab)).astype(np.int64)
    idf = np.log(ndocs / (df[pair_t] + 1.0)) + 1.0
    score = bm25(idf, wsum, 1.0, 1.0, 0.0, float(setting(settings, "CB_SEARCH_K1")))
    del idf, wsum
    q = np.maximum(1, np.rint(score * float(setting(settings, "CB_SEARCH_SCALE")))).astype(np.int64)
    del score
    arrays = [pair_t, pair_d, q]
    del pair_t, pair_d, q
    pair_t, pair_d, q, top_k = _top_k(arrays, max(ndocs, 1), int(setting(settings, "CB_SEARCH_TOP_K")))
    index = Index(docs=docs, terms=vocab, df=df,
                  post_term=pair_t, post_doc=pair_d, post_score=q,
                  groups=groups, kinds=kinds, years=years, districts=districts)
    index.stats = {"documents": ndocs, "values": len(values), "terms": len(vocab),
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
