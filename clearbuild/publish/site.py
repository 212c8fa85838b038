"""The published site's folder: finished builds side by side, and one symlink naming the live one.

    SITE/current -> builds/00012-2026-11-21     (relative: SITE can be moved or mirrored)
    SITE/builds/00012-2026-11-21/               a finished, signed build
    SITE/meta/00012-2026-11-21.json             what it was built from (row counts, columns)
    SITE/reports/                               refusal reports for officials

A build is finished when its meta file exists; anything else under builds/ is the leftover of
a run that was killed, and the next run deletes it. The live site changes in exactly one step:
a new symlink renamed over ``current`` (rename is atomic), so a reader or a kill -9 sees the
old site or the new one, never a mixture. The web server serves SITE/current.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..safeio import fsync_dir, write_atomically


class SiteError(Exception):
    """The site folder is not in a state the requested step can work from."""


def _drill(step: str) -> None:
    """The kill -9 drill (tests/test_publish_kill.py) holds a step open to kill inside it."""
    if os.environ.get("CLEARBUILD_DRILL_PAUSE") == step:
        print(f"drill: paused in {step}", flush=True)
        time.sleep(5)


class Site:
    def __init__(self, path: str | Path):
        self.path = Path(path).absolute()
        self.builds = self.path / "builds"
        self.meta_dir = self.path / "meta"
        self.reports = self.path / "reports"
        self.link = self.path / "current"
        # The nightly's state (record histories, certificate ledger) lives with the site it
        # publishes, not in the code checkout: backed up with it, never rebuilt.
        self.state = self.path / "state" / "history"

    def init(self) -> None:
        for folder in (self.builds, self.meta_dir, self.reports):
            folder.mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One publishing run at a time; the kernel drops the lock if the process dies."""
        self.init()
        fd = os.open(self.path / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as e:
                raise SiteError(f"{self.path}: another nightly or rollback is running") from e
            yield
        finally:
            os.close(fd)

    def current(self) -> str | None:
        """Name of the live build, or None before the first publication."""
        try:
            target = os.readlink(self.link)
        except FileNotFoundError:
            return None
        return Path(target).name

    def current_dir(self) -> Path | None:
        name = self.current()
        return self.builds / name if name else None

    def finished(self) -> list[str]:
        """Finished builds, oldest first (names start with a sequence number)."""
        if not self.meta_dir.is_dir():
            return []
        return sorted(p.stem for p in self.meta_dir.glob("*.json")
                      if (self.builds / p.stem).is_dir())

    def record(self, name: str) -> Path:
        """Each file's inode and mtime when the build verified (nightverify): SITE/meta/NAME.stat."""
        return self.meta_dir / f"{name}.stat"

    def meta(self, name: str) -> dict[str, Any]:
        return json.loads((self.meta_dir / f"{name}.json").read_text(encoding="utf-8"))

    def next_name(self, export: str) -> str:
        seqs = [int(p.name.split("-", 1)[0]) for p in self.builds.iterdir()
                if p.name[:5].isdigit()] if self.builds.is_dir() else []
        return f"{max(seqs, default=0) + 1:05d}-{export}"

    def write_meta(self, name: str, data: dict[str, Any]) -> None:
        write_atomically(self.meta_dir / f"{name}.json",
                         json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n")

    def cleanup(self) -> list[str]:
        """Delete what killed runs left behind: temp folders, unfinished builds, temp links."""
        removed = []
        live = self.current()
        done = set(self.finished())
        for p in sorted(self.builds.iterdir()) if self.builds.is_dir() else []:
            if p.name != live and p.name not in done:
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p.name)
        for p in self.path.glob(".current-*.tmp"):
            p.unlink(missing_ok=True)
        for p in self.meta_dir.glob(".*.tmp") if self.meta_dir.is_dir() else []:
            p.unlink(missing_ok=True)
        for p in self.meta_dir.glob("*.stat") if self.meta_dir.is_dir() else []:
            if p.stem != live and p.stem not in done:  # a run killed before its meta was written
                p.unlink(missing_ok=True)
        return removed

    def switch(self, name: str) -> None:
        """Point ``current`` at a finished build in one atomic rename."""
        if not (self.builds / name).is_dir() or not (self.meta_dir / f"{name}.json").exists():
            raise SiteError(f"{name} is not a finished build")
        tmp = self.path / f".current-{os.getpid()}.tmp"
        tmp.unlink(missing_ok=True)
        os.symlink(f"builds/{name}", tmp)
        _drill("switch")
        os.replace(tmp, self.link)
        fsync_dir(self.path)

    def rollback(self) -> tuple[str, str]:
        """Go back to the build that was live before this one; returns (from, to).

        The build rolled back from is marked, so a later rollback never returns to it.
        """
        live = self.current()
        builds = self.finished()
        if live is None or live not in builds:
            raise SiteError(f"{self.path}: no live build to roll back from")
        older = [b for b in builds[:builds.index(live)] if not self.meta(b).get("rolled_back")]
        if not older:
            raise SiteError(f"{live} is the oldest build kept; nothing to roll back to")
        self.write_meta(live, {**self.meta(live), "rolled_back": True})
        self.switch(older[-1])
        return live, older[-1]

    def prune(self, keep: int) -> list[str]:
        """Keep the newest ``keep`` finished builds, and the live one whatever its age."""
        builds = self.finished()
        live = self.current()
        doomed = [b for b in builds[:-keep] if b != live] if keep > 0 else []
        for name in doomed:
            # Meta first: a build without meta is unfinished, and cleanup() finishes the job.
            (self.meta_dir / f"{name}.json").unlink(missing_ok=True)
            self.record(name).unlink(missing_ok=True)
            shutil.rmtree(self.builds / name, ignore_errors=True)
        return doomed
