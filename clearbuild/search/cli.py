"""``invoke search "query"`` / ``python -m clearbuild.search.cli "query"``: answers from the built
output/search/ shards through query.Reader, so the ranking is the browser's, not a second one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .. import config
from .query import Reader


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="search", description="Query the built site's search index.")
    p.add_argument("query")
    p.add_argument("--output", default="output", help="built site folder (default: output)")
    p.add_argument("--kind", default="", help="projects, contracts, notices, plans, companies, ...")
    p.add_argument("--district", default="", help="district code, e.g. 11680")
    p.add_argument("--year", default="")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    a = p.parse_args(argv)
    try:
        reader = Reader(f"{a.output}/search")
    except (FileNotFoundError, ValueError) as e:
        print(f"search: {e}", file=sys.stderr)
        return 2
    r = reader.search(a.query, kind=a.kind, district=a.district, year=a.year, limit=a.limit)
    if a.json:
        print(json.dumps({"terms": r.terms, "total": r.total, "capped": r.capped,
                          "hits": [h.__dict__ for h in r.hits]}, ensure_ascii=False, indent=1))
        return 0
    try:
        names = {code: d["name"] for code, d in config.districts({}).items()}
    except (OSError, ValueError, KeyError):  # boundaries unreadable: codes are still meaningful
        names = {}
    print(f"{r.total}{'+' if r.capped else ''} results for {' '.join(r.terms) or '(no terms)'}")
    for i, h in enumerate(r.hits, 1):
        extra = " · ".join(x for x in (h.sub, names.get(h.district, h.district), h.date) if x)
        print(f"{i:3}. [{h.kind}] {h.title}  ({h.matched}/{len(r.terms)} terms, {h.score})")
        print(f"     {h.url}" + (f"  {extra}" if extra else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
