"""`invoke search` and the browser must rank alike: search.js (run by node over the same shard
files, loaded as scripts) and query.Reader give the same documents, counts and scores."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import search_fake

from clearbuild.search import build_index, export
from clearbuild.search.query import Reader

QUERIES = [
    ("세종대로의 보행환경", {}), ("120-81-47521", {}), ("1208147521", {}), ("C-2025-004211", {}),
    ("강남구 도로포장", {}), ("강남구 도로포장", {"kind": "contracts"}), ("공사", {"year": "2024"}),
    ("하수관로 정비", {"district": "11680"}), ("lh공사2024년", {}), ("없는단어조합", {}),
    ("한빛종합건설 세종대로", {"kind": "companies"}), ("사이트에 대하여", {}),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("rank") / "search"
    # A small cap, so capped terms (and the "N+" count) are exercised too.
    _, files, _ = build_index(search_fake.tables(), search_fake.PAGES, {"CB_SEARCH_TOP_K": 40})
    export.write_files(files, out)
    return out


def test_node_and_python_rank_identically(folder):
    node = shutil.which("node")
    assert node, "node is required for the ranking-parity test"
    req = {"folder": str(folder), "queries": [[q, f] for q, f in QUERIES], "limit": 25}
    script = Path(__file__).with_name("search_node.mjs")
    js = json.loads(subprocess.run([node, str(script)], input=json.dumps(req), capture_output=True,
                                   text=True, check=True, timeout=60).stdout)
    reader = Reader(folder)
    capped = 0
    for (q, f), theirs in zip(QUERIES, js, strict=True):
        mine = reader.search(q, limit=25, **f)
        assert theirs["terms"] == mine.terms, q
        assert (theirs["total"], theirs["capped"]) == (mine.total, mine.capped), q
        assert theirs["docs"] == [[h.doc, h.matched, h.score] for h in mine.hits], q
        capped += mine.capped
    assert capped, "no query hit a capped term: the test lost its edge"
