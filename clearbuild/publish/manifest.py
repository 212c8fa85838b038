"""manifest.json: every file of a build with its SHA-256 and size, signed with Ed25519.

Why: a journalist's USB copy or a mirror must be provably the city's site, file by file. The
manifest names the dataset it was built from (Dataset.digest()) and the build time, taken from
SOURCE_DATE_EPOCH when set so that two builds of the same input are byte-identical (Ed25519
signatures are deterministic too). The public key ships in every build as publickey.pem and its
fingerprint is printed by ``invoke keygen``, for the city to announce where copies cannot reach.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from operator import itemgetter
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import verify as verify_mod
from .verify import MANIFEST, PUBLIC_KEY, SIGNATURE, UNLISTED, digest_file, key_fingerprint

FORMAT = "clearbuild-manifest-1"


class SigningKeyError(Exception):
    """No usable signing key: the operator must run ``invoke keygen`` (or fix CB_PUBLISH_KEY)."""


def build_time() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    t = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def keygen(path: Path, force: bool = False) -> str:
    """Write a new Ed25519 private key (PEM, mode 600); returns the public key's fingerprint."""
    if path.exists() and not force:
        raise SigningKeyError(f"{path} exists; keep it (published copies are signed with it) or pass --force")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return key_fingerprint(public_pem(key))


def load_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError as e:
        raise SigningKeyError(f"no signing key at {path}: run `invoke keygen` once (see "
                        "docs/operators-guide.md)") from e
    except ValueError as e:
        raise SigningKeyError(f"{path}: not a PEM private key ({e})") from e
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path}: not an Ed25519 key")
    return key


def public_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def scan(folder: Path) -> list[tuple[str, os.stat_result]]:
    """Every file under ``folder`` with its stat, sorted by path (one stat per file, no reads)."""
    out: list[tuple[str, os.stat_result]] = []
    stack = [("", str(folder))]
    while stack:
        rel, path = stack.pop()
        with os.scandir(path) as it:
            for entry in it:
                name = f"{rel}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    stack.append((f"{name}/", entry.path))
                elif name not in UNLISTED:
                    out.append((name, entry.stat()))
    out.sort(key=itemgetter(0))
    return out


def entries(folder: Path | None) -> dict[str, dict[str, Any]]:
    """path -> manifest entry of a signed build (empty when there is none)."""
    if folder is None:
        return {}
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return {f["path"]: f for f in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write(folder: Path, key: Ed25519PrivateKey, dataset_digest: str, export: str,
          previous: Path | None = None, kept: dict[str, dict[str, Any]] | None = None,
          since: float | None = None, basis: Any = None) -> dict[str, Any]:
    """Add verify.py and the public key to a build, then write and sign its manifest.

    Bytes already hashed are not read again: a file hard-linked from ``previous`` (same inode)
    keeps the hash that build's manifest gave it, and ``kept`` gives the entries of files a
    recycled folder kept untouched. ``basis`` (nightverify.Basis of ``previous``, whose signature
    the nightly checked) gives those hashes instead of reading previous's manifest unchecked, and
    the inode each file had when previous was verified: a file with that inode needs no stat of
    previous's file (the reused hash is only a claim either way: verify reads the file unless its
    mtime proves it untouched). ``since`` (a recycled folder's build start): any other file
    not created since then is a leftover of the old build and is deleted, so the folder holds
    exactly what a fresh build would.
    """
    shutil.copyfile(verify_mod.__file__, folder / "verify.py")
    pem = public_pem(key)
    (folder / PUBLIC_KEY).write_bytes(pem)
    known = basis.entries if basis is not None else entries(previous)
    inodes, dev = (basis.stats, basis.dev) if basis is not None else ({}, -1)
    kept = kept or {}
    base, prev = str(folder), str(previous) if previous is not None else None
    files = []
    for rel, st in scan(folder):
        entry = kept.get(rel)
        if entry is None and since is not None and st.st_ctime < since:
            os.unlink(f"{base}/{rel}")  # not tonight's, not a kept page: it must not be published
            continue
        if entry is None and st.st_nlink > 1 and rel in known:
            was = inodes.get(rel)
            if was is not None and was[0] == st.st_ino and dev == st.st_dev:
                entry = known[rel]  # the inode previous had when it was verified
            elif prev is not None:
                try:
                    b = os.stat(f"{prev}/{rel}")
                    if (st.st_ino, st.st_dev) == (b.st_ino, b.st_dev):
                        entry = known[rel]
                except FileNotFoundError:
                    pass
        if entry is not None and entry["size"] == st.st_size:
            files.append({"path": rel, "sha256": entry["sha256"], "size": entry["size"]})
            continue
        sha, size = digest_file(f"{base}/{rel}")
        files.append({"path": rel, "sha256": sha, "size": size})
    manifest = {"format": FORMAT, "build_time": build_time(), "export": export,
                "dataset_sha256": dataset_digest, "public_key_sha256": key_fingerprint(pem),
                "files": files}
    data = dumps(manifest)
    (folder / MANIFEST).write_bytes(data)
    (folder / SIGNATURE).write_bytes(base64.b64encode(key.sign(data)) + b"\n")
    return manifest


def dumps(manifest: dict[str, Any]) -> bytes:
    """The bytes ``json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\\n"``
    gives (the format every verify.py reads), faster: with an indent the json module encodes in
    pure Python, 3 s for 550,000 files. Each file entry is a fixed template around the C string
    encoder; tests/test_publish_manifest.py compares the two."""
    files = manifest["files"]
    text = json.dumps({**manifest, "files": []}, ensure_ascii=False, sort_keys=True, indent=1)
    if files:
        enc = json.encoder.encode_basestring
        body = ",\n".join(f'  {{\n   "path": {enc(f["path"])},\n   "sha256": {enc(f["sha256"])},'
                          f'\n   "size": {int(f["size"])}\n  }}' for f in files)
        at = text.index('\n "files": []') + len('\n "files": [')
        text = f"{text[:at]}\n{body}\n ]{text[at + 1:]}"
    return (text + "\n").encode()
