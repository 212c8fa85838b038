"""Sample companies: valid business numbers, Korean firm names, an industry, a place, flags.

Business numbers are written in both forms real exports mix (123-45-67890 and 1234567890),
so ingest's canonicalisation is exercised by the demo itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import common as c
from .places import Geo, addresses, place, spread
from .vocab import FIRST, INDUSTRIES, PLACE_PREFIX, SECOND, STEMS

# Where firms sit: the business districts (Gangnam, Seocho, Songpa, Guro, Geumcheon,
# Yeongdeungpo, Jung) hold more of them.
BUSY = {"11230": 3.0, "11220": 2.5, "11240": 2.0, "11170": 2.0, "11180": 2.0, "11190": 2.0, "11020": 1.5}
DOMAIN_SUFFIX = {"general_works": "const", "construction_works": "eng", "electrical_works": "elec",
                 "telecom_works": "tel", "fire_works": "fire", "general_services": "tech",
                 "waste_services": "env", "goods": "co"}


@dataclass
class Companies:
    digits: np.ndarray  # canonical 10-digit ids
    written: np.ndarray  # the id as companies.csv writes it (mixed forms)
    names: np.ndarray
    industry: np.ndarray
    work_type: np.ndarray
    district_idx: np.ndarray
    cols: dict[str, c.Col]

    def __len__(self) -> int:
        return len(self.digits)

    def pool(self, work_type: str, industry: str | None = None) -> np.ndarray:
        """Indices of the companies that compete for a kind of work (all, if none do)."""
        mask = self.work_type == work_type if industry is None else self.industry == industry
        idx = np.flatnonzero(mask)
        return idx if len(idx) else np.arange(len(self))


def make(g: Geo, rng: np.random.Generator, n: int) -> Companies:
    digits = c.business_numbers(rng, n)
    written = np.where(rng.random(n) < 0.6, c.hyphenate(digits), digits).astype(object)
    shares = np.array([ind[3] for ind in INDUSTRIES])
    k = len(INDUSTRIES)  # one firm of each industry first, so even a tiny sample has every pool
    ind_idx = np.concatenate([np.arange(min(n, k)), rng.choice(k, max(0, n - k), p=shares / shares.sum())])
    industry = np.array([INDUSTRIES[i][0] for i in ind_idx], dtype=object)
    work_type = np.array([INDUSTRIES[i][1] for i in ind_idx], dtype=object)
    corp = np.array([d[3:5] in ("81", "86", "87", "88") for d in digits])
    f1, f2 = rng.integers(0, len(FIRST), n), rng.integers(0, len(SECOND), n)
    other = rng.integers(0, len(STEMS), n)
    use_other = rng.random(n) < 0.05
    stems = [STEMS[o] if u else (FIRST[a][0] + SECOND[b][0], FIRST[a][1] + SECOND[b][1])
             for a, b, o, u in zip(f1, f2, other, use_other, strict=True)]
    np_ = len(PLACE_PREFIX)
    pre = rng.choice(np_, n, p=[0.7] + [0.3 / (np_ - 1)] * (np_ - 1))
    form = rng.integers(0, 6, n)
    names, domains = [], []
    for i in range(n):
        s = PLACE_PREFIX[pre[i]][0] + stems[i][0]
        forms = INDUSTRIES[ind_idx[i]][2]
        name = forms[form[i] % len(forms)].format(s=s)
        if not corp[i]:  # a sole proprietor's business carries no (주) / 주식회사
            name = name.replace("주식회사 ", "").replace("(주)", "") or s
        names.append(name)
        domains.append(f"{PLACE_PREFIX[pre[i]][1]}{stems[i][1]}{DOMAIN_SUFFIX[work_type[i]]}.co.kr")
    weights = np.array([BUSY.get(code, 1.0) for code in g.codes])
    didx = spread(rng, n, len(g.codes), weights)
    lat, lon, dong = place(g, rng, didx)
    has_web = rng.random(n) < 0.35
    mailbox = c.pick(rng, ["info", "contact", "bid", "ceo"], n)
    cols: dict[str, c.Col] = {
        "company_id": written,
        "name": np.asarray(names, dtype=object),
        "address": addresses(g, rng, didx, dong),
        "lat": c.coord(lat), "lon": c.coord(lon),
        "district_code": np.asarray(g.codes, dtype=object)[didx],
        "industry": industry,
        "small_business": c.flag(rng.random(n) < 0.85, "Y", "N"),
        "disabled_owned": c.flag(rng.random(n) < 0.03, "Y", "N"),
        "startup": c.flag(rng.random(n) < 0.10, "Y", "N"),
        "website": np.where(has_web, np.char.add("https://www.", np.asarray(domains, dtype=str)), ""),
        "representative_phone": c.phones(rng, n, "02"),
        "email": np.asarray([f"{m}@{d}" for m, d in zip(mailbox, domains, strict=True)], dtype=object),
    }
    return Companies(digits, written, np.asarray(names, dtype=object), industry, work_type, didx, cols)
