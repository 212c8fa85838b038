"""The record history driven by row hashes: the same entries, with the same strings, as the CSV
state gave (the old implementation is kept here as the oracle); added and withdrawn rows; a
multi-column key; the upgrade from a CSV state; the dataset digest; a corrupt state refused in one
line naming its file."""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from clearbuild.dataset import Dataset, row_hashes, text_frame
from clearbuild.publish.history import EXCLUDED, History, HistoryError, _key, owner

D1, D2, D3 = "2026-11-20", "2026-11-21", "2026-11-22"


# The oracle: the history as it was with a CSV state (values read back with dtype=str).
def old_text(df: pd.DataFrame) -> pd.DataFrame:
    text = df.to_csv(index=False, lineterminator="\n")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def old_diff(table: str, old: pd.DataFrame, new: pd.DataFrame, date: str) -> list[dict[str, Any]]:
    who = owner(table)
    if who is None or old is None:
        return []
    kind, owner_col = who
    old = old.assign(_key=_key(old, table)).drop_duplicates("_key").set_index("_key")
    new = new.assign(_key=_key(new, table)).drop_duplicates("_key").set_index("_key")
    out = []

    def entry(key, row, event, field=None, before=None, after=None):
        out.append({"date": date, "kind": kind, "id": str(row[owner_col]), "table": table,
                    "key": key, "event": event, "field": field, "old": before, "new": after})

    common = old.index.intersection(new.index)
    for col in [c for c in new.columns if c in old.columns and (table, c) not in EXCLUDED]:
        a, b = old.loc[common, col], new.loc[common, col]
        for key in common[(a != b).to_numpy()]:
            entry(key, new.loc[key], "changed", col, a[key], b[key])
    for key in new.index.difference(old.index):
        entry(key, new.loc[key], "added")
    for key in old.index.difference(new.index):
        entry(key, old.loc[key], "withdrawn")
    return out


def oracle(before: Dataset, after: Dataset, date: str) -> list[dict[str, Any]]:
    entries = []
    for name in sorted(after.tables):
        entries += old_diff(name, old_text(before.tables[name]), old_text(after.tables[name]), date)
    return sorted(entries, key=lambda e: (e["kind"], e["id"], e["table"], e["key"], e["event"],
                                          e["field"] or ""))


def night1() -> Dataset:
    """Tables with the dtypes ingest gives (clearbuild.ingest.normalise)."""
    contracts = pd.DataFrame({
        "contract_id": pd.Series(["C-1", "C-2", "C-3"], dtype="str"),
        "title": pd.Series(["보도 정비", "Bridge, \"east\"", "line\nbreak"], dtype="str"),
        "amount": pd.array([1_100_000_000, None, 7], dtype="Int64"),
        "signed_at": pd.Series(["2025-03-01", "", "2025-04-30"], dtype="str"),
        "tenderers": pd.array([3, 4, None], dtype="Int64")})
    companies = pd.DataFrame({
        "company_id": pd.Series(["120-81-47521", "214-87-55823"], dtype="str"),
        "name": pd.Series(["한빛건설(주)", "푸른전기"], dtype="str"),
        "lat": [37.501, np.nan], "lon": [127.0, 126.9019],
        "small_business": [True, False]})
    bid_results = pd.DataFrame({
        "notice_id": pd.Series(["N-1", "N-1", "N-1"], dtype="str"),
        "lot_id": pd.Series(["L-1", "L-1", "L-2"], dtype="str"),
        "company_id": pd.Series(["120-81-47521", "214-87-55823", "120-81-47521"], dtype="str"),
        "bid_amount": pd.array([500, 510, 900], dtype="Int64"),
        "winner": [True, False, True]})
    return Dataset(tables={"contracts": contracts, "companies": companies, "bid_results": bid_results})


def night2() -> Dataset:
    ds = night1()
    c, co, b = (ds.tables[n].copy() for n in ("contracts", "companies", "bid_results"))
    c.loc[0, "amount"] = 1_381_234_567  # int
    c.loc[1, "amount"] = 5  # missing -> a value
    c.loc[2, "tenderers"] = 2
    c.loc[1, "signed_at"] = "2025-08-20"  # date (text)
    c.loc[2, "title"] = "line\nbreak, again"  # text
    co.loc[0, "lat"] = 37.5  # float
    co.loc[1, "lat"] = 100.0  # NaN -> a whole number, printed as a float
    co.loc[0, "lon"] = np.nan  # float -> missing
    co.loc[1, "small_business"] = True  # bool
    b.loc[1, "bid_amount"] = 505  # multi-column key
    b = pd.concat([b.drop(index=2), pd.DataFrame({  # one lot withdrawn, one bid added
        "notice_id": ["N-2"], "lot_id": ["L-1"], "company_id": ["214-87-55823"],
        "bid_amount": pd.array([1], dtype="Int64"), "winner": [False]}).astype(
        {"notice_id": "str", "lot_id": "str", "company_id": "str"})], ignore_index=True)
    c = pd.concat([c.drop(index=0), c.iloc[[0]].assign(contract_id="C-9")], ignore_index=True)
    return Dataset(tables={"contracts": c, "companies": co, "bid_results": b})


def two_nights(folder: Path) -> tuple[History, list[dict[str, Any]]]:
    history = History(folder)
    assert history.record(night1(), D1) == []
    return history, history.record(night2(), D2)


def test_entries_equal_the_csv_states_with_the_same_strings(tmp_path):
    history, entries = two_nights(tmp_path / "h")
    assert entries == oracle(night1(), night2(), D2)
    changed = {(e["table"], e["key"], e["field"]): (e["old"], e["new"])
               for e in entries if e["event"] == "changed"}
    assert changed == {
        ("contracts", "C-2", "amount"): ("", "5"),
        ("contracts", "C-2", "signed_at"): ("", "2025-08-20"),
        ("contracts", "C-3", "tenderers"): ("", "2"),
        ("contracts", "C-3", "title"): ("line\nbreak", "line\nbreak, again"),
        ("companies", "120-81-47521", "lat"): ("37.501", "37.5"),
        ("companies", "120-81-47521", "lon"): ("127.0", ""),
        ("companies", "214-87-55823", "lat"): ("", "100.0"),
        ("companies", "214-87-55823", "small_business"): ("False", "True"),
        ("bid_results", "N-1|L-1|214-87-55823", "bid_amount"): ("510", "505")}
    events = {(e["table"], e["key"], e["event"], e["kind"], e["id"]) for e in entries
              if e["event"] != "changed"}
    assert events == {("contracts", "C-9", "added", "contracts", "C-9"),
                      ("contracts", "C-1", "withdrawn", "contracts", "C-1"),
                      ("bid_results", "N-2|L-1|214-87-55823", "added", "notices", "N-2"),
                      ("bid_results", "N-1|L-2|120-81-47521", "withdrawn", "notices", "N-1")}
    assert history.entries() == entries  # committed, as written
    assert history.record(night2(), D3) == []  # nothing changed: nothing compared, nothing written


def test_row_hashes_are_keyed_with_the_historys_secret(tmp_path):
    """pandas' default SipHash key is public: an export could carry a changed row that keeps its
    old hash. The history's key is its own secret, kept; lost, every row is compared (same entries)."""
    history, entries = two_nights(tmp_path / "h")
    key_file = tmp_path / "h" / "hashkey"
    key = key_file.read_text().strip()
    assert len(key) == 16 and int(key, 16) >= 0 and key_file.stat().st_mode & 0o777 == 0o600
    state = history.state()["contracts"]
    values = state.drop(columns="_row_hash")
    assert (state["_row_hash"].to_numpy() == row_hashes(values, key)).all()
    assert (state["_row_hash"].to_numpy() != row_hashes(values)).all()  # not pandas' public key
    other = History(tmp_path / "h2")
    other.record(night1(), D1)
    assert (tmp_path / "h2" / "hashkey").read_text() != key_file.read_text()
    (tmp_path / "h2" / "hashkey").unlink()  # lost: the next night still finds every change
    assert other.record(night2(), D2) == entries
    assert history.hash_key() == key  # kept from night to night


def test_text_values_are_the_csv_texts():
    df = pd.DataFrame({"i": pd.array([1, None, -5, 10**14], dtype="Int64"),
                       "f": [0.1, np.nan, 1e16, 100.0], "g": [-0.0, np.inf, 123456789.123, 1e-7],
                       "b": [True, False, True, False],
                       "s": pd.Series(["a", None, "", "NA"], dtype="str"),
                       "o": pd.Series(["x", None, np.nan, 3], dtype=object),
                       "d": pd.to_datetime(["2025-01-01", None, "2025-03-04", "2025-03-05"])})
    assert text_frame(df).to_numpy().tolist() == old_text(df).to_numpy().tolist()


def test_the_state_is_a_snapshot_of_text_and_hashes(tmp_path):
    history, _ = two_nights(tmp_path / "h")
    folder = tmp_path / "h" / history.head["state"]
    assert history.head["state"] == f"state-{D2}" and (folder / "dataset.json").is_file()
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == ["HEAD.json", "changes.jsonl",
                                                                 "hashkey", f"state-{D2}"]
    state = history.state()
    assert state["contracts"]["_row_hash"].dtype == np.uint64
    assert state["contracts"]["amount"].tolist() == ["5", "7", "1381234567"]


def test_a_csv_state_is_read_once_after_the_upgrade(tmp_path):
    folder = tmp_path / "h"
    (folder / f"state-{D1}").mkdir(parents=True)
    for name, df in night1().tables.items():  # what the previous version wrote
        (folder / f"state-{D1}" / f"{name}.csv").write_text(df.to_csv(index=False, lineterminator="\n"),
                                                           encoding="utf-8")
    old_line = b'{"date": "2026-11-19", "event": "changed"}\n'
    (folder / "changes.jsonl").write_bytes(old_line)
    (folder / "HEAD.json").write_text(json.dumps({"as_of": D1, "bytes": len(old_line),
                                                  "entries": 1, "state": f"state-{D1}"}))
    history = History(folder)
    entries = history.record(night2(), D2)
    assert entries == oracle(night1(), night2(), D2)
    assert (folder / "changes.jsonl").read_bytes().startswith(old_line)  # the log continues
    assert history.head["entries"] == 1 + len(entries)
    assert not (folder / f"state-{D1}").exists() and (folder / f"state-{D2}" / "dataset.json").exists()
    assert not list(folder.glob(f"state-{D2}/*.csv"))
    assert history.record(night1(), D3) == oracle(night2(), night1(), D3)  # and on from the new state


def test_a_second_run_on_the_same_date_keeps_the_live_state(tmp_path):
    history, _ = two_nights(tmp_path / "h")
    (tmp_path / "h" / ".tmp-state-2026-11-21-b-999").mkdir()  # a run killed while writing
    assert history.record(night2(), D2) == []
    assert history.head["state"] == f"state-{D2}-b"
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == ["HEAD.json", "changes.jsonl",
                                                                 "hashkey", f"state-{D2}-b"]


def test_the_digest_changes_with_a_value_a_column_or_the_row_order():
    base = night1()
    digest = base.digest()
    assert len(digest) == 64 and digest == night1().digest()

    def changed(table: str, edit) -> str:
        ds = night1()
        ds.tables[table] = edit(ds.tables[table].copy())
        return ds.digest()

    def one(df: pd.DataFrame, col: str, value: Any) -> pd.DataFrame:
        df.loc[1, col] = value
        return df

    variants = [changed("contracts", lambda df: one(df, "amount", 8)),
                changed("contracts", lambda df: one(df, "title", "Bridge, \"west\"")),
                changed("companies", lambda df: one(df, "lon", 126.9018)),
                changed("companies", lambda df: df.iloc[::-1].reset_index(drop=True)),
                changed("companies", lambda df: df.rename(columns={"name": "title"})),
                changed("contracts", lambda df: df.astype({"tenderers": float})),
                changed("contracts", lambda df: df.iloc[:2])]
    assert len({digest, *variants}) == len(variants) + 1


def test_the_digest_is_the_same_in_another_process_and_in_the_history(tmp_path):
    ds = night1()
    history = History(tmp_path / "h")
    history.record(ds, D1)
    assert history.digest == ds.digest()
    (tmp_path / "tables.pkl").write_bytes(pickle.dumps(ds.tables))
    code = ("import pickle, sys; from clearbuild.dataset import Dataset; "
            "print(Dataset(tables=pickle.load(open(sys.argv[1], 'rb'))).digest())")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "tables.pkl")],
                         env={"PYTHONHASHSEED": "4242", "PYTHONPATH": ":".join(sys.path)},
                         check=True, capture_output=True, text=True).stdout.strip()
    assert out == ds.digest()


def assert_refused(history: History, folder: Path, culprit: Path) -> None:
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(HistoryError) as e:
        history.record(night1(), D3)
    assert str(culprit) in str(e.value) and "\n" not in str(e.value)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before  # nothing written


def test_a_corrupt_state_is_refused_in_one_line_naming_the_file(tmp_path):
    folder = tmp_path / "h"
    history, _ = two_nights(folder)
    state = folder / history.head["state"]
    arrow = sorted(state.glob("*.arrow"))[0]
    arrow.write_bytes(arrow.read_bytes()[:100])  # truncated
    assert_refused(history, folder, arrow)
    (state / "dataset.json").write_text('{"format": "clearbuild-snap')
    assert_refused(history, folder, state / "dataset.json")
    (folder / "HEAD.json").write_text("{")
    assert_refused(history, folder, folder / "HEAD.json")


def test_a_corrupt_csv_state_or_short_log_is_refused(tmp_path):
    folder = tmp_path / "h"
    (folder / f"state-{D1}").mkdir(parents=True)
    bad = folder / f"state-{D1}" / "contracts.csv"
    bad.write_bytes(b"contract_id,title\n\xff\xfe\x00broken")
    (folder / "changes.jsonl").write_bytes(b"")
    (folder / "HEAD.json").write_text(json.dumps({"as_of": D1, "bytes": 0, "state": f"state-{D1}"}))
    history = History(folder)
    assert_refused(history, folder, bad)
    (folder / "HEAD.json").write_text(json.dumps({"as_of": D1, "bytes": 10, "state": f"state-{D1}"}))
    assert_refused(history, folder, folder / "changes.jsonl")
