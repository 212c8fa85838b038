"""The nightly's verify: everything tonight's build claims is checked, but bytes are read only
where they can have changed since a build that was verified (CB_PUBLISH_VERIFY, "changed").

What is always checked, exactly as ``verify.py`` does: the manifest's Ed25519 signature (with
the operator's key), and its listing against the folder: every listed file present, no file
that is not listed, every size equal to the listed size.

What is read and hashed: every file, except one that is *provably the same bytes as a verified
file*: the same (st_dev, st_ino) AND the same st_mtime_ns as the file at the same path when the
build it came from (the live build, or the recycled build for the pages it kept) was verified,
with the same (sha256, size) in that build's manifest (its signature checked with the same key)
and in tonight's. That record of (inode, mtime) per file is written beside the build's meta
(SITE/meta/NAME.stat) once it has verified; a build without one (published before this existed,
or the record lost) gives no trust, and every file is hashed. A file written tonight is a new
inode (pages are written to a temporary name and renamed), so it is always hashed; a live file
replaced since (an editor, rsync, tar: a new inode) or written in place (its mtime moves) is
hashed too. What "changed" does not catch is a live file rewritten in place by someone with write
access to the site who then sets its mtime back: "full" (every byte every night) or an auditor's
``invoke verify SITE/current`` catches that (docs/security.md).

A recycled build's kept pages sat on disk since that build was published (a week, say): they
are trusted on the same terms, against that build's own record (inode, size, mtime unchanged
since it was verified); one whose mtime or size moved is hashed. ctime cannot help: linking a
page into a later build changes its inode's ctime every night.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .verify import MANIFEST, SIGNATURE, UNLISTED, Copy, check_signature, check_signed, compare, summary

MODES = ("changed", "full")
FORMAT = b"clearbuild-stat-1"
SETTLE_NS = 2_000_000_000  # a file written this close to the check may change within one mtime tick


@dataclass
class Basis:
    """A verified build: its signed manifest entries, and each file's (inode, mtime_ns) when it
    was verified (empty without a record)."""

    entries: dict[str, dict[str, Any]]
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    dev: int = -1


@dataclass
class Outcome:
    ok: bool
    lines: list[str]
    mode: str
    read: int = 0
    trusted: int = 0
    record: bytes = b""  # what write_record stores once the build is finished

    def line(self) -> str:
        return (f"verify ({self.mode}): {self.read} files read and hashed, {self.trusted} trusted "
                "as the same inode, size and mtime as a verified build's")


def load(folder: Path, record: Path, pem: bytes) -> Basis | None:
    """A finished build as a basis for tonight, or None when its manifest's signature (with the
    operator's key) does not hold: then nothing of it is trusted or reused."""
    try:
        data = (folder / MANIFEST).read_bytes()
        sig = (folder / SIGNATURE).read_bytes()
    except OSError:
        return None
    if check_signature(data, sig, pem) is not None:
        return None
    files = json.loads(data)["files"]
    basis = Basis({f["path"]: f for f in files})
    try:
        raw = record.read_bytes()
        head, _, body = raw.partition(b"\n")
        magic, _, meta = head.partition(b" ")
        info = json.loads(meta)
        n = len(files)
        if magic != FORMAT or info["manifest_sha256"] != hashlib.sha256(data).hexdigest() \
                or len(body) != 16 * n:
            return basis
        inos, mtimes = array("Q"), array("q")
        inos.frombytes(body[:8 * n])
        mtimes.frombytes(body[8 * n:])
        basis.dev = int(info["dev"])
        basis.stats = {f["path"]: (i, m) for f, i, m in zip(files, inos, mtimes, strict=True)
                       if m >= 0}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return basis


def write_record(path: Path, outcome: Outcome) -> None:
    tmp = path.with_name(f".{path.name}.tmp")  # Site.cleanup removes a killed run's
    tmp.write_bytes(outcome.record)
    os.replace(tmp, path)


def scan(folder: Path) -> dict[str, os.stat_result]:
    """The files verify.py lists (os.walk, links not followed) with their lstat: one per file."""
    out: dict[str, os.stat_result] = {}
    stack = [("", str(folder))]
    while stack:
        rel, path = stack.pop()
        with os.scandir(path) as it:
            for e in it:
                try:
                    is_dir = e.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir:
                    out[rel + e.name] = e.stat(follow_symlinks=False)
                elif not e.is_symlink():
                    stack.append((f"{rel}{e.name}/", e.path))
    return out


def check(target: Path, pem: bytes, mode: str, bases: list[Basis]) -> Outcome:
    """Tonight's build against its signed manifest; in "changed" mode a file is read unless a
    basis proves it unchanged (module docstring)."""
    if mode not in MODES:
        raise ValueError(f"CB_PUBLISH_VERIFY must be one of {', '.join(MODES)}, not {mode!r}")
    copy = Copy(target)
    started = time.time_ns()
    files = scan(target)
    ok, lines, manifest = check_signed(copy, pem)
    if manifest is None:
        return Outcome(False, lines, mode)
    out = Outcome(ok, lines, mode)

    def trusted(name: str, entry: dict[str, Any]) -> bool:
        st = files[name]
        if mode == "full" or not stat.S_ISREG(st.st_mode) or st.st_size != entry["size"]:
            out.read += 1
            return False
        for b in bases:
            if b.stats.get(name) == (st.st_ino, st.st_mtime_ns) and b.dev == st.st_dev:
                was = b.entries.get(name)
                if was and (was["sha256"], was["size"]) == (entry["sha256"], entry["size"]):
                    out.trusted += 1
                    return True
        out.read += 1
        return False

    same, more = compare(copy, manifest, set(files) - UNLISTED, trusted)
    out.ok = ok and same
    out.lines = lines + more + [summary(out.ok, manifest)]
    if out.ok:
        out.record = _record(manifest, files, started, hashlib.sha256(copy.read(MANIFEST) or b""))
    return out


def _record(manifest: dict[str, Any], files: dict[str, os.stat_result], started: int,
            manifest_sha: Any) -> bytes:
    inos, mtimes = array("Q"), array("q")
    dev = 0
    for f in manifest["files"]:
        st = files[f["path"]]
        dev = st.st_dev
        inos.append(st.st_ino)
        # A file that may still change within its mtime's tick is never trusted later.
        mtimes.append(st.st_mtime_ns if st.st_mtime_ns < started - SETTLE_NS else -1)
    head = json.dumps({"manifest_sha256": manifest_sha.hexdigest(), "dev": dev}).encode()
    return FORMAT + b" " + head + b"\n" + inos.tobytes() + mtimes.tobytes()
