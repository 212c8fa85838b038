"""OC4IDS physical progress -> progress rows: actual (metrics) against planned (forecasts)."""

from __future__ import annotations

from bisect import bisect_left
from datetime import date
from typing import Any

from .common import At, as_list, day, obj, text
from .context import Ctx


def progress(p: dict[str, Any], at: At, ctx: Ctx, pid: str) -> None:
    """Actual physical progress (metrics) against the plan (forecasts), on the measured dates;
    the plan is interpolated between its own dates."""

    def series(key: str) -> list[tuple[str, float, str]]:
        out = []
        for i, m in enumerate(as_list(p.get(key), at / key, ctx.sink)):
            if not isinstance(m, dict) or text(m.get("id")) != "physicalProgress":
                continue
            for j, o in enumerate(as_list(m.get("observations"), at / key / i / "observations", ctx.sink)):
                oat = at / key / i / "observations" / j
                if not isinstance(o, dict):
                    continue
                unit = text(obj(o.get("unit"), oat / "unit", ctx.sink).get("name")).lower()
                when = day(
                    obj(o.get("period"), oat / "period", ctx.sink).get("endDate"),
                    oat / "period",
                    ctx.sink,
                )
                try:
                    pct = float(text(o.get("measure")))
                except ValueError:
                    pct = -1
                if unit not in ("percent", "%") or not when or not 0 <= pct <= 100:
                    ctx.sink.flag(oat, o.get("measure"), "not a percentage with a date: ignored")
                    continue
                out.append((when, pct, text(o.get("notes"))))
        return sorted(out)

    actual, planned = series("metrics"), series("forecasts")
    if actual and not planned:
        ctx.sink.flag(
            at / "metrics",
            len(actual),
            "progress without forecasts: no planned progress to compare with, not imported",
        )
    dates = [d for d, _, _ in planned]
    for when, pct, note in actual if planned else []:
        k = bisect_left(dates, when)
        if k < len(dates) and dates[k] == when:
            plan = planned[k][1]
        elif k == 0:
            ctx.sink.flag(
                at / "metrics",
                when,
                "progress measured before the first forecast: no planned value to compare with, not imported",
            )
            continue
        elif k == len(dates):
            plan = planned[-1][1]
        else:
            (d0, p0, _), (d1, p1, _) = planned[k - 1], planned[k]
            span = (date.fromisoformat(d1) - date.fromisoformat(d0)).days
            plan = p0 + (p1 - p0) * (date.fromisoformat(when) - date.fromisoformat(d0)).days / span
        ctx.add(
            "progress",
            {
                "project_id": pid,
                "date": when,
                "planned_pct": f"{plan:g}",
                "actual_pct": f"{pct:g}",
                "note": note,
            },
            at / "metrics",
        )
