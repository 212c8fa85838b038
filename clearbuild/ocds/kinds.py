"""What kind of procurement (construction, goods, services) and which method a process is.

Why inference at all: OCDS 1.0 has no mainProcurementCategory and many 1.1 publishers omit it,
while the kind is required by the tables. Classification codes say it reliably (CPV division 45
and UNSPSC segment 72 are works); failing those, only clear words of a title are trusted, and
every inference is flagged for the publisher to see.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .common import At, Sink, get, text

KIND = {
    "works": "construction",
    "goods": "goods",
    "services": "services",
    "consultingservices": "services",
    "construction": "construction",
}
METHOD = {"open": "open", "selective": "restricted", "limited": "designated", "direct": "sole_source"}


def _cpv_kind(code: str) -> str:
    division = int(code[:2])
    return "construction" if division == 45 else "goods" if division <= 44 or division == 48 else "services"


def _unspsc_kind(code: str) -> str:
    segment = int(code[:2])
    return "construction" if segment == 72 else "goods" if segment <= 60 else "services"


def _cpc_kind(code: str) -> str:
    """UN CPC: sections 0-4 are goods; division 53 (constructions) and 54 (construction
    services) are works; the rest of section 5 and sections 6-9 are services."""
    return "goods" if code[0] in "01234" else "construction" if code[:2] in ("53", "54") else "services"


# CPV under its Ukrainian name: ДК 021:2015 is CPV 2008 (Prozorro writes the scheme "ДК021").
CPV_NAMES = ("CPV", "ДК021", "ДК 021", "DK021", "DK 021")


def infer_kind(node: Any, at: At | None = None, sink: Sink | None = None) -> tuple[str, str]:
    """Kind from the first CPV (also as ДК021), UNSPSC or CPC classification anywhere in the
    process (every classification is visited, so a misspelt key in any of them is flagged)."""
    found: tuple[str, str] = ("", "")
    stack: list[tuple[Any, At]] = [(node, at or At("", 0, ""))]
    while stack:
        cur, where = stack.pop(0)
        if isinstance(cur, dict):
            scheme = text(
                get(cur, "scheme", where, sink)
                if sink and "id" in cur and ("description" in cur or "uri" in cur)
                else cur.get("scheme")
            ).upper()
            code = text(cur.get("id"))
            if not found[0] and re.match(r"^\d{8}", code):
                if any(n in scheme for n in CPV_NAMES):
                    name = "CPV" if "CPV" in scheme else text(cur.get("scheme"))
                    found = (_cpv_kind(code), f"{name} {code}")
                elif "UNSPSC" in scheme or "UNSPSC" in text(cur.get("description")).upper():
                    found = (_unspsc_kind(code), f"UNSPSC {code}")
            elif not found[0] and "CPC" in scheme and re.match(r"^\d{2}", code):
                found = (_cpc_kind(code), f"CPC {code}")
            stack.extend((v, where / k) for k, v in cur.items())
        elif isinstance(cur, list):
            stack.extend((v, where / i) for i, v in enumerate(cur))
    return found


TITLE_WORDS = (  # clear words only; anything else stays unknown and the row is refused
    (
        "services",
        ("servicio", "service", "asesoria", "consultor", "consulting", "mantenimiento", "послуг", "услуг"),
    ),
    (
        "construction",
        (
            "obra",
            "construccion",
            "construction",
            "works",
            "rehabilitacion",
            "будівництв",
            "реконструкц",
            "строительств",
        ),
    ),
    (
        "goods",
        (
            "adquisicion",
            "compra",
            "suministro",
            "bienes",
            "purchase",
            "supply",
            "goods",
            "equipment",
            "equipos",
            "закупівл",
            "поставк",
        ),
    ),
)


def title_kind(title: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", title.lower()) if not unicodedata.combining(c))
    words = re.findall(r"\w+", plain)
    for kind, stems in TITLE_WORDS:
        if any(w.startswith(stem) for w in words for stem in stems):
            return kind
    return ""
