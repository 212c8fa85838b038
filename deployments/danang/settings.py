"""Da Nang's deployment: Vietnamese first, English second, dong, the city's 7 districts as they
were until 2025-06-30 (Who's On First, CC0).

`invoke build --deployment danang` builds it (the demo is generated into deployments/danang/demo/
on first use, from sample.json); `--data DIR` builds a real export with these settings.
docs/deployments.md explains each value; docs/signals.md cites the thresholds.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pelicanconf import *  # noqa: E402,F403

SITENAME = "Minh bạch công trình Đà Nẵng"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
CB_LANGUAGES = ["vi", "en"]
CB_CONTENT = "deployments/danang/content"
CB_CITY_NAME = "TP. Đà Nẵng"
CB_ISSUER = "Ủy ban nhân dân thành phố Đà Nẵng"
CB_BOUNDARIES = "deployments/danang/danang_districts_pre2025_wof_cc0.geojson"
CB_BOUNDARIES_ATTRIBUTION = "Data from Who's On First (CC0): Đà Nẵng districts before 2025-07-01"
CB_CURRENCY = "VND"
CB_CURRENCY_SYMBOL = "₫"
CB_CURRENCY_SYMBOLS = {"en": "VND"}  # not the Seoul demo's KRW (pelicanconf is imported above)
CB_CURRENCY_MINOR_DIGITS = 0  # the dong has no minor unit in use
CB_DATE_FORMATS = {"vi": "dd/MM/y"}  # Babel patterns per language; others ISO
CB_PARTY_IDS = "any"  # Vietnamese tax codes (mã số thuế), not Korean business numbers
CB_SAMPLE_DIR = "deployments/danang/demo/2026-11-20"
CB_EXPORTS_DIR = "deployments/danang/exports"
CB_REPORT_DIR = "reports/danang"
CB_HISTORY_DIR = "deployments/danang/history"
CB_ADMIN_DB = None  # Seoul's demo admin database is not Da Nang's
CB_OCDS_PREFIX = "ocds-cbdnng"
CB_OCDS_PUBLISHER = "Ủy ban nhân dân thành phố Đà Nẵng"

# Integrity signals: Law on Bidding No. 22/2023/QH15, Art. 23, and Decree 24/2024/ND-CP, Art. 80
# (direct appointment limits; docs/signals.md says what we could not verify). Package prices
# include taxes, so nothing is divided out. Amounts in dong.
CB_SIGNALS_COMPETITIVE_THRESHOLDS = {"construction": 1_000_000_000, "goods": 1_000_000_000,
                                     "services": 500_000_000}  # consultancy 500 million
CB_SIGNALS_VAT_RATE = 0.0
CB_SIGNALS_DIRECT_METHODS = ["sole_source"]
CB_SIGNALS_ROUTINE_REASONS = ["giá dự thầu thấp bất thường"]
CB_SIGNALS_TENDER_MIN_DAYS = {"construction": [[0, 10], [20_000_000_000, 18]],  # Law 22/2023 Art. 45
                              "services": [[0, 10], [10_000_000_000, 18]],
                              "goods": [[0, 10], [10_000_000_000, 18]]}
CB_CURRENCY_SPACE = True  # "1.234.567 ₫"

# Map controls in each language (the built-in ones are Korean).
CB_MAPS_LABELS = {
    "vi": {"open": "Mở", "loading": "Đang tải…", "failed": "Không tải được", "more": "…",
           "skip": "Bỏ qua bản đồ", "legend": "Chú giải", "cluster": "tại đây: nhấn Enter để phóng to"},
    "en": {"open": "Open", "loading": "Loading…", "failed": "Could not load", "more": "…",
           "skip": "Skip the map", "legend": "Legend", "cluster": "here: press Enter to zoom in"},
}
