"""The static index: known answers (issue 4, item 7), what may and may not be indexed, the cap,
determinism, scoring against whoosh's own formula, and the CLI."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import search_fake
from whoosh.scoring import bm25

from clearbuild import places
from clearbuild.search import build_index, cli, export, with_dongs
from clearbuild.search.documents import all_documents
from clearbuild.search.index import build
from clearbuild.search.query import Reader


def write(tmp_path, tables, pages=(), settings=None):
    index, files, _ = build_index(tables, pages, settings)
    export.write_files(files, tmp_path / "search")
    return index, files, Reader(tmp_path / "search")


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search")
    index, files, reader = write(folder, search_fake.tables(), search_fake.PAGES)
    return SimpleNamespace(folder=folder, index=index, files=files, reader=reader)


def urls(result):
    return [h.url for h in result.hits]


@pytest.mark.parametrize("query", ["세종대로의 보행환경", "세종대로가 보행환경을 개선", "보행환경 세종대로"])
def test_project_name_with_particles_is_in_top_5(fake, query):
    assert "projects/P-77/index.html" in urls(fake.reader.search(query, limit=5))


@pytest.mark.parametrize("query", ["1208147521", "120-81-47521", "사업자 120-81-47521"])
def test_business_number_finds_the_company_first(fake, query):
    assert urls(fake.reader.search(query))[0] == "companies/1208147521/index.html"


@pytest.mark.parametrize("query", ["C-2025-004211", "c2025004211", "C-2025-004211 세종대로"])
def test_contract_id_finds_the_contract_first(fake, query):
    assert urls(fake.reader.search(query))[0] == "contracts/C-2025-004211/index.html"


def test_company_name_also_finds_its_contracts(fake):
    found = urls(fake.reader.search("한빛종합건설", limit=20))
    assert "companies/1208147521/index.html" in found[:3]  # synthetic names repeat 한빛
    assert found.index("companies/1208147521/index.html") < found.index(
        "contracts/C-2025-004211/index.html")


def test_mixed_script_and_english(fake):
    assert urls(fake.reader.search("lh공사 2024 smart crosswalk"))[0] == "projects/P-78/index.html"
    assert urls(fake.reader.search("ＧＡＮＧＮＡＭ"))[0] == "projects/P-78/index.html"


def test_content_pages_are_indexed_without_markup_or_scripts(fake):
    assert urls(fake.reader.search("사이트에 대하여"))[0] == "pages/about/index.html"
    assert urls(fake.reader.search("overruns")) == ["pages/methodology/index.html"]  # folder link fixed
    assert fake.reader.search("스크립트단어").total == 0


def test_private_rows_never_reach_the_index(fake):
    assert fake.reader.search("비밀단어").total == 0
    assert not any("SECRET" in text or "비밀단어" in text for text in fake.files.values())


def test_filters_and_facets(fake):
    all_hits = fake.reader.search("도로포장", limit=10_000)
    assert all_hits.total > 20
    for kind in ("contracts", "notices"):
        only = fake.reader.search("도로포장", kind=kind, limit=10_000)
        assert only.total == sum(h.kind == kind for h in all_hits.hits) > 0
        assert all(h.url.startswith(kind + "/") for h in only.hits)
    y = fake.reader.search("도로포장", year="2024", limit=10_000)
    assert y.total and all(h.date.startswith("2024") for h in y.hits)
    d = fake.reader.search("세종대로", district="11140")
    assert "projects/P-77/index.html" in urls(d) and all(h.district == "11140" for h in d.hits)


def test_facets_of_every_document_agree_with_its_record(fake):
    docs = fake.index.docs
    for doc in range(0, len(docs), 37):
        kind, year, district = fake.reader.facets(doc)
        row = docs.iloc[doc]
        assert (kind, year, district) == (row["kind"], row["year"], row["district"])


def test_results_are_ranked_by_terms_matched_then_score(fake):
    r = fake.reader.search("세종대로 보행환경 개선공사", limit=50)
    keys = [(-h.matched, -h.score, h.doc) for h in r.hits]
    assert keys == sorted(keys)
    assert r.hits[0].matched == len(r.terms)


def test_missing_and_empty_tables_build_an_empty_index(tmp_path):
    index, files, reader = write(tmp_path, {"contracts": pd.DataFrame()})
    assert len(index.docs) == 0 and reader.search("공사").total == 0
    assert reader.meta["count"] == 0


def test_missing_columns_are_tolerated(tmp_path):
    tables = {"contracts": pd.DataFrame([{"contract_id": "C-1", "title": "옹벽 보수공사"}]),
              "companies": pd.DataFrame([{"company_id": "1208147521"}])}
    _, _, reader = write(tmp_path, tables)
    assert urls(reader.search("옹벽"))[0] == "contracts/C-1/index.html"
    assert urls(reader.search("120-81-47521"))[0] == "companies/1208147521/index.html"


def test_unsafe_ids_are_skipped_not_linked(tmp_path):
    tables = {"projects": pd.DataFrame([{"project_id": "../../etc", "name": "위험한 경로"},
                                        {"project_id": "P-1", "name": "안전한 경로"}])}
    _, files, reader = write(tmp_path, tables)
    assert reader.meta["count"] == 1 and "../" not in "".join(files.values())


def test_same_input_same_bytes(fake):
    _, again, _ = build_index(search_fake.tables(), search_fake.PAGES, None)
    assert again == fake.files


def test_postings_are_capped_at_top_k_by_score(tmp_path):
    index, _, reader = write(tmp_path, search_fake.tables(), settings={"CB_SEARCH_TOP_K": 5})
    kept = np.bincount(index.post_term, minlength=len(index.terms))
    assert kept.max() == 5 and (index.df > 5).any()
    r = reader.search("공사")
    assert r.capped and r.total == 5
    full = build(all_documents(with_dongs(search_fake.tables(), {}), places=places.names({})))
    t = int(np.flatnonzero(full.terms == "공사")[0])
    best = np.sort(full.post_score[full.post_term == t])[::-1][:5]
    assert sorted((h.score for h in r.hits), reverse=True) == best.tolist()


def test_scores_follow_whoosh_bm25f():
    docs = pd.DataFrame([
        {"kind": "projects", "id": "P-1", "url": "projects/P-1/index.html", "title": "옹벽 보수",
         "ids": "P-1", "text": "", "date": "", "amount": None, "district": "", "sub": ""},
        {"kind": "projects", "id": "P-2", "url": "projects/P-2/index.html",
         "title": "옹벽 보수 및 주변 배수로 정비", "ids": "P-2", "text": "옹벽", "date": "",
         "amount": None, "district": "", "sub": ""},
        {"kind": "projects", "id": "P-3", "url": "projects/P-3/index.html", "title": "도로",
         "ids": "P-3", "text": "", "date": "", "amount": None, "district": "", "sub": ""},
    ])
    fields = {"title": [3.0, 0.5], "ids": [6.0, 0.0], "text": [1.0, 0.75]}
    index = build(docs, {"CB_SEARCH_SCALE": 1000, "CB_SEARCH_FIELDS": fields})
    t = int(np.flatnonzero(index.terms == "옹벽")[0])
    got = dict(zip(index.post_doc[index.post_term == t].tolist(),
                   index.post_score[index.post_term == t].tolist(), strict=True))
    idf = math.log(3 / (2 + 1)) + 1  # whoosh: log(N / (df + 1)) + 1
    avg_title = (2 + 7 + 1) / 3  # terms per title: 옹벽 보수 | 옹벽 보수 및 주변 배수 수로 정비 | 도로
    tf1 = 3.0 * 1 / (0.5 + 0.5 * 2 / avg_title)
    tf2 = 3.0 * 1 / (0.5 + 0.5 * 7 / avg_title) + 1.0 * 1 / (0.25 + 0.75 * 1 / 1)
    assert got[0] == round(1000 * bm25(idf, tf1, 1, 1, 0, 1.2))
    assert got[1] == round(1000 * bm25(idf, tf2, 1, 1, 0, 1.2))
    assert got[0] > got[1] * 0.9  # the short title holds its own against the longer, repeated one


def test_cli_prints_the_ranking(fake, capsys):
    assert cli.main(["--output", str(fake.folder), "--limit", "3", "120-81-47521"]) == 0
    out = capsys.readouterr().out
    assert "companies/1208147521/index.html" in out.splitlines()[2]
    assert cli.main(["--output", str(fake.folder / "nowhere"), "x"]) == 2
    assert "no search index here" in capsys.readouterr().err


def test_unpackable_keys_fall_back_to_the_same_result(monkeypatch):
    docs = all_documents(search_fake.tables())
    settings = {"CB_SEARCH_TOP_K": 7}
    packed = build(docs, settings)
    monkeypatch.setattr("clearbuild.search.index.PACK_LIMIT", 1)
    slow = build(docs, settings)
    for name in ("post_term", "post_doc", "post_score"):
        assert np.array_equal(getattr(packed, name), getattr(slow, name)), name


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_scored_a_chunk_of_documents_at_a_time_the_index_is_the_same(monkeypatch, chunk):
    # The pairs are scored in chunks of documents and each chunk's best postings per term kept:
    # with a small cap (3) many terms are capped across chunks, and the index must not change.
    from clearbuild.search import index as index_mod
    from clearbuild.search import synthetic

    docs = all_documents(synthetic.tables(seed=3, contracts=300, notices=80, companies=90), [], {})
    settings = {"CB_SEARCH_TOP_K": 3}
    whole = build(docs, settings)
    monkeypatch.setattr(index_mod, "CHUNK_DOCS", chunk)
    chunked = build(docs, settings)
    assert whole.stats == chunked.stats and whole.stats["capped_terms"] > 10
    assert len(docs) > 5 * chunk or chunk == 64
    for name in ("terms", "df", "post_term", "post_doc", "post_score"):
        a, b = getattr(whole, name), getattr(chunked, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name


@pytest.mark.parametrize("shards,per", [(1, 5000), (8, 3), (64, 7)])
def test_files_written_one_at_a_time_are_the_files_made_at_once(fake, tmp_path, shards, per):
    """A build makes and writes each shard in turn (export.write) and keeps only sizes: the same
    files, byte for byte, and the same version as every file made first (export.files), whatever
    the shard counts (result-store shards made BLOCK at a time: 3 a shard is over 64 shards)."""
    settings = {"CB_SEARCH_SHARDS": shards, "CB_SEARCH_DOCS_PER_SHARD": per}
    made = export.files(fake.index, settings)
    figures = export.write(fake.index, tmp_path / "one", settings)
    export.write_files(made, tmp_path / "all")
    written = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    assert written == {p.name: p.read_bytes() for p in (tmp_path / "all").iterdir()}
    assert figures["version"] == export.version(made) and figures["files"] == len(made)
    assert sum(1 for n in written if n.startswith("d-")) == math.ceil(len(fake.index.docs) / per)
    # Every term once, in the shard its hash names, with the postings of the whole index.
    terms: dict[str, list[int]] = {}
    for name, text in made.items():
        if name.startswith("t-"):
            for term, postings in json.loads(text[text.index(",") + 1:-3]).items():
                assert term not in terms
                terms[term] = postings
    assert sorted(terms) == sorted(fake.index.terms.tolist())
    i = fake.index.terms.tolist().index("세종")
    at = np.flatnonzero(fake.index.post_term == i)
    docs = np.cumsum(terms["세종"][1::2])
    assert terms["세종"][0] == fake.index.df[i] and docs.tolist() == fake.index.post_doc[at].tolist()
