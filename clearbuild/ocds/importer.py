"""Import OCDS and OC4IDS files into the export tables: ``import_files(paths, options)``.

The result is ordinary export tables (written as a CSV export folder for the normal ingest) plus
the problems met, each located by file, item and JSON path. Output is deterministic: files are
read in name order and every row keeps the order it was found in.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import config, geo
from ..geo import District
from ..ingest.limits import Limits
from ..ingest.problems import Problem
from ..schema import TABLES, Region
from .common import At, Money, Sink, safe_id
from .context import Ctx, resolve_links
from .export import DEFAULTS
from .processes import Process
from .projects import Project
from .read import Source, compile_process, read_sources


@dataclass
class Options:
    """The deployment an import is for: its currency, region and district boundaries."""

    money: Money = field(default_factory=Money)
    region: Region | None = None
    districts: dict[str, District] = field(default_factory=dict)
    prefix: str = ""  # the deployment's own ocid prefix (CB_OCDS_PREFIX)
    limits: Limits = field(default_factory=Limits)  # file size and JSON depth (CB_MAX_...)

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Options:
        return cls(
            Money(
                str(config.setting(settings, "CB_CURRENCY")),
                int(config.setting(settings, "CB_CURRENCY_MINOR_DIGITS")),
            ),
            config.region(settings),
            geo.load_districts(config.resolve(config.setting(settings, "CB_BOUNDARIES"))),
            prefix=settings.get("CB_OCDS_PREFIX", DEFAULTS["CB_OCDS_PREFIX"]),
            limits=Limits.from_settings(settings),
        )


@dataclass
class Imported:
    tables: dict[str, list[dict[str, str]]]
    origin: dict[str, list[At]]
    problems: list[Problem]

    def count(self, table: str) -> int:
        return len(self.tables.get(table, []))

    def write(self, folder: Path) -> dict[tuple[str, int], tuple[str, At]]:
        """Every table as UTF-8 CSV (header-only when empty); returns (file, line) -> (table, source)."""
        folder.mkdir(parents=True, exist_ok=True)
        where: dict[tuple[str, int], tuple[str, At]] = {}
        for name, table in TABLES.items():
            cols = [c.name for c in table.columns]
            with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
                # Read by ingest, not for spreadsheets: values exactly (clearbuild.csvsafe).
                w = csv.DictWriter(f, cols, lineterminator="\n")
                w.writeheader()
                for i, row in enumerate(self.tables.get(name, [])):
                    w.writerow({c: row.get(c, "") for c in cols})
                    where[(f"{name}.csv", i + 2)] = (name, self.origin[name][i])
        return where


def _group(sources: Iterable[Source], sink: Sink) -> tuple[list[Source], list[Source]]:
    """Processes compiled per ocid (first-seen order) and projects, from every file's sources."""
    by_ocid: dict[str, list[Source]] = {}
    projects: list[Source] = []
    for s in sources:
        if s.kind == "project":
            projects.append(s)
        else:
            by_ocid.setdefault(s.ocid, []).append(s)
    return [compile_process(group, sink) for group in by_ocid.values()], projects


def import_files(paths: Iterable[str | Path], options: Options | None = None) -> Imported:
    """Read every file (in name order) and map it onto the export tables."""
    options = options or Options()
    sink = Sink()
    ctx = Ctx(sink, options.money, options.region, options.districts, prefix=options.prefix)
    sources: list[Source] = []
    for path in sorted(Path(p) for p in paths):
        sources.extend(read_sources(path, sink, options.limits))
    processes, projects = _group(sources, sink)
    for src in processes:
        Process(src.data, src.at, ctx).read()
    ocds = {p.ocid for p in processes}
    for src in projects:
        Project(src.data, src.at, ctx, ocds).read()
    by_project = {r["project_id"]: r for r in ctx.rows.get("projects", [])}
    for ocid, pid, ref in ctx.ocid_projects:
        rows = ctx.by_ocid.get(ocid, [])
        named = [r for r in rows if ref and r["contract_id"] == safe_id(ref)]
        for row in named or rows:
            row["project_id"] = pid
            if row["kind"] == "construction" and pid in by_project and not by_project[pid]["contract_id"]:
                by_project[pid]["contract_id"] = row["contract_id"]
    resolve_links(ctx)
    for cid, row in ctx.companies.rows.items():
        ctx.add("companies", row, ctx.companies.origin[cid])
    return Imported(
        ctx.rows,
        ctx.origin,
        sink.problems,
    )
