"""docs/export-format.md is generated from clearbuild.schema, so the format document and the
validator cannot disagree; a test fails when the committed file is stale (`invoke docs`).
"""

from __future__ import annotations

from .config import ROOT
from .schema import ORDER, TABLES, TYPES

INTRO = """# Export format

<!-- Generated from clearbuild/schema.py by `invoke docs`. Do not edit by hand. -->

One folder per night, named by its date: `data/exports/YYYY-MM-DD/`. One file per table, named
after the table: `projects.csv` (UTF-8, header row; a BOM is accepted), or `projects.xlsx`, or
`projects.json` (an array of objects). Attached files (photos, documents) sit beside the tables
under the relative path given in their `file` column.

Rules that apply everywhere:

- Ids are strings: letters, digits, `.`, `_`, `-`, at most 120 characters (they become folder names).
- Money is an integer in the currency's minor unit (KRW: won). Dates are ISO 8601.
- Coordinates are WGS84 and must fall inside the deployment's region (`CB_BOUNDARIES` plus
  `CB_REGION_MARGIN`); a latitude/longitude swap is reported as a swap.
- Business registration numbers (`brn`) are 10 digits, hyphens allowed, with a valid check digit;
  they are stored without hyphens.
- **Public** columns are published. **Private** columns are accepted and dropped in ingest: they
  never reach a plugin or output/. A column that is neither stops the build (`on no list`), so a
  new private column can never leak by default.
- A bad value refuses its row (listed in `reports/quality.csv` with file, row, column, value and
  reason); a non-http(s) link is dropped and flagged, the row kept. A missing required file or
  column, an empty file, or a file that is not UTF-8 stops the build and leaves output/ as it was.

## Types

| type | meaning |
| --- | --- |
"""


def render() -> str:
    out = [INTRO]
    out += [f"| `{k}` | {v} |\n" for k, v in TYPES.items()]
    for name in ORDER:
        t = TABLES[name]
        out.append(f"\n## {name}\n\n{t.doc} Section: {t.section}. "
                   f"Key: `{' + '.join(t.key)}`. "
                   f"File {'required' if t.required_file else 'optional (absent = no rows)'}.\n")
        if t.date_order:
            out.append("Date order: " + ", ".join(f"`{a}` ≤ `{b}`" for a, b in t.date_order) + ".\n")
        out.append("\n| column | type | required | public | rule | meaning |\n"
                   "| --- | --- | --- | --- | --- | --- |\n")
        for c in t.columns:
            rule = []
            if c.enum:
                rule.append("one of " + ", ".join(f"`{e}`" for e in c.enum))
            elif c.type == "enum":
                rule.append("a district code of the boundaries file")
            if c.ref:
                rule.append(f"must exist in `{c.ref}`")
            if c.min is not None or c.max is not None:
                rule.append(f"{c.min if c.min is not None else ''}..{c.max if c.max is not None else ''}")
            out.append(f"| `{c.name}` | {c.type} | {'yes' if c.required else ''} | "
                       f"{'yes' if c.public else '**private**'} | {'; '.join(rule)} | {c.doc} |\n")
    return "".join(out)


def write() -> None:
    (ROOT / "docs" / "export-format.md").write_text(render(), encoding="utf-8")
