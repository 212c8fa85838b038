"""Key -> position, for keys held elsewhere: a sorted array of their hashes, not a dict.

Why: a grouping finds a group by its key (a contract's payments by the contract's id), and a
dict of N keys costs ~48 bytes a key (its slot, its entry and a Python int per position above
256): at Seoul's size the contract payments' grouping alone kept 8.2 MB so, ~19 MB all the
groupings, and each Seoul of records adds as much to the parent's heap for the whole build. The
keys are objects the table already holds (its key column's distinct values, its records' own
ids), so this keeps only their hashes, sorted, and where each one is: 12 bytes a key (170,000
ids: 2.0 MB; at the render's start the groupings and the chain's groups 71 -> 52 MB). A lookup
costs ~0.9 us against ~0.05 for the dict (measured, 170,000 ids); the demo's build looks up ~3
groups a page (117,927 for 39,686 pages), ~2 million at Seoul's size: ~2 s of CPU. A table's
records by key stay a dict (``Dataset.index``: read ~8 times a page, and a dict of records
makes no int a key).

Python's ``hash`` of a string is salted per process (PYTHONHASHSEED): an index holds hashes
valid in the process that made it and those forked from it; pickled, it is made again from its
keys where it is read."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np


class KeyIndex(Mapping[Any, int]):
    """``keys[i] -> i`` for distinct hashable keys, equal keys found as a dict finds them (the
    same hash, then ``==``). ``keys``: a sequence, or ``(count, key_at)`` for keys worked out
    when read (a group's first record's id). Iterates in position order."""

    def __init__(self, keys: Sequence[Any] | tuple[int, Callable[[int], Any]]) -> None:
        if isinstance(keys, tuple) and len(keys) == 2 and callable(keys[1]):
            self._n, self._key_at = keys
        else:
            self._n, self._key_at = len(keys), keys.__getitem__
        hashes = np.fromiter((hash(self._key_at(i)) for i in range(self._n)), dtype=np.int64,
                             count=self._n)
        self._pos = np.argsort(hashes, kind="stable").astype(np.int32 if self._n < 2**31 else np.int64)
        self._hashes = hashes[self._pos]

    def find(self, key: Any) -> int:
        """The key's position, or -1 (an unhashable key is in no index)."""
        try:
            h = hash(key)
        except TypeError:
            return -1
        hashes, at = self._hashes, int(self._hashes.searchsorted(h))
        while at < self._n:
            i = int(self._pos[at])
            k = self._key_at(i)
            if k is key or k == key:
                return i
            if hashes[at] != h:  # past the keys of this hash (most often at once: no such key)
                return -1
            at += 1  # keys sharing a hash: the equal one
        return -1

    def __getitem__(self, key: Any) -> int:
        i = self.find(key)
        if i < 0:
            raise KeyError(key)
        return i

    def __contains__(self, key: object) -> bool:
        return self.find(key) >= 0

    def __iter__(self) -> Iterator[Any]:
        return (self._key_at(i) for i in range(self._n))

    def __len__(self) -> int:
        return self._n

    def __reduce__(self) -> Any:  # made again where it is unpickled: hashes are per process
        return KeyIndex, (list(self),)

