"""Where a build holds its tables: a snapshot (clearbuild.snapshot) in a private temporary
folder, memory-mapped, read a table at a time when asked for.

Why: the render needs the rows the sections' contexts made of the tables, not the tables, and
every forked render worker maps the parent's heap. Ingest writes each table here as soon as it
is accepted (``TableSink``); ``put_away`` does the same for a Dataset already in memory.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from .dataset import Dataset
from .snapshot import META, _meta, _read_table, _write_table, decode_rows, open_arrow


class StoredTables(Mapping[str, pd.DataFrame]):
    """A Dataset's tables put away in a local snapshot (``put_away``): each is read when asked
    for and not kept. The folder goes when this object does (or when the process ends)."""

    def __init__(self, location: str) -> None:
        self.location = location
        self._info = json.loads((Path(location) / META).read_text(encoding="utf-8"))["tables"]
        self._done = weakref.finalize(self, _remove_own, Path(location).parent, os.getpid())

    def __getitem__(self, name: str) -> pd.DataFrame:
        return _read_table(self.location, name, self._info[name], None)

    def __contains__(self, name: object) -> bool:  # Mapping's own would read the table
        return name in self._info

    def rows(self, name: str) -> int:
        """A table's row count, without reading it."""
        return int(self._info[name]["rows"])

    def arrow(self, name: str) -> pa.Table:
        """A table as memory-mapped Arrow, not decoded (snapshot.open_arrow)."""
        return open_arrow(self.location, self._info[name])

    def decode(self, name: str, table: pa.Table) -> pd.DataFrame:
        """Rows of ``arrow(name)`` (some or all) as the frame ``self[name]`` gives."""
        return decode_rows(table, self._info[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._info)

    def __len__(self) -> int:
        return len(self._info)


def _remove_own(folder: Path, pid: int) -> None:
    if os.getpid() == pid:  # not in a forked child that happens to end through atexit
        shutil.rmtree(folder, ignore_errors=True)


PUT_AWAY = "cb-tables-"  # + the owner's pid + "-" + random: a put-away snapshot's folder


def sweep(where: str | None = None) -> list[Path]:
    """Remove the put-away folders of processes that are gone (a build killed half-way never
    removes its own); this user's only. Returns what it removed."""
    gone = []
    for folder in Path(where or tempfile.gettempdir()).glob(f"{PUT_AWAY}*-*"):
        pid = folder.name[len(PUT_AWAY):].split("-", 1)[0]
        try:
            if not pid.isdigit() or folder.stat().st_uid != os.getuid() or int(pid) == os.getpid():
                continue
            os.kill(int(pid), 0)  # raises when no such process
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(folder)
        except OSError:  # alive (another user's), or the folder went meanwhile
            continue
    return gone


def put_away(dataset: Dataset) -> None:
    """Write the dataset's tables to a snapshot in a private temporary folder and hold them
    there (``StoredTables``) instead of in memory.

    Why: the render needs the rows the sections' contexts made of them, not the tables: at
    Seoul's size the tables were 316 MB of the parent's heap (Arrow and numpy columns), which
    every forked render worker mapped. Written in ~2 s; read again, memory-mapped, by whatever
    asks for a table afterwards (a nightly's manifest digest, a late grouping)."""
    if isinstance(dataset.tables, StoredTables):
        return
    sink = TableSink()
    try:
        for name, df in dataset.tables.items():
            sink.add(name, df)
        dataset.tables = sink.done()  # type: ignore[assignment]  # a Mapping, read-only
    except BaseException:
        sink.discard()
        raise


class TableSink:
    """A put-away snapshot written a table at a time: ingest hands each table over as soon as
    it is accepted (``load_dataset(put_away=True)``) and holds none of them.

    Why: ingest held every accepted table until the build put them away after it; at twice
    Seoul's size the parent held 646 MB after ingest that way, 226 MB put away (measured).
    ``done()`` gives the tables as ``put_away`` leaves them; ``discard()`` removes the folder
    (ingest stopped)."""

    def __init__(self) -> None:
        sweep()
        # 0700: only this user reads it
        self._folder = Path(tempfile.mkdtemp(prefix=f"{PUT_AWAY}{os.getpid()}-"))
        self._where = self._folder / "tables"
        self._where.mkdir()
        self._tables: dict[str, Any] = {}

    def add(self, name: str, df: pd.DataFrame) -> None:
        self._tables[name] = _write_table(self._where, len(self._tables), df)

    def done(self) -> StoredTables:
        meta = json.dumps(_meta(Dataset(tables={}), self._tables), ensure_ascii=False)
        (self._where / META).write_text(meta, encoding="utf-8")
        return StoredTables(str(self._where))

    def discard(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)
