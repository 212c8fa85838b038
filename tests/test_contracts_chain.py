"""The contracting chain's bids (plugins/cb_contracts/model.py): read per notice and per company
when a page asks, in the order the pages show, on a generated export with lots, disqualified
and unranked bids."""

from __future__ import annotations

from pathlib import Path

import pytest
from cb_contracts.model import _rank_key, build_chain

from clearbuild import loader
from clearbuild.build import settings_for
from clearbuild.sample import generate


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    folder: Path = tmp_path_factory.mktemp("chain") / "export"
    generate(folder, seed=11, photos=False, projects=40, contracts=400, notices=160, companies=60)
    return loader.load(settings_for(overrides={"CB_DATA": str(folder)}))


def eager(ds):
    """The bids as the chain once built them, all at once: every bid sorted newest notice
    first, appended to its notice and company, each notice's list then ranked."""
    notices, companies = ds.index("bid_notices", "notice_id"), ds.index("companies", "company_id")
    bids = [r for rows in ds.group("bid_results", "notice_id").values() for r in rows]
    bids.sort(key=lambda r: (notices[r["notice_id"]]["published_at"], r["notice_id"]), reverse=True)
    by_notice, by_company, titles = {}, {}, {}
    for r in bids:
        by_notice.setdefault(r["notice_id"], []).append((r, companies[r["company_id"]]))
        by_company.setdefault(r["company_id"], []).append((r, notices[r["notice_id"]]))
        if r.get("lot_id"):
            key = (r["notice_id"], r["lot_id"])
            titles[key] = titles.get(key) or r.get("lot_title") or ""
    for rows in by_notice.values():
        rows.sort(key=_rank_key)
    return by_notice, by_company, titles


def test_bids_per_notice_and_company_are_the_pages_order(ds) -> None:
    ch = build_chain(ds)
    by_notice, by_company, titles = eager(ds)
    assert len(by_notice) > 50 and any(len(v) > 3 for v in by_company.values())
    every = [r for rows in by_notice.values() for r, _ in rows]
    assert any(r.get("lot_id") for r in every)  # lots, disqualified and unranked bids are in it
    assert any(r.get("disqualified_reason") for r in every) and any(r.get("rank") is None for r in every)
    assert set(ch.results_by_notice) == set(by_notice)
    assert set(ch.results_by_company) == set(by_company)
    for nid, rows in by_notice.items():
        assert ch.results_by_notice[nid] == rows, nid
    for cid, rows in by_company.items():
        assert ch.results_by_company[cid] == rows, cid
    assert ch.lot_titles == titles
    assert ch.results_by_notice.get("no such notice", []) == []
    assert "no such company" not in ch.results_by_company


def test_buckets_hold_numbers_and_their_pages_show_what_the_records_put_in_them(ds):
    """A bucket keeps its records' numbers in the section's newest-first order; its page's rows
    (cb_contracts.listings.rows) are the records the bucket's dimension and period select,
    newest first, each contract paired with its company."""
    from cb_contracts import listings
    from cb_contracts.site import listing_page

    ch = build_chain(ds)
    seen = 0
    for section, (_, date_col) in listings.SECTIONS.items():
        newest = listings.newest_first(ch, section)
        found = listings.buckets(ch, section, newest)
        assert found and all(b.rows.dtype.kind == "i" for b in found)  # numbers, not records
        for b in found:
            length = listings.SECTION_DIMENSIONS[section][b.dim]

            def value(r, dim=b.dim, date_col=date_col):
                return (r[date_col][:7] if dim == "month" else ch.pay_status[r["contract_id"]]
                        if dim == "payment" else r.get(dim))

            want = [r for r in newest if len(r.get(date_col) or "") >= 7 and value(r) == b.value
                    and r[date_col][:length] == b.period]
            if section == "contracts":
                want = [(c, ch.companies[c["company_id"]]) for c in want]
            page = listing_page(ch, {section: newest}, (b, [], {}))
            assert page["rows"] == want and page["rows"], (section, b.dim, b.value, b.period)
            seen += len(want)
    assert seen > 3 * 400


class _Queue:
    """What queue_all queues, by template: lazily queued items as their keys."""

    def __init__(self) -> None:
        self.by_template: dict[str, list] = {}

    def add(self, template, path, **context) -> None:
        self.by_template.setdefault(template, []).append((path, context))

    def add_records(self, kind, records, context) -> None:
        self.by_template.setdefault(kind, []).extend(records)

    def add_lazy(self, template, items, context, under=None, heavy=False) -> None:
        self.by_template.setdefault(template, []).extend(key for key, _ in items)


def test_the_lookups_made_after_the_queue_name_every_queued_certificate(ds) -> None:
    # The company lookup and the certificate codes are made apart from the pages, once every
    # page is queued (site.lookups): both passes must see the same certificates.
    from cb_contracts.certificates import certificate, certificates_of
    from cb_contracts.site import lookups, queue_all

    q = _Queue()
    site = queue_all(ds, q, home_rows=5, districts=[], maps=None)
    ids, codes = lookups(site.chain, money=lambda v: f"{v}")
    queued = q.by_template["contracts_certificate.html"]
    assert queued and len(set(queued)) == len(queued)
    looked_up = [f"{cid}/certificates/{kind}" for shard in ids.values()
                 for cid, entry in shard.items() for kind in entry["k"]]
    assert sorted(looked_up) == sorted(queued)
    assert {cid for shard in ids.values() for cid in shard} == set(site.chain.companies)
    all_codes = {code: entry for shard in codes.values() for code, entry in shard.items()}
    assert len(all_codes) == len(queued)  # one code per certificate page
    company = next(c for c in site.chain.companies.values() if ids[c["company_id"][:2]][c["company_id"]]["k"])
    kind = ids[company["company_id"][:2]][company["company_id"]]["k"][0]
    cert = certificate(site.chain, company, kind, certificates_of(site.chain, company)[kind])[1]
    assert all_codes[cert.code]["total_text"] == f"{cert.total}"
    # a district's markers are made when its descriptor or file needs them, the same each time
    assert [s.descriptor(s.key)["count"] for s in site.sets] == \
        [len(s.encoded()["rows"]) for s in site.sets]
