#!/usr/bin/env python3
"""Check a copy of the clearbuild site against its signed manifest.

    python verify.py [PATH] [--key publickey.pem | --fingerprint HEX]

PATH is a site folder (or a published SITE folder: its live build) or a zip archive (default:
the folder this file is in). Every file is
hashed (SHA-256) and compared with manifest.json; every changed, missing or extra file is named.
The manifest's Ed25519 signature (manifest.sig) is checked with the key given, or else with the
publickey.pem inside the copy; in that case compare the printed fingerprint with the one the
publisher announces elsewhere, since whoever altered a copy could also replace its key.

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
import sys
import zipfile
from pathlib import Path

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "publickey.pem"
UNLISTED = {MANIFEST, SIGNATURE}  # the manifest cannot list itself or its signature
CHUNK = 1 << 20


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


def verify(path: str | Path, key_pem: bytes | None = None, fingerprint: str | None = None,
           ) -> tuple[bool, list[str]]:
    """Check a copy; returns (ok, report lines). Every problem gets a line of its own."""
    path = Path(path)
    if path.is_dir() and not (path / MANIFEST).exists() and (path / "current" / MANIFEST).exists():
        path = path / "current"  # a published site folder: check its live build
    copy = Copy(path.resolve())
    lines: list[str] = []
    manifest_bytes = copy.read(MANIFEST)
    if manifest_bytes is None:
        return False, [f"missing: {MANIFEST} (nothing to check against)"]
    manifest = json.loads(manifest_bytes)
    signature = copy.read(SIGNATURE)
    bundled = copy.read(PUBLIC_KEY)
    pem = key_pem or bundled
    ok = True
    if signature is None:
        ok = False
        lines.append(f"missing: {SIGNATURE} (the manifest is not signed)")
    elif pem is None:
        ok = False
        lines.append("no public key to check the signature with (--key)")
    else:
        problem = check_signature(manifest_bytes, signature, pem)
        if problem:
            ok = False
            lines.append(f"signature: {problem}")
        else:
            fp = key_fingerprint(pem)
            if fingerprint and fp != fingerprint.lower():
                ok = False
                lines.append(f"signature: made with key {fp}, not the expected {fingerprint}")
            else:
                source = "the given key" if key_pem else "the key inside this copy; compare it " \
                                                         "with the fingerprint the publisher announces"
                lines.append(f"signature: good, key {fp} ({source})")
    listed = {f["path"]: f for f in manifest["files"]}
    present = set(copy.files()) - UNLISTED
    for name in sorted(listed):
        if name not in present:
            ok = False
            lines.append(f"missing: {name}")
            continue
        sha, size = copy.digest(name)
        if sha != listed[name]["sha256"] or size != listed[name]["size"]:
            ok = False
            lines.append(f"changed: {name}")
    for name in sorted(present - set(listed)):
        ok = False
        lines.append(f"extra: {name}")
    summary = "OK" if ok else "FAILED"
    lines.append(f"{summary}: {len(listed)} files in the manifest; export "
                 f"{manifest.get('export', '?')}, built {manifest.get('build_time', '?')}")
    return ok, lines


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("path", nargs="?", default=str(here), help="site folder or zip (default: here)")
    p.add_argument("--key", help="trusted public key (PEM) to check the signature with")
    p.add_argument("--fingerprint", help="expected SHA-256 fingerprint of the signing key")
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
