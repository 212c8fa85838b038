"""Small writing helpers every part of the build shares, each written once.

- ``script_json``: data for JavaScript. Before this there were three copies (page filters, the
  contracts' data files, the map data) that escaped the same five characters.
- ``write_if_changed``: unchanged bytes keep their file and mtime, so a nightly rebuild touches
  only what changed (two copies before).
- ``fsync_dir`` and ``write_atomically``: a rename is durable only once its folder is synced
  (three copies before).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def script_json(value: Any, *, sort_keys: bool = True) -> str:
    """Compact JSON safe inside ``<script type="application/json">`` and as a JavaScript literal.

    Escaping <, > and & means no ``</script>`` or ``<!--`` can appear, so the HTML parser never
    leaves the block whatever the data says; U+2028/2029 keep the text a valid JS literal. NaN and
    infinities are refused (JSON has none).
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"),
                      allow_nan=False)
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def write_if_changed(path: Path, data: str | bytes) -> bool:
    """Write ``data`` (text as UTF-8) only when the bytes differ; True when the file was written."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() and path.read_bytes() == raw:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(raw)
    tmp.replace(path)
    return True


def fsync_dir(path: Path | str) -> None:
    """Make the folder's entries (a rename, a new or removed file) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, text: str) -> None:
    """Temp file, fsync, rename over the old one, fsync the folder: a kill -9 at any moment
    leaves the old file or the new one, never half of either (site meta, history HEAD, ledger)."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)
