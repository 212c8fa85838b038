"""Write the index as self-registering script files under output/search/.

Why scripts, not JSON: a page opened from file:// may not fetch() local files, but it may load
``<script src>``. Each file is ``CBSearch.register("name", <JSON>);`` and nothing else, so data
reaches the browser only as JSON (never spliced into code) and the CLI reads the same files.

Files (docs/search.md has the formats):
- ``meta.js``: shard counts, facet names and the runs of equal (kind, year, district);
- ``t-XXXX.js``: term shards, ``{term: [df, doc delta, score, doc delta, score, ...]}``;
- ``d-XXXX.js``: result store, ``[[title, url, date, amount, subtitle], ...]`` by doc number.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .index import Index, digits, ragged, shard_count
from .settings import setting

FORMAT = 1
OWN_FILE = re.compile(r"^(meta|t-[0-9a-f]+|d-[0-9a-f]+)\.js$")


def script(name: str, payload: str) -> str:
    return f'CBSearch.register("{name}",{payload});\n'


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def width(n: int) -> int:
    """Hex digits of shard names, so names sort and the browser can rebuild them."""
    return max(1, math.ceil(math.log2(max(n, 2)) / 4))


def fnv1a_all(terms: list[str]) -> np.ndarray:
    """analyzer.fnv1a for a whole vocabulary at once (a Python loop over bytes costs seconds)."""
    enc = [t.encode("utf-8") for t in terms]
    lens = np.fromiter(map(len, enc), dtype=np.int64, count=len(enc))
    buf = np.frombuffer(b"".join(enc) or b"\0", dtype=np.uint8)
    starts = np.cumsum(lens) - lens
    h = np.full(len(enc), 0x811C9DC5, dtype=np.uint32)
    alive = np.arange(len(enc))
    for j in range(int(lens.max()) if len(enc) else 0):
        alive = alive[lens[alive] > j]
        h[alive] = (h[alive] ^ buf[starts[alive] + j]) * np.uint32(0x01000193)
    return h


def term_shards(index: Index, nshards: int) -> dict[str, str]:
    """name -> file text for every term shard (empty shards too: a query may ask for any)."""
    return dict(_term_texts(index, nshards))


def _term_texts(index: Index, nshards: int) -> Iterator[tuple[str, str]]:
    """(name, file text) of each term shard in name order, one at a time.

    A shard's numbers are printed once into one string; each term's list is a slice of it found
    by arithmetic on digit counts, so the per-term Python work is a single f-string. Why a shard
    at a time: printed for the whole index at once, twice Seoul's postings took ~0.6 GB for a
    few seconds (a Python int per number, the string, every term's entry, every file's text),
    the search phase's peak in the parent alone."""
    pt, pd_, ps = index.post_term, index.post_doc, index.post_score
    bounds = np.searchsorted(pt, np.arange(len(index.terms) + 1))
    deltas = np.diff(pd_, prepend=0)
    if len(pt):
        firsts = bounds[:-1][bounds[:-1] < bounds[1:]]
        deltas[firsts] = pd_[firsts]
    terms = index.terms.tolist()
    df = index.df.tolist()
    shard_of = fnv1a_all(terms) % np.uint32(nshards)
    order = np.argsort(shard_of, kind="stable")  # by shard, then term number: deterministic
    cuts = np.searchsorted(shard_of[order], np.arange(nshards + 1)).tolist()
    w = width(nshards)
    for s in range(nshards):
        mine = order[cuts[s]:cuts[s + 1]]
        lens = bounds[mine + 1] - bounds[mine]
        at = ragged(bounds[mine], lens)  # this shard's postings, term by term
        flat = np.empty(2 * len(at), dtype=np.int64)
        flat[0::2], flat[1::2] = deltas[at], ps[at]
        numbers = ",".join(map(str, flat.tolist()))
        offset = np.r_[0, np.cumsum(digits(flat) + 1)]  # where number i starts in `numbers`
        ends = np.cumsum(lens)
        starts = offset[2 * (ends - lens)].tolist()
        stops = (offset[2 * ends] - 1).tolist()
        # Terms are letters, numbers and marks only (analyzer), so quoting them is valid JSON.
        body = ",".join([f'"{terms[t]}":[{df[t]},{numbers[a:b]}]'
                         for t, a, b in zip(mine.tolist(), starts, stops, strict=True)])
        name = f"t-{s:0{w}x}"
        yield name, script(name, "{" + body + "}")


def doc_shards(index: Index, per: int) -> dict[str, str]:
    return dict(_doc_texts(index, per))


def _doc_texts(index: Index, per: int) -> Iterator[tuple[str, str]]:
    """(name, file text) of each result-store shard in name order, ``per`` documents each. The
    rows are made ``BLOCK`` shards at a time: for all documents at once they were ~0.2 GB at
    twice Seoul's size; a shard at a time cost 2.5 s more (pandas' per-call overhead)."""
    docs = index.docs
    n = max(1, math.ceil(len(docs) / per))
    w = width(n)
    for b in range(0, n, BLOCK):
        part = docs.iloc[b * per:(b + BLOCK) * per]
        amount = part["amount"].astype(float)
        amounts = [None if m else int(v) for v, m in zip(amount.fillna(0).tolist(),
                                                         amount.isna().tolist(), strict=True)]
        rows = list(zip(part["title"].fillna("").astype(str).tolist(), part["url"].tolist(),
                        part["date"].fillna("").astype(str).tolist(), amounts,
                        part["sub"].fillna("").astype(str).tolist(), strict=True))
        for i in range(b, min(b + BLOCK, n)):
            name = f"d-{i:0{w}x}"
            yield name, script(name, _json(rows[(i - b) * per:(i - b + 1) * per]))


BLOCK = 64  # result-store shards made from one slice of the documents


def _texts(index: Index, settings: dict[str, Any] | None, nshards: int) -> Iterator[tuple[str, str]]:
    """Every file but meta, one at a time, in name order (result store, then terms: "d-" sorts
    before "t-", and names of one kind are zero-padded): the order the version hashes them in."""
    yield from _doc_texts(index, int(setting(settings, "CB_SEARCH_DOCS_PER_SHARD")))
    yield from _term_texts(index, nshards)


def _meta(index: Index, settings: dict[str, Any] | None, nshards: int, digest: str) -> str:
    per = int(setting(settings, "CB_SEARCH_DOCS_PER_SHARD"))
    meta = {
        "format": FORMAT, "version": digest[:12], "count": len(index.docs),
        "shards": nshards, "tw": width(nshards), "per": per,
        "dw": width(max(1, math.ceil(len(index.docs) / per))),
        "kinds": index.kinds, "years": index.years, "districts": index.districts,
        "groups": [x for g in index.groups for x in g],
        "topK": int(setting(settings, "CB_SEARCH_TOP_K")),
    }
    return script("meta", _json(meta))


def files(index: Index, settings: dict[str, Any] | None = None) -> dict[str, str]:
    """Every file of output/search/ (but the page) as name -> text; the version hashes them all.
    For tests and tools: a build writes them one at a time (``write``)."""
    out: dict[str, str] = {}
    h = hashlib.sha256()
    nshards = shard_count(index, settings)
    for name, text in _texts(index, settings, nshards):
        h.update(name.encode() + b"\0" + text.encode())
        out[name] = text
    out["meta"] = _meta(index, settings, nshards, h.hexdigest())
    return out


def version(out: dict[str, str]) -> str:
    return json.loads(out["meta"][len('CBSearch.register("meta",'):-3])["version"]


def write_files(out: dict[str, str], folder: Path) -> dict[str, Any]:
    """Replace our files in folder (other files, e.g. the page, stay); returns size figures."""
    folder.mkdir(parents=True, exist_ok=True)
    _remove_own(folder)
    sizes = {}
    for name, text in out.items():
        data = text.encode("utf-8")
        (folder / f"{name}.js").write_bytes(data)
        sizes[name] = len(data)
    return _figures(sizes)


def _remove_own(folder: Path) -> None:
    for old in folder.iterdir():
        if OWN_FILE.match(old.name):
            old.unlink()


def _figures(sizes: dict[str, int]) -> dict[str, Any]:
    terms = [v for k, v in sizes.items() if k.startswith("t-")]
    return {"files": len(sizes), "bytes": sum(sizes.values()), "term_shards": len(terms),
            "term_shard_max": max(terms, default=0)}


def write(index: Index, folder: Path, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Replace our files in folder with the index's, made and written one at a time (only their
    sizes are kept); the same files as ``write_files(files(index))``, and the size figures with
    the version."""
    folder.mkdir(parents=True, exist_ok=True)
    _remove_own(folder)
    sizes: dict[str, int] = {}
    h = hashlib.sha256()
    nshards = shard_count(index, settings)
    for name, text in _texts(index, settings, nshards):
        data = text.encode("utf-8")
        h.update(name.encode() + b"\0" + data)
        (folder / f"{name}.js").write_bytes(data)
        sizes[name] = len(data)
    meta = _meta(index, settings, nshards, h.hexdigest())
    (folder / "meta.js").write_bytes(meta.encode("utf-8"))
    sizes["meta"] = len(meta.encode("utf-8"))
    return dict(_figures(sizes), version=h.hexdigest()[:12])
