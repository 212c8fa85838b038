"""cb_contracts: plans, bid notices and results, contracts, companies, certificates (issue 3).

Pages are queued on the shared renderer (the build context's ``renderer``,
clearbuild.buildcontext); the browser's data files
(company ids for the lookup, certificate codes for /verify/, company markers per district) and
the Atom feeds are written in ``generate_output``. docs/contracts.md describes every page.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, pass_environment
from pelican import signals
from pelican.generators import Generator

from clearbuild import buildcontext, config, contractpay
from clearbuild.certcodes import SHARD_HEX, cert_kind
from clearbuild.publish import setting as publish_setting

from . import companymap, feeds, jsdata, listings, paper
from .certificates import add_superseded
from .model import Chain
from .site import Site, lookups, queue_all

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "CB_CONTRACTS_HOME_ROWS": 20,  # notices and contracts listed on the section's home
    "CB_CONTRACTS_FEED_ENTRIES": 50,  # newest notices per Atom feed
}


def setting(settings: dict[str, Any], name: str) -> Any:
    return settings.get(name, DEFAULTS[name])


def _pairs(rows: list[tuple[Any, ...]], labels: dict[str, str]) -> list[tuple[str, Any]]:
    """(key, ..., value) rows -> (translated label, value) pairs for bar_chart."""
    return [(labels.get(r[0], r[0]), r[-1]) for r in rows]


@pass_environment
def macros(env: Environment) -> Any:
    """contracts_macros.html as a module, cached by the (language) environment rendering the page.

    Why not {% import %}: every import compares the page's globals with the module's (~20 µs),
    which is a tenth of a contract page's render time.
    """
    return env.get_template("contracts_macros.html").module


def on_generator_init(generator: Any) -> None:
    env = generator.env
    env.globals["ct_macros"] = macros
    env.filters["ct_pairs"] = _pairs
    env.filters["ct_bucket"] = bucket_of
    env.filters["ct_cert_kind"] = cert_kind
    env.globals.update(paper.globals_for(generator.settings))


def bucket_of(r: dict[str, Any], dim: str) -> str:
    """The listing page a record appears in for one dimension (agency x year, kind x month ...)."""
    section = "plans" if "plan_id" in r and "notice_id" not in r else (
        "contracts" if "contract_id" in r else "notices")
    when = r.get(listings.SECTIONS[section][1]) or ""
    value = when[:7] if dim == "month" else r.get(dim) or ""
    return listings.bucket_path(section, dim, value, when[:listings.DIMENSIONS[dim]])


class ContractsGenerator(Generator):
    site: Site

    def generate_context(self) -> None:
        started = time.time()
        r = buildcontext.renderer_of(self.context)
        before = r.queued()
        self.site = queue_all(buildcontext.dataset_of(self.context), r,
                              home_rows=setting(self.settings, "CB_CONTRACTS_HOME_ROWS"),
                              districts=config.districts(self.settings),
                              maps=buildcontext.of(self.context).maps,
                              deadline=contractpay.Deadline.of(self.settings))
        old = 0
        if not self.settings.get("CB_CLUSTER_WORKER"):  # a cluster worker writes pages only
            old = self._lookups(Path(self.output_path))
        log.info("cb_contracts: %d pages queued, %d superseded certificate codes in %.2f s",
                 r.queued() - before, old, time.time() - started)

    def _lookups(self, out: Path) -> int:
        """The company lookup's and the certificate check's shards and the company map's
        district files, written as soon as they are complete and let go; how many superseded
        codes the check knows from earlier nights. Why not with the other data files
        (``generate_output``, after the render): at Seoul's size 61,000 companies and ~86,000
        codes, each an entry of a few fields, and the map's 61,000 markers (17 MB of the parent,
        traced) waited in the parent's heap through the whole render, which every render worker
        maps; they grow with the corpus. Why made here, after every page is queued: site.lookups."""
        site, money = self.site, self.env.filters["money"]
        ids, codes = lookups(site.chain, money)
        # Codes printed on earlier nights, from the nightly's ledger beside the record histories.
        old = add_superseded(codes, config.resolve(publish_setting(self.settings, "CB_HISTORY_DIR")),
                             site.chain.as_of, money)
        jsdata.write_shards(out / "companies" / "ids", "cbCompanyIds",
                            [f"{i:02d}" for i in range(100)], ids)
        del ids
        jsdata.write_shards(out / "verify" / "codes", "cbCertCodes",
                            [f"{i:02x}" for i in range(16 ** SHARD_HEX)], codes)
        del codes
        maps = buildcontext.of(self.context).maps
        for s in site.sets:
            jsdata.write_if_changed(out / s.src, companymap.data_source(maps, s.key, s.encoded()))
        return old

    def generate_output(self, writer: Any) -> None:
        started = time.time()
        out = Path(self.output_path)
        self._feeds(out, self.site.chain)
        log.info("cb_contracts: feeds written in %.2f s", time.time() - started)

    def _feeds(self, out: Path, ch: Chain) -> None:
        from clearbuild import i18n

        lang = config.setting(self.settings, "CB_LANGUAGES")[0]
        catalog = i18n.load(lang)

        def t(msg: str) -> str:
            m = catalog.get(msg)
            return (m.string if m and m.string else msg) if isinstance(msg, str) else msg

        common = {"site_url": self.settings.get("SITEURL", ""), "site_name": self.settings.get(
            "SITENAME", ""), "tz": ZoneInfo(self.settings.get("TIMEZONE") or "UTC"),
            "limit": setting(self.settings, "CB_CONTRACTS_FEED_ENTRIES"),
            "labels": {"agency": t("Agency"), "deadline": t("Deadline"),
                       "estimated_price": t("Estimated price")}}
        notices = list(ch.notices.values())
        path = feeds.feed_path()
        jsdata.write_if_changed(out / path, feeds.notice_feed(
            notices, title=f"{common['site_name']}: {t('New bid notices')}", path=path,
            **common).decode("utf-8"))
        by_agency: dict[str, list[dict[str, Any]]] = {}
        for n in notices:
            by_agency.setdefault(n["agency"], []).append(n)
        for agency, rows in sorted(by_agency.items()):
            path = feeds.feed_path(agency)
            jsdata.write_if_changed(out / path, feeds.notice_feed(
                rows, title=f"{agency}: {t('New bid notices')}", path=path, **common).decode("utf-8"))


def get_generators(pelican: Any) -> type[Generator]:
    return ContractsGenerator


def register() -> None:
    signals.generator_init.connect(on_generator_init)
    signals.get_generators.connect(get_generators)
