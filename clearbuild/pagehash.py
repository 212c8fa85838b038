"""Page input hashes: what makes an incremental build safe.

A page is a pure function of its template, the records it shows and the settings, so a hash of
those inputs names its bytes: the job's context (sorted JSON), every template the environment can
load, the translation catalogues and the code (any of them may change any page), the settings
that affect output, and what plugins declare a page also depends on (``Renderer.depends``, e.g.
its record's history). Equal hash, equal bytes: the page can be linked instead of rendered.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import pickle
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment

from . import config


@dataclass
class Job:
    template: str
    path: str  # relative to the site root, e.g. projects/P-1/index.html
    context: dict[str, Any]
    kind: str = ""  # the record kind a record page shows (clearbuild.kinds), "" for other pages
    key: str = ""  # and the record's key


PAGES_FILE = ".cb-pages.json"
HASH_BYTES = 32  # a page's input hash (SHA-256) as raw bytes, as partitions send them back
# Settings that name where things are, not what pages say: a build in another folder, from
# another night's export folder, must hash the same.
PLACE_SETTINGS = {"PATH", "OUTPUT_PATH", "THEME", "PLUGIN_PATHS", "CACHE_PATH", "CB_DATA",
                  "CB_EXPORTS_DIR", "CB_SAMPLE_DIR", "CB_ADMIN_DB", "CB_REPORT_DIR", "CB_WORKERS",
                  "CB_PREVIOUS_BUILD", "CB_HISTORY_DIR", "CB_PROGRESS", "CB_PARTITION_PAGES",
                  "CB_WORKER_PARTITIONS", "CB_CLUSTER", "CB_SNAPSHOT_DIR", "CB_CLUSTER_WORKERS",
                  "CB_CLUSTER_WORKER", "CB_OPENDATA_WRITERS"}
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_BIG = 64  # containers this long are hashed once per object (shared lists like all projects)


def _default(o: Any) -> Any:
    if isinstance(o, (set, frozenset)):
        return sorted(o, key=repr)
    if callable(o):
        return getattr(o, "__qualname__", type(o).__qualname__)
    return _ADDRESS.sub("", str(o))


def _normalise(o: Any) -> Any:
    """Mixed-type dict keys defeat sort_keys; make every key a string."""
    if isinstance(o, dict):
        return {str(k): _normalise(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_normalise(v) for v in o]
    return o


def stable_json(o: Any) -> str:
    try:
        return json.dumps(o, sort_keys=True, default=_default, separators=(",", ":"))
    except TypeError:
        return json.dumps(_normalise(o), sort_keys=True, default=_default, separators=(",", ":"))


def _tree_digest(h: Any, folder: Path, skip: tuple[str, ...] = ("__pycache__",)) -> None:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(part in skip for part in path.parts) and path.suffix != ".pyc":
            h.update(str(path.relative_to(folder)).encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())


def fingerprint(settings: dict[str, Any], env: Environment, languages: list[str],
                page_globals: dict[str, Any]) -> str:
    """What every page depends on besides its own context: code, theme, templates, settings.

    A global no template mentions cannot change a page, so it stays out of the hash (the export
    date, say, once no footer shows it); mentioned anywhere, even in a comment, it counts.
    """
    h = hashlib.sha256(b"clearbuild-pages-2\0")
    sources = []
    for name in sorted(env.list_templates()):
        source = env.loader.get_source(env, name)[0] if env.loader else ""
        sources.append(source)
        h.update(name.encode() + b"\0" + source.encode() + b"\0")
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", "\n".join(sources)))

    def read(values: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in values.items() if k in words}

    h.update(stable_json(languages).encode())
    h.update(stable_json(read(page_globals)).encode())
    h.update(stable_json(read(dict(env.globals))).encode())
    h.update(stable_json({k: v for k, v in settings.items()
                          if k not in PLACE_SETTINGS and not k.startswith("CB_PUBLISH_")}).encode())
    # Code and theme: a filter's or a plugin's new behaviour may change any page. The code is
    # hashed once per process, as imported; the theme is read again by every build, so is hashed.
    h.update(code_digest().encode())
    _tree_digest(h, Path(settings.get("THEME") or config.ROOT / "theme"))
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    h = hashlib.sha256()
    for folder in (config.ROOT / "clearbuild", config.ROOT / "plugins"):
        _tree_digest(h, folder)
    return h.hexdigest()


def read_pages(folder: str | Path | None) -> dict[str, str]:
    """page path -> input hash of a finished build (empty when there is none or it is unreadable)."""
    if not folder:
        return {}
    try:
        data = json.loads((Path(folder) / PAGES_FILE).read_text(encoding="utf-8"))
        return dict(data["pages"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_pages(folder: Path, fp: str, entries: Iterable[tuple[str, str]]) -> int:
    """Write ``PAGES_FILE`` in ``folder``: the fingerprint and (path, input hash) in path order,
    byte for byte as ``json.dump({"fingerprint": fp, "pages": dict(entries)}, f, sort_keys=True,
    indent=0)`` (tests/test_pagehash.py); a path given twice keeps its first hash. Returns how
    many paths it wrote. Why streamed: held as one dict, 560,000 entries (Seoul in Korean and
    English) measured 135 MB; made into one string, 1.1 million (twice Seoul) took 309 MB more."""
    count, last = 0, None
    with (folder / PAGES_FILE).open("w", encoding="utf-8") as f:
        f.write('{\n"fingerprint": ' + json.dumps(fp) + ',\n"pages": {')
        for path, h in entries:
            if path == last:
                continue
            f.write(("\n" if last is None else ",\n") + json.dumps(path) + ": " + json.dumps(h))
            last, count = path, count + 1
        f.write("}\n}\n" if last is None else "\n}\n}\n")
    return count


_REFUSED = (pickle.PicklingError, TypeError, AttributeError, RecursionError, ValueError)


def _pickle(value: Any) -> bytes:
    """Pickle without the memo. Why: the memo writes a second reference to one object as a
    back-reference, so equal values pickle differently when they share objects differently,
    and sharing varies from night to night (two equal strings read from a CSV are one object or
    two depending on where the parser's chunks fall). With the memo, 1% of rows changed at
    Seoul's size changed every page's hash. Cyclic values raise ValueError (then JSON)."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return buf.getvalue()


def _bytes(value: Any) -> bytes:
    """A value's bytes for hashing: pickle (three times faster than sorted JSON on page contexts;
    equal pickles mean equal values, the only direction correctness needs), JSON as a fallback
    for what pickle refuses (lambdas, open files). Unequal pickles of equal values (a nested
    dict filled from a set) only cost a needless render."""
    if type(value) is dict:
        try:  # a dict built from a set has a per-process order; its content does not
            value = sorted(value.items())
        except TypeError:
            pass
    try:
        return _pickle(value)
    except _REFUSED:
        pass
    try:
        return stable_json(value).encode()
    except ValueError:  # cyclic: the memo pickle copes; its bytes may vary, costing a render
        return pickle.dumps(value, protocol=5)


def job_hash(fp: str, job: Job, depends: list[Callable[[Job], Any]],
             cache: dict[int, tuple[Any, bytes]]) -> str:
    """The hash of one page's inputs; ``cache`` keeps big shared containers hashed once.

    The context goes through one pickle call (half the cost of one per value): big shared
    containers stand in by their digest, top-level dicts by their sorted items."""
    items: list[tuple[str, Any]] = []
    for key in sorted(job.context):
        value = job.context[key]
        if isinstance(value, (dict, list, tuple)) and len(value) >= _BIG:
            hit = cache.get(id(value))
            if hit is None or hit[0] is not value:
                hit = (value, hashlib.sha256(_bytes(value)).digest())
                cache[id(value)] = hit
            value = hit[1]
        elif type(value) is dict:
            try:
                value = sorted(value.items())
            except TypeError:
                pass
        items.append((key, value))
    items.append(("\0depends", [dep(job) for dep in depends]))
    h = hashlib.sha256(fp.encode())
    h.update(f"\0{job.template}\0{job.path}\0".encode())
    try:
        h.update(_pickle(items))
    except _REFUSED:
        for key, value in items:  # something pickle refuses: each value on its own
            data = value if isinstance(value, bytes) else _bytes(value)
            h.update(key.encode() + b"=" + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def page_files(path: str, languages: list[str]) -> list[str]:
    """The files one page job writes: the first language at the root, the others under /<lang>/;
    a data file (``Renderer.add_file``: never HTML) is written once."""
    if not path.endswith(".html"):
        return [path]
    return [path if i == 0 else f"{lang}/{path}" for i, lang in enumerate(languages)]
