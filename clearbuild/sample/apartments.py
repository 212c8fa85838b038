"""Apartment complexes and their management offices' approved documents (issue 7).

About one document in ten is not public; those get titles from a vocabulary no public title
uses (징계위원회, 법률자문, ...) plus the complex and a number, so a privacy test can search
every byte of output/ for them and a hit can only be a leak.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import common as c
from .media import write_pdf
from .places import Geo, addresses, dong_root, place, spread
from .vocab import APT_BRANDS, APT_CATEGORIES, APT_DOCS, APT_ITEMS, APT_PRIVATE, APT_ROLES

MEDIAN_AMOUNT = {"expense_resolution": 3e6, "maintenance_contract": 20e6, "bid_announcement": 30e6}


def complexes(g: Geo, rng: np.random.Generator, n: int) -> tuple[dict[str, c.Col], list[str]]:
    didx = spread(rng, n, len(g.codes))
    lat, lon, dong = place(g, rng, didx)
    brand = rng.integers(0, len(APT_BRANDS), n)
    seen: set[str] = set()
    names = []
    for i in range(n):
        root = dong_root(g.dongs[dong[i]].name) if dong[i] else g.districts[g.codes[didx[i]]].name[:-1]
        b = APT_BRANDS[brand[i]].format(n=1 + i % 9)
        name = f"{root}{b}" if b.startswith("주공") or i % 2 else f"{b} {root}"
        base, k = name, 2
        while name in seen:  # 래미안 대치, 래미안 대치 2차
            name, k = f"{base} {k}차", k + 1
        seen.add(name)
        names.append(name)
    cols = {"complex_id": c.ids("APT-", n, 3), "name": np.asarray(names, dtype=object),
            "district_code": np.asarray(g.codes, dtype=object)[didx],
            "address": addresses(g, rng, didx, dong, road_share=0.8),
            "lat": c.coord(lat), "lon": c.coord(lon), "households": c.num(rng.integers(150, 4000, n))}
    return cols, names


def _trail(rng: np.random.Generator, start: int, roles: tuple[str, ...], named: bool) -> str:
    steps, d = [], start
    for role in roles:
        d += int(rng.integers(0, 4))
        name = f":{c.person_names(rng, 1)[0]}" if named else ""
        steps.append(f"{role}:{c.iso(np.array([d]))[0]}{name}")
    return ";".join(steps)


def documents(rng: np.random.Generator, complex_ids: np.ndarray, names: list[str], n: int,
              contract_ids: np.ndarray, out_dir: Path, write_files: bool) -> dict[str, c.Col]:
    k = len(complex_ids)
    owner = np.sort(rng.integers(0, k, n)) if k else np.zeros(0, dtype=np.int64)
    last = c.day(c.AS_OF) - 10
    date = rng.integers(last - 730, last + 1, n)
    order = np.lexsort((date, owner))
    owner, date = owner[order], date[order]
    kinds = list(APT_DOCS)
    kind = c.pick(rng, kinds, n, [APT_DOCS[x][0] for x in kinds])
    public = rng.random(n) >= 0.1
    doc_ids = c.ids("D-", n, 6)
    named = rng.random(n) < 0.7
    names_public = named & (rng.random(n) < 0.4)
    has_file = rng.random(n) < 0.4
    r = rng.integers(0, 1 << 20, n)
    meetings = rng.integers(30, 150, k) if k else np.zeros(0, dtype=np.int64)
    titles, amounts, cats, trails, files, links = [], [], [], [], [], []
    seen: set[tuple[int, str]] = set()
    for i in range(n):
        ymd = c.iso(np.array([date[i]]))[0]
        y, m = ymd[:4], int(ymd[5:7])
        spec = APT_DOCS[kind[i]]
        if kind[i] == "council_minutes":
            meetings[owner[i]] += 1
        fields = {"ym": f"{y}년 {m}월", "y": y, "cat": APT_CATEGORIES[r[i] % len(APT_CATEGORIES)],
                  "item": APT_ITEMS[(r[i] >> 5) % len(APT_ITEMS)], "n": int(meetings[owner[i]])}
        if public[i]:
            title = spec[1][(r[i] >> 10) % len(spec[1])].format(**fields)
        else:
            title = f"{names[owner[i]]} {APT_PRIVATE[r[i] % len(APT_PRIVATE)]} (제{y}-{i + 1:05d}호)"
        base, dup = title, 2
        while (owner[i], title) in seen:  # two notices of one month: number the second
            title, dup = f"{base} ({dup})", dup + 1
        seen.add((owner[i], title))
        titles.append(title)
        amount = ""
        if spec[2]:
            amount = str(int(MEDIAN_AMOUNT[kind[i]] * rng.lognormal(0, 0.8)) // 1000 * 1000)
        amounts.append(amount)
        cats.append(fields["cat"] if kind[i] in ("expense_resolution", "maintenance_contract") else "")
        roles = APT_ROLES[:2] if not amount or int(amount) < 2_000_000 else APT_ROLES[:3]
        if kind[i] == "audit_report":
            roles = (APT_ROLES[0], APT_ROLES[3], APT_ROLES[1])
        trails.append(_trail(rng, int(date[i]), roles, bool(named[i])))
        files.append(f"documents/{doc_ids[i]}.pdf" if has_file[i] else "")
        link = kind[i] == "maintenance_contract" and len(contract_ids) and (r[i] >> 15) % 5 == 0
        links.append(str(contract_ids[(r[i] >> 3) % len(contract_ids)]) if link else "")
    if write_files and has_file.any():
        (out_dir / "documents").mkdir(parents=True, exist_ok=True)
        for i in np.flatnonzero(has_file):
            write_pdf(out_dir / files[i], [f"{doc_ids[i]}  {complex_ids[owner[i]]}  {kind[i]}",
                                           f"date {c.iso(np.array([date[i]]))[0]}",
                                           f"amount {amounts[i] or '-'} KRW"])
    if not write_files:
        files = [""] * n
    return {"doc_id": doc_ids, "complex_id": complex_ids[owner], "title": np.asarray(titles, dtype=object),
            "kind": kind, "date": c.iso(date), "amount": np.asarray(amounts, dtype=object),
            "category": np.asarray(cats, dtype=object), "approvals": np.asarray(trails, dtype=object),
            "names_public": c.flag(names_public), "file": np.asarray(files, dtype=object),
            "contract_id": np.asarray(links, dtype=object), "public": c.flag(public)}
