"""cb_theme: the filters, globals and translations every template relies on.

One place installs them on every generator's Jinja environment (Pelican's own and ours), so a
template renders the same whichever generator renders it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from jinja2 import Environment
from pelican import signals

from clearbuild import config, filters, kinds

from .constant_gettext import ConstantGettext

DEFAULTS = {"CB_THEME_TRANSLATIONS": "theme/translations"}


@functools.lru_cache(maxsize=16)
def messages(folder: str, lang: str) -> dict[str, str]:
    """msgid -> translation from the .po catalogue: no compiled .mo files to keep in step."""
    po = Path(folder) / lang / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return {}
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string}


def _folder(settings: dict[str, Any]) -> str:
    return str(config.resolve(settings.get("CB_THEME_TRANSLATIONS", DEFAULTS["CB_THEME_TRANSLATIONS"])))


def use_language(env: Any, lang: str, settings: dict[str, Any]) -> None:
    """Runtime gettext for Pelican's own pages: a plain dict lookup, output still autoescaped."""
    catalog = messages(_folder(settings), lang)

    def gettext(message: str) -> str:
        return catalog.get(message) or message

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    # What jinja2.ext.i18n's install_gettext_callables(..., newstyle=False) does, done here on
    # this environment's own globals: on an overlay (language_env) that method is still its
    # parent's extension's, so it installed each language into the parent, and every language
    # environment kept the first language's runtime gettext: ``_(variable)`` (a kind's name on
    # the changes page, say) came out in Korean on English pages (tests/test_publish_nightly.py).
    env.newstyle_gettext = False  # type: ignore[attr-defined]
    env.globals.update(gettext=gettext, ngettext=ngettext)
    env.globals["lang"] = lang
    local_filters(env, lang, settings)


def local_filters(env: Any, lang: str, settings: dict[str, Any]) -> None:
    """Money, numbers and dates in the language's own style (separators from Babel's CLDR data;
    dates by CB_DATE_FORMATS, ISO when the language has none). ko and en keep ',' and '.'."""
    s = settings
    # The currency's name in this language (CB_CURRENCY_SYMBOLS), else the one symbol: English
    # pages say "1,234 KRW", not a Korean "원". A code of letters is set apart by a space.
    symbols = config.setting(s, "CB_CURRENCY_SYMBOLS") or {}
    symbol = symbols.get(lang) or config.setting(s, "CB_CURRENCY_SYMBOL")
    space = config.setting(s, "CB_CURRENCY_SPACE")
    if space is None and symbol.isascii() and symbol.isalpha():
        space = True
    env.filters["money"] = functools.partial(
        filters.money, symbol=symbol, minor_digits=config.setting(s, "CB_CURRENCY_MINOR_DIGITS"),
        locale=lang, space=space)
    money = env.filters["money"]
    env.globals["cb_money"] = money  # for Python callers in templates (chart labels)
    # Data for a map's popups, amounts written as this language writes them (a copy per page).
    env.globals["cb_money_field"] = lambda rows, field: [{**r, field: money(r.get(field))} for r in rows]
    env.filters["number"] = functools.partial(filters.number, locale=lang)
    env.filters["pct"] = functools.partial(filters.pct, locale=lang)
    pattern = (config.setting(s, "CB_DATE_FORMATS") or {}).get(lang)
    if pattern:
        env.filters["date"] = functools.partial(filters.date, pattern=pattern, locale=lang)


def language_env(env: Environment, lang: str, settings: dict[str, Any]) -> Environment:
    """An environment whose templates have ``_('literal')`` translated when they compile.

    Why: record pages call _() about a hundred times each; translating at compile time, once per
    language, removed a third of all render time. Each language gets its own template cache.
    """
    cache = env.globals.setdefault("_cb_language_envs", {})
    if lang not in cache:
        lang_env = env.overlay(cache_size=1000, extensions=[ConstantGettext])
        lang_env.globals = dict(env.globals)
        lang_env.filters = dict(env.filters)  # an overlay shares its parent's dict otherwise
        lang_env.cb_catalog = messages(_folder(settings), lang)  # type: ignore[attr-defined]
        use_language(lang_env, lang, settings)
        cache[lang] = lang_env
    return cache[lang]


def on_generator_init(generator: Any) -> None:
    s = generator.settings
    env = generator.env
    env.filters.update(filters.FILTERS)
    # Schema descriptions carry Korean glosses: kept where Korean is a site language.
    env.filters["plain"] = ((lambda v: v) if "ko" in config.setting(s, "CB_LANGUAGES") else filters.plain)
    env.globals.update(filters.GLOBALS)
    env.globals["districts"] = config.districts(s)
    env.globals["cb_languages"] = config.setting(s, "CB_LANGUAGES")
    env.globals["cb_kinds"] = kinds.KINDS  # each record kind's one declaration (labels, folder)
    env.globals["city_name"] = config.setting(s, "CB_CITY_NAME")
    # The renderer asks for a per-language environment through this global, never importing us.
    env.globals["cb_language_env"] = functools.partial(language_env, settings=s)
    use_language(env, config.setting(s, "CB_LANGUAGES")[0], s)


def register() -> None:
    signals.generator_init.connect(on_generator_init)
