"""The Dataset as a columnar snapshot: one Arrow IPC (Feather v2) file per table, and
``dataset.json`` (the metadata, written last: the snapshot's commit mark).

Why: the workers of a cluster build (clearbuild.cluster) need the very Dataset the parent
ingested, without reading the export again (they may not see it, and ingest costs a minute at
Seoul's size). Arrow files are written uncompressed, so a worker memory-maps them and pays only
for the columns pandas copies into Python objects.

The round trip is exact: every column's pandas dtype and order, the index, None and NaN kept
apart in object columns (Arrow has only null), and the Dataset's metadata (``as_of``,
``export_date``, ``source``, ``sources``, ``withheld``, the checked ``files`` and the quality
``report``). Object columns that hold anything but text are stored as one pickle per cell.

Where: a local folder (written under a temporary name and renamed: a reader sees all of it or
nothing), or an fsspec/pyarrow URL such as ``s3://bucket/snapshots`` (written in place, its
``dataset.json`` last: a reader that finds it finds every table). Remote URLs need the
file system's own package (``s3fs``, ``gcsfs``), installed with the ``cluster`` extra's peers.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .dataset import Dataset

META = "dataset.json"
FORMAT = "clearbuild-snapshot-1"
_NAN = "\0nan\0"  # prefix of a boolean column marking where an object column held NaN, not None
# Dataset fields with their own encoding; every other public field goes into dataset.json as is.
_OWN = {"tables", "report", "files"}


def is_url(where: str | Path) -> bool:
    return "://" in str(where)


def _kind(series: pd.Series) -> str:
    """How a column is stored: 'arrow' (Arrow keeps its dtype), 'text' (object: str and None,
    NaN marked apart) or 'pickle' (object holding other values)."""
    if series.dtype != object:
        return "arrow"
    for v in series:
        if v is None or isinstance(v, str) or (isinstance(v, float) and v != v):
            continue
        return "pickle"
    return "text"


def _encode(df: pd.DataFrame) -> tuple[pa.Table, list[dict[str, Any]]]:
    names = list(df.columns)
    if len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"snapshot: column names must be unique strings: {names}")
    columns: dict[str, Any] = {}
    spec = []
    for name in names:
        s = df[name]
        kind = _kind(s)
        # the dtype itself (pickled): "str" names two dtypes (python and pyarrow storage)
        spec.append({"name": name, "kind": kind, "dtype": str(s.dtype),
                     "exact": pickle.dumps(s.dtype, protocol=5).hex()})
        if kind == "arrow":
            columns[name] = s
        elif kind == "text":
            values = s.tolist()
            nan = [isinstance(v, float) for v in values]  # a float in a text column is NaN
            columns[name] = pd.Series([None if f else v for v, f in zip(values, nan, strict=True)],
                                      dtype=object, index=df.index)
            if any(nan):
                columns[_NAN + name] = pd.Series(nan, dtype=bool, index=df.index)
                spec[-1]["nan"] = True
        else:
            columns[name] = pd.Series([pickle.dumps(v, protocol=5) for v in s], dtype=object,
                                      index=df.index)
    frame = pd.DataFrame(columns, index=df.index)
    schema = None
    if len(frame) == 0:  # an empty object column has no values to infer a type from
        fields = [pa.field(n, pa.string() if sp["kind"] == "text" else pa.binary())
                  for n, sp in zip(names, spec, strict=True) if sp["kind"] != "arrow"]
        inferred = pa.Schema.from_pandas(frame, preserve_index=None)
        by_name = {f.name: f for f in fields}
        schema = pa.schema([by_name.get(f.name, f) for f in inferred], metadata=inferred.metadata)
    return pa.Table.from_pandas(frame, preserve_index=None, schema=schema), spec


def _decode(table: pa.Table, spec: list[dict[str, Any]]) -> pd.DataFrame:
    index = [c for c in (table.schema.pandas_metadata or {}).get("index_columns", [])
             if isinstance(c, str)]  # a RangeIndex is metadata only; others are columns
    frame = table.select([c["name"] for c in spec if c["kind"] == "arrow"] + index).to_pandas()
    out: dict[str, Any] = {}
    for col in spec:
        name = col["name"]
        if col["kind"] == "text":
            values = table.column(name).to_pylist()
            if col.get("nan"):
                marks = table.column(_NAN + name).to_pylist()
                values = [np.nan if m else v for v, m in zip(values, marks, strict=True)]
            s = pd.Series(values, dtype=object, index=frame.index, name=name)
        elif col["kind"] == "pickle":
            s = pd.Series([pickle.loads(v) for v in table.column(name).to_pylist()], dtype=object,
                          index=frame.index, name=name)
        else:
            s = frame[name]
            dtype = pickle.loads(bytes.fromhex(col["exact"]))
            if s.dtype != dtype:
                s = s.astype(dtype)
        out[name] = s
    return pd.DataFrame(out, index=frame.index) if spec else pd.DataFrame(index=frame.index)


def open_arrow(location: str | Path, info: dict[str, Any]) -> pa.Table:
    """A local snapshot's table as Arrow, memory-mapped and not decoded: reading a column reads
    the file's pages in place, with no Python object made (clearbuild.partial picks a
    partition's rows so). ``decode_rows`` makes a frame of the rows picked."""
    return pa.ipc.open_file(pa.memory_map(str(Path(location) / info["file"]), "r")).read_all()


def decode_rows(table: pa.Table, info: dict[str, Any]) -> pd.DataFrame:
    """Rows of an ``open_arrow`` table (filtered or whole) as the frame ``read`` gives."""
    return _decode(table, info["columns"])


def _filesystem(where: str) -> tuple[Any, str]:
    from pyarrow import fs

    try:
        return fs.FileSystem.from_uri(where)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        import fsspec  # any scheme fsspec knows (its own package installed)

        protocol = where.split("://", 1)[0]
        handler = fs.FSSpecHandler(fsspec.filesystem(protocol))
        return fs.PyFileSystem(handler), where.split("://", 1)[1]


def _meta(dataset: Dataset, tables: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {"format": FORMAT, "tables": tables,
                            "report": [dataclasses.asdict(p) for p in dataset.report],
                            "files": {k: dataclasses.asdict(v) for k, v in dataset.files.items()}}
    for f in dataclasses.fields(dataset):
        if f.name not in _OWN and not f.name.startswith("_"):
            meta[f.name] = getattr(dataset, f.name)
    return meta


def write(dataset: Dataset, where: str | Path, name: str) -> str:
    """Write ``dataset`` as the snapshot ``<where>/<name>``; returns its location (a path or URL)."""
    if is_url(where):
        return _write_remote(dataset, str(where).rstrip("/"), name)
    folder = Path(where)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    tmp = folder / f".tmp-{name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        tables = {name: _write_table(tmp, i, df) for i, (name, df) in enumerate(dataset.tables.items())}
        (tmp / META).write_text(json.dumps(_meta(dataset, tables), ensure_ascii=False), encoding="utf-8")
        if target.exists():  # the same build written again (a retried run): replace it whole
            shutil.rmtree(target)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return str(target)


def _write_table(folder: Path, i: int, df: pd.DataFrame) -> dict[str, Any]:
    """Table number ``i`` as ``<folder>/<i>.arrow``; what ``dataset.json`` says of it."""
    table, spec = _encode(df)
    file = f"{i:03d}.arrow"
    with pa.OSFile(str(folder / file), "wb") as sink, pa.ipc.new_file(sink, table.schema) as w:
        w.write_table(table)
    return {"file": file, "columns": spec, "rows": len(df)}


def _write_remote(dataset: Dataset, where: str, name: str) -> str:
    fs, base = _filesystem(where)
    root = f"{base.rstrip('/')}/{name}"
    fs.create_dir(root, recursive=True)
    tables = {}
    for i, (table_name, df) in enumerate(dataset.tables.items()):
        table, spec = _encode(df)
        file = f"{i:03d}.arrow"
        with fs.open_output_stream(f"{root}/{file}") as sink, pa.ipc.new_file(sink, table.schema) as w:
            w.write_table(table)
        tables[table_name] = {"file": file, "columns": spec, "rows": len(df)}
    with fs.open_output_stream(f"{root}/{META}") as sink:  # last: the commit mark
        sink.write(json.dumps(_meta(dataset, tables), ensure_ascii=False).encode("utf-8"))
    return f"{where}/{name}"


class SnapshotError(ValueError):
    """A snapshot that cannot be read (missing, truncated, not a snapshot): one line naming the file."""


def _why(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}".splitlines()[0]


def read(location: str | Path) -> Dataset:
    """The Dataset a snapshot holds; local files are memory-mapped. SnapshotError names the file
    that could not be read."""
    from .filegate import SourceFile
    from .ingest.problems import Problem

    remote = is_url(location)
    try:
        if remote:
            fs, root = _filesystem(str(location))
            with fs.open_input_stream(f"{root}/{META}") as f:
                meta = json.loads(f.read().decode("utf-8"))
        else:
            meta = json.loads((Path(location) / META).read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} snapshot")
        tables_meta = dict(meta["tables"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SnapshotError(f"{location}/{META}: {_why(e)}") from e
    opened = (fs, root) if remote else None
    tables = {name: _read_table(location, name, info, opened) for name, info in tables_meta.items()}
    try:
        names = {f.name for f in dataclasses.fields(Dataset)}
        plain = {k: v for k, v in meta.items() if k in names and k not in _OWN}
        return Dataset(tables=tables, report=[Problem(**p) for p in meta["report"]],
                       files={k: SourceFile(**v) for k, v in meta["files"].items()}, **plain)
    except (KeyError, TypeError, AttributeError) as e:
        raise SnapshotError(f"{location}/{META}: {_why(e)}") from e


def _read_table(location: str | Path, table_name: str, info: Any, opened: tuple[Any, str] | None
                ) -> pd.DataFrame:
    """One table of a snapshot (``opened``: a remote one's file system and root)."""
    where = f"{location}/{info.get('file', '?') if isinstance(info, dict) else '?'}"
    try:
        if opened is not None:
            fs, root = opened
            with fs.open_input_file(f"{root}/{info['file']}") as f:
                df = _decode(pa.ipc.open_file(f).read_all(), info["columns"])
        else:  # decoded while mapped: pandas copies what it keeps
            with pa.memory_map(str(Path(location) / info["file"]), "r") as source:
                df = _decode(pa.ipc.open_file(source).read_all(), info["columns"])
        if len(df) != info["rows"]:
            raise ValueError(f"{len(df)} rows, {info['rows']} recorded")
    except (OSError, ValueError, KeyError, TypeError, EOFError, pickle.UnpicklingError,
            pa.ArrowException) as e:
        raise SnapshotError(f"{where} ({table_name}): {_why(e)}") from e
    return df


def remove(location: str | Path) -> None:
    """Delete a snapshot once its build is over (local or remote)."""
    if is_url(location):
        fs, root = _filesystem(str(location))
        try:
            fs.delete_dir(root)
        except (FileNotFoundError, OSError):
            pass
    else:
        shutil.rmtree(location, ignore_errors=True)
