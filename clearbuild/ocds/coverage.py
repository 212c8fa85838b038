"""Which OCDS fields the site's package fills, as Open Contracting's Cardinal counts them
(``ocdscardinal.coverage``): reusers see which fields, and so which Cardinal indicators, the
data supports. Published as data/cardinal-coverage.json and on the data page."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .writing import compact_text

# In a fresh interpreter: Cardinal's Rust code starts a thread pool, and a process that forks
# after it (the build forks its page workers; the nightly's kill drill forks whole nightlies)
# inherits the pool's locks without its threads: the child hung for ever in the next call.
_RUN = "import json, sys, ocdscardinal; json.dump(ocdscardinal.coverage(sys.argv[1]), sys.stdout)"


def coverage(releases: list[dict[str, Any]]) -> dict[str, int]:
    """Path -> number of compiled releases (or array items) where it is non-empty, sorted by path.
    Cardinal reads line-delimited compiled releases from a file; "" is the number of releases."""
    with tempfile.TemporaryDirectory(prefix="cb-coverage-") as tmp:
        path = Path(tmp) / "releases.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for rel in releases:
                f.write(compact_text(rel) + "\n")
        return coverage_of_lines(path)


def coverage_of_lines(path: Path) -> dict[str, int]:
    """``coverage`` of a file of compiled releases, one per line (as write_lines writes them)."""
    done = subprocess.run([sys.executable, "-c", _RUN, str(path)], capture_output=True,
                          text=True, check=True, timeout=1800)
    counts = json.loads(done.stdout)
    return {k: int(counts[k]) for k in sorted(counts)}


def fields(counts: dict[str, int]) -> list[tuple[str, int]]:
    """The leaf fields (not objects, not array items) with their counts, for people to read."""
    return [(k, n) for k, n in counts.items() if k and not k.endswith(("/", "[]"))]
