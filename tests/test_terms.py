"""Contracts' figures after amendments and payments, held as what changed (clearbuild.terms):
equal, key for key and in order, to the dicts they replace."""

from __future__ import annotations

import random

import pytest

from clearbuild import certcodes, contractpay, loader
from clearbuild.build import settings_for
from clearbuild.sample import generate
from clearbuild.terms import Field, Overrides


def test_overrides_equal_a_dict_updated_with_the_changes():
    rng = random.Random(5)
    for _ in range(50):
        base = {f"C-{i}": rng.randrange(100) for i in rng.sample(range(40), rng.randrange(30))}
        changed = {f"C-{i}": -rng.randrange(100) for i in rng.sample(range(40), rng.randrange(10))}
        view, plain = Overrides(base, changed), {**base, **changed}
        assert view == plain and list(view) == list(plain) and len(view) == len(plain)
        for key in (f"C-{i}" for i in range(45)):
            assert (key in view) == (key in plain)
            assert view.get(key) == plain.get(key)
        with pytest.raises(KeyError):
            view["C-99"]


def test_a_field_reads_the_row_and_blank_stands_in_for_a_missing_value():
    rows = {"A": {"end_date": "2025-01-02"}, "B": {"end_date": None}, "C": {}}
    assert dict(Field(rows, "end_date", blank="")) == {"A": "2025-01-02", "B": "", "C": ""}
    with pytest.raises(KeyError):
        Field(rows, "end_date")["C"]  # no blank: a missing column is an error, as c["amount"] was


def test_final_terms_and_certified_amounts_equal_the_dicts_of_every_contract(tmp_path):
    """The generated export (amended and paid contracts among them), against the dicts the
    build held before: every contract's amount and end date, updated by its amendments in
    order, and the paid total for a paid kind with claims."""
    generate(tmp_path / "export", projects=40, contracts=1500, seed=3)
    ds = loader.load(settings_for(overrides={"CB_DATA": str(tmp_path / "export")}))
    contracts = ds.index("contracts", "contract_id")
    amendments = certcodes.amendments_by_contract(ds.records("contract_amendments"))
    payments = ds.group("contract_payments", "contract_id")
    amount = {cid: c["amount"] for cid, c in contracts.items()}
    end = {cid: c.get("end_date") or "" for cid, c in contracts.items()}
    for cid, rows in amendments.items():
        for a in rows:
            if a.get("amount_after") is not None:
                amount[cid] = a["amount_after"]
            if a.get("end_after"):
                end[cid] = a["end_after"]
    certified = dict(amount)
    for cid, c in contracts.items():
        if payments.get(cid) and certcodes.cert_kind(c) in certcodes.PAID_KINDS:
            certified[cid] = contractpay.totals(payments[cid])[1]
    got_amount, got_end = certcodes.final_terms(contracts, amendments)
    assert dict(got_amount) == amount and dict(got_end) == end
    assert dict(certcodes.certified_amounts(contracts, got_amount, payments)) == certified
    # The export has what makes them differ: amended amounts and ends, paid totals.
    assert any(amount[c] != contracts[c]["amount"] for c in contracts)
    assert any(end[c] != (contracts[c].get("end_date") or "") for c in contracts)
    assert any(certified[c] != amount[c] for c in contracts)
