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
    out.sort(key=lambda x: x[0])
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
          since: float | None = None) -> dict[str, Any]:
    """Add verify.py and the public key to a build, then write and sign its manifest.

    Bytes already hashed are not read again: a file hard-linked from ``previous`` (same inode)
    keeps the hash that build's manifest gave it, and ``kept`` gives the entries of files a
    recycled folder kept untouched. ``since`` (a recycled folder's build start): any other file
    not created since then is a leftover of the old build and is deleted, so the folder holds
    exactly what a fresh build would.
    """
    shutil.copyfile(verify_mod.__file__, folder / "verify.py")
    pem = public_pem(key)
    (folder / PUBLIC_KEY).write_bytes(pem)
    known, kept = entries(previous), kept or {}
    files = []
    for rel, st in scan(folder):
        path = folder / rel
        entry = kept.get(rel)
        if entry is None and since is not None and st.st_ctime < since:
            path.unlink()  # not tonight's, not a kept page: it must not be published
            continue
        if entry is None and previous is not None and st.st_nlink > 1 and rel in known:
            try:
                b = os.stat(previous / rel)
                if (st.st_ino, st.st_dev) == (b.st_ino, b.st_dev):
                    entry = known[rel]
            except FileNotFoundError:
                pass
        if entry is not None and entry["size"] == st.st_size:
            files.append({"path": rel, "sha256": entry["sha256"], "size": entry["size"]})
            continue
        sha, size = digest_file(path)
        files.append({"path": rel, "sha256": sha, "size": size})
    manifest = {"format": FORMAT, "build_time": build_time(), "export": export,
                "dataset_sha256": dataset_digest, "public_key_sha256": key_fingerprint(pem),
                "files": files}
    data = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()
    (folder / MANIFEST).write_bytes(data)
    (folder / SIGNATURE).write_bytes(base64.b64encode(key.sign(data)) + b"\n")
    return manifest
