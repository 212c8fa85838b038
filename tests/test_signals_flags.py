"""Flags held as columns (clearbuild.signals.flags): the same Flags as made from the frame, smaller."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd

from clearbuild import memcensus
from clearbuild.signals.base import LOT_FIELDS
from clearbuild.signals.flags import FlagList, FlagTable, native
from clearbuild.signals.result import Flag, Own


def made_whole(indicator: str, df: pd.DataFrame, names: list[str]) -> list[Flag]:
    """How flags were made before: a Flag per row from the frame's Python values."""
    variant = df["variant"].fillna("").astype(str).tolist() if "variant" in df else [""] * len(df)
    cols = [df[c].tolist() for c in names]
    out = []
    for i, (kind, rid) in enumerate(zip(df["kind"].tolist(), df["id"].tolist(), strict=True)):
        values = {n: native(col[i]) for n, col in zip(names, cols, strict=True)}
        for n in LOT_FIELDS:
            if values.get(n, 0) is None:
                del values[n]
        out.append(Flag(indicator, kind, str(rid), values, variant[i]))
    return out


def typed(flag: Flag) -> tuple:
    return (flag.indicator, flag.kind, flag.id, flag.variant, flag.via,
            [(k, type(v).__name__, v) for k, v in flag.values.items()])


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "kind": ["contracts", "notices", "contracts", "notices"],
        "id": ["C2", "N1", "C1", 7],  # an id that is not text becomes text
        "count": np.array([3, 1, 2, 5], dtype=np.int64),
        "ok": np.array([True, False, True, True]),
        "days": [32.0, float("nan"), -0.0, 1e15],
        "nullable": pd.array([1, None, 3, 4], dtype="Int64"),
        "since": ["2023-03-11", None, "", "2024-01-01"],
        "ids": [("CP-1", "CP-2"), None, (), (12, "x")],
        "mixed": ["a", 2, None, 3.5],
        "lot": [None, "L1", None, "L2"],
        "lots": [None, ("L1",), None, ("L2", "L3")],
        "variant": ["", "lot", None, "lots"],
    })


def test_a_flag_read_from_the_table_is_the_flag_the_frame_made_type_for_type():
    df = frame()
    names = [c for c in df.columns if c not in ("kind", "id", "variant")]
    table = FlagTable("x", df, names)
    want = made_whole("x", df, names)
    assert [typed(table.flag(i)) for i in range(len(table))] == [typed(f) for f in want]
    assert "lot" not in table.flag(0).values and table.flag(1).values["lot"] == "L1"
    # Computed in a forked child, the flags are handed back pickled (signals.compute_apart).
    back = pickle.loads(pickle.dumps(FlagList([table], {"x": 0})))
    assert sorted(typed(f) for f in back) == sorted(typed(f) for f in want)
    no_variant = df.drop(columns="variant")
    assert [typed(f) for f in [FlagTable("x", no_variant, names).flag(i) for i in range(4)]] == \
        [typed(f) for f in made_whole("x", no_variant, names)]


def test_the_flags_are_in_record_then_indicator_order_and_found_by_record():
    a = pd.DataFrame({"kind": ["notices", "contracts"], "id": ["N1", "C1"], "n": [1, 2]})
    b = pd.DataFrame({"kind": ["contracts", "contracts", "notices"], "id": ["C1", "C0", "N1"],
                      "m": [0.5, 1.5, 2.5]})
    tables = [FlagTable("late", a, ["n"]), FlagTable("early", b, ["m"]),
              FlagTable("none", a.iloc[:0], ["n"])]
    flags = FlagList(tables, {"early": 0, "late": 1, "none": 2})
    whole = made_whole("late", a, ["n"]) + made_whole("early", b, ["m"])
    whole.sort(key=lambda f: (f.kind, f.id, {"early": 0, "late": 1}[f.indicator]))
    assert len(flags) == 5 and list(flags) == whole and flags == whole and flags[1:3] == whole[1:3]
    assert [flags[i] for i in range(5)] == whole and list(flags.keys()) == [(f.kind, f.id) for f in whole]
    own = Own(flags)
    assert own[("contracts", "C1")] == [f for f in whole if f.id == "C1"]
    assert [f.indicator for f in own[("notices", "N1")]] == ["early", "late"] and len(own) == 3
    assert FlagList([], {}) == [] and len(Own(FlagList([], {}))) == 0
    kinds, ids, indicators = flags.columns()  # the same, as columns: no Flag made
    assert list(zip(kinds.to_pylist(), ids.to_pylist(), indicators.tolist(), strict=True)) == \
        [(f.kind, f.id, f.indicator) for f in whole]
    assert [len(c) for c in FlagList([], {}).columns()] == [0, 0, 0]


def test_many_flags_as_columns_hold_a_fraction_of_them_as_objects():
    n = 20_000
    df = pd.DataFrame({"kind": "contracts", "id": [f"C-{i:06d}" for i in range(n)],
                       "late": np.arange(n) % 7, "max_days": np.arange(n) * 1.5,
                       "oldest": [f"2023-03-{i % 28 + 1:02d}" for i in range(n)],
                       "ids": [tuple(f"CP-{i:06d}-{j}" for j in range(3)) for i in range(n)]})
    names = ["late", "max_days", "oldest", "ids"]
    [columns, objects, _] = memcensus.holdings([("columns", FlagTable("late", df, names)),
                                                ("objects", made_whole("late", df, names))])
    assert columns.bytes < objects.bytes / 4, (columns.bytes, objects.bytes)
