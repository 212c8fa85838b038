"""Each record kind's page reads only the rows it declares (clearbuild.kinds ``reads``,
clearbuild.partial), checked against the pages themselves (clearbuild.readcheck)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from clearbuild import config, forked, kinds, loader, partial, readcheck
from clearbuild.build import settings_for
from clearbuild.dataset import Dataset
from clearbuild.pagehash import stable_json
from clearbuild.partial import dataset_for

DEMO = config.ROOT / config.DEFAULTS["CB_SAMPLE_DIR"]


def tiny() -> Dataset:
    """Two of everything, so that what a page does not read is there to be left out."""
    t = {
        "procurement_plans": pd.DataFrame({"plan_id": ["PL1", "PL2"]}),
        "bid_notices": pd.DataFrame({"notice_id": ["N1", "N2"], "plan_id": ["PL1", "PL2"]}),
        "companies": pd.DataFrame({"company_id": ["K1", "K2", "K3"]}),
        "bid_results": pd.DataFrame({"notice_id": ["N2", "N1", "N1"], "company_id": ["K2", "K3", "K1"],
                                     "bid_amount": [1, 2, 3]}),
        "contracts": pd.DataFrame({"contract_id": ["C1", "C2"], "notice_id": ["N1", "N2"],
                                   "company_id": ["K1", "K2"]}),
        "contract_payments": pd.DataFrame({"payment_id": ["P3", "P1", "P2", "P4"],
                                           "contract_id": ["C1", "C2", "C1", "C1"]}),
        "projects": pd.DataFrame({"project_id": ["J1", "J2"], "contract_id": ["C2", "C1"]}),
        "apartments": pd.DataFrame({"complex_id": ["A1", "A2"]}),
        "apartment_documents": pd.DataFrame({"doc_id": ["D1", "D2", "D3"], "complex_id": ["A1", "A1", "A2"],
                                             "contract_id": ["C2", "", "C1"]}),
    }
    return Dataset(tables=t, as_of="2026-01-01")


def ids(ds: Dataset, table: str, column: str) -> list[str]:
    return ds.table(table)[column].tolist()


def test_a_contract_reads_its_rows_those_it_declares_and_what_they_name():
    part = dataset_for(tiny(), "contracts", ["C1"])
    assert ids(part, "contracts", "contract_id") == ["C1"]
    assert ids(part, "contract_payments", "payment_id") == ["P3", "P2", "P4"]  # in file order
    assert ids(part, "projects", "project_id") == ["J2"]  # the project naming it ("col")
    assert ids(part, "bid_results", "bid_amount") == [2, 3]  # its notice's bids ("col=own")
    assert ids(part, "bid_notices", "notice_id") == ["N1"]  # named by its row and its bids ...
    assert ids(part, "procurement_plans", "plan_id") == ["PL1"]  # ... and the notice's plan
    assert ids(part, "companies", "company_id") == ["K1", "K3"]  # its company, its bidders'
    assert part.table("apartments").empty and part.as_of == "2026-01-01"


def test_a_plan_reads_contracts_through_its_notices():
    part = dataset_for(tiny(), "plans", ["PL2"])
    assert ids(part, "bid_notices", "notice_id") == ["N2"]
    assert ids(part, "contracts", "contract_id") == ["C2"]  # "notice_id>bid_notices.plan_id"
    assert ids(part, "companies", "company_id") == ["K2"]


def test_a_document_reads_its_neighbours_and_its_contract():
    part = dataset_for(tiny(), "apartment_documents", ["D1"])
    assert ids(part, "apartment_documents", "doc_id") == ["D1", "D2"]  # its complex's, not D3
    assert ids(part, "contracts", "contract_id") == ["C2"]
    assert ids(part, "apartments", "complex_id") == ["A1"]


def test_a_read_of_another_form_is_refused_when_declared():
    with pytest.raises(ValueError, match="read .*'notice_id>bid_notices'"):
        kinds.Kind("x", "contracts", "contract_id", "x", "x.html", "X", "Xs",
                   reads=(("bid_results", "notice_id>bid_notices"),))


@pytest.fixture(scope="module")
def demo():
    settings = settings_for(overrides={"CB_DATA": str(DEMO)})
    dataset = loader.load(settings)
    return settings, dataset, readcheck.contexts(settings, dataset)


def test_every_kind_of_the_demo_reads_only_what_it_declares(demo):
    """The demo's pages of every kind, a third of each kind's records at a time, made by their
    plugin from their declared rows alone, are the build's pages: five reads were missing
    before this check."""
    settings, dataset, whole = demo
    # The context phase ran as Pelican runs it: every forked child it started was waited for
    # (a child left behind kept the collector's freeze count for the rest of the process).
    assert not forked._RUNNING and forked._FROZEN[0] == 0
    assert {kind for kind, _ in whole} == set(kinds.KINDS)  # every kind has pages to check
    assert set(kinds.PAGES) == set(kinds.KINDS)  # the plugins say how each kind's pages are made
    assert [str(p) for p in readcheck.check(settings, dataset, 3, whole=whole)] == []
    keys = sorted(key for kind, key in whole if kind == "contracts")[1::50]
    made = dict(partial.contexts(dataset, "contracts", [*keys, "C-nowhere"], settings))
    assert sorted(made) == keys  # a key that is no record is no page
    assert all(stable_json(made[k]) == whole[("contracts", k)] for k in keys)


def test_rows_picked_from_the_put_away_tables_are_the_rows_picked_from_frames(demo):
    """A build's tables are put away (memory-mapped Arrow): a partition's rows are picked there,
    column by column, and only they are decoded; the same frames as picked from the frames."""
    _, dataset, whole = demo
    assert hasattr(dataset.tables, "arrow")
    held = replace(dataset, tables={n: dataset.table(n) for n in dataset.tables})
    for kind in ("contracts", "companies", "apartment_documents"):
        keys = sorted(key for k, key in whole if k == kind)[::7]
        stored, frames = dataset_for(dataset, kind, keys), dataset_for(held, kind, keys)
        for name in dataset.tables:
            pd.testing.assert_frame_equal(stored.table(name), frames.table(name), check_index_type=True)
        assert len(stored.table("contracts")) < len(dataset.table("contracts"))


def test_pages_are_said_of_declared_kinds_only():
    with pytest.raises(ValueError, match="pages of 'incidents': no record kind"):
        kinds.pages("incidents")(lambda ds, settings: {})
    toy = kinds.register(kinds.Kind("toys", "contracts", "contract_id", "toys", "x.html", "Toy", "Toys"))
    try:
        with pytest.raises(LookupError, match="no plugin says how pages of 'toys' are made"):
            next(partial.contexts(tiny(), "toys", ["C1"], {}))
    finally:
        kinds.unregister(toy.name)


def test_a_read_left_out_is_named_by_kind_record_and_field(demo, monkeypatch):
    settings, dataset, whole = demo
    contract = kinds.KINDS["contracts"]
    monkeypatch.setitem(kinds.KINDS, "contracts", replace(
        contract, reads=tuple(r for r in contract.reads if r != ("projects", "contract_id"))))
    found = list(readcheck.check(settings, dataset, 3, ["contracts"], whole=whole))
    assert found and {p.field for p in found} == {".project"}  # only contracts with a project
    assert len(found) < len([k for kind, k in whole if kind == "contracts"]) / 3
    assert str(found[0]).startswith(f"contracts {found[0].key}: .project is {{")
    assert str(found[0]).endswith("but null from the rows clearbuild/kinds.py declares it reads")


def test_invoke_reads_says_what_it_checked_and_fails_on_an_undeclared_read(capsys, export, monkeypatch):
    assert readcheck.main(["--data", str(export), "--every", "1"]) == 0
    assert "is made from the rows its kind declares (one record in 1 checked)" in capsys.readouterr().out
    plan = kinds.KINDS["plans"]
    monkeypatch.setitem(kinds.KINDS, "plans", replace(plan, reads=plan.reads[:1]))
    assert readcheck.main(["--data", str(export), "--every", "1", "--kind", "plans"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("plans PL-2025-001: .contracts") and out[-1] == "1 undeclared reads (plans; one record in 1)"
    assert readcheck.main(["--data", str(export / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err
