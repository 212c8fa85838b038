"""Publishing: the nightly routine that turns the newest export into the live site, safely.

Library code (tasks.py and the tests call the same functions). Modules:

- nightly: newest export -> guards -> ingest -> history -> build -> manifest -> verify -> switch
- site: the SITE folder (builds/, meta/, the ``current`` symlink), switching, rollback, pruning
- guards: refuse an export that lost rows or columns, changed encoding, or is truncated
- history: every record's changes between exports, kept under data/history/
- manifest: manifest.json (SHA-256 of every file) signed with Ed25519
- verify: standalone checker shipped in every build and archive (stdlib + cryptography)
- archive: the offline zip copy
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "CB_PUBLISH_KEEP": 7,  # builds kept under SITE/builds (the live one always kept)
    "CB_PUBLISH_MAX_DROP": 0.05,  # a table losing more than this share of rows is refused
    "CB_PUBLISH_MAX_GROWTH": 10,  # a table with more than this many times its rows is refused
    "CB_PUBLISH_GROWTH_FLOOR": 1000,  # ...when it has at least this many rows
    "CB_PUBLISH_KEY": "keys/publish-ed25519.pem",  # private signing key (never in SITE)
    # Record histories and the certificate ledger; kept, backed up, never rebuilt. The nightly
    # keeps them under SITE/state/history unless this is set; a plain build reads this folder.
    "CB_HISTORY_DIR": "data/history",
    "CB_PUBLISH_FINGERPRINT_AT": "",  # where the key's fingerprint is published (archive README)
    # The nightly's verify: "changed" reads only files not provably the same bytes as a verified
    # build's (nightverify); "full" reads every byte every night. `invoke verify` is always full.
    "CB_PUBLISH_VERIFY": "changed",
}


def setting(settings: dict[str, Any], name: str) -> Any:
    return settings.get(name, DEFAULTS[name])
