"""Construction indicators: cost and time beyond the contract, work behind plan, changes and their reasons.

Contracts are measured through their amendments (contract_amendments), projects through their
design changes (change_orders), progress reports and dates; a project page also shows its
contract's flags, so the two views meet on the page without being counted twice.
"""

from __future__ import annotations

import pandas as pd

from .base import Context, day, empty, frame, has, indicator, num, text


def _chain(df: pd.DataFrame, key: str, order: list[str]) -> pd.DataFrame:
    """First 'before' and last 'after' of each record's change chain, with the number of changes."""
    d = df.sort_values([key, *order])
    g = d.groupby(key, sort=True)
    out = pd.DataFrame({"changes": g.size(), "amount_changes": g["amount_after"].count()})
    for col, how in (("amount_before", "first"), ("amount_after", "last"),
                     ("end_before", "first"), ("end_after", "last")):
        if col in d.columns:
            out[col] = g[col].agg(how)  # first/last skip missing values
    return out


def amendments(ctx: Context) -> pd.DataFrame:
    a = ctx.table("contract_amendments")
    if not has(a, "contract_id"):
        return pd.DataFrame()
    a = a.assign(amount_before=num(a.get("amount_before", pd.Series(dtype=float))),
                 amount_after=num(a.get("amount_after", pd.Series(dtype=float))),
                 end_before=day(a["end_before"]) if "end_before" in a else pd.NaT,
                 end_after=day(a["end_after"]) if "end_after" in a else pd.NaT,
                 seq=num(a["seq"]).fillna(1) if "seq" in a else 1)
    return a


def changes(ctx: Context) -> pd.DataFrame:
    c = ctx.table("change_orders")
    if not has(c, "project_id", "amount_before", "amount_after"):
        return pd.DataFrame()
    return c.assign(amount_before=num(c["amount_before"]), amount_after=num(c["amount_after"]),
                    days_added=num(c["days_added"]) if "days_added" in c else 0.0)




@indicator(
    id="cost-overrun",
    group="construction",
    kinds=("contracts", "projects"),
    settings=("CB_SIGNALS_COST_OVERRUN_PCT",),
    fields={"original": "money", "final": "money", "growth": "pct", "changes": "int"},
)
def cost_overrun(ctx: Context) -> pd.DataFrame:
    limit = float(ctx.s("CB_SIGNALS_COST_OVERRUN_PCT"))
    parts = []
    a, c = amendments(ctx), ctx.table("contracts")
    if not a.empty and has(c, "contract_id", "amount"):
        ch = _chain(a, "contract_id", ["date", "seq"])
        amount = pd.Series(num(c["amount"]).to_numpy(), index=c["contract_id"].astype(str))
        ch = ch.join(amount.rename("amount"), how="inner")
        ch["original"] = ch.amount_before.fillna(ch.amount)  # the value before any change
        parts.append(("contracts", ch))
    co = changes(ctx)
    if not co.empty:
        ch = _chain(co, "project_id", ["date", "change_id"] if "change_id" in co else ["date"])
        ch["original"] = ch.amount_before
        parts.append(("projects", ch))
    out = [empty()]
    for kind, ch in parts:
        ch = ch.assign(final=ch.amount_after.fillna(ch.original))
        ch = ch[ch.original > 0]
        ch = ch.assign(growth=(ch.final - ch.original) / ch.original * 100)
        hit = ch[ch.growth > limit]
        out.append(frame(kind, hit.index, original=hit.original, final=hit.final, growth=hit.growth,
                         changes=hit.amount_changes))
    return pd.concat(out, ignore_index=True)


@indicator(
    id="time-overrun",
    group="construction",
    kinds=("contracts", "projects"),
    settings=("CB_SIGNALS_TIME_OVERRUN_DAYS",),
    fields={"planned": "date", "end": "date", "days": "days", "approved": "days", "late_since": "since"},
)
def time_overrun(ctx: Context) -> pd.DataFrame:
    limit = int(ctx.s("CB_SIGNALS_TIME_OVERRUN_DAYS"))
    out = [empty()]
    a, c = amendments(ctx), ctx.table("contracts")
    if not a.empty and has(c, "contract_id") and "end_after" in a:
        ch = _chain(a, "contract_id", ["date", "seq"])
        end = pd.Series(day(c["end_date"]).to_numpy() if "end_date" in c else pd.NaT,
                        index=c["contract_id"].astype(str))
        ch = ch.join(end.rename("end_date"), how="inner")
        planned = ch.end_before.fillna(ch.end_date)
        final = ch.end_after.fillna(planned)
        delay = (final - planned).dt.days
        hit = ch[delay > limit]
        out.append(frame("contracts", hit.index, planned=planned[hit.index].dt.strftime("%Y-%m-%d"),
                         end=final[hit.index].dt.strftime("%Y-%m-%d"), days=delay[hit.index].astype(int),
                         approved=0))
    p = ctx.table("projects")
    if has(p, "project_id", "planned_end_date"):
        planned = day(p["planned_end_date"])
        actual = day(p["actual_end_date"]) if "actual_end_date" in p else pd.Series(pd.NaT, index=p.index)
        done = text(p["status"]) == "completed" if "status" in p else pd.Series(False, index=p.index)
        still_open = actual.isna() & ~done
        end = actual.where(~still_open, ctx.today_ts())
        delay = (end - planned).dt.days
        co = changes(ctx)
        approved = (co.groupby("project_id")["days_added"].sum() if not co.empty else pd.Series(dtype=float))
        approved = p["project_id"].astype(str).map(approved).fillna(0)
        hit = (delay > limit) & planned.notna() & end.notna()
        # An unfinished work's delay grows every night: its flag carries the planned end date
        # (late_since) and the page counts to the data's date in the browser; no end, no days.
        closed = ~still_open[hit]
        planned_text = planned[hit].dt.strftime("%Y-%m-%d")
        out.append(frame("projects", p.project_id[hit], planned=planned_text,
                         end=end[hit].dt.strftime("%Y-%m-%d").where(closed, None),
                         days=delay[hit].astype(int).where(closed, None),
                         approved=approved[hit].astype(int),
                         late_since=planned_text.where(~closed, None),
                         variant=still_open[hit].map({True: "open", False: ""})))
    return pd.concat(out, ignore_index=True)


@indicator(
    id="progress-lag",
    group="construction",
    kinds=("projects",),
    settings=("CB_SIGNALS_PROGRESS_LAG_POINTS",),
    fields={"date": "date", "planned": "pct", "actual": "pct", "lag": "points"},
)
def progress_lag(ctx: Context) -> pd.DataFrame:
    g = ctx.table("progress")
    if not has(g, "project_id", "date", "planned_pct", "actual_pct"):
        return empty()
    last = g.sort_values(["project_id", "date"]).drop_duplicates("project_id", keep="last")
    lag = num(last["planned_pct"]) - num(last["actual_pct"])
    hit = last[lag > float(ctx.s("CB_SIGNALS_PROGRESS_LAG_POINTS"))]
    return frame("projects", hit.project_id, date=text(hit["date"]), planned=num(hit["planned_pct"]),
                 actual=num(hit["actual_pct"]), lag=lag[hit.index])


@indicator(
    id="many-changes",
    group="construction",
    kinds=("contracts", "projects"),
    settings=("CB_SIGNALS_MANY_CHANGES",),
    fields={"changes": "int", "first": "date", "last": "date"},
)
def many_changes(ctx: Context) -> pd.DataFrame:
    out = [empty()]
    for kind, table, key in (("contracts", "contract_amendments", "contract_id"),
                             ("projects", "change_orders", "project_id")):
        t = ctx.table(table)
        if not has(t, key, "date"):
            continue
        # ISO dates sort as text; first/last rows instead of a string min/max (a Python loop).
        d = pd.DataFrame({"k": text(t[key]), "d": text(t["date"])}).sort_values(["k", "d"])
        size = d.groupby("k", sort=True).size()
        size = size[size >= int(ctx.s("CB_SIGNALS_MANY_CHANGES"))]
        first = d.drop_duplicates("k", keep="first").set_index("k")["d"]
        last = d.drop_duplicates("k", keep="last").set_index("k")["d"]
        out.append(frame(kind, size.index, changes=size, first=first[size.index], last=last[size.index]))
    return pd.concat(out, ignore_index=True)


@indicator(
    id="unexplained-change",
    group="construction",
    kinds=("contracts", "projects"),
    settings=("CB_SIGNALS_UNEXPLAINED_MIN_CHARS",),
    fields={"count": "int", "dates": "ids"},
)
def unexplained_change(ctx: Context) -> pd.DataFrame:
    out = [empty()]
    for kind, table, key in (("contracts", "contract_amendments", "contract_id"),
                             ("projects", "change_orders", "project_id")):
        t = ctx.table(table)
        if not has(t, key):
            continue
        reason = text(t["reason"]) if "reason" in t else pd.Series("", index=t.index)
        bad = t[reason.str.strip().str.len() < int(ctx.s("CB_SIGNALS_UNEXPLAINED_MIN_CHARS"))]
        g = bad.assign(d=text(bad["date"])).groupby(key, sort=True)["d"]
        hit = pd.DataFrame({"count": g.size(), "dates": g.agg(lambda s: tuple(sorted(s)))})
        out.append(frame(kind, hit.index, count=hit["count"], dates=hit.dates))
    return pd.concat(out, ignore_index=True)
