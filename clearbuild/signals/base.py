"""What an indicator is, and the column helpers every indicator shares.

An indicator is a plain function over the whole Dataset that returns one row per flagged record
with the numbers that triggered it. Everything a citizen reads about it (title, explanation,
formula, source, limits, the sentence giving the numbers) is in texts.toml, one entry per
indicator with a key per language, so a deployment adds a language without touching the code;
a definition whose texts are incomplete, or name a field the function does not return, fails
at import.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from .settings import setting

Text = dict[str, str]  # language -> text

# Value types of the numbers a flag carries; explain() formats each kind its own way.
# "since" / "since_work": a date from which days run to the data's date (an unpaid claim, an
# unfinished work): pages carry the date and the reader's browser counts (filters.days_since),
# so a flag's values do not move with the export's date.
FIELD_TYPES = ("money", "pct", "points", "int", "days", "date", "text", "ids", "brns", "since",
               "since_work")
# Fields a notice's flag carries only when the notice is divided into lots (clearbuild.signals.bids).
LOT_FIELDS = ("lot", "lots")


CARDINAL_DOCS = "https://cardinal.readthedocs.io/en/latest/cli/indicators"
TEXTS_FILE = Path(__file__).with_name("texts.toml")
TEXT_KEYS = ("title", "explanation", "formula", "source", "limits")
LANGUAGES = ("ko", "en")  # every entry has these; a deployment may add its own


@lru_cache(maxsize=1)
def texts() -> dict[str, Any]:
    with TEXTS_FILE.open("rb") as f:
        return tomllib.load(f)


@dataclass(frozen=True)
class Indicator:
    """An indicator's code facts; its words (texts.toml) are read through the properties."""

    id: str
    group: str  # procurement | construction | payments
    kinds: tuple[str, ...]  # record kinds it flags (urls.SECTIONS keys)
    settings: tuple[str, ...]  # CB_SIGNALS_* names of its thresholds
    fields: dict[str, str]  # value column -> FIELD_TYPES entry
    compute: Callable[[Context], pd.DataFrame] = field(compare=False, repr=False)
    # Open Contracting's Cardinal indicator measuring the same thing (R018 ...); "" when none does.
    # Where the rule differs from Cardinal's, docs/signals.md says how.
    cardinal: str = ""

    @property
    def cardinal_url(self) -> str:
        """Cardinal's definition of its indicator (its documentation, cli/indicators/R/NNN)."""
        return f"{CARDINAL_DOCS}/{self.cardinal[0]}/{self.cardinal[1:]}.html" if self.cardinal else ""

    def _text(self, key: str) -> Text:
        return texts()[self.id][key]

    title = property(lambda self: self._text("title"))
    explanation = property(lambda self: self._text("explanation"))
    formula = property(lambda self: self._text("formula"))
    source = property(lambda self: self._text("source"))
    limits = property(lambda self: self._text("limits"))
    reason = property(lambda self: self._text("reason"))  # kind[:variant] -> language -> template


REGISTRY: dict[str, Indicator] = {}


def problems(ind: Indicator) -> list[str]:
    """What is wrong with an indicator's definition or texts (empty when nothing is)."""
    out = []
    if ind.cardinal and not re.fullmatch(r"R\d{3}", ind.cardinal):
        out.append(f"Cardinal code {ind.cardinal!r} is not R and three digits")
    if set(ind.fields.values()) - set(FIELD_TYPES):
        out.append(f"unknown field types {sorted(set(ind.fields.values()) - set(FIELD_TYPES))}")
    entry = texts().get(ind.id)
    if entry is None:
        return out + [f"no [{ind.id!r}] entry in {TEXTS_FILE.name}"]
    for key in TEXT_KEYS:
        missing = [lg for lg in LANGUAGES if not entry.get(key, {}).get(lg)]
        if missing:
            out.append(f"{key} lacks {missing}")
    reasons = entry.get("reason", {})
    for kind in ind.kinds:
        if kind not in reasons:
            out.append(f"no reason.{kind}")
    for kind, by_lang in reasons.items():
        for lg, template in by_lang.items():
            names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            if names - set(ind.fields):
                out.append(f"reason.{kind}.{lg} names unknown fields {sorted(names - set(ind.fields))}")
        missing = [lg for lg in LANGUAGES if lg not in by_lang]
        if missing:
            out.append(f"reason.{kind} lacks {missing}")
    return out


Compute = Callable[["Context"], pd.DataFrame]


def indicator(**meta: Any) -> Callable[[Compute], Compute]:
    """Register a function as an indicator; it returns kind, id and its fields per flagged record."""

    def wrap(fn: Compute) -> Compute:
        ind = Indicator(compute=fn, **meta)
        bad = problems(ind) + (["duplicate id"] if ind.id in REGISTRY else [])
        if bad:
            raise ValueError(f"indicator {ind.id}: " + "; ".join(bad))
        REGISTRY[ind.id] = ind
        return fn

    return wrap


@dataclass
class Context:
    """The Dataset plus settings and the 'today' that open items are measured against."""

    ds: Dataset
    settings: dict[str, Any]
    today: date
    _cache: dict[str, Any] = field(default_factory=dict)

    def s(self, name: str) -> Any:
        return setting(self.settings, name)

    def table(self, name: str) -> pd.DataFrame:
        return self.ds.table(name)

    def today_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.today)


def text(s: pd.Series) -> pd.Series:
    """Text with missing cells as ''. Ingest has already stripped every value; no .str calls here,
    since without pyarrow each one is a Python loop (seconds at Seoul scale)."""
    if not isinstance(s.dtype, pd.StringDtype):
        s = s.astype("string")
    return s.fillna("")


def truth(s: pd.Series) -> pd.Series:
    """Booleans as ingest types them; text true/1/y/yes too (frames built by hand or by admin)."""
    if s.dtype == bool:
        return s
    return text(s).str.lower().isin(("true", "1", "y", "yes"))


def when(s: pd.Series) -> pd.Series:
    """ISO dates or date-times -> Timestamps (NaT when missing or malformed), parsed in C."""
    return pd.to_datetime(text(s), format="ISO8601", errors="coerce")


def day(s: pd.Series) -> pd.Series:
    return when(s).dt.normalize()


def num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype("float64")


def frame(kind: str, ids: pd.Series | pd.Index | np.ndarray, /, **cols: Any) -> pd.DataFrame:
    """An indicator's result: kind, id and value columns, one row per flagged record."""
    data: dict[str, Any] = {"id": np.asarray(ids, dtype=object).astype(str)}
    for name, v in cols.items():  # positional, never aligned on an index
        data[name] = v.to_numpy() if isinstance(v, (pd.Series, pd.Index)) else v
    out = pd.DataFrame(data)
    out.insert(0, "kind", kind)
    return out


def empty() -> pd.DataFrame:
    return pd.DataFrame({"kind": pd.Series(dtype=object), "id": pd.Series(dtype=object)})


def has(df: pd.DataFrame, *cols: str) -> bool:
    return not df.empty and all(c in df.columns for c in cols)
