"""The nightly routine: newest export -> guards -> ingest -> history -> build -> sign -> verify ->
switch -> prune. Each step can only stop the run, never touch the live site: the build goes into
a new folder beside the live one, and the switch is one atomic rename of the ``current`` symlink.

Why this order: guards and ingest are cheap and catch a bad export before anything is written;
history is recorded before the build so tonight's pages show tonight's changes (it commits
atomically, and recording the same export twice adds nothing); the signing key is loaded before
the build so a missing key stops the run in a second, not after the whole build.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .. import asof, certcodes, config, loader
from ..build import build, settings_for
from ..ingest import StructuralError
from ..ingest.limits import Limits
from . import guards, manifest, nightverify, recycle, setting
from .history import History, HistoryError
from .site import Site, SiteError


class Refused(Exception):
    """The export was not published; ``code`` is the process exit status for operators' scripts."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


@dataclass
class NightlyResult:
    build: str
    export: str
    pages: int
    rendered: int
    changes: int
    seconds: dict[str, float] = field(default_factory=dict)
    pruned: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    recycled: str | None = None  # the retired build folder updated in place, if any

    def summary(self) -> str:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
        return (f"published {self.build} (export {self.export}): {self.pages} pages, "
                f"{self.rendered} rendered, the rest unchanged; {self.changes} record changes; "
                f"{steps}")


def newest_export(exports: Path) -> Path:
    """The newest folder named YYYY-MM-DD (a real date) in the exports folder."""
    dated = []
    for p in exports.iterdir() if exports.is_dir() else []:
        try:
            if p.is_dir() and len(p.name) == 10 and date.fromisoformat(p.name):
                dated.append(p)
        except ValueError:
            continue
    if not dated:
        raise Refused(f"{exports}: no export folder named YYYY-MM-DD", 2)
    return max(dated, key=lambda p: p.name)


def _say(message: str) -> None:
    # Operators read this log; the kill -9 drill reads the phase lines to aim its kills.
    print(message, flush=True)


def nightly(exports: str | Path, site: str | Path, settings_file: str = "publishconf.py",
            accept_drop: bool = False, overrides: dict[str, Any] | None = None,
            say: Callable[[str], None] = _say, accept_growth: bool = False) -> NightlyResult:
    """Publish the newest export in ``exports`` to ``site``; raises Refused when it may not."""
    exports, s = config.resolve(exports), Site(config.resolve(site))
    try:
        with s.lock():
            return _run(exports, s, settings_file, (accept_drop, accept_growth), overrides or {}, say)
    except SiteError as e:
        raise Refused(str(e), 5) from e


def _run(exports: Path, s: Site, settings_file: str, accept: tuple[bool, bool],
         overrides: dict[str, Any], say: Callable[[str], None]) -> NightlyResult:
    clock = _Clock(say)
    for name in s.cleanup():
        say(f"removed unfinished build {name}")
    export = newest_export(exports)
    settings = settings_for(settings_file, {**overrides, "CB_DATA": str(export)})
    if "CB_HISTORY_DIR" not in settings:  # unless set: the state lives with the site, SITE/state/
        overrides = {**overrides, "CB_HISTORY_DIR": str(s.state)}
        settings = settings_for(settings_file, {**overrides, "CB_DATA": str(export)})
    live = s.current()
    live_meta = s.meta(live) if live and (s.meta_dir / f"{live}.json").exists() else None
    say(f"export {export.name}; live build {live or '(none)'}")

    clock.phase("guards")
    report, stats = guards.check(export, live_meta["stats"] if live_meta else None,
                                 float(setting(settings, "CB_PUBLISH_MAX_DROP")), accept[0],
                                 since=live_meta["export"] if live_meta else "",
                                 max_growth=float(setting(settings, "CB_PUBLISH_MAX_GROWTH")),
                                 growth_floor=int(setting(settings, "CB_PUBLISH_GROWTH_FLOOR")),
                                 accept_growth=accept[1], limits=Limits.from_settings(settings))
    if not report.ok:
        _refuse(s, export.name, report.text(), 3)
    for r in report.accepted:
        say(f"accepted on purpose: {r.line()}")

    clock.phase("ingest")
    try:
        dataset = loader.load(settings)
    except StructuralError as e:
        _refuse(s, export.name, f"export {export.name} refused; the live site is unchanged:\n  {e}", 2)
    key_path = config.resolve(setting(settings, "CB_PUBLISH_KEY"))
    try:
        key = manifest.load_key(key_path)
    except manifest.SigningKeyError as e:
        raise Refused(str(e), 4) from e
    pem, mode = manifest.public_pem(key), str(setting(settings, "CB_PUBLISH_VERIFY"))
    if mode not in nightverify.MODES:
        raise Refused(f"CB_PUBLISH_VERIFY is {mode!r}: it must be one of {', '.join(nightverify.MODES)}", 4)

    clock.phase("history")
    history = History(config.resolve(setting(settings, "CB_HISTORY_DIR")))
    try:
        changes = history.record(dataset, export.name)
    except HistoryError as e:
        _refuse(s, export.name, f"export {export.name} not published; the live site is unchanged:\n  {e}\n"
                "  (the history folder is as it was: restore it from a backup)", 2)
    # Tonight's certificate codes join the ledger beside the history, so a code printed on an
    # earlier night still verifies (as superseded, with what it certified) after it changes.
    try:
        codes = certcodes.record(history.folder, certcodes.issued(dataset, asof.of(dataset, settings)),
                                 export.name)
    except certcodes.LedgerError as e:
        _refuse(s, export.name, f"export {export.name} not published; the live site is unchanged:\n  {e}", 2)
    say("certificate codes: {current} current, {new} new, {superseded} superseded".format(**codes))

    clock.phase("build")
    name = s.next_name(export.name)
    previous = s.current_dir()
    languages = list(config.setting(settings, "CB_LANGUAGES"))
    recycled = recycle.candidate(s, int(setting(settings, "CB_PUBLISH_KEEP"))) if previous else None
    old, old_basis = None, None
    if recycled:
        # Its manifest must hold with tonight's key before any of its pages is kept.
        old_basis = nightverify.load(s.builds / recycled, s.record(recycled), pem)
        target = recycle.retire(s, recycled, name)
        old = recycle.prepare(target, languages, old_basis.entries if old_basis else {})
        if old_basis is not None:  # only the kept pages' records stay in memory during the build
            old_basis.stats = {r: old_basis.stats[r] for r in old[1] if r in old_basis.stats} if old else {}
        if old is None:
            shutil.rmtree(target)
        say(f"{'recycling' if old else 'not recycling'} {recycled} as {name}")
    target = s.builds / name
    started = time.time()
    result = build(output=target, data=export, settings_file=settings_file, overrides=overrides,
                   quiet=True, previous=previous, dataset=dataset, in_place=old is not None,
                   count=False)

    clock.phase("manifest")
    digest = history.digest or dataset.digest()
    kept = recycle.kept_entries(old, target, languages) if old else None
    # The live build's hashes are reused only when its manifest holds with tonight's key.
    basis = nightverify.load(previous, s.record(live), pem) if previous and live else None
    if previous and basis is None:
        say(f"the live build {live}'s manifest does not verify with the signing key: "
            "every file is hashed, nothing of it trusted")
    # ctime of files written tonight can lag the clock by a tick: allow two seconds.
    manifest.write(target, key, digest, export.name, previous=previous, kept=kept,
                   since=started - 2 if old else None, basis=basis or nightverify.Basis({}))

    clock.phase("verify")
    checked = nightverify.check(target, pem, mode, [b for b in (basis, old_basis) if b])
    say(checked.line())
    if not checked.ok or not (target / "index.html").is_file() or result.pages == 0:
        shutil.rmtree(target, ignore_errors=True)
        raise Refused("the new build failed verification; the live site is unchanged:\n  "
                      + "\n  ".join(checked.lines), 4)
    nightverify.write_record(s.record(name), checked)
    s.write_meta(name, {"name": name, "export": export.name, "export_path": str(export),
                        "stats": stats, "dataset_sha256": digest,
                        "pages": result.pages, "rendered": result.rendered,
                        "render": dict(result.stats or {}),  # rendered, linked, kept, data files
                        "changes": len(changes), "previous": live,
                        "verify": {"mode": mode, "read": checked.read, "trusted": checked.trusted},
                        "accepted": [r.line() for r in report.accepted]})

    clock.phase("switch")
    s.switch(name)

    clock.phase("prune")
    pruned = s.prune(int(setting(settings, "CB_PUBLISH_KEEP")))
    clock.phase("done")
    return NightlyResult(name, export.name, result.pages, result.rendered, len(changes),
                         clock.seconds, pruned, [r.line() for r in report.accepted],
                         recycled if old else None)


class _Clock:
    """Seconds per step, for the summary line; each step is announced as it starts."""

    def __init__(self, say: Callable[[str], None]):
        self.say, self.name, self.start = say, "", time.time()
        self.seconds: dict[str, float] = {}

    def phase(self, name: str) -> None:
        now = time.time()
        if self.name:
            self.seconds[self.name] = round(now - self.start, 2)
        self.name, self.start = name, now
        if name != "done":
            self.say(f"phase: {name}")


def _refuse(s: Site, export: str, text: str, code: int) -> None:
    """Keep the report where officials look, then stop."""
    (s.reports / f"refused-{export}.txt").write_text(text + "\n", encoding="utf-8")
    raise Refused(text, code)


def rollback(site: str | Path) -> tuple[str, str]:
    s = Site(config.resolve(site))
    try:
        with s.lock():
            return s.rollback()
    except SiteError as e:
        raise Refused(str(e), 5) from e


def main_exit(fn: Callable[[], Any]) -> Any:
    """Run a publishing step for a task: one clear report and a non-zero exit on refusal."""
    try:
        return fn()
    except Refused as e:
        print(str(e), file=sys.stderr)
        sys.exit(e.code)
