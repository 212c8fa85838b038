"""Apartment documents: the checks rules.py does not make (issue 7).

rules.py refuses trails that are not ``role:YYYY-MM-DD`` or not in date order. These add what a
string shape cannot tell: a date that does not exist (2025-02-30 sorts fine and means nothing) and
a step with no role (the trail exists to say *who* approved). The attached file goes through the
files gate like every file an export names (clearbuild.ingest.files).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd

from ..schema import Table
from .checks import IngestContext, _problems, table_check
from .problems import Problem
from .rules import parse_approvals


def _trail_faults(trail: str) -> tuple[bool, bool]:
    """(a date that is no calendar day, a step with no role); malformed trails are rules.py's."""
    try:
        steps = parse_approvals(trail)
    except ValueError:
        return False, False
    bad_date = False
    for _, when, _ in steps:
        try:
            date.fromisoformat(when)
        except ValueError:
            bad_date = True
    return bad_date, any(not role for role, _, _ in steps)


@table_check("apartment_documents")
def approval_steps_valid(df: pd.DataFrame, table: Table, ctx: IngestContext) -> Iterator[Problem]:
    faults = [_trail_faults(t) for t in df["approvals"]]
    bad_date = pd.Series([f[0] for f in faults], index=df.index, dtype=bool)
    no_role = pd.Series([f[1] for f in faults], index=df.index, dtype=bool)
    yield from _problems(df, bad_date, "approvals", "approval trail date is not a real YYYY-MM-DD date")
    yield from _problems(df, no_role, "approvals", "approval step without a role")
