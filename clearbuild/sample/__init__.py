"""Seeded generator of a realistic Seoul export: the bundled demo and the benchmarks' input.

Why generated and not real: real exports carry private columns (phones, accounts, internal
notes) that must never be committed; a generator makes them fake but present, so tests can
prove they never reach output/. Why seeded: the demo site and its golden tests must not change
between runs. Each table draws from its own random stream (seed + table name), so asking for
more contracts does not reshuffle the projects.

    python -m clearbuild.sample data/sample/2026-11-20 # the bundled demo (named by its date, AS_OF)
    python -m clearbuild.sample /tmp/seoul --contracts 175000 --notices 44000 \\
        --companies 61000 --projects 2600 --no-photos   # Seoul's 3-year size
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

from ..schema import ORDER
from . import agencies, contracting, localize, media, money, places, procurement, red_flags, works
from . import apartments as apt_mod
from . import companies as company_mod
from . import projects as project_mod
from .common import write_table
from .names import Namer

DEFAULT_SEED = 20261120


class SampleError(ValueError):
    """Sizes the generator cannot honour (reported by the CLI as one line)."""


def default_notices(contracts: int) -> int:
    """Enough notices for ~75% competitive contracts plus the open and failed ones."""
    return round(contracts * 0.75 / 0.95)


def default_plans(notices: int) -> int:
    return round(notices * 0.9)


def generate(out_dir: str | Path, seed: int = DEFAULT_SEED, projects: int = 300, contracts: int = 5000,
             companies: int = 2000, notices: int | None = None, plans: int | None = None,
             apartments: int = 40, apartment_documents: int = 2000, photos: bool = True,
             locale: str | Path | None = None) -> dict[str, int]:
    """Write one CSV per schema table (and photos/, documents/, project_documents/) into out_dir;
    rows per table.

    ``contracts`` is raised to the number of projects with a works contract when it is lower.
    ``locale``: a deployment's sample.json (clearbuild/sample/localize.py); None: Seoul.
    """
    if min(projects, contracts, companies, apartments) < 1 or apartment_documents < 0:
        raise SampleError("projects, contracts, companies and apartments must be at least 1")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _clear(out)
    notices = default_notices(contracts) if notices is None else notices
    plans = default_plans(notices) if plans is None else plans

    def rng(name: str) -> np.random.Generator:
        return np.random.default_rng([seed, zlib.crc32(name.encode())])

    loc = localize.load(locale) if locale else None
    g = places.load(loc.boundaries, "") if loc else places.load()
    ag = agencies.make(g)
    comp = company_mod.make(g, rng("companies"), companies)
    namer = Namer(g, rng("names"))
    sk = project_mod.skeleton(g, rng("projects"), ag, namer, projects)
    proc = procurement.make(rng("procurement"), comp, ag, namer, len(g.codes), contracts, notices, plans,
                            sk.needs(), lot_rng=rng("lots"))
    pc = np.flatnonzero(sk.contracted)
    n_pc = len(pc)
    proc.tables["contracts"]["project_id"][:n_pc] = sk.ids[pc]
    orders, amends, added, last = works.change_orders(rng("changes"), sk, proc.start[:n_pc], proc.end[:n_pc],
                                                      proc.amount[:n_pc], proc.contract_ids[:n_pc])
    lf = project_mod.life(rng("life"), sk, proc, added, last)
    supervisors = np.asarray([f"{n} 건설사업관리단" for n in comp.names[comp.pool("general_services")]],
                             dtype=object)
    subs, sub_project, sub_firm = money.subcontracts(rng("subcontracts"), sk, lf, comp, proc.amount)
    tables = dict(proc.tables)
    tables["contract_amendments"] = {k: np.concatenate([np.asarray(v, dtype=object),
                                                        np.asarray(amends[k], dtype=object)])
                                     for k, v in proc.tables["contract_amendments"].items()}
    plans, notices, cons = tables["procurement_plans"], tables["bid_notices"], tables["contracts"]
    plans["description"] = contracting.overviews(
        plans["title"], plans["kind"], np.asarray(plans["estimated_amount"], dtype=np.int64),
        plans["planned_month"], rng("overviews"))
    notices["required_documents"] = contracting.required_documents(notices["title"], notices["kind"])
    tables["contract_payments"] = contracting.payments(
        rng("contract_payments"), proc.contract_ids, np.asarray(cons["kind"]), proc.signed, proc.start,
        proc.end, proc.amount)
    tables["projects"] = project_mod.table(g, rng("projects.table"), sk, lf, ag, namer, proc, supervisors)
    tables["progress"] = works.progress(rng("progress"), sk, lf)
    tables["inspections"] = works.inspections(rng("inspections"), sk, lf)
    tables["change_orders"] = orders
    tables["photos"] = media.photos(rng("photos"), sk, lf, out, photos)
    tables["project_documents"] = media.project_documents(rng("project_documents"), sk, lf, out, photos)
    tables["subcontracts"] = subs
    tables["payments"] = money.payments(rng("payments"), sk, lf, comp, ag, proc.amount, proc.firm,
                                        sub_project, sub_firm)
    tables["companies"] = comp.cols
    apts, names = apt_mod.complexes(g, rng("apartments"), apartments)
    tables["apartments"] = apts
    services = proc.contract_ids[np.asarray(proc.tables["contracts"]["kind"]) == "services"]
    tables["apartment_documents"] = apt_mod.documents(
        rng("apartment_documents"), np.asarray(apts["complex_id"]), names, apartment_documents, services,
        out, write_files=True)
    red_flags.plant(tables)  # the integrity signals too rare to appear by chance
    if loc:
        tables = localize.apply(tables, g, loc, {c: d.name for c, d in g.districts.items()})
    return {name: write_table(out, name, tables[name]) for name in ORDER}


def _clear(out: Path) -> None:
    """Remove the files an earlier run wrote here (and only those), so none is left stale."""
    for pattern in ("photos/PH-*.jpg", "documents/D-*.pdf", "project_documents/PD-*.pdf"):
        for f in out.glob(pattern):
            f.unlink()
