"""Recycling the oldest build folder instead of building a new one from nothing.

Why: at Seoul's size a build has ~600,000 pages, each in a folder of its own
(``contracts/C-1/index.html``). Creating a folder costs ~85 µs on this class of machine, so even
hard-linking every unchanged page into a fresh folder takes about a minute. The oldest build is
deleted after tonight's switch anyway; updating it in place costs only what changed since it was
built. It is never the live build, so the site is untouched while it is rewritten.

Safety: the folder first leaves the set of finished builds (its meta file goes, then it is
renamed to tonight's name), so a run killed half-way leaves an unfinished folder that the next
run deletes. Everything but its pages goes before the build (Pelican and the plugins write
their files again); pages keep, or get, tonight's bytes (render.Renderer in place); files that
are neither kept pages nor written tonight are removed when the manifest is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..pagehash import PAGES_FILE, read_pages
from ..render import page_files
from ..safeio import fsync_dir
from . import manifest
from .site import Site
from .verify import MANIFEST, SIGNATURE


def candidate(site: Site, keep: int) -> str | None:
    """The oldest finished build that tonight's pruning would delete anyway."""
    builds = site.finished()
    live = site.current()
    if keep < 3 or len(builds) < keep:  # keep the live build and the one to roll back to
        return None
    older = [b for b in builds if b != live]
    return older[0] if older else None


Pages = dict[str, str]
Entries = dict[str, dict[str, Any]]


def prepare(folder: Path, languages: list[str], entries: Entries | None = None,
            ) -> tuple[Pages, Entries] | None:
    """Strip a retired build to its pages; returns (page hashes, their files' manifest entries),
    or None when the folder cannot be trusted to say what it holds. ``entries``: its manifest's,
    read by the caller with the signature checked (the nightly); else read here."""
    entries = manifest.entries(folder) if entries is None else entries
    pages = read_pages(folder)
    if not entries or not pages:
        return None
    files = {f for p in pages for f in page_files(p, languages)}
    dirs: set[Path] = set()
    for rel in entries:
        if rel not in files and rel != PAGES_FILE:  # the renderer reads (and drops) the record
            path = folder / rel
            path.unlink(missing_ok=True)
            dirs.add(path.parent)
    for rel in (MANIFEST, SIGNATURE):
        (folder / rel).unlink(missing_ok=True)
    for d in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
        while d != folder:
            try:
                d.rmdir()  # only when empty: a page or another file keeps it
            except OSError:
                break
            d = d.parent
    return pages, {rel: entries[rel] for rel in files if rel in entries}


def retire(site: Site, name: str, new: str) -> Path:
    """Take a finished build out of the finished set and give it tonight's name."""
    (site.meta_dir / f"{name}.json").unlink()
    site.record(name).unlink(missing_ok=True)  # the record of what it was when verified
    fsync_dir(site.meta_dir)
    os.rename(site.builds / name, site.builds / new)
    return site.builds / new


def kept_entries(old: tuple[Pages, Entries], folder: Path, languages: list[str]) -> Entries:
    """Manifest entries still true after the build: pages whose input hash did not change were
    left untouched by the renderer, so their bytes (and hashes) are the old ones."""
    old_pages, old_entries = old
    new_pages = read_pages(folder)
    out = {}
    for path, h in old_pages.items():
        if new_pages.get(path) == h:
            for rel in page_files(path, languages):
                if rel in old_entries:
                    out[rel] = old_entries[rel]
    return out
