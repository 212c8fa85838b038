"""Known answers on the bundled sample (issue 4, item 7), derived from the data itself so they
survive a regenerated sample: a project name with particles glued on finds the project in the
top 5; a business number with or without hyphens finds the company first; a contract id finds
the contract first."""

from __future__ import annotations

from collections import Counter

import pytest

from clearbuild import config, loader
from clearbuild.search import build_index, export
from clearbuild.search.query import Reader


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = config.resolve(config.DEFAULTS["CB_SAMPLE_DIR"])
    if not (folder / "projects.csv").exists():
        pytest.fail("data/sample is missing: run `invoke sample`")
    ds = loader.load({"CB_DATA": str(folder), "CB_ADMIN_DB": ""})
    index, files, _ = build_index(ds.tables, (), None)
    out = tmp_path_factory.mktemp("sample") / "search"
    export.write_files(files, out)
    return ds, index, Reader(out)


def test_project_names_with_particles_are_in_the_top_5(sample):
    ds, index, reader = sample
    titles = Counter(index.docs["title"])
    checked = 0
    for pid, name in zip(ds.tables["projects"]["project_id"], ds.tables["projects"]["name"], strict=True):
        if titles[name] > 4:
            continue  # six records named alike (several years' contracts): top 5 cannot hold all
        words = name.split()
        words[0] += "가"
        words[-1] += "를"
        urls = [h.url for h in reader.search(" ".join(words), limit=5).hits]
        assert f"projects/{pid}/index.html" in urls, (name, " ".join(words))
        checked += 1
    assert checked >= len(ds.tables["projects"]) // 2


def test_business_numbers_with_and_without_hyphens_find_the_company(sample):
    ds, _, reader = sample
    ids = ds.tables["companies"]["company_id"].tolist()[::7]
    assert ids
    for cid in ids:
        for query in (cid, f"{cid[:3]}-{cid[3:5]}-{cid[5:]}"):
            assert reader.search(query).hits[0].url == f"companies/{cid}/index.html", query


def test_contract_ids_find_the_contract(sample):
    ds, _, reader = sample
    ids = ds.tables["contracts"]["contract_id"].tolist()[::7]
    assert ids
    for kid in ids:
        assert reader.search(kid).hits[0].url == f"contracts/{kid}/index.html", kid
