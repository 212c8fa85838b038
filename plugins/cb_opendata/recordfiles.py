"""The record files beside the pages: each contract's compiled release, each project's OC4IDS
project. Both are made where they are written (clearbuild.pagequeue.add_files) and named by a
digest of their text, so a night writes again only the files whose text changed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from clearbuild.ocds.export import OcdsWriter, dumps
from clearbuild.ocds.writing import DIGEST_BYTES, compact_text, digest


class Digests(Mapping[str, bytes]):
    """ocid -> the digest of its release the package writer took: one blob of 16 bytes a
    release, read in the ocids' sorted order (``OcdsWriter.releases`` iterates in it).

    Why not the dict the child used to hand back: its ocids and digests came back as new
    objects, ~24 MB of the parent at Seoul's size (traced) beside its 7 MB table, held for the
    whole render. Here the ocids are one array of their UTF-8 bytes (sorted as the strings
    are: by code point), not ~213,000 strings (~16 MB at Seoul's size, traced), and the blob."""

    def __init__(self, ocids: np.ndarray | Iterable[str], blob: bytes) -> None:
        # The package writer made its releases from these same ocids (cb_opendata.write_downloads).
        self._ocids = ocids if isinstance(ocids, np.ndarray) else ocid_array(ocids)
        if len(blob) != DIGEST_BYTES * len(self._ocids):
            raise ValueError("the package writer's digests are not of this build's releases")
        self._blob = blob

    def __getitem__(self, ocid: str) -> bytes:
        # An ocid ending in NUL would read as its shorter self from the array: none is found.
        key = ocid.encode("utf-8") if isinstance(ocid, str) and not ocid.endswith("\0") else None
        i = int(np.searchsorted(self._ocids, key)) if key is not None else len(self._ocids)
        if i == len(self._ocids) or self._ocids[i] != key:
            raise KeyError(ocid)
        return self._blob[i * DIGEST_BYTES:(i + 1) * DIGEST_BYTES]

    def __iter__(self) -> Iterator[str]:
        return (o.decode("utf-8") for o in self._ocids.tolist())

    def __len__(self) -> int:
        return len(self._ocids)


def ocid_array(ocids: Iterable[str]) -> np.ndarray:
    """Sorted ocids as one array of their UTF-8 bytes: at twice Seoul's size its 426,455 ocids
    are 8 MB so, against 31 MB as a list of strings (traced)."""
    return np.array([o.encode("utf-8") for o in ocids], dtype=np.bytes_)


def record_file(ocds: OcdsWriter, digests: Mapping[str, bytes], contract_id: str) -> dict[str, Any]:
    """A contract's record file: its process's compiled release, made where it is written
    (the queue holds the contract's id, the ocid is worked out here).

    Named by the digest the package writer took of the same release (``digests``), so a night
    makes again only the releases whose files it writes: at Seoul's size the workers made all
    175,000 (12 CPU s) and pickled them to hash them, to write 6,400. A process that wrote no
    package (a cluster worker) takes the same digest itself."""
    ocid = ocds.ocid_of[contract_id]
    found = digests.get(ocid)
    return {"produce": release_file, "args": (ocds, ocid),
            "digest": found if found is not None else digest(compact_text(ocds.releases[ocid]))}


def release_file(ocds: OcdsWriter, ocid: str) -> str:
    return dumps(ocds.releases[ocid])


def project_file(oc4ids: Any, project_id: str) -> dict[str, Any]:
    """A project's OC4IDS file, made where it is written and named by the digest of its text.

    Why not made once in the parent: the parent held every project's document, with its
    contracts' parties, in the queue for the whole render (at Seoul's size 2,600 documents,
    ~25 MB traced; they grow with the corpus). A project is made twice where its file is
    written (once for the digest, once for the bytes): 2,600 of them cost ~2 s of CPU."""
    text = project_text(oc4ids, project_id)
    return {"produce": project_text, "args": (oc4ids, project_id), "digest": digest(text)}


def project_text(oc4ids: Any, project_id: str) -> str:
    return dumps(oc4ids.project(oc4ids.ds.index("projects", "project_id")[project_id]))
