"""Key -> position, for keys held elsewhere: a sorted array of their hashes, not a dict.

Why: a grouping finds a group by its key (a contract's payments by the contract's id), and a
dict of N keys costs ~48 bytes a key (its slot, its entry and a Python int per position above
256): at Seoul's size the contract payments' grouping alone kept 8.2 MB so, ~19 MB all the
groupings, and each Seoul of records adds as much to the parent's heap for the whole build. The
keys are objects the table already holds (its key column's distinct values, its records' own
ids), so this keeps only their hashes, sorted, and where each one is: 12 bytes a key (170,000
ids: 2.0 MB). A lookup costs ~0.8 us against ~0.05 for the dict (measured, 170,000 ids): under
a second for the ~1 million lookups of a Seoul build.

Python's ``hash`` of a string is salted per process (PYTHONHASHSEED): an index holds hashes
valid in the process that made it and those forked from it; pickled, it is made again from its
keys where it is read."""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, Mapping, Sequence, ValuesView
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
        while at < self._n and hashes[at] == h:  # keys sharing a hash: the equal one
            i = int(self._pos[at])
            k = self._key_at(i)
            if k is key or k == key:
                return i
            at += 1
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


class Records(Mapping[Any, dict[str, Any]]):
    """A table's records by their key (``Dataset.index``): the records' own list and a
    ``KeyIndex`` of their key values, where a dict of them was ~48 bytes a record more (at
    Seoul's size the contracts' 7.3 MB, 2.1 now). Reads as that dict read: in the records'
    order, ``values()`` the records themselves. ``plain``: the dict, for keys that are not
    distinct (a dict keeps each key's last record) or share a hash."""

    def __init__(self, rows: list[dict[str, Any]], key: str) -> None:
        self._rows, self._key = rows, key
        self._at = KeyIndex((len(rows), lambda i: rows[i][key]))
        hashes = self._at._hashes
        self.plain: dict[Any, dict[str, Any]] | None = None
        if len(hashes) > 1 and bool((hashes[1:] == hashes[:-1]).any()):
            self.plain = {r[key]: r for r in rows}

    def get(self, key: Any, default: Any = None) -> Any:
        if self.plain is not None:
            return self.plain.get(key, default)
        i = self._at.find(key)
        return self._rows[i] if i >= 0 else default

    def __getitem__(self, key: Any) -> dict[str, Any]:
        if self.plain is not None:
            return self.plain[key]
        return self._rows[self._at[key]]

    def __contains__(self, key: object) -> bool:
        return key in self.plain if self.plain is not None else self._at.find(key) >= 0

    def __iter__(self) -> Iterator[Any]:
        return iter(self.plain if self.plain is not None else self._at)

    def __len__(self) -> int:
        return len(self.plain) if self.plain is not None else len(self._rows)

    def values(self) -> ValuesView[dict[str, Any]]:
        return _Values(self)

    def items(self) -> ItemsView[Any, dict[str, Any]]:
        return _Items(self)

    def __reduce__(self) -> Any:  # indexed again where it is unpickled: hashes are per process
        return Records, (self._rows, self._key)


class _Values(ValuesView[dict[str, Any]]):
    """The records in their order, without a lookup each (Mapping's view looks each one up)."""

    _mapping: Records

    def __iter__(self) -> Iterator[dict[str, Any]]:
        m = self._mapping
        return iter(m.plain.values() if m.plain is not None else m._rows)


class _Items(ItemsView[Any, dict[str, Any]]):
    _mapping: Records

    def __iter__(self) -> Iterator[tuple[Any, dict[str, Any]]]:
        m = self._mapping
        return iter(m.plain.items() if m.plain is not None else zip(m._at, m._rows, strict=True))
