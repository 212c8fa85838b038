"""A Jinja extension that replaces ``_('literal')`` with its translation before compiling.

Pure string work on the template source, tested without Pelican. Non-literal calls (``_(x)``)
are left alone and fall back to the runtime gettext.
"""

from __future__ import annotations

import ast
import re

from jinja2.ext import Extension

LITERAL = re.compile(r"""\b_\(\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*\)""")


def jinja_literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def translate_source(source: str, catalog: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        msgid = ast.literal_eval(m.group(1))
        return "(" + jinja_literal(catalog.get(msgid) or msgid) + ")"

    return LITERAL.sub(repl, source)


class ConstantGettext(Extension):
    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        catalog = getattr(self.environment, "cb_catalog", None)
        return source if catalog is None else translate_source(source, catalog)
