"""Data the browser reads as self-registering .js files (they load from file://, fetch() does not).

The security boundary for these files: data becomes a JSON literal with <, >, &, U+2028 and
U+2029 escaped, assigned to a fixed global; nothing from the data is ever JavaScript source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")
GLOBAL = re.compile(r"^cb[A-Z][A-Za-z]{1,40}$")


def json_literal(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def register_source(global_name: str, key: str, value: Any) -> str:
    """``window.cbX=window.cbX||{};window.cbX["key"]={...};``"""
    if not GLOBAL.match(global_name):
        raise ValueError(f"cb_contracts: bad global name {global_name!r}")
    return (f"window.{global_name}=window.{global_name}||{{}};"
            f"window.{global_name}[{json_literal(key)}]={json_literal(value)};\n")


def write_if_changed(path: Path, text: str) -> bool:
    """Unchanged bytes keep their file (and mtime): a nightly rebuild touches only what changed."""
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def write_shards(folder: Path, global_name: str, shards: Iterable[str],
                 entries: dict[str, dict[str, Any]]) -> int:
    """One file per shard key, every shard written (an empty one too), so a lookup of an unknown
    key loads a file and answers "not found" instead of depending on a script error event."""
    count = 0
    for shard in shards:
        write_if_changed(folder / f"{shard}.js",
                         register_source(global_name, shard, entries.get(shard, {})))
        count += 1
    return count
