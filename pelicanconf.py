"""Settings for a local or demo build. Deployment-specific values (city, language, currency,
boundaries) are CB_ settings documented in docs/settings.md; clearbuild/config.py holds defaults.
"""

import os

SITENAME = "서울 공공공사 공개"
CB_SITENAMES = {"en": "Seoul Public Works Disclosure"}  # SITENAME in the other languages
SITEURL = ""
RELATIVE_URLS = True  # the same output works on a CDN and from file://
PATH = "content"
THEME = "theme"
THEME_STATIC_DIR = "static"
TIMEZONE = "Asia/Seoul"
DEFAULT_LANG = "ko"
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = ["articles"]
PAGE_URL = "pages/{slug}/index.html"
PAGE_SAVE_AS = PAGE_LANG_SAVE_AS = ""  # cb_pages renders pages/{slug}/ in every language
PAGE_LANG_URL = "{lang}/pages/{slug}/index.html"
ARTICLE_SAVE_AS = ""
DIRECT_TEMPLATES: list[str] = []
TAG_SAVE_AS = CATEGORY_SAVE_AS = AUTHOR_SAVE_AS = ""
TAGS_SAVE_AS = CATEGORIES_SAVE_AS = AUTHORS_SAVE_AS = ARCHIVES_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = False
STATIC_PATHS: list[str] = []
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

JINJA_ENVIRONMENT = {
    "autoescape": True,  # every template, every value: data is never trusted as HTML
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": ["jinja2.ext.i18n"],
}

PLUGIN_PATHS = ["plugins"]
# Order matters twice: cb_dataset's generator must fill the context before the sections queue
# pages on it; filters (cb_theme, cb_charts, cb_maps) attach to every generator's environment.
PLUGINS = [
    "cb_theme", "cb_charts", "cb_maps", "cb_sanitize",  # filters and globals on every environment
    "cb_dataset",  # the Dataset and the renderer: before every section
    # Reads the Dataset only: computed in a forked child while the heap is small (its
    # temporaries go with the child), taken once every section has made its context.
    "cb_signals",
    # The search index reads the Dataset's tables and the content pages only. Built before the
    # sections, its temporaries (~0.55 GB at Seoul's size) come while the heap is small.
    "cb_search",
    # Reads the Dataset only: its forked package writer starts while the parent's heap is small
    # and writes while the sections make their contexts (clearbuild.forked).
    "cb_opendata",
    "cb_allimi", "cb_contracts", "cb_apartments",  # sections queue their pages
    "cb_history",  # reads the Dataset, adds to record pages
    "cb_pages",  # content pages (About) in every language
    "cb_near",  # the "near me" gazetteer (near/places.js)
]

CB_LANGUAGES = ["ko", "en"]
CB_CURRENCY_SYMBOLS = {"en": "KRW"}  # English pages: "1,234 KRW"; Korean ones "1,234원"
# Officials' approved entries (python -m admin); read when the file exists. Tests set it empty.
CB_ADMIN_DB = os.environ.get("CB_ADMIN_DB", "data/admin/admin.db")
# The admin database's root key fingerprint (printed by `python -m admin init`), when pinned.
CB_ADMIN_ROOT_KEY = os.environ.get("CB_ADMIN_ROOT_KEY") or None
