#!/usr/bin/env python3
"""Check a copy of the clearbuild site against its signed manifest.

    python verify.py [PATH] [--key publickey.pem | --fingerprint HEX]

PATH is a site folder (or a published SITE folder: its live build) or a zip archive (default:
the folder this file is in). Every file is
hashed (SHA-256) and compared with manifest.json; every changed, missing or extra file is named.
The manifest's Ed25519 signature (manifest.sig) is checked with the key given, or else with the
publickey.pem inside the copy; in that case pass the fingerprint the city publishes on its site
(--fingerprint SHA256:...), since whoever altered a copy could also re-sign it with a key of
their own: without it the output says plainly that the key was NOT checked.

A zip is refused before anything is hashed when two entries could extract to the same file (the
same name twice, names differing only in case, Unicode normalisation or trailing dots/spaces:
unzip extracts the first, a checker could read the last), when an entry is a symlink, has an
absolute path, a drive letter, a backslash or a ".." component, or lies outside the site folder
(README.txt beside it is the one exception, and it is not signed).

Exit status: 0 the copy is exactly what was signed; 1 it is not; 2 it cannot be checked.
Needs Python 3.8+ and the ``cryptography`` package for the signature (pip install cryptography).
This file is standalone on purpose: it ships inside every site and archive.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
import zipfile
from pathlib import Path

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "publickey.pem"
UNLISTED = {MANIFEST, SIGNATURE}  # the manifest cannot list itself or its signature
CHUNK = 1 << 20
README = "README.txt"  # written by the archive beside the site folder; not signed
FP_PREFIX = "SHA256:"


class UnsafeArchive(Exception):
    """A zip whose entries could extract to something other than what was checked."""


def digest_file(path: str | Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while True:
            block = f.read(CHUNK)
            if not block:
                break
            size += len(block)
            h.update(block)
    return h.hexdigest(), size


def key_fingerprint(pem: bytes) -> str:
    """SHA-256 of the raw 32-byte Ed25519 public key, in hex: what a publisher announces."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_public_key(pem)
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def show_fingerprint(hex_fp: str) -> str:
    return FP_PREFIX + hex_fp


def parse_fingerprint(text: str) -> str:
    """'SHA256:AB12...', 'ab12...' or 'ab:12:...' -> lower-case hex."""
    text = text.strip()
    if text.upper().startswith(FP_PREFIX):
        text = text[len(FP_PREFIX):]
    return re.sub(r"[\s:]", "", text).lower()


def check_signature(manifest: bytes, signature: bytes, pem: bytes) -> str | None:
    """None when the signature is good, else why not."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return "cannot check the signature: install the cryptography package"
    try:
        key = serialization.load_pem_public_key(pem)
        if not isinstance(key, Ed25519PublicKey):
            return "the public key is not an Ed25519 key"
        key.verify(base64.b64decode(signature.strip()), manifest)
    except InvalidSignature:
        return "signature does not match manifest.json (manifest altered, or another key)"
    except ValueError as e:
        return f"unreadable key or signature: {e}"
    return None


class Copy:
    """A site as a folder or a zip: list files, read bytes, hash files."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if path.is_file():
            self.zip = zipfile.ZipFile(path)
            names = [n for n in self.zip.namelist() if n.rsplit("/", 1)[-1] == MANIFEST]
            if not names:
                raise FileNotFoundError(f"{path}: no {MANIFEST} in the archive")
            self.prefix = min(names, key=len)[: -len(MANIFEST)]
            problems = unsafe_entries(self.zip.infolist(), self.prefix)
            if problems:
                raise UnsafeArchive(problems)

    def files(self) -> list[str]:
        if self.zip is not None:
            return sorted(n[len(self.prefix):] for n in self.zip.namelist()
                          if n.startswith(self.prefix) and not n.endswith("/"))
        root = str(self.path)
        out = []
        for folder, dirs, names in os.walk(root, followlinks=False):
            dirs.sort()
            rel = os.path.relpath(folder, root)
            for n in names:
                out.append(n if rel == "." else f"{rel}/{n}".replace(os.sep, "/"))
        return sorted(out)

    def read(self, name: str) -> bytes | None:
        try:
            if self.zip is not None:
                return self.zip.read(self.prefix + name)
            return (self.path / name).read_bytes()
        except (KeyError, FileNotFoundError):
            return None

    def digest(self, name: str) -> tuple[str, int]:
        if self.zip is not None:
            h = hashlib.sha256()
            size = 0
            with self.zip.open(self.prefix + name) as f:
                while block := f.read(CHUNK):
                    size += len(block)
                    h.update(block)
            return h.hexdigest(), size
        return digest_file(self.path / name)


def _extracts_as(name: str) -> str:
    """The file a name lands on where names are case-insensitive and normalised (Windows, macOS)."""
    parts = unicodedata.normalize("NFC", name).rstrip("/").split("/")
    return "/".join(p.rstrip(". ") for p in parts).casefold()


def unsafe_entries(infos: list[zipfile.ZipInfo], prefix: str) -> list[str]:
    """Why each entry of a zip is refused (empty: the zip is safe to check)."""
    out: list[str] = []
    seen: dict[str, str] = {}
    for info in infos:
        name = info.filename
        if "\\" in name:
            out.append(f"{name!r}: backslash in an entry name")
        elif name.startswith("/"):
            out.append(f"{name!r}: absolute path")
        elif re.match(r"^[A-Za-z]:", name):
            out.append(f"{name!r}: drive letter")
        elif ".." in name.split("/"):
            out.append(f"{name!r}: '..' component")
        elif stat.S_ISLNK(info.external_attr >> 16):
            out.append(f"{name!r}: symlink entry")
        elif not name.startswith(prefix) and name != README:
            out.append(f"{name!r}: outside the site folder {prefix!r}")
        key = _extracts_as(name)
        if key in seen:
            same = "twice" if seen[key] == name else f"collides with {seen[key]!r} on extraction"
            out.append(f"{name!r}: duplicate entry ({same}; unzip extracts the first)")
        else:
            seen[key] = name
    return out


def open_copy(path: str | Path) -> tuple[Copy | None, list[str]]:
    """The copy to check (a published SITE folder: its live build), or why it is refused."""
    path = Path(path)
    if path.is_dir() and not (path / MANIFEST).exists() and (path / "current" / MANIFEST).exists():
        path = path / "current"  # a published site folder: check its live build
    try:
        return Copy(path.resolve()), []
    except UnsafeArchive as e:
        problems = e.args[0]
        return None, [f"refused: {p}" for p in problems] + [
            f"FAILED: unsafe archive ({len(problems)} bad entries); nothing in it was checked"]


def check_signed(copy: Copy, key_pem: bytes | None = None, fingerprint: str | None = None,
                 ) -> tuple[bool, list[str], dict | None]:
    """The manifest's signature: (ok, report lines, the manifest or None when there is none)."""
    manifest_bytes = copy.read(MANIFEST)
    if manifest_bytes is None:
        return False, [f"missing: {MANIFEST} (nothing to check against)"], None
    manifest = json.loads(manifest_bytes)
    signature = copy.read(SIGNATURE)
    bundled = copy.read(PUBLIC_KEY)
    pem = key_pem or bundled
    if signature is None:
        return False, [f"missing: {SIGNATURE} (the manifest is not signed)"], manifest
    if pem is None:
        return False, ["no public key to check the signature with (--key)"], manifest
    problem = check_signature(manifest_bytes, signature, pem)
    if problem:
        return False, [f"signature: {problem}"], manifest
    fp = show_fingerprint(key_fingerprint(pem))
    if fingerprint and key_fingerprint(pem) != parse_fingerprint(fingerprint):
        return False, [f"signature: made with key {fp}, not the expected "
                       f"{show_fingerprint(parse_fingerprint(fingerprint))}"], manifest
    if fingerprint:
        return True, [f"signature OK with key {fp}; matches the fingerprint given"], manifest
    if key_pem:
        return True, [f"signature OK with the given key {fp}"], manifest
    return True, [f"signature OK with key {fp}; NOT checked against the fingerprint "
                  "published on the site: pass --fingerprint"], manifest


def compare(copy: Copy, manifest: dict, present: set[str], trusted=None) -> tuple[bool, list[str]]:
    """Every listed file present with the listed SHA-256 and size, no file that is not listed.

    ``trusted(name, entry)``, when given, may answer True for a file whose bytes need not be
    read again (the publisher's nightly, for a file it knows is unchanged; it checks the size
    itself). Without it, as for every reader of a copy, every file is hashed."""
    ok, lines = True, []
    listed = {f["path"]: f for f in manifest["files"]}
    for name in sorted(listed):
        if name not in present:
            ok = False
            lines.append(f"missing: {name}")
            continue
        if trusted is not None and trusted(name, listed[name]):
            continue
        sha, size = copy.digest(name)
        if sha != listed[name]["sha256"] or size != listed[name]["size"]:
            ok = False
            lines.append(f"changed: {name}")
    for name in sorted(present - set(listed)):
        ok = False
        lines.append(f"extra: {name}")
    return ok, lines


def summary(ok: bool, manifest: dict) -> str:
    listed = len({f["path"] for f in manifest["files"]})
    return (f"{'OK' if ok else 'FAILED'}: {listed} files in the manifest; export "
            f"{manifest.get('export', '?')}, built {manifest.get('build_time', '?')}")


def verify(path: str | Path, key_pem: bytes | None = None, fingerprint: str | None = None,
           ) -> tuple[bool, list[str]]:
    """Check a copy; returns (ok, report lines). Every problem gets a line of its own."""
    copy, refused = open_copy(path)
    if copy is None:
        return False, refused
    ok, lines, manifest = check_signed(copy, key_pem, fingerprint)
    if manifest is None:
        return False, lines
    same, more = compare(copy, manifest, set(copy.files()) - UNLISTED)
    ok = ok and same
    return ok, lines + more + [summary(ok, manifest)]


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("path", nargs="?", default=str(here), help="site folder or zip (default: here)")
    p.add_argument("--key", help="trusted public key (PEM) to check the signature with")
    p.add_argument("--fingerprint", help="the signing key's fingerprint as published on the "
                   "city's site (SHA256:...)")
    a = p.parse_args(argv)
    try:
        key = Path(a.key).read_bytes() if a.key else None
        ok, lines = verify(a.path, key, a.fingerprint)
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        print(f"cannot check {a.path}: {e}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
