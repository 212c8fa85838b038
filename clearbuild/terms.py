"""A figure of every contract after its amendments (or payments): held as what changed, or
worked out from the payments when read.

Why not a dict of every contract: at Seoul's size the contracts' amounts and end dates after
amendments and the amounts their certificates count were three dicts of 175,000 entries each,
7.3 MB apiece of the parent's heap (traced), held through the render and mapped by every render
worker, while only the contracts an amendment or a payment changed differ from their own row.
Here a figure is read from the change when there is one, else from the contract's own field;
what was paid (``Paid``), which changes most contracts' figure, from their claims when read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from . import contractpay

Record = dict[str, Any]
_NONE = object()


class Field(Mapping[str, Any]):
    """contract_id -> one field of the contract's row; ``blank`` stands in for a missing or
    empty value when given (an end date: "")."""

    def __init__(self, contracts: Mapping[str, Record], name: str, blank: Any = None) -> None:
        self._contracts, self._name, self._blank = contracts, name, blank

    def __getitem__(self, contract_id: str) -> Any:
        c = self._contracts[contract_id]
        return c[self._name] if self._blank is None else c.get(self._name) or self._blank

    def __iter__(self) -> Iterator[str]:
        return iter(self._contracts)

    def __len__(self) -> int:
        return len(self._contracts)


class Overrides(Mapping[str, Any]):
    """contract_id -> ``changed[id]`` where there is one, else ``base[id]``: a dict of ``base``
    updated with ``changed``, without the copy (equal to it, keys in the same order)."""

    def __init__(self, base: Mapping[str, Any], changed: dict[str, Any]) -> None:
        self._base, self._changed = base, changed

    def __getitem__(self, contract_id: str) -> Any:
        found = self._changed.get(contract_id, _NONE)  # most are unchanged: no exception each
        return self._base[contract_id] if found is _NONE else found

    def __contains__(self, contract_id: object) -> bool:
        return contract_id in self._changed or contract_id in self._base

    def __iter__(self) -> Iterator[str]:
        yield from self._base
        yield from (k for k in self._changed if k not in self._base)

    def __len__(self) -> int:
        return len(self._base) + sum(1 for k in self._changed if k not in self._base)


class Paid(Mapping[str, int]):
    """contract_id -> what was paid on it (``contractpay.totals``) when ``counts_paid(contract)``
    and it has published claims, else ``amount[id]``; worked out when read.

    Why not held: for the certificates (a paid kind certifies what was paid) these were a dict
    of 116,751 contracts at Seoul's size (6.7 MB of the parent, traced), held through the
    render, while a certificate reads each contract's claims once when queued and once when
    rendered."""

    def __init__(self, contracts: Mapping[str, Record], amount: Mapping[str, int],
                 payments: Mapping[str, list[Record]], counts_paid: Callable[[Record], bool]) -> None:
        self._contracts, self._amount, self._payments = contracts, amount, payments
        self._counts_paid = counts_paid

    def __getitem__(self, contract_id: str) -> int:
        c = self._contracts[contract_id]
        rows = self._payments.get(contract_id)
        if rows and self._counts_paid(c):
            return contractpay.totals(rows)[1]
        return self._amount[contract_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._contracts)

    def __len__(self) -> int:
        return len(self._contracts)
