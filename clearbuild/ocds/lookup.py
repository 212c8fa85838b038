"""How an OcdsWriter's releases are looked up: by ocid, and a contract's ocid by contract id.
Both are views worked out when read, so the parent holds no release and no dict of every
contract's ocid (clearbuild.ocds.export)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .export import OcdsWriter


class OcidOf(Mapping[str, str]):
    """contract_id -> the ocid of its contracting process (its notice's, else its own), worked
    out when read; contracts in id order. A contract whose notice is not in the data has none."""

    def __init__(self, writer: OcdsWriter) -> None:
        self._w = writer

    def __getitem__(self, contract_id: str) -> str:
        c = self._w._contracts.get(contract_id) if isinstance(contract_id, str) else None
        if c is None:
            raise KeyError(contract_id)
        nid = c.get("notice_id")
        if nid and nid not in self._w._notices:
            raise KeyError(contract_id)
        return f"{self._w.o.prefix}-{nid or contract_id}"

    def __iter__(self) -> Iterator[str]:
        return (cid for cid in sorted(self._w._contracts) if cid in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Releases(Mapping[str, dict[str, Any]]):
    """ocid -> compiled release, in ocid order, each made when asked for."""

    def __init__(self, writer: OcdsWriter) -> None:
        self._w = writer

    def __getitem__(self, ocid: str) -> dict[str, Any]:
        return self._w.release(ocid)

    def __iter__(self) -> Iterator[str]:
        return iter(self._w.ocids())

    def __contains__(self, ocid: object) -> bool:
        try:
            self._w.made_of(ocid)  # type: ignore[arg-type]
        except KeyError:
            return False
        return True

    def __len__(self) -> int:
        return len(self._w.ocids())
