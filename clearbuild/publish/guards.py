"""Guards: refuse an export that looks broken before it can replace a good site.

Ingest judges rows; these checks judge a night's export as a whole, against the one last
published: a table that lost more than a set share of its rows, a column that vanished (a
rename in the source system), a file in another encoding, an empty or cut-off file, duplicate
ids. Any of them means the export job failed upstream; publishing it would silently delete
records from the public site. A table that grew more than tenfold (CB_PUBLISH_MAX_GROWTH) is
refused too: a job that appended its rows again every night, or an export that is not ours. A
file over an ingest limit (clearbuild/ingest/limits.py) is refused before it is read. Only a
row drop (``--accept-drop``) or growth (``--accept-growth``) can be accepted on purpose.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..ingest import limits as lim
from ..ingest.read import find_file
from ..schema import ORDER, TABLES, Table


@dataclass(frozen=True)
class Refusal:
    file: str
    reason: str
    acceptable: bool = False  # True: a row drop that --accept-drop lets through
    growth: bool = False  # True: row growth that --accept-growth lets through

    def line(self) -> str:
        return f"{self.file}: {self.reason}"


@dataclass
class GuardReport:
    export: str
    refusals: list[Refusal] = field(default_factory=list)
    accepted: list[Refusal] = field(default_factory=list)  # drops let through on purpose

    @property
    def ok(self) -> bool:
        return not self.refusals

    def text(self) -> str:
        lines = [f"export {self.export} refused; the live site is unchanged:"]
        lines += [f"  {r.line()}" for r in self.refusals]
        if any(r.acceptable for r in self.refusals):
            lines.append("  if the drop is deliberate, run again with --accept-drop")
        if any(r.growth for r in self.refusals):
            lines.append("  if the growth is deliberate, run again with --accept-growth")
        return "\n".join(lines)


def _csv_stats(path: Path, table: Table) -> tuple[dict[str, Any], list[Refusal]]:
    raw = path.read_bytes()
    name = path.name
    if not raw.strip():
        return {}, [Refusal(name, "empty file (no header row): the export job wrote nothing")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        guess = "UTF-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "probably CP949/EUC-KR"
        return {}, [Refusal(name, f"not UTF-8 ({guess}; first bad byte at {e.start}): "
                                  "re-export as UTF-8")]
    refusals: list[Refusal] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [c.strip() for c in next(reader)]
        keys = [header.index(k) for k in table.key if k in header]
        seen: dict[tuple[str, ...], int] = {}
        rows = 0
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            rows += 1
            if len(row) != len(header):
                refusals.append(Refusal(name, f"line {line} has {len(row)} of {len(header)} "
                                              "fields: file cut off or malformed"))
                break
            if keys:
                key = tuple(row[i].strip() for i in keys)
                if key in seen:
                    refusals.append(Refusal(name, f"duplicate id {'+'.join(key)} on lines "
                                                  f"{seen[key]} and {line}"))
                    break
                seen[key] = line
    except csv.Error as e:
        refusals.append(Refusal(name, f"unreadable near line {reader.line_num} ({e}): "
                                      "file cut off inside a quoted value?"))
        return {}, refusals
    stats = {"file": name, "rows": rows, "columns": header,
             "ends_with_newline": text.endswith(("\n", "\r"))}
    return stats, refusals


def _other_stats(path: Path, table: Table) -> tuple[dict[str, Any], list[Refusal]]:
    import pandas as pd

    if path.stat().st_size == 0:
        return {}, [Refusal(path.name, "empty file")]
    try:
        if path.suffix == ".xlsx":
            df = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            df = pd.read_json(path, dtype=False, orient="records").astype(str)
    except Exception as e:  # a cut-off zip or JSON fails in many ways; all mean the same
        return {}, [Refusal(path.name, f"unreadable, probably cut off: {str(e).splitlines()[0]}")]
    header = [str(c).strip() for c in df.columns]
    keys = [k for k in table.key if k in header]
    refusals = []
    if keys:
        dup = df[df.duplicated(keys, keep=False)]
        if len(dup):
            first = "+".join(str(v) for v in dup.iloc[0][keys])
            refusals.append(Refusal(path.name, f"duplicate id {first} ({len(dup)} rows)"))
    return {"file": path.name, "rows": len(df), "columns": header, "ends_with_newline": True}, refusals


def _over_limit(path: Path, limits: lim.Limits) -> str | None:
    """Why a file may not even be read (its size, an XLSX's unpacked size, a JSON's nesting)."""
    try:
        lim.check_size(path, limits)
        if path.suffix == ".xlsx":
            lim.check_xlsx(path, limits)
        elif path.suffix == ".json":
            lim.check_json_depth(path.read_bytes(), path.name, limits)
    except lim.LimitError as e:
        return str(e).partition(": ")[2]
    return None


def export_stats(folder: Path, limits: lim.Limits | None = None
                 ) -> tuple[dict[str, dict[str, Any]], list[Refusal]]:
    """Per table: file, row count, header; plus what is wrong with a file on its own."""
    limits = limits or lim.Limits()
    stats: dict[str, dict[str, Any]] = {}
    refusals: list[Refusal] = []
    for name in ORDER:
        table = TABLES[name]
        path = find_file(folder, table)
        if path is None:
            continue
        why = _over_limit(path, limits)
        if why:
            refusals.append(Refusal(path.name, why))
            continue
        reader = _csv_stats if path.suffix == ".csv" else _other_stats
        st, bad = reader(path, table)
        refusals += bad
        if st and st["rows"] > limits.rows:
            refusals.append(Refusal(path.name, f"{st['rows']:,} rows, over the limit of "
                                               f"{limits.rows:,} per table (CB_MAX_ROWS)"))
        if st:
            stats[name] = st
    return stats, refusals


def compare(stats: dict[str, dict[str, Any]], previous: dict[str, dict[str, Any]],
            max_drop: float, since: str = "", max_growth: float = 10.0, growth_floor: int = 1000,
            ) -> list[Refusal]:
    """What the export lost (or suspiciously gained) against the last published one."""
    refusals = []
    when = f" published {since}" if since else " last published"
    for name in ORDER:
        old, new = previous.get(name), stats.get(name)
        if not old:
            continue
        if not new:
            refusals.append(Refusal(old["file"], f"table {name} missing (it had {old['rows']:,} "
                                                 f"rows in the export{when})"))
            continue
        gone = [c for c in old["columns"] if c not in new["columns"]]
        added = [c for c in new["columns"] if c not in old["columns"]]
        for col in gone:
            hint = f" (renamed to {', '.join(repr(a) for a in added)}?)" if added else ""
            refusals.append(Refusal(new["file"], f"column {col!r} missing{hint}"))
        if old.get("ends_with_newline") and not new.get("ends_with_newline"):
            refusals.append(Refusal(new["file"], "no line end after the last row (the export"
                                                 f"{when} had one): file cut off?"))
        if old["rows"] and new["rows"] < old["rows"]:
            share = (old["rows"] - new["rows"]) / old["rows"]
            if share > max_drop:
                refusals.append(Refusal(new["file"], f"{new['rows']:,} rows, {share:.1%} fewer "
                                                     f"than the {old['rows']:,}{when} "
                                                     f"(limit {max_drop:.0%})", acceptable=True))
        if new["rows"] >= growth_floor and new["rows"] > old["rows"] * max_growth:
            times = f"{new['rows'] / old['rows']:,.1f} times" if old["rows"] else "from none to"
            refusals.append(Refusal(new["file"], f"{new['rows']:,} rows, {times} the "
                                                 f"{old['rows']:,}{when} (limit {max_growth:g}x)",
                                    growth=True))
    return refusals


def check(folder: Path, previous: dict[str, dict[str, Any]] | None, max_drop: float,
          accept_drop: bool = False, since: str = "", max_growth: float = 10.0,
          growth_floor: int = 1000, accept_growth: bool = False, limits: lim.Limits | None = None,
          ) -> tuple[GuardReport, dict[str, dict[str, Any]]]:
    """Run every guard; returns the report and this export's stats (kept when it is published)."""
    stats, refusals = export_stats(folder, limits)
    refusals += compare(stats, previous or {}, max_drop, since, max_growth, growth_floor)
    report = GuardReport(folder.name)
    for r in refusals:
        accepted = (r.acceptable and accept_drop) or (r.growth and accept_growth)
        (report.accepted if accepted else report.refusals).append(r)
    return report, stats
