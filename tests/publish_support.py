"""Helpers for the publishing tests: a tmp workspace with a key, an exports folder and a site."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factory import copy_rows, write_export

from clearbuild import config
from clearbuild.publish import manifest, nightly

ROOT = config.ROOT


def tree_hash(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def history_theme(folder: Path, dated_footer: bool = True) -> Path:
    """The theme, with record pages including the history partial (if they do not already);
    without ``dated_footer`` the footer's export date goes too, so unchanged pages stay unchanged
    from one night to the next."""
    theme = folder / "theme"
    if not theme.exists():
        shutil.copytree(ROOT / "theme", theme)
        if not dated_footer:
            base = theme / "templates" / "base.html"
            base.write_text("".join(line for line in base.read_text(encoding="utf-8").splitlines(True)
                                    if "dataset_date" not in line), encoding="utf-8")
        for name in ("project.html", "contracts_contract.html"):
            page = theme / "templates" / name
            text = page.read_text(encoding="utf-8") if page.exists() else ""
            if text and "cb_history.html" not in text:
                page.write_text(text.replace("{% block content %}", "{% block content %}\n"
                                             '{% include "cb_history.html" ignore missing %}', 1),
                                encoding="utf-8")
    return theme


@dataclass
class Workspace:
    base: Path

    @property
    def key(self) -> Path:
        return self.base / "key.pem"

    @property
    def exports(self) -> Path:
        return self.base / "exports"

    @property
    def site(self) -> Path:
        return self.base / "site"

    def overrides(self, **extra: Any) -> dict[str, Any]:
        over = {"CB_PUBLISH_KEY": str(self.key), "CB_HISTORY_DIR": str(self.base / "history"),
                "CB_REPORT_DIR": str(self.base / "reports"), "CB_ADMIN_DB": "",
                "CB_WORKERS": 1}
        over.update(extra)
        return {k: v for k, v in over.items() if v is not None}  # None: not set at all

    def export(self, date: str, rows: dict[str, list[dict[str, str]]] | None = None,
               folder: Path | None = None) -> Path:
        return write_export((folder or self.exports) / date, rows)

    def publish(self, accept_drop: bool = False, exports: Path | None = None,
                **extra: Any) -> nightly.NightlyResult:
        return nightly.nightly(exports or self.exports, self.site, accept_drop=accept_drop,
                               overrides=self.overrides(**extra), say=lambda _m: None)

    def settings_file(self, **extra: Any) -> Path:
        """A settings file for subprocesses (`invoke nightly --settings ...`)."""
        path = self.base / "testconf.py"
        lines = [f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *  # noqa\n"]
        for k, v in self.overrides(**extra).items():
            lines.append(f"{k} = {v!r}\n")
        path.write_text("".join(lines), encoding="utf-8")
        return path


def workspace(base: Path) -> Workspace:
    ws = Workspace(base)
    base.mkdir(parents=True, exist_ok=True)
    manifest.keygen(ws.key)
    return ws


def baseline_rows() -> dict[str, list[dict[str, str]]]:
    """The fixture with four inspections, so that losing two of them is a 50% drop."""
    rows = copy_rows()
    for i in (3, 4):
        rows["inspections"].append({**rows["inspections"][0], "inspection_id": f"I-{i}",
                                    "date": f"2025-06-0{i}"})
    return rows
