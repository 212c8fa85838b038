"""clearbuild.keyindex: a grouping's key -> group number, found as a dict finds it, in fewer bytes."""

from __future__ import annotations

import pickle
import tracemalloc

import pytest

from clearbuild.keyindex import KeyIndex


class Colliding:
    """A key whose hash is shared with every other: found only by ``==``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __hash__(self) -> int:
        return 7

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Colliding) and other.name == self.name


KEYS = [
    [f"C-{i:05d}" for i in range(2_000)],  # ids
    ["2024-01-05", "", "강남구", "Yangcheon-gu", "x" * 300],  # dates, blank, Korean, long
    [1, 2.5, -3, 10**20, True and "t", ("a", 1)],  # numbers and tuples
    [Colliding(n) for n in "abcde"],  # every hash the same
]


@pytest.mark.parametrize("keys", KEYS, ids=["ids", "texts", "numbers", "collisions"])
def test_it_answers_every_question_a_dict_of_positions_answers(keys: list) -> None:
    index, plain = KeyIndex(keys), {k: i for i, k in enumerate(keys)}
    assert len(index) == len(plain)
    assert list(index) == list(plain) and all(a is b for a, b in zip(index, keys, strict=True))
    for k in keys:  # the object itself, and an equal one made apart
        twin = pickle.loads(pickle.dumps(k))
        assert index[k] == index[twin] == plain[k] and k in index and index.find(twin) == plain[k]
    for missing in ("C-99999", "", Colliding("z"), 4, None, 2.6):
        if missing not in plain:
            assert missing not in index and index.find(missing) == -1
            with pytest.raises(KeyError):
                index[missing]
    assert [] not in index and index.find({}) == -1  # unhashable: in no index, no TypeError
    assert dict(index.items()) == plain


def test_keys_worked_out_when_read_are_found_the_same() -> None:
    rows = [{"id": f"K{i % 50}"} for i in range(200)]
    index = KeyIndex((50, lambda i: rows[i]["id"]))
    assert [index[f"K{i}"] for i in range(50)] == list(range(50))
    assert "K50" not in index and list(index)[:3] == ["K0", "K1", "K2"]


def test_it_takes_a_quarter_of_a_dicts_memory_and_is_made_again_where_unpickled() -> None:
    keys = [f"C2024-{i:07d}" for i in range(50_000)]
    tracemalloc.start()
    plain = {k: i for i, k in enumerate(keys)}
    theirs = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    tracemalloc.start()
    index = KeyIndex(keys)
    ours = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert ours < theirs / 4, (ours, theirs)
    assert index["C2024-0049999"] == plain["C2024-0049999"]
    # another process salts string hashes apart: the keys travel, the hashes are made there
    again = pickle.loads(pickle.dumps(index))
    assert list(again) == keys and again["C2024-0000003"] == 3



def test_unpickled_in_another_process_it_finds_the_same_keys() -> None:
    """Another process salts string hashes apart: the keys travel, the hashes are made there."""
    import subprocess
    import sys

    index = KeyIndex([f"C-{i}" for i in range(500)])
    code = ("import pickle, sys; k = pickle.load(sys.stdin.buffer); "
            "print(k['C-321'], 'C-999' in k, len(k))")
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(index), check=True,
                             capture_output=True, env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout
        assert out.split() == [b"321", b"False", b"500"]
