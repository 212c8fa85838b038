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
from pathlib import Path
from typing import Any

import numpy as np

from .index import Index, digits, shard_count
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
    """name -> file text for every term shard (empty shards too: a query may ask for any).

    All numbers are printed once into one string; each term's list is a slice of it found by
    arithmetic on digit counts, so the per-term Python work is a single f-string."""
    pt, pd_, ps = index.post_term, index.post_doc, index.post_score
    bounds = np.searchsorted(pt, np.arange(len(index.terms) + 1))
    deltas = np.diff(pd_, prepend=0)
    if len(pt):
        firsts = bounds[:-1][bounds[:-1] < bounds[1:]]
        deltas[firsts] = pd_[firsts]
    flat = np.empty(2 * len(pt), dtype=np.int64)
    flat[0::2], flat[1::2] = deltas, ps
    numbers = ",".join(map(str, flat.tolist()))
    offset = np.r_[0, np.cumsum(digits(flat) + 1)]  # where number i starts in `numbers`
    starts = offset[2 * bounds[:-1]].tolist()
    ends = (offset[2 * bounds[1:]] - 1).tolist()
    terms = index.terms.tolist()
    shard_of = fnv1a_all(terms) % np.uint32(nshards)
    # Terms are letters, numbers and marks only (analyzer), so quoting them is valid JSON.
    entries = [f'"{term}":[{df},{numbers[a:b]}]' for term, df, a, b in
               zip(terms, index.df.tolist(), starts, ends, strict=True)]
    order = np.argsort(shard_of, kind="stable")  # by shard, then term number: deterministic
    cuts = np.searchsorted(shard_of[order], np.arange(nshards + 1)).tolist()
    order = order.tolist()
    w = width(nshards)
    return {f"t-{s:0{w}x}": script(f"t-{s:0{w}x}", "{" + ",".join(
        [entries[i] for i in order[cuts[s]:cuts[s + 1]]]) + "}") for s in range(nshards)}


def doc_shards(index: Index, per: int) -> dict[str, str]:
    docs = index.docs
    amount = docs["amount"].astype(float)
    amounts = [None if m else int(v) for v, m in zip(amount.fillna(0).tolist(),
                                                     amount.isna().tolist(), strict=True)]
    rows = list(zip(docs["title"].fillna("").astype(str).tolist(), docs["url"].tolist(),
                    docs["date"].fillna("").astype(str).tolist(), amounts,
                    docs["sub"].fillna("").astype(str).tolist(), strict=True))
    n = max(1, math.ceil(len(rows) / per))
    w = width(n)
    return {f"d-{i:0{w}x}": script(f"d-{i:0{w}x}", _json(rows[i * per:(i + 1) * per]))
            for i in range(n)}


def files(index: Index, settings: dict[str, Any] | None = None) -> dict[str, str]:
    """Every file of output/search/ (but the page) as name -> text; the version hashes them all."""
    nshards = shard_count(index, settings)
    per = int(setting(settings, "CB_SEARCH_DOCS_PER_SHARD"))
    out = term_shards(index, nshards)
    out.update(doc_shards(index, per))
    h = hashlib.sha256()
    for name in sorted(out):
        h.update(name.encode() + b"\0" + out[name].encode())
    meta = {
        "format": FORMAT, "version": h.hexdigest()[:12], "count": len(index.docs),
        "shards": nshards, "tw": width(nshards), "per": per,
        "dw": width(max(1, math.ceil(len(index.docs) / per))),
        "kinds": index.kinds, "years": index.years, "districts": index.districts,
        "groups": [x for g in index.groups for x in g],
        "topK": int(setting(settings, "CB_SEARCH_TOP_K")),
    }
    out["meta"] = script("meta", _json(meta))
    return out


def version(out: dict[str, str]) -> str:
    return json.loads(out["meta"][len('CBSearch.register("meta",'):-3])["version"]


def write_files(out: dict[str, str], folder: Path) -> dict[str, Any]:
    """Replace our files in folder (other files, e.g. the page, stay); returns size figures."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if OWN_FILE.match(old.name):
            old.unlink()
    sizes = {}
    for name, text in out.items():
        data = text.encode("utf-8")
        (folder / f"{name}.js").write_bytes(data)
        sizes[name] = len(data)
    terms = [v for k, v in sizes.items() if k.startswith("t-")]
    return {"files": len(out), "bytes": sum(sizes.values()), "term_shards": len(terms),
            "term_shard_max": max(terms, default=0)}


def write(index: Index, folder: Path, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    out = files(index, settings)
    return dict(write_files(out, folder), version=version(out))
