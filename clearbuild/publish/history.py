"""Record history: what changed in every record between one night's export and the next.

Exports are snapshots; a contract amount that rises from 1,200,000,000 to 1,381,234,567 leaves
no trace in either. So each published export is compared with the state recorded the night
before, and every difference is appended to a log under data/history/ (outside the site, kept
and backed up with the data: builds are disposable, history is not):

- ``changes.jsonl``: one JSON object per change, append-only, sorted within a night
  (date, kind and id of the record whose page shows it, table, key, event, field, old, new);
  a record that leaves the export gets ``event: withdrawn`` with the date, never silence;
- ``state-<date>/``: the public values as of the last recorded export, as text (the strings a
  CSV of the table holds: dataset.text_column), with a 64-bit hash of each row beside them
  (``_row_hash``, dataset.row_hashes): a clearbuild.snapshot, one Arrow file per table;
- ``HEAD.json``: the commit point (date, log length, state folder), replaced atomically, so a
  kill -9 at any moment leaves either the old history or the new one, never half of each.

A night costs what changed, not the size of the city: tonight's rows are hashed (vectorised),
joined with last night's hashes by key, and only rows whose hash differs are compared field by
field. The state used to be CSV, written and read back every night, and every column of every
row was compared: on the Seoul-sized bench export (1.24 million rows; ``python3 -m
clearbuild.benchhistory``) ``record`` took 7.0 s on the first night and 14.9 s on a night with 1%
of the records changed; now 2.2 s and 4.0 s (entries identical; row hashes keyed with the
history's secret, see History.hash_key), and Dataset.digest(), which the manifest names, 1.2 s
instead of 3.7 s (SHA-256 over the same text the history makes, given to it). A CSV
state left by an older version is read once, the night after the upgrade. The entries' ``old``
and ``new`` are the same strings the CSV state gave, so a live site's log continues as it was.

Only public columns are compared (the Dataset holds nothing else); ``approvals`` is left out
because it can carry names that are public only with a flag.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import snapshot
from ..dataset import Dataset, digest, row_hashes, text_frame
from ..kinds import KINDS
from ..safeio import write_atomically
from ..schema import TABLES

# Tables whose records have pages of their own, and the kind their pages are filed under
# (clearbuild.kinds declares each kind once).
PAGE_KINDS = {k.table: k.name for k in KINDS.values()}
EXCLUDED = {("apartment_documents", "approvals"), ("apartment_documents", "public")}
HASH = "_row_hash"  # the state's column beside the values: dataset.row_hashes of the row


class HistoryError(Exception):
    """The history folder cannot be read safely (a corrupt HEAD.json or state): one line, naming
    the file; nothing is written."""


def owner(table: str) -> tuple[str, str] | None:
    """(kind, column): whose page shows this table's changes (a payment's: its project's)."""
    if table in PAGE_KINDS:
        return PAGE_KINDS[table], TABLES[table].key[0]
    for col in TABLES[table].columns:
        if col.ref and col.ref.split(".")[0] in PAGE_KINDS:
            ref_table, ref_col = col.ref.split(".")
            if TABLES[ref_table].key == (ref_col,):
                return PAGE_KINDS[ref_table], col.name
    return None


def _key(df: pd.DataFrame, table: str) -> pd.Series:
    """A key column added to the schema later (bid_results.lot_id) is empty in an older night's
    state, so the night after an upgrade compares rows rather than failing."""
    parts = [df[c].astype(str) if c in df.columns else pd.Series("", index=df.index, dtype=str)
             for c in TABLES[table].key]
    # Column-wise, not a row-wise agg("|".join): that ran Python per row, 4 of the 5.5 s a night
    # spent on the history at 3,000 projects.
    return parts[0].str.cat(parts[1:], sep="|") if len(parts) > 1 else parts[0]


def _hashes(df: pd.DataFrame, key: str | None) -> np.ndarray:
    if HASH in df.columns:
        return df[HASH].to_numpy(dtype=np.uint64)
    return row_hashes(df, key)


def _first(keys: pd.Series) -> tuple[pd.Index, np.ndarray]:
    """The distinct keys and the row of each one's first occurrence (a repeated key: its first row)."""
    first = ~keys.duplicated().to_numpy()
    return pd.Index(keys.to_numpy()[first]), np.flatnonzero(first)


def diff_table(table: str, old: pd.DataFrame | None, new: pd.DataFrame, date: str,
               key: str | None = None) -> list[dict[str, Any]]:
    """The entries between two nights of a table, both as text (dataset.text_frame), each with
    its row hashes in a ``_row_hash`` column or computed here. Rows are matched by key through
    their hashes; only rows whose hash differs are compared field by field."""
    who = owner(table)
    if who is None or old is None:
        return []
    kind, owner_col = who
    old_key, new_key = _key(old, table), _key(new, table)
    old_keys, old_rows = _first(old_key)
    new_keys, new_rows = _first(new_key)
    at = old_keys.get_indexer(new_keys)  # each new key's position among the old keys, -1: new
    both = at >= 0
    n_rows, o_rows = new_rows[both], old_rows[at[both]]
    # Equal hashes skip a row, so they are keyed with the history's secret (History.hash_key):
    # unequal ones only cost a field-by-field comparison (a lost key: every row compared).
    differ = _hashes(old, key)[o_rows] != _hashes(new, key)[n_rows]
    n_rows, o_rows = n_rows[differ], o_rows[differ]
    entries: list[dict[str, Any]] = []

    def add(df: pd.DataFrame, keys: pd.Series, rows: np.ndarray, event: str, field: str | None = None,
            before: np.ndarray | None = None, after: np.ndarray | None = None) -> None:
        ids = df[owner_col].iloc[rows].to_numpy(dtype=object)
        for i, (key, who_id) in enumerate(zip(keys.iloc[rows].to_numpy(dtype=object), ids, strict=True)):
            entries.append({"date": date, "kind": kind, "id": str(who_id), "table": table, "key": key,
                            "event": event, "field": field,
                            "old": None if before is None else before[i],
                            "new": None if after is None else after[i]})

    fields = [c for c in new.columns if c in old.columns and c != HASH and (table, c) not in EXCLUDED]
    for col in fields:
        a = old[col].iloc[o_rows].to_numpy(dtype=object)
        b = new[col].iloc[n_rows].to_numpy(dtype=object)
        changed = np.flatnonzero(a != b)
        if len(changed):
            add(new, new_key, n_rows[changed], "changed", col, a[changed], b[changed])
    add(new, new_key, new_rows[~both], "added")
    gone = new_keys.get_indexer(old_keys) < 0
    add(old, old_key, old_rows[gone], "withdrawn")
    return entries


class History:
    """The history folder: read what is committed, append a night atomically."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.digest: str | None = None  # the recorded dataset's Dataset.digest(), once recorded

    @property
    def head(self) -> dict[str, Any]:
        try:
            return json.loads((self.folder / "HEAD.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def entries(self) -> list[dict[str, Any]]:
        """Committed entries only: bytes past HEAD's length are a night that never committed."""
        size = self.head.get("bytes", 0)
        if not size:
            return []
        with open(self.folder / "changes.jsonl", "rb") as f:
            data = f.read(size)
        redacted = self._redactions()
        out = []
        for line in data.splitlines():
            e = json.loads(line)
            if (e["table"], e["key"], e["field"]) in redacted or (e["table"], e["key"], "*") in redacted:
                e["old"] = e["new"] = None
                e["redacted"] = True
            out.append(e)
        return out

    def _redactions(self) -> set[tuple[str, str, str]]:
        """redactions.csv (table,key,field or *): values an official withdrew from the history."""
        path = self.folder / "redactions.csv"
        if not path.exists():
            return set()
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        return set(zip(df["table"], df["key"], df["field"], strict=True))

    def _head(self) -> dict[str, Any]:
        """HEAD.json for a night to build on: absent is a new history; unreadable is an error
        (taken for absent, the night would start the log again from nothing)."""
        path = self.folder / "HEAD.json"
        if not path.exists():
            return {}
        try:
            head = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise HistoryError(f"{path}: unreadable ({type(e).__name__}: {e})".splitlines()[0]) from e
        if not isinstance(head, dict) or not isinstance(head.get("bytes", 0), int):
            raise HistoryError(f"{path}: not a history commit file")
        log = self.folder / "changes.jsonl"
        if head.get("bytes", 0) > (log.stat().st_size if log.exists() else 0):
            raise HistoryError(f"{log}: shorter than the {head['bytes']} bytes {path.name} commits")
        return head

    def state(self) -> dict[str, pd.DataFrame] | None:
        """The recorded state, each table as text with its row hashes (``_row_hash``; a state
        from before row hashes, ``state-<date>/<table>.csv``, is read as text without them)."""
        name = self._head().get("state")
        if not name:
            return None
        folder = self.folder / name
        if (folder / snapshot.META).exists():
            try:
                return snapshot.read(folder).tables
            except snapshot.SnapshotError as e:
                raise HistoryError(f"{e} (the history's recorded state)") from e
        csvs = sorted(folder.glob("*.csv"))
        if not csvs:
            raise HistoryError(f"{folder}: the recorded state named by HEAD.json is missing")
        out = {}
        for path in csvs:  # the CSV state of an older version, read once after the upgrade
            try:
                out[path.stem] = pd.read_csv(path, dtype=str, keep_default_na=False)
            except (OSError, ValueError) as e:  # pandas' parser and decoding errors are ValueErrors
                raise HistoryError(f"{path}: unreadable ({type(e).__name__}: {e})".splitlines()[0]) from e
        return out

    def record(self, dataset: Dataset, date: str) -> list[dict[str, Any]]:
        """Compare the dataset with the recorded state, append the differences, commit.

        The first export recorded is the baseline (no entries). An export older than the
        recorded one changes nothing: history only moves forward. HistoryError: the folder
        cannot be built on (nothing is written).
        """
        head = self._head()
        if head.get("as_of") and date < head["as_of"]:
            return []
        old_state = self.state()
        texts = {name: text_frame(df) for name, df in sorted(dataset.tables.items())}
        self.digest = digest(dataset.tables, texts)
        key = self.hash_key()
        for name, text in texts.items():
            if HASH in text.columns:
                raise ValueError(f"{name}: a column named {HASH} (the history's own)")
            text[HASH] = row_hashes(text, key)
        entries: list[dict[str, Any]] = []
        if old_state is not None:
            for name, text in texts.items():
                entries += diff_table(name, old_state.get(name), text, date, key)
        entries.sort(key=lambda e: (e["kind"], e["id"], e["table"], e["key"], e["event"],
                                    e["field"] or ""))
        self.folder.mkdir(parents=True, exist_ok=True)
        log = self.folder / "changes.jsonl"
        size = head.get("bytes", 0)
        with open(log, "r+b" if log.exists() else "wb") as f:
            f.truncate(size)  # drop a tail a killed run appended but never committed
            f.seek(size)
            for e in entries:
                f.write(json.dumps(e, ensure_ascii=False, sort_keys=True).encode() + b"\n")
            f.flush()
            os.fsync(f.fileno())
            size = f.tell()
        # A second run on the same date (a corrected export) must not overwrite the live state.
        state_name = f"state-{date}" if head.get("state") != f"state-{date}" else f"state-{date}-b"
        # Written under a temporary name and renamed whole (clearbuild.snapshot), then committed.
        snapshot.write(Dataset(tables=texts), self.folder, state_name)
        self._commit({"as_of": date, "bytes": size, "state": state_name,
                      "entries": head.get("entries", 0) + len(entries)})
        for p in self.folder.glob("state-*"):
            if p.name != state_name:
                shutil.rmtree(p, ignore_errors=True)
        for pattern in (".state-*.tmp", ".tmp-state-*"):  # a killed night's unfinished state
            for p in self.folder.glob(pattern):
                shutil.rmtree(p, ignore_errors=True)
        return entries

    def hash_key(self) -> str:
        """The secret the row hashes are keyed with (16 hex characters in ``hashkey``, mode 600,
        made on the first night and kept with the history): without it, whoever writes an export
        could look for a changed row whose hash equals the old one, and the change would go
        unrecorded. Lost or replaced, every row is compared field by field once: slower, never
        wrong."""
        path = self.folder / "hashkey"
        try:
            key = path.read_text(encoding="ascii").strip()
            if len(key) == 16:
                return key
        except (OSError, UnicodeDecodeError):
            pass
        self.folder.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(8)
        tmp = self.folder / ".hashkey.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return key

    def _commit(self, head: dict[str, Any]) -> None:
        write_atomically(self.folder / "HEAD.json", json.dumps(head, sort_keys=True) + "\n")


def by_record(entries: list[dict[str, Any]], until: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(kind, id) -> entries up to a date, newest night first: what a record page shows."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for e in entries:
        if e["date"] <= until:
            out.setdefault((e["kind"], e["id"]), []).append(e)
    for items in out.values():
        items.sort(key=lambda e: e["date"], reverse=True)  # stable: the night's order kept
    return out
