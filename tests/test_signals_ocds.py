"""Known answers: the OC4IDS worked example (../shared/realdata), read by clearbuild.ocds.

Its three contracting processes: construction (1 tenderer; value 29.0m -> 35.25m GBP, +21.6%;
end 2018-07-01 -> 2018-12-01, about five months), design (2 tenderers) and supervision
(1 tenderer). The example's UK ids and coordinates are not valid in a Seoul deployment, so the
imported tables are given to the indicators directly rather than through the Seoul ingest.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from signals_support import table

from clearbuild.dataset import Dataset
from clearbuild.signals import compute

EXAMPLE = Path(__file__).resolve().parent / "realdata" / "oc4ids-worked-example-project-package.json"
CONSTRUCTION = "ocds-a1b1c1-c9b14c18-adc8-11e6-9901-0019b9f3037b"
SUPERVISION = "ocds-a1b1c1-370ad85a-097f-4b8c-adf8-09d840c7c48b"



@pytest.fixture(scope="module")
def imported():
    from clearbuild.ocds.common import Money
    from clearbuild.ocds.importer import Options, import_files

    return import_files([EXAMPLE], Options(money=Money("GBP", 2)))


@pytest.fixture(scope="module")
def signals(imported):
    tables = {}
    for name, rows in imported.tables.items():
        df = table(name, rows)
        extra = sorted({k for r in rows for k in r} - set(df.columns))  # e.g. tenderers, when mapped
        for col in extra:
            df[col] = [r.get(col) for r in rows]
        tables[name] = df
    return compute(Dataset(tables=tables), {})  # undated: its newest event is the as-of date (clearbuild.asof)


def _only(signals, indicator):
    return {f.id: f for f in signals.flags if f.indicator == indicator}


def test_cost_overrun_of_about_21_6_percent_on_the_construction_contract(signals):
    hits = _only(signals, "cost-overrun")
    assert set(hits) == {CONSTRUCTION}
    assert hits[CONSTRUCTION].kind == "contracts"
    assert hits[CONSTRUCTION].values["growth"] == pytest.approx(21.55, abs=0.05)


def test_time_overrun_of_about_five_months_on_the_construction_contract(signals):
    hits = _only(signals, "time-overrun")
    assert set(hits) == {CONSTRUCTION}
    assert hits[CONSTRUCTION].values["days"] == 153  # 2018-07-01 -> 2018-12-01
    assert hits[CONSTRUCTION].values["planned"] == "2018-07-01"


def test_single_bidder_on_two_of_the_three_processes(imported, signals):
    contracts = imported.tables.get("contracts", [])
    assert len(contracts) == 3
    has_count = any(r.get("tenderers") not in (None, "") for r in contracts)
    has_bids = bool(imported.tables.get("bid_results"))
    if not (has_count or has_bids):
        pytest.xfail("pending: clearbuild.ocds does not yet map tender.numberOfTenderers (proposed "
                     "column contracts.tenderers); the indicator reads it once it does")
    hits = _only(signals, "single-bidder")
    assert len(hits) == 2
    assert CONSTRUCTION in hits or any(f.via for f in signals.for_record("contracts", CONSTRUCTION))
    assert SUPERVISION in hits or any(f.via for f in signals.for_record("contracts", SUPERVISION))
