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


def _listing(folder: Path) -> list[str]:
    out = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        rel = os.path.relpath(root, folder)
        for n in names:
            out.append(n if rel == "." else f"{rel}/{n}".replace(os.sep, "/"))
    return sorted(p for p in out if p not in UNLISTED)


def _reusable(previous: Path | None) -> dict[str, dict[str, Any]]:
    if previous is None:
        return {}
    try:
        data = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))
        return {f["path"]: f for f in data["files"]}
    except (OSError, ValueError, KeyError):
        return {}


def write(folder: Path, key: Ed25519PrivateKey, dataset_digest: str, export: str,
          previous: Path | None = None) -> dict[str, Any]:
    """Add verify.py and the public key to a build, then write and sign its manifest.

    A file hard-linked from ``previous`` (same inode) keeps the hash that build's manifest gave
    it: the bytes are the same object on disk, so they are not read again.
    """
    shutil.copyfile(verify_mod.__file__, folder / "verify.py")
    pem = public_pem(key)
    (folder / PUBLIC_KEY).write_bytes(pem)
    known = _reusable(previous)
    files = []
    for rel in _listing(folder):
        path = folder / rel
        entry = known.get(rel)
        if entry is not None and previous is not None:
            try:
                a, b = os.stat(path), os.stat(previous / rel)
                if (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev) and a.st_size == entry["size"]:
                    files.append({"path": rel, "sha256": entry["sha256"], "size": entry["size"]})
                    continue
            except FileNotFoundError:
                pass
        sha, size = digest_file(path)
        files.append({"path": rel, "sha256": sha, "size": size})
    manifest = {"format": FORMAT, "build_time": build_time(), "export": export,
                "dataset_sha256": dataset_digest, "public_key_sha256": key_fingerprint(pem),
                "files": files}
    data = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()
    (folder / MANIFEST).write_bytes(data)
    (folder / SIGNATURE).write_bytes(base64.b64encode(key.sign(data)) + b"\n")
    return manifest
