"""Queue every contracts page on a renderer and collect the browser's data, without Pelican.

Why apart from the Pelican generator: the benchmark (bench.py) and the tests run exactly this
code with a stub renderer, so the figures measured are the build's own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from clearbuild import contractpay, kinds
from clearbuild.dataset import Dataset

from . import companymap, feeds, listings
from .certificates import Codes, add_code, certificate, certificates_of
from .model import Chain, build_chain
from .pages import company_context, contract_context, home_context, notice_context, plan_context


class Queue(Protocol):
    def add(self, template: str, path: str, **context: Any) -> None: ...

    def add_records(self, kind: str, records: Iterable[dict[str, Any]],
                    context: Callable[[dict[str, Any]], dict[str, Any]]) -> None: ...

    def add_lazy(self, template: str, items: Iterable[tuple[str, Any]],
                 context: Callable[[Any], dict[str, Any]], under: tuple[str, str] | None = None,
                 heavy: bool = False) -> None: ...


@dataclass
class Site:
    """What generate_output needs after the pages are queued."""

    chain: Chain
    sets: list[companymap.DistrictSet] = field(default_factory=list)


def chain_pages(ch: Chain) -> kinds.Pages:
    """The records of the section's four kinds and their contexts, all from one Chain."""
    return {"plans": (ch.plans.values(), functools.partial(plan_context, ch)),
            "notices": (ch.notices.values(), functools.partial(notice_context, ch)),
            "contracts": (ch.contracts.values(), functools.partial(contract_context, ch)),
            "companies": (ch.companies.values(), functools.partial(company_page, ch))}


@kinds.pages("plans", "notices", "contracts", "companies")
def record_pages(ds: Dataset, settings: dict[str, Any]) -> kinds.Pages:
    """clearbuild.kinds.pages: the Chain made of ``ds`` as the section makes it."""
    return chain_pages(build_chain(ds, contractpay.Deadline.of(settings)))


def queue_all(ds: Dataset, r: Queue, *, home_rows: int,
              districts: Iterable[str], maps: dict[str, Any] | None,
              deadline: contractpay.Deadline | None = None) -> Site:
    ch = build_chain(ds, deadline)
    site = Site(ch)
    # Contexts are made where each page is rendered (clearbuild.render), from the shared Chain.
    pages = chain_pages(ch)
    for kind in ("plans", "notices", "contracts"):
        r.add_records(kind, *pages[kind])
    _companies(ch, r, pages)
    _listings(ch, r, home_rows)
    site.sets = companymap.district_sets(ch, districts, maps)
    descriptors = [{**s.descriptor(s.key), "total": len(s.companies)} for s in site.sets]
    initial = max(descriptors, key=lambda d: (d["count"], d["key"]))["key"] if descriptors else None
    r.add("contracts_map.html", "companies/map/index.html", sets=descriptors, initial=initial,
          industries=companymap.industries(ch))
    for s in site.sets:
        r.add("contracts_district.html", companymap.district_page_path(s.code), code=s.code,
              companies=s.companies)
    r.add("contracts_lookup.html", "companies/index.html")
    r.add("contracts_verify.html", "verify/index.html", as_of=ch.as_of)
    r.add("contracts_index.html", "contracts/index.html", dataset_date=ch.as_of,
          **home_context(ch, home_rows))
    return site


def _companies(ch: Chain, r: Queue, queued: kinds.Pages) -> None:
    """Company pages and their certificates."""
    r.add_records("companies", *queued["companies"])
    pages = [(key, key) for company in ch.companies.values()
             for key in (f"{company['company_id']}/certificates/{kind}"
                         for kind in certificates_of(ch, company))]
    # Contexts made where each certificate page is rendered (42,000 at Seoul's size).
    # Queued by company and kind: the path is made when read (clearbuild.pagequeue).
    r.add_lazy("contracts_certificate.html", pages, functools.partial(certificate_page, ch),
               under=("companies/", "/index.html"))


def lookups(ch: Chain, money: Callable[[Any], str]) -> tuple[dict[str, dict[str, Any]], Codes]:
    """The company lookup's entries (shard -> company id -> its name and certificate kinds) and
    the certificate check's codes (shard -> code -> entry), for every company.

    Why apart from the pages they describe, made once every page is queued and let go once
    written (cb_contracts ``_lookups``): made while the pages were queued, these (~55 MB at
    Seoul's size) were let go among objects that live through the render, and pymalloc's arenas
    kept the holes: 60 MB free in them at the render's start. Made last, they fill arenas of
    their own, which go back to the system whole when they are let go."""
    ids: dict[str, dict[str, Any]] = {}
    codes: Codes = {}
    for company in ch.companies.values():
        cid = company["company_id"]
        certs = certificates_of(ch, company)
        for kind, rows in certs.items():
            add_code(codes, certificate(ch, company, kind, rows)[1], money)
        ids.setdefault(cid[:2], {})[cid] = {"n": company["name"], "k": list(certs)}
    return ids, codes


def certificate_page(ch: Chain, which: str) -> dict[str, Any]:
    """A company's certificate of one kind (its contracts of that kind), as its page shows it;
    ``which``: "<company id>/certificates/<kind>", the page's key."""
    company_id, kind = which.split("/certificates/")
    company = ch.companies[company_id]
    return certificate(ch, company, kind, certificates_of(ch, company)[kind])[0]


def company_page(ch: Chain, company: dict[str, Any]) -> dict[str, Any]:
    return company_context(ch, company, certificates_of(ch, company))


def _listings(ch: Chain, r: Queue, home_rows: int) -> None:
    jobs: list[tuple[str, Any]] = []
    newest: dict[str, list[dict[str, Any]]] = {}
    for section in listings.SECTIONS:
        dims = list(listings.SECTION_DIMENSIONS[section])
        newest[section] = latest = listings.newest_first(ch, section)
        found = listings.buckets(ch, section, latest)
        sib = listings.siblings(found)
        for b in found:
            extra = {"feed": feeds.feed_path(b.value)} if section == "notices" and b.dim == "agency" else {}
            jobs.append((b.path, (b, sib[(section, b.dim, "" if b.dim == "month" else b.value)], extra)))
        for dim in dims:
            r.add("contracts_listing_index.html", listings.dim_index_path(section, dim), section=section,
                  dim=dim, dims=dims, groups=listings.dimension_index(found, section, dim))
        if section != "contracts":  # contracts/index.html is the section's home
            r.add("contracts_section.html", f"{section}/index.html", section=section, dims=dims,
                  count=len(latest), latest=latest[:home_rows])
    # A bucket's rows are made where its page is rendered (listings.rows): queued, a bucket
    # holds its records' numbers.
    r.add_lazy("contracts_listing.html", jobs, functools.partial(listing_page, ch, newest), heavy=True)


def listing_page(ch: Chain, newest: dict[str, list[dict[str, Any]]], job: Any) -> dict[str, Any]:
    """A bucket's page: ``job`` is (bucket, its siblings, extra context)."""
    b, siblings, extra = job
    return {"section": b.section, "dim": b.dim, "value": b.value, "period": b.period,
            "rows": listings.rows(ch, newest[b.section], b), "siblings": siblings, **extra}
