"""Users' signing keys: one Ed25519 key per user, kept encrypted under their passphrase.

Why signatures on top of the hash chain: a chain proves order, not authorship. Anyone holding
the file can append correctly chained rows in any name. Each state-changing audit row is
therefore signed by its author's private key, and that key exists only encrypted under the
author's passphrase (argon2id, then AES-256-GCM), so a row in a user's name needs that user's
passphrase. Public keys are registered by an admin (their audit row is signed by the admin's
key); the first admin's key, made at ``init``, signs itself and is the root of trust.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

# argon2id for the key-encryption key: RFC 9106's second recommended option (64 MiB, t=3, p=4).
KDF = {"t": 3, "m": 65536, "p": 4}
CONTEXT = b"clearbuild-admin-v3 audit row "


class SigningError(Exception):
    """A signing key is missing or cannot be unlocked: one line for the official."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def fingerprint(pubkey_hex: str) -> str:
    """What an official writes down and pins: SHA-256 of the raw public key."""
    return "SHA256:" + hashlib.sha256(bytes.fromhex(pubkey_hex)).hexdigest()


def _kek(passphrase: str, salt: bytes, t: int, m: int, p: int) -> bytes:
    return hash_secret_raw(passphrase.encode("utf-8"), salt, time_cost=t, memory_cost=m,
                           parallelism=p, hash_len=32, type=Type.ID)


def _aad(name: str, pubkey_hex: str) -> bytes:
    # Bound to the user and the public key: an encrypted key moved to another user fails.
    return f"clearbuild-admin-key\n{name}\n{pubkey_hex}".encode()


def encrypt(key: Ed25519PrivateKey, name: str, passphrase: str) -> str:
    """The private key encrypted under the passphrase, as the JSON text kept in users.enc_key."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    salt, nonce = os.urandom(16), os.urandom(12)
    ct = AESGCM(_kek(passphrase, salt, **KDF)).encrypt(nonce, raw, _aad(name, public_hex(key)))
    return json.dumps({"kdf": "argon2id", **KDF, "salt": b64(salt), "aead": "aes-256-gcm",
                       "nonce": b64(nonce), "ct": b64(ct)}, sort_keys=True, separators=(",", ":"))


def decrypt(enc_key: str, name: str, passphrase: str, pubkey_hex: str) -> Ed25519PrivateKey:
    """Unlock a user's key; SigningError if the passphrase is wrong or the key is not theirs."""
    try:
        d = json.loads(enc_key)
        kek = _kek(passphrase, base64.b64decode(d["salt"]), int(d["t"]), int(d["m"]), int(d["p"]))
        raw = AESGCM(kek).decrypt(base64.b64decode(d["nonce"]), base64.b64decode(d["ct"]),
                                  _aad(name, pubkey_hex))
        key = Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, KeyError, TypeError, InvalidTag) as e:
        raise SigningError(f"the signing key of {name} cannot be unlocked with this passphrase "
                           "(changed outside the admin command? run verify)") from e
    if public_hex(key) != pubkey_hex:
        raise SigningError(f"the signing key of {name} does not match its registered public key")
    return key


def sign(key: Ed25519PrivateKey, row_sha256: str) -> str:
    """Sign an audit row's hash: it covers the row and, through the chain, every row before it."""
    return key.sign(CONTEXT + row_sha256.encode("ascii")).hex()


def valid(pubkey_hex: str | None, row_sha256: str, sig_hex: str | None) -> bool:
    if not pubkey_hex or not sig_hex:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(pubkey_hex)).verify(
            bytes.fromhex(sig_hex), CONTEXT + row_sha256.encode("ascii"))
    except (ValueError, InvalidSignature):
        return False
    return True
