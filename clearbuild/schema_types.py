"""Column and table descriptions: the vocabulary clearbuild.schema describes every export in.

Apart from clearbuild.schema so that the one allow-list has room for its tables.
"""

from __future__ import annotations

from dataclasses import dataclass

# Column types understood by ingest (clearbuild.ingest.checks) and by docs/export-format.md.
TYPES = {
    "id": "text identifier (kept as a string, never a number)",
    "str": "free text",
    "int": "integer",
    "money": "integer amount in the currency's minor unit (KRW: won); not negative",
    "pct": "number from 0 to 100",
    "float": "decimal number",
    "date": "ISO 8601 date, YYYY-MM-DD",
    "datetime": "ISO 8601 date and time, YYYY-MM-DDTHH:MM",
    "month": "YYYY-MM",
    "bool": "true/false (also 1/0, y/n, Y/N)",
    "enum": "one of the listed values",
    "lat": "WGS84 latitude, inside the deployment's region",
    "lon": "WGS84 longitude, inside the deployment's region",
    "brn": "10-digit business registration number (123-45-67890 or 1234567890), valid check digit; "
           "with CB_PARTY_IDS = 'any' (deployments outside Korea, OCDS imports) any id",
    "url": "http(s) link",
    "file": "relative path of a file shipped beside the export (no links, no '..'; see docs/security.md)",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "str"
    required: bool = False
    public: bool = True
    enum: tuple[str, ...] = ()
    ref: str | None = None  # "table.column" this value must exist in
    min: float | None = None
    max: float | None = None
    doc: str = ""
    # An approval trail (role:date[:name];...) whose names are public only when the bool column
    # named here is true; clearbuild.public strips them otherwise, before any output sees the row.
    names_if: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required_file: bool = False
    # (earlier, later): the later date must not precede the earlier one when both are present.
    date_order: tuple[tuple[str, str], ...] = ()
    section: str = "allimi"

    def column(self, name: str) -> Column:
        return self._by_name()[name]

    def _by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    @property
    def public_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.public]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]
