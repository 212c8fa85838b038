"""Kyiv's deployment: Ukrainian first, English second, hryvnias, Kyiv's 10 raions (OSM, ODbL).

`invoke build --deployment kyiv` builds it (the demo is generated into deployments/kyiv/demo/
on first use, from sample.json); `--data DIR` builds a real export with these settings.
docs/deployments.md explains each value; docs/signals.md cites the thresholds.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pelicanconf import *  # noqa: E402,F403

SITENAME = "Прозоре будівництво Києва"
TIMEZONE = "Europe/Kyiv"
DEFAULT_LANG = "uk"
CB_LANGUAGES = ["uk", "en"]
CB_CONTENT = "deployments/kyiv/content"
CB_CITY_NAME = "м. Київ"
CB_ISSUER = "Київська міська державна адміністрація"
CB_BOUNDARIES = "deployments/kyiv/kyiv_raions.geojson"
CB_BOUNDARIES_ATTRIBUTION = "© OpenStreetMap contributors (ODbL 1.0): Kyiv raions"
CB_CURRENCY = "UAH"
CB_CURRENCY_SYMBOL = "грн"
CB_CURRENCY_MINOR_DIGITS = 2  # kopiyky: amounts are integers in kopiyky
CB_CURRENCY_SYMBOLS = {"en": "UAH"}  # English pages: "1,234.56 UAH"
CB_DATE_FORMATS = {"uk": "dd.MM.y"}  # Babel patterns per language; others ISO
CB_PARTY_IDS = "any"  # EDRPOU codes, not Korean business numbers
CB_SAMPLE_DIR = "deployments/kyiv/demo/2026-11-20"
CB_EXPORTS_DIR = "deployments/kyiv/exports"
CB_REPORT_DIR = "reports/kyiv"
CB_HISTORY_DIR = "deployments/kyiv/history"
CB_ADMIN_DB = None  # Seoul's demo admin database is not Kyiv's
CB_OCDS_PREFIX = "ocds-cbkyiv"
CB_OCDS_PUBLISHER = "Київська міська державна адміністрація"

# Integrity signals: Law of Ukraine "On Public Procurement" No. 922-VIII, Art. 3 (docs/signals.md).
# Expected values include VAT, so nothing is divided out. Amounts in kopiyky.
CB_SIGNALS_COMPETITIVE_THRESHOLDS = {"construction": 150_000_000,  # works: UAH 1,500,000
                                     "services": 20_000_000, "goods": 20_000_000}  # UAH 200,000
CB_SIGNALS_VAT_RATE = 0.0
CB_SIGNALS_DIRECT_METHODS = ["sole_source"]
CB_SIGNALS_ROUTINE_REASONS = ["ціна пропозиції аномально низька"]
CB_SIGNALS_TENDER_MIN_DAYS = {"construction": [[0, 3], [150_000_000, 15]],  # Art. 14, Art. 20
                              "services": [[0, 3], [20_000_000, 15]], "goods": [[0, 3], [20_000_000, 15]]}

# Map controls in each language (the built-in ones are Korean).
CB_MAPS_LABELS = {
    "uk": {"open": "Відкрити", "loading": "Завантаження…", "failed": "Не вдалося завантажити",
           "more": "…", "skip": "Пропустити мапу", "legend": "Легенда", "cluster": "тут: Enter — наблизити"},
    "en": {"open": "Open", "loading": "Loading…", "failed": "Could not load", "more": "…",
           "skip": "Skip the map", "legend": "Legend", "cluster": "here: press Enter to zoom in"},
}
