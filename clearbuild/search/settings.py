"""CB_SEARCH_* settings with their defaults, in one place (docs/search.md explains each)."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "CB_SEARCH_ENABLED": True,
    "CB_SEARCH_PAGES": True,  # index Pelican content pages too
    # Field weight and length normalisation (BM25F w_f, b_f). Ids are exact: no length penalty;
    # a record's own id outweighs the ids of related records (refs).
    "CB_SEARCH_FIELDS": {"title": [3.0, 0.5], "ids": [6.0, 0.0], "refs": [2.0, 0.0],
                         "text": [1.0, 0.75]},
    "CB_SEARCH_K1": 1.2,
    "CB_SEARCH_TOP_K": 1000,  # postings kept per term, best scores first
    "CB_SEARCH_SCALE": 100,  # scores are stored as round(score * scale), integers
    "CB_SEARCH_SHARDS": 0,  # term shards (a power of two); 0: chosen from CB_SEARCH_SHARD_BYTES
    "CB_SEARCH_SHARD_BYTES": 24000,  # target uncompressed size of one term shard when automatic
    "CB_SEARCH_DOCS_PER_SHARD": 64,  # documents per result-store shard
}


def setting(settings: dict[str, Any] | None, name: str) -> Any:
    return (settings or {}).get(name, DEFAULTS[name])
