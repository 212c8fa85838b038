"""Open any OCDS or OC4IDS file as published: detect its encoding and shape, and hand out one
source per contracting process (a release) or per project, each with where it came from.

Shapes accepted (the ones real publishers use): release packages, record packages, a bare
release (individual, compiled or versioned), a bare record, OC4IDS project packages, a list of
releases, and several JSON documents in one file (JSON Lines, or packages written back to back).
A file that is none of these, or not JSON at all, is refused with its reason, never raised.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import ocdsmerge
import ocdsmerge.exceptions

from ..ingest.limits import LimitError, Limits, check_json_depth, check_size
from .common import At, Sink, as_list, text

SCHEMAS = {  # the release schema whose merge rules compile a package of each OCDS version
    "1.0": Path(__file__).parent / "schema" / "release-schema-1.0.3.json",
    "1.1": Path(__file__).parent / "schema" / "release-schema.json",  # 1.1.5
}
ENCODINGS = (("utf-8", "UTF-8"), ("cp1252", "Windows-1252"), ("latin-1", "ISO-8859-1"))


@dataclass
class Source:
    kind: str  # "release" or "project"
    data: dict[str, Any]
    at: At
    compiled: bool = False  # a compiled or versioned release: the whole process at once
    version: str = "1.1"  # OCDS version of its package (a package without one is 1.0)

    @property
    def ocid(self) -> str:
        return text(self.data.get("ocid"))

    @property
    def date(self) -> str:
        return text(self.data.get("date"))


def decode(raw: bytes, name: str, sink: Sink) -> str:
    """UTF-8 (with or without BOM, or UTF-16 with BOM); otherwise the Latin encodings real
    publishers use, flagged so the publisher hears about it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for codec, label in ENCODINGS:
        try:
            out = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec != "utf-8":
            sink.flag(At(name, 0, ""), "", f"not UTF-8: decoded as {label}")
        return out
    raise AssertionError("latin-1 decodes any bytes")


def documents(content: str, name: str, sink: Sink) -> list[Any]:
    """Every JSON document in the text: one, or several back to back (JSON Lines)."""
    dec = json.JSONDecoder()
    docs: list[Any] = []
    i, n = 0, len(content)
    while True:
        while i < n and content[i].isspace():
            i += 1
        if i >= n:
            break
        try:
            doc, i = dec.raw_decode(content, i)
        except RecursionError:  # deeper than check_json_depth let through: never a traceback
            sink.refuse(At(name, 0, ""), "", "JSON nested too deep to read")
            break
        except json.JSONDecodeError as e:
            sink.refuse(
                At(name, 0, ""),
                content[e.pos : e.pos + 20],
                f"not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})"
                + ("; the documents before it were read" if docs else ""),
            )
            break
        docs.append(doc)
    return docs


def is_versioned(rel: dict[str, Any]) -> bool:
    return any(
        isinstance(v, list) and v and isinstance(v[0], dict) and "releaseDate" in v[0] and "value" in v[0]
        for v in rel.values()
    )


def collapse(node: Any, dates: list[str]) -> Any:
    """A versioned release read as compiled: each field's latest value."""
    if isinstance(node, list):
        if node and all(isinstance(x, dict) and "value" in x and "releaseDate" in x for x in node):
            latest = node[0]
            for x in node:
                if text(x.get("releaseDate")) >= text(latest.get("releaseDate")):
                    latest = x
            dates.append(text(latest.get("releaseDate")))
            return collapse(latest["value"], dates)
        return [collapse(x, dates) for x in node]
    if isinstance(node, dict):
        return {k: collapse(v, dates) for k, v in node.items()}
    return node


def unversion(rel: dict[str, Any]) -> dict[str, Any]:
    dates: list[str] = []
    out = collapse(rel, dates)
    out.setdefault("date", max(dates, default=""))
    out.setdefault("tag", ["compiled"])
    return out


class _Reader:
    def __init__(self, name: str, sink: Sink) -> None:
        self.name, self.sink = name, sink
        self.row = 0
        self.out: list[Source] = []
        self.version = "1.1"  # of the package being read

    def at(self, path: str) -> At:
        self.row += 1
        return At(self.name, self.row, path)

    def release(self, rel: Any, at: At, compiled: bool = False) -> None:
        if not isinstance(rel, dict):
            self.sink.refuse(at, rel, "a release must be an object")
        elif not text(rel.get("ocid")):
            if set(rel) <= {"url", "date", "tag", "id"} and rel.get("url"):
                self.sink.refuse(
                    at, rel.get("url"), "linked release (a URL only): not fetched, nothing to read offline"
                )
            else:
                self.sink.refuse(at / "ocid", "", "release without an ocid")
        elif is_versioned(rel):
            self.out.append(Source("release", unversion(rel), at, True, self.version))
        else:
            tags = [text(t) for t in rel.get("tag") or []] if isinstance(rel.get("tag"), list) else []
            self.out.append(Source("release", rel, at, compiled or "compiled" in tags, self.version))

    def record(self, rec: dict[str, Any], at: At) -> None:
        ocid = text(rec.get("ocid"))
        if isinstance(rec.get("compiledRelease"), dict):
            rel = rec["compiledRelease"]
            if ocid and not rel.get("ocid"):
                rel = {**rel, "ocid": ocid}
            self.release(rel, at / "compiledRelease", compiled=True)
        elif isinstance(rec.get("versionedRelease"), dict):
            rel = unversion(rec["versionedRelease"])
            rel.setdefault("ocid", ocid)
            self.out.append(Source("release", rel, at / "versionedRelease", True, self.version))
        else:
            full = [
                (i, r)
                for i, r in enumerate(as_list(rec.get("releases"), at / "releases", self.sink))
                if isinstance(r, dict) and r.get("ocid")
            ]
            if not full:
                self.sink.refuse(
                    at,
                    ocid,
                    "record has only linked releases (URLs) and no compiled release: nothing to read offline",
                )
            for i, r in full:
                self.release(r, at / "releases" / i)

    def document(self, doc: Any, prefix: str) -> None:
        def path(key: str) -> str:
            return f"{prefix}.{key}" if prefix else key

        if isinstance(doc, list):
            for i, item in enumerate(doc):
                self.document(item, f"{prefix}[{i}]")
            return
        if not isinstance(doc, dict):
            self.sink.refuse(At(self.name, 0, prefix), doc, "not a JSON object")
            return
        if "records" in doc or "releases" in doc:
            declared = text(doc.get("version"))
            self.version = "1.0" if not declared or declared.startswith("1.0") else "1.1"
        if "projects" in doc:
            for i, p in enumerate(as_list(doc["projects"], At(self.name, 0, path("projects")), self.sink)):
                at = self.at(f"{path('projects')}[{i}]")
                if isinstance(p, dict):
                    self.out.append(Source("project", p, at))
                else:
                    self.sink.refuse(at, p, "a project must be an object")
        elif "records" in doc:
            for i, rec in enumerate(as_list(doc["records"], At(self.name, 0, path("records")), self.sink)):
                at = self.at(f"{path('records')}[{i}]")
                if isinstance(rec, dict):
                    self.record(rec, at)
                else:
                    self.sink.refuse(at, rec, "a record must be an object")
        elif "compiledRelease" in doc or "versionedRelease" in doc:
            self.record(doc, self.at(prefix))
        elif "releases" in doc:
            for i, rel in enumerate(as_list(doc["releases"], At(self.name, 0, path("releases")), self.sink)):
                self.release(rel, self.at(f"{path('releases')}[{i}]"))
        elif "ocid" in doc:
            self.release(doc, self.at(prefix))
        elif "id" in doc and ({"contractingProcesses", "locations", "sector"} & set(doc)):
            self.out.append(Source("project", doc, self.at(prefix)))
        else:
            self.sink.refuse(
                At(self.name, 0, prefix),
                ", ".join(sorted(doc)[:6]),
                "not an OCDS release, record or package, nor an OC4IDS project package",
            )


def read_sources(path: Path, sink: Sink, limits: Limits | None = None) -> list[Source]:
    """Every process and project in one file, in file order; a file over a limit (its size, its
    nesting) is refused with one line, before json.loads could recurse into it."""
    limits = limits or Limits()
    try:
        check_size(path, limits)
        content = decode(path.read_bytes(), path.name, sink)
        check_json_depth(content, path.name, limits)
    except LimitError as e:
        sink.refuse(At(path.name, 0, ""), "", f"whole file refused: {str(e).partition(': ')[2]}")
        return []
    docs = documents(content, path.name, sink)
    reader = _Reader(path.name, sink)
    for k, doc in enumerate(docs):
        reader.document(doc, f"doc[{k}]" if len(docs) > 1 else "")
    return reader.out


@lru_cache(maxsize=2)
def _rules(version: str) -> dict[tuple[str, ...], str]:
    """ocdsmerge's merge rules of the vendored release schema of an OCDS version (never fetched)."""
    return ocdsmerge.Merger(schema=json.loads(SCHEMAS[version].read_text(encoding="utf-8"))).merge_rules


def compile_process(sources: list[Source], sink: Sink | None = None) -> Source:
    """One compiled release per ocid from every release of it (in date order), compiled by
    ocdsmerge with the merge rules of their OCDS version: 1.0.3 when every package of them is
    1.0 (a 1.0 organization reference has no id, so its lists are replaced whole), else 1.1.5.
    The location reported for its problems is its latest release. Releases whose fields change
    type cannot be compiled: the latest is read alone, and the reason reported."""
    if len(sources) == 1:
        return sources[0]
    ordered = sorted(sources, key=lambda s: s.date)  # stable: file order breaks ties
    last = ordered[-1]
    version = "1.0" if all(s.version == "1.0" for s in sources) else "1.1"
    merged = ocdsmerge.CompiledRelease(merge_rules=_rules(version))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ocdsmerge.exceptions.DuplicateIdValueWarning)
        try:
            for s in ordered:  # appended in our order: ocdsmerge's own sort refuses a missing date
                merged.append(s.data)
            out = merged.asdict()
        except ocdsmerge.exceptions.OCDSMergeError as e:
            if sink is not None:
                sink.flag(last.at, last.ocid, f"releases not compiled ({e}): the latest is read alone")
            return last
    if sink is not None:
        for w in caught:
            if issubclass(w.category, ocdsmerge.exceptions.DuplicateIdValueWarning):
                sink.flag(last.at, last.ocid, f"compiling: {w.message}")
    out["date"] = last.date
    out["id"] = f"{last.ocid}-{last.date}"
    return Source("release", out, last.at, True, version)
