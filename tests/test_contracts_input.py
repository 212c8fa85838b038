"""Bad contracting input (issue 3, item 6): each class is a refused row with its reason, file, row
and column in the quality report, never a crash; the build goes on without the row."""

from __future__ import annotations

from pathlib import Path

import pytest
from factory import BRN_A, BRN_B, copy_rows, lot_rows, write_export

from clearbuild import config
from clearbuild.build import build
from clearbuild.ingest import load_dataset

UNKNOWN_BRN = "6068164932"  # valid check digit, not in companies.csv


def load(folder: Path):
    return load_dataset(folder, config.region({}), frozenset(config.districts({})))


def second_amendment(**changes: str) -> dict[str, str]:
    row = {"contract_id": "C-2025-0001", "date": "2025-09-01", "seq": "1", "amount_before": "1250000000",
           "amount_after": "1300000000", "end_before": "2026-02-28", "end_after": "", "reason": "추가 공사"}
    row.update(changes)
    return row


# (table, row index or None to append `extra`, changes, column, reason)
CASES = [
    ("bid_results", 0, {"notice_id": "N-NOPE"}, "notice_id", "unknown bid_notices id"),
    ("contracts", 1, {"company_id": UNKNOWN_BRN}, "company_id", "unknown companies id"),
    ("contract_amendments", None, second_amendment(date="2025-07-01", seq="2"), "date",
     "amendments out of date order"),
    ("contract_amendments", 0, {"date": "2025-01-01"}, "date", "before the contract was signed"),
    ("contracts", 1, {"amount": "-45000000"}, "amount", "negative amount"),
    ("bid_results", 1, {"bid_amount": "-1"}, "bid_amount", "negative amount"),
    ("bid_notices", 0, {"estimated_price": "999999999999999999"}, "estimated_price", "absurd amount"),
    ("bid_results", 1, {"bid_amount": "112000000000"}, "bid_amount", "absurd bid amount"),
    ("contracts", 0, {"amount": "110000000"}, "amount", "absurd contract amount"),
    ("contract_amendments", 0, {"amount_after": "12500000000"}, "amount_after", "absurd amendment"),
    ("companies", 1, {"company_id": "214-87-55824"}, "company_id", "fails its check digit"),
    ("bid_results", 1, {"company_id": "2148755824"}, "company_id", "fails its check digit"),
    ("contracts", 1, {"company_id": "214-87-55820"}, "company_id", "fails its check digit"),
    ("bid_results", 0, {"disqualified_reason": "서류 미비"}, "winner", "winner cannot also be disqualified"),
    ("contracts", 0, {"signed_at": "2025-01-15", "start_date": "2025-01-20"}, "signed_at",
     "signed before its notice was published"),
    ("contracts", 1, {"work_type": "electrical_works"}, "work_type", "does not fit the contract's kind"),
    ("contracts", 1, {"contract_id": "by"}, "contract_id", "reserved for a section page"),
    ("bid_notices", 0, {"notice_id": "index.html"}, "notice_id", "reserved for a section page"),
    ("contract_amendments", 0, {"amount_after": "", "end_after": ""}, "amount_after",
     "changes neither amount nor end date"),
    ("contract_amendments", 0, {"end_after": "2025-03-01"}, "end_after", "before the contract's start"),
    ("companies", None, {"company_id": "120-81-47521", "name": "중복"}, "company_id", "duplicate company_id"),
    ("bid_results", None, {"notice_id": "N-2025-0001", "company_id": "214-87-55823", "bid_amount": "1130000000",
                           "rank": "3", "winner": "false"}, "company_id", "duplicate notice_id+lot_id+company_id"),
    # Contract payments (issue 18): a claim, then its payment, within the claim and the contract.
    ("contract_payments", 0, {"amount": "-5"}, "amount", "negative amount"),
    ("contract_payments", 0, {"contract_id": "C-NOPE"}, "contract_id", "unknown contracts id"),
    ("contract_payments", 1, {"paid_date": "2025-06-01"}, "paid_date", "paid_date is before claim_date"),
    ("contract_payments", 1, {"claim_date": ""}, "claim_date", "a payment without a claim"),
    ("contract_payments", 2, {"claim_date": ""}, "claim_date", "a claim without a claim_date"),
    ("contract_payments", 2, {"amount": ""}, "amount", "a claim without an amount"),
    ("contract_payments", 1, {"paid_amount": "300000001"}, "paid_amount", "more than the amount claimed"),
    ("contract_payments", 2, {"paid_amount": "100"}, "paid_date", "paid_amount without a paid_date"),
    ("contract_payments", 0, {"claim_date": "2025-03-01", "paid_date": "2025-03-02"}, "claim_date",
     "claim dated before the contract was signed"),
    ("contract_payments", 0, {"kind": "bonus"}, "kind", "not one of"),
    ("contract_payments", None, {"kind": "final", "contract_id": "C-2025-0002", "claim_date": "2025-07-20"},
     "kind", "a second final payment claim"),
    ("contract_payments", None, {"claim_date": "2025-03-12"}, "contract_id", "duplicate contract_id+kind+claim_date"),
    # Lots: one winner per (notice, lot); a notice all in lots or none; a contract's lot is known.
    ("bid_results", 1, {"winner": "true", "rank": "1"}, "winner", "a second winner for the same notice"),
    ("contracts", 0, {"lot_id": "9"}, "lot_id", "no bid result of its notice carries this lot_id"),
    ("contracts", 1, {"lot_id": "1"}, "lot_id", "no bid result of its notice carries this lot_id"),
]


def apply(rows: dict, table: str, index: int | None, changes: dict) -> int:
    if index is None:
        base = dict(rows[table][0])
        base.update(changes)
        rows[table].append(base)
        return len(rows[table]) - 1
    rows[table][index].update(changes)
    return index


@pytest.mark.parametrize("table,index,changes,column,reason", CASES,
                         ids=[f"{c[0]}-{c[4]}" for c in CASES])
def test_bad_row_is_refused_with_its_location(tmp_path, table, index, changes, column, reason):
    rows = copy_rows()
    i = apply(rows, table, index, changes)
    ds = load(write_export(tmp_path / "e", rows))
    problems = [p for p in ds.report if p.file == f"{table}.csv" and p.row == i + 2 and p.refused]
    assert any(reason in p.reason and p.column == column for p in problems), [p.line() for p in ds.report]
    line = next(p for p in problems if reason in p.reason).line()
    assert line.startswith(f"{table}.csv:{i + 2}: {column}=") and line.endswith("(refused)")


def test_refusals_cascade_down_the_chain(tmp_path):
    """A company refused for its check digit takes its bids and contracts with it, and a refused
    contract its amendments: no page ever links to a record that is not published."""
    rows = copy_rows()
    rows["companies"][0]["company_id"] = "120-81-47520"  # BRN_A with a wrong check digit
    ds = load(write_export(tmp_path / "e", rows))
    assert BRN_A not in set(ds.tables["companies"]["company_id"])
    assert BRN_A not in set(ds.tables["bid_results"]["company_id"])
    assert "C-2025-0001" not in set(ds.tables["contracts"]["contract_id"])
    assert ds.tables["contract_amendments"].empty
    reasons = {(p.file, p.reason) for p in ds.report if p.refused}
    assert ("contract_amendments.csv", "unknown contracts id") in reasons


def test_a_build_with_every_bad_class_at_once_succeeds(tmp_path):
    """Bad rows of every class appended to a good export: the good chain still builds, whole."""
    rows = copy_rows()
    contract = rows["contracts"][1]
    rows["companies"].append({**rows["companies"][2], "company_id": "101-81-00341", "name": "체크디지트"})
    rows["bid_results"] += [
        {"notice_id": "N-NOPE", "company_id": BRN_B, "bid_amount": "1", "rank": "1", "winner": "false"},
        {"notice_id": "N-2025-0001", "company_id": "6068164931", "bid_amount": "1", "rank": "4"}]
    rows["contracts"] += [
        {**contract, "contract_id": "C-NO-COMPANY", "company_id": UNKNOWN_BRN},
        {**contract, "contract_id": "C-NEGATIVE", "amount": "-1"},
        {**contract, "contract_id": "C-ABSURD", "amount": "999999999999999999"},
        {**contract, "contract_id": "C-WORKTYPE", "work_type": "goods"}]
    rows["contract_amendments"] += [second_amendment(date="2025-07-01", seq="2"),
                                    second_amendment(contract_id="C-NEGATIVE", date="2025-05-01")]
    result = build(output=tmp_path / "out", data=write_export(tmp_path / "e", rows), quiet=True)
    out = result.output
    assert result.refused >= 9
    for cid in ("C-2025-0001", "C-2025-0002"):
        assert (out / f"contracts/{cid}/index.html").is_file()
    for cid in ("C-NO-COMPANY", "C-NEGATIVE", "C-ABSURD", "C-WORKTYPE"):
        assert not (out / f"contracts/{cid}").exists()
    assert not (out / "companies/1018100341").exists()
    notice = (out / "notices/N-2025-0001/index.html").read_text(encoding="utf-8")
    assert notice.count("<tr") == 4  # header + the three good bids
    contract = (out / "contracts/C-2025-0001/index.html").read_text(encoding="utf-8")
    assert "추가 공사" not in contract  # the out-of-order amendment was refused


# -- tenders divided into lots ---------------------------------------------------------------

def refused(ds, table: str) -> list[str]:
    return [p.line() for p in ds.report if p.refused and p.file == f"{table}.csv"]


def test_each_lot_has_its_winner_and_contract(tmp_path):
    ds = load(write_export(tmp_path / "e", lot_rows()))
    assert [p.line() for p in ds.report if p.refused] == []
    bids = ds.tables["bid_results"]
    winners = bids[bids["winner"]].sort_values("lot_id")
    assert list(zip(winners["lot_id"], winners["company_id"], strict=True)) == [("1", BRN_A), ("2", BRN_B)]
    # A lot's bids are a small share of the notice's 1,150,000,000 estimate: not absurd.
    assert (bids["bid_amount"] == 40_000_000).sum() == 1
    contracts = ds.tables["contracts"].set_index("contract_id")
    assert contracts.loc["C-2025-0003", "lot_id"] == "2" and contracts.loc["C-2025-0002", "lot_id"] == ""


def test_a_second_winner_of_one_lot_is_refused_with_its_row(tmp_path):
    rows = lot_rows()
    rows["bid_results"][4].update(winner="true", rank="1")  # BRN_C in lot 2, after BRN_B
    ds = load(write_export(tmp_path / "e", rows))
    assert refused(ds, "bid_results") == [
        "bid_results.csv:6: winner='true': a second winner for the same lot of the notice (refused)"]


def test_a_bid_without_its_lot_in_a_divided_notice_is_refused(tmp_path):
    rows = lot_rows()
    rows["bid_results"][1].update(lot_id="", lot_title="")
    ds = load(write_export(tmp_path / "e", rows))
    assert refused(ds, "bid_results") == [
        "bid_results.csv:3: lot_id='': bid without a lot_id in a notice divided into lots (refused)"]


def test_a_lot_bid_over_ten_times_the_whole_estimate_is_still_absurd(tmp_path):
    rows = lot_rows()
    rows["bid_results"][4]["bid_amount"] = "11600000000"
    ds = load(write_export(tmp_path / "e", rows))
    assert refused(ds, "bid_results") == ["bid_results.csv:6: bid_amount='11600000000': absurd bid amount "
                                          "(over 10x off the notice's estimated price) (refused)"]


def test_a_contract_whose_lot_lost_its_bids_is_refused(tmp_path):
    """Refusals cascade through lots too: lot 2's bids refused (unknown companies), its contract
    would name a lot nobody bid for."""
    rows = lot_rows()
    for b in rows["bid_results"][3:]:
        b["company_id"] = UNKNOWN_BRN
    rows["bid_results"][4]["company_id"] = "6068164940"
    ds = load(write_export(tmp_path / "e", rows))
    assert "C-2025-0003" not in set(ds.tables["contracts"]["contract_id"])
    assert refused(ds, "contracts") == [
        "contracts.csv:4: lot_id='2': no bid result of its notice carries this lot_id (refused)"]
