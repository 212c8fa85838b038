"""Data the browser reads as self-registering .js files (they load from file://, fetch() does not).

The security boundary for these files: data becomes a JSON literal with <, >, &, U+2028 and
U+2029 escaped, assigned to a fixed global; nothing from the data is ever JavaScript source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from clearbuild import safeio

GLOBAL = re.compile(r"^cb[A-Z][A-Za-z]{1,40}$")


json_literal = safeio.script_json  # sorted keys: the same data, the same bytes


def register_source(global_name: str, key: str, value: Any) -> str:
    """``window.cbX=window.cbX||{};window.cbX["key"]={...};``"""
    if not GLOBAL.match(global_name):
        raise ValueError(f"cb_contracts: bad global name {global_name!r}")
    return (f"window.{global_name}=window.{global_name}||{{}};"
            f"window.{global_name}[{json_literal(key)}]={json_literal(value)};\n")


write_if_changed = safeio.write_if_changed


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
