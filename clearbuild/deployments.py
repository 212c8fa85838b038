"""Deployments beyond Seoul: deployments/<name>/ holds a settings file, its boundaries, its pages
and the parameters of its demo (docs/deployments.md).

The demo is generated on first use into deployments/<name>/demo/<date>/ (seeded, so every machine
gets the same files) and regenerated when sample.json or the generator's localisation changes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .config import ROOT

FOLDER = ROOT / "deployments"


class UnknownDeployment(ValueError):
    pass


def names() -> list[str]:
    return sorted(p.name for p in FOLDER.iterdir() if (p / "settings.py").exists()) if FOLDER.is_dir() else []


def settings_file(name: str) -> str:
    path = FOLDER / name / "settings.py"
    if not path.exists():
        raise UnknownDeployment(f"no deployment {name!r} (known: {', '.join(names()) or 'none'})")
    return str(path)


def _stamp(params: Path) -> str:
    h = hashlib.sha256(params.read_bytes())
    for module in ("localize.py", "localize_tables.py"):
        h.update((ROOT / "clearbuild" / "sample" / module).read_bytes())
    return h.hexdigest()


def demo(name: str, sizes: dict[str, int] | None = None, out: Path | None = None) -> Path:
    """The deployment's demo export (generated now when missing or stale); ``sizes`` override
    sample.json's (tests ask for tiny ones, and then ``out`` is their own folder)."""
    from .sample import generate
    from .sample.common import AS_OF

    settings_file(name)
    params = FOLDER / name / "sample.json"
    p = json.loads(params.read_text(encoding="utf-8"))
    kw = {**p["sizes"], **(sizes or {})}
    folder = out or FOLDER / name / "demo" / AS_OF
    stamp = folder / ".generated"
    want = _stamp(params) + json.dumps(kw, sort_keys=True)
    if stamp.exists() and stamp.read_text(encoding="utf-8") == want:
        return folder
    generate(folder, seed=int(p["seed"]), locale=params, **kw)
    stamp.write_text(want, encoding="utf-8")
    return folder
