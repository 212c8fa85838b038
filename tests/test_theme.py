"""Compile-time translation of _('literal') calls."""

from cb_theme.constant_gettext import translate_source


def test_literals_are_translated_and_quoted_safely():
    src = """{{ _('Budget') }} {{ _("It's") }} {{ _('Missing') }} {{ _(name) }} {{ x_('Budget') }}"""
    out = translate_source(src, {"Budget": "예산", "It's": "그것'의"})
    assert out == """{{ ('예산') }} {{ ('그것\\'의') }} {{ ('Missing') }} {{ _(name) }} {{ x_('Budget') }}"""


def test_translated_template_renders_escaped():
    from jinja2 import Environment
    from plugins_env import make_env

    env: Environment = make_env({"Hello": "<b>안녕</b>"})
    assert env.from_string("{{ _('Hello') }}").render() == "&lt;b&gt;안녕&lt;/b&gt;"
