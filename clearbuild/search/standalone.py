"""A search-only site from this library, without Pelican: for tests, the benchmark and trying
the index on an export quickly. It uses the real templates (base.html includes the header box)
and the real search.js; record pages are stubs that only name the record, so following a result
lands somewhere true.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, select_autoescape

from .. import config, kinds, safeio, urls
from . import PAGE, TEMPLATE, build_index, export, page_context

THEME = config.ROOT / "theme"
HOME = """{% extends "base.html" %}{% block content %}<h1>{{ SITENAME }}</h1>{% endblock %}"""
STUB = """{% extends "base.html" %}{% block title %}{{ title }}{% endblock %}
{% block content %}<h1 id="record-title">{{ title }}</h1><p>{{ kind }} {{ id }}</p>{% endblock %}"""


def environment() -> Environment:
    env = Environment(loader=ChoiceLoader([FileSystemLoader(str(THEME / "templates")),
                                           DictLoader({"cb_home.html": HOME, "cb_stub.html": STUB})]),
                      autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(SITENAME="clearbuild", districts=config.districts({}), lang="ko",
                       cb_kinds=kinds.KINDS)
    return env


def write(env: Environment, out: Path, template: str, path: str, **ctx: Any) -> None:
    target = out / path
    target.parent.mkdir(parents=True, exist_ok=True)
    root = urls.root_prefix(path)
    target.write_text(env.get_template(template).render(root=root, lang_root=root, **ctx),
                      encoding="utf-8")


def build_site(out: str | Path, tables: dict[str, Any], pages: Any = (),
               settings: dict[str, Any] | None = None, stubs: bool = True) -> dict[str, Any]:
    """Home page, search page, shards, assets and (optionally) one stub page per record."""
    out = Path(out)
    index, files, times = build_index(tables, pages, settings)
    figures: dict[str, Any] = dict(index.stats, **times)
    figures.update(export.write_files(files, out / "search"))
    env = environment()
    write(env, out, "cb_home.html", "index.html")
    write(env, out, TEMPLATE, PAGE,
          **page_context(index, export.version(files), settings))
    # Every page's base.html loads the day counters and the data's date (clearbuild.filters.days_since);
    # a search-only site has no export date: the counters keep their "since" text.
    (out / "asof.js").write_text(f"window.cbAsOf={safeio.script_json((settings or {}).get('CB_AS_OF'))};\n",
                                 encoding="utf-8")
    for sub in ("js/search.js", "js/days.js", "css/search.css", "css/site.css"):
        src = THEME / "static" / sub
        if src.exists():
            (out / "static" / sub).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, out / "static" / sub)
    if stubs:
        for kind, rid, url, title in zip(index.docs["kind"], index.docs["id"], index.docs["url"],
                                         index.docs["title"], strict=True):
            write(env, out, "cb_stub.html", url, kind=kind, id=rid, title=title)
    return figures
