"""cb_theme: the filters, globals and translations every template relies on.

One place installs them on every generator's Jinja environment (Pelican's own and ours), so a
template renders the same whichever generator renders it.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from pelican import signals

from clearbuild import config, filters

DEFAULTS = {"CB_THEME_TRANSLATIONS": "theme/translations"}


@functools.lru_cache(maxsize=16)
def translations(folder: str, lang: str) -> NullTranslations:
    """Compile the .po catalogue in memory: no compiled .mo files to keep in step."""
    po = Path(folder) / lang / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf)


def use_language(env: Any, lang: str, settings: dict[str, Any] | None = None) -> None:
    folder = str(config.resolve((settings or {}).get("CB_THEME_TRANSLATIONS",
                                                     DEFAULTS["CB_THEME_TRANSLATIONS"])))
    env.install_gettext_translations(translations(folder, lang), newstyle=True)
    env.globals["lang"] = lang


def on_generator_init(generator: Any) -> None:
    s = generator.settings
    env = generator.env
    env.filters.update(filters.FILTERS)
    env.filters["money"] = functools.partial(
        filters.money, symbol=config.setting(s, "CB_CURRENCY_SYMBOL"),
        minor_digits=config.setting(s, "CB_CURRENCY_MINOR_DIGITS"))
    env.globals.update(filters.GLOBALS)
    env.globals["districts"] = config.districts(s)
    env.globals["cb_languages"] = config.setting(s, "CB_LANGUAGES")
    env.globals["city_name"] = config.setting(s, "CB_CITY_NAME")
    # The renderer switches language between passes through this global, never importing us.
    env.globals["install_language"] = functools.partial(_switch, settings=s)
    use_language(env, config.setting(s, "CB_LANGUAGES")[0], s)


def _switch(env: Any, lang: str, settings: dict[str, Any]) -> None:
    use_language(env, lang, settings)


def register() -> None:
    signals.generator_init.connect(on_generator_init)

