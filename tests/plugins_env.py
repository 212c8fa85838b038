"""A bare Jinja environment with clearbuild's translation extension, for tests without Pelican."""

from cb_theme.constant_gettext import ConstantGettext
from jinja2 import Environment


def make_env(catalog: dict[str, str]) -> Environment:
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n", ConstantGettext])
    env.cb_catalog = catalog  # type: ignore[attr-defined]
    env.install_null_translations()
    return env
