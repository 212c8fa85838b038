"""The "near me" gazetteer: places a citizen may type, in Korean and romanised, with a point each.

Built at build time from the data's own addresses and the boundary files, never from an online
geocoder (the site works offline and from file://):

- districts and neighbourhoods (``clearbuild.places``): their centres, under every written form
  (양천구, Yangcheon-gu, 목1동, 목동, Mok-dong, Mokdong);
- road names in the addresses of projects and apartment complexes (강남대로, 오목로): the mean of
  the points addressed on that road in that district;
- lot-address neighbourhoods (망우본동 131-8) the boundary files do not already name.

Roads and lot-address neighbourhoods have no official romanisation in the data, so they are
romanised by korean-romanizer (Revised Romanization, stem + the generic word: 오목로 -> Omok-ro).
Every key is normalised (``key``) the same way near.js normalises what is typed. Output is
sorted and rounded: the same data gives the same file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from korean_romanizer.romanizer import Romanizer

from .places import Area, aliases

KINDS = ("district", "neighbourhood", "road")
_ROAD = re.compile(r"(?<!\S)([가-힣0-9]+?)(대로|로|길)(?=\s|$|,)")
_LOT_DONG = re.compile(r"(?<!\S)([가-힣]+[0-9]*)(동|가)(?=\s+(?:산\s*)?[0-9])")
_DROP = re.compile(r"[\s\-_.·,()'’]+")
SUFFIX = {"대로": "daero", "로": "ro", "길": "gil", "동": "dong", "가": "ga"}


def key(text: str) -> str:
    """What a typed place is matched on: NFKC, lower case, no spaces or punctuation (near.js
    does the same: ``normalize('NFKC').toLowerCase().replace(/[\\s\\-_.·,()'’]+/g, '')``)."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def romanise(stem: str, suffix: str) -> str:
    """오목 + 로 -> Omok-ro; digits kept (가산디지털1 + 로 -> Gasandijiteol1-ro)."""
    parts = re.split(r"([0-9]+)", stem)
    roman = "".join(p if p.isdigit() else Romanizer(p).romanize() for p in parts if p)
    roman = roman[:1].upper() + roman[1:]
    return f"{roman}-{SUFFIX[suffix]}" if roman else ""


def _entry(name: str, name_en: str, lat: float, lon: float, kind: str, forms: Iterable[str]
           ) -> dict[str, Any]:
    keys = sorted({k for k in (key(f) for f in forms) if k})
    return {"name": name, "name_en": name_en, "lat": round(float(lat), 6), "lon": round(float(lon), 6),
            "kind": kind, "keys": keys}


def _points(records: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str, str], list[tuple[float, float]]]:
    """(kind, name, district) -> the points of every address naming that road or lot neighbourhood."""
    out: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    for r in records:
        address, lat, lon = str(r.get("address") or ""), r.get("lat"), r.get("lon")
        try:
            point = (float(lat), float(lon))
        except (TypeError, ValueError):
            continue
        if point != point or not address:  # NaN
            continue
        district = str(r.get("district_code") or "")
        for stem, suffix in _ROAD.findall(address):
            out.setdefault(("road", stem + suffix, district), []).append(point)
        for stem, suffix in _LOT_DONG.findall(address):
            out.setdefault(("neighbourhood", stem + suffix, district), []).append(point)
    return out


def build(records: Iterable[Mapping[str, Any]], districts: Mapping[str, Area],
          neighbourhoods: Mapping[str, Area]) -> list[dict[str, Any]]:
    """Every place, sorted by kind then name: records are projects and apartment complexes
    (address, lat, lon, district_code)."""
    out = [_entry(a.name, a.name_eng, a.lat, a.lon, a.kind,
                  aliases(a.name, a.name_eng) + [re.sub(r"\([a-z.]+\)", "", a.name_eng)])
           for table in (districts, neighbourhoods) for a in table.values()]
    known = {k for e in out for k in e["keys"]}
    found = _points(records)
    names: dict[tuple[str, str], int] = {}
    for kind, name, _ in found:
        names[(kind, name)] = names.get((kind, name), 0) + 1
    for (kind, name, district), pts in sorted(found.items()):
        stem, suffix = (name[:-2], name[-2:]) if name.endswith("대로") else (name[:-1], name[-1:])
        if kind == "neighbourhood" and key(name) in known:
            continue  # the boundary file names it already, with its official romanisation
        roman = romanise(stem, suffix)
        where = districts.get(district)
        label, label_en = name, roman
        if names[(kind, name)] > 1 and where:  # the same road name in several districts
            label, label_en = f"{name}, {where.name}", f"{roman}, {where.name_eng}" if roman else ""
        forms = [name, roman, roman.replace("-", "")]
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        out.append(_entry(label, label_en, lat, lon, "road" if kind == "road" else kind, forms))
    out.sort(key=lambda e: (KINDS.index(e["kind"]), e["name"], e["lat"], e["lon"]))
    return out


def payload(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Compact columns for the browser: one row per place."""
    cols = ["name", "name_en", "lat", "lon", "kind", "keys"]
    return {"v": 1, "cols": cols, "rows": [[e[c] for c in cols] for e in entries]}
