"""The offline copy: the live build as one zip, with its signed manifest and verify.py inside.

Unzipped anywhere, ``clearbuild-<export>/index.html`` opens from file:// (relative links, data
as self-registering .js files, every asset vendored), and ``python verify.py`` in that folder
proves it is the city's build. Entries are sorted and dated with the build time, so the same
build always zips to the same bytes.
"""

from __future__ import annotations

import json
import os
import time
import zipfile
from pathlib import Path

from .site import Site
from .verify import MANIFEST, verify
from .verify import README as VERIFY_README

README = """clearbuild offline copy: {name}

Open {name}/index.html in a web browser (no network needed; search and maps included).

To check that every file is exactly what was published and signed:
    python3 {name}/verify.py --fingerprint SHA256:...          (the unzipped folder)
    python3 {name}/verify.py THIS.zip --fingerprint SHA256:...   (the zip itself)
(needs the cryptography package: pip install cryptography), where SHA256:... is the signing
key's fingerprint as the city publishes it on its site:
    {where}
Take it from there, never from this copy (this README is not signed): whoever altered a copy
can also re-sign it with a key of their own, and then only the fingerprint tells.
Without --fingerprint, verify.py says the key was NOT checked.
"""
WHERE = "the city's own website, on the page that announces this site"


class ArchiveError(Exception):
    """The site to archive does not verify, or is not there."""


def source_folder(site: Path) -> Path:
    """SITE/current when ``site`` is a published site folder, else ``site`` itself (one build)."""
    s = Site(site)
    live = s.current_dir()
    folder = live if live is not None else site
    if not (folder / MANIFEST).is_file():
        raise ArchiveError(f"{folder}: no {MANIFEST}; only published (signed) builds are archived")
    return folder


def archive(site: str | Path, output: str | Path, fingerprint_at: str = "") -> tuple[Path, int]:
    """Zip the live build after checking it; returns (zip path, files). ``fingerprint_at``:
    where the city publishes the key's fingerprint (CB_PUBLISH_FINGERPRINT_AT), for the README."""
    folder = source_folder(Path(site).absolute())
    ok, lines = verify(folder)
    if not ok:
        raise ArchiveError("the site does not verify, refusing to copy it:\n  " + "\n  ".join(lines))
    manifest = json.loads((folder / MANIFEST).read_bytes())
    name = f"clearbuild-{manifest.get('export') or folder.name}"
    stamp = time.strptime(manifest["build_time"], "%Y-%m-%dT%H:%M:%SZ")[:6]
    stamp = max(stamp, (1980, 1, 1, 0, 0, 0))  # the zip format starts in 1980
    names = sorted([f["path"] for f in manifest["files"]] + [MANIFEST, "manifest.sig"])
    output = Path(output).absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr(_info(VERIFY_README, stamp),
                   README.format(name=name, where=fingerprint_at or WHERE))
        for rel in names:
            with open(folder / rel, "rb") as f:
                z.writestr(_info(f"{name}/{rel}", stamp), f.read())
    os.replace(tmp, output)
    return output, len(names)


def _info(name: str, stamp: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
