"""What ingest reports: a refused row (Problem) or a build-stopping structural error."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..csvsafe import rows_csv


class StructuralError(Exception):
    """The export cannot be trusted as a whole: stop the build, leave output/ untouched.

    The message is one line naming the file and the column, for the official reading the log.
    """


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int  # 1-based line in the file, header is line 1
    column: str
    value: str
    reason: str
    refused: bool = True  # False: the row is kept, the value flagged (e.g. a dropped link)

    def line(self) -> str:
        action = "refused" if self.refused else "flagged"
        return f"{self.file}:{self.row}: {self.column}={self.value!r}: {self.reason} ({action})"


REPORT_FIELDS = ["file", "row", "column", "value", "reason", "refused"]


def report_csv(problems: list[Problem]) -> str:
    """The quality report officials read: one line per refused row or flagged value, sorted."""
    # Officials open it in a spreadsheet, and it quotes refused values verbatim: formula-like
    # cells get a leading ' (clearbuild.csvsafe).
    return rows_csv(REPORT_FIELDS, ([asdict(p)[f] for f in REPORT_FIELDS] for p in sorted(problems)))
