"""cb_pages: content pages (content/pages/*.md) in every UI language, through the shared renderer.

Pelican renders pages with one environment, so an English translation would get the Korean
header and navigation. Here each page is queued on the renderer like a record page: its default
language text at ``pages/<slug>/index.html`` and, for each other language, the translation of
that language (a Markdown file with ``Lang: en`` and the same ``Slug``) at
``<lang>/pages/<slug>/index.html``, falling back to the default text when there is none. Pelican
itself writes no page (PAGE_SAVE_AS and PAGE_LANG_SAVE_AS are empty in pelicanconf.py); page
URLs (for search) are unchanged.
"""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import Generator

from clearbuild import buildcontext


def _text(page: Any) -> dict[str, str]:
    return {"title": str(getattr(page, "title", "")), "content": str(getattr(page, "content", "") or "")}


def page_jobs(pages: list[Any]) -> list[tuple[str, dict[str, dict[str, str]]]]:
    """(path, {lang: {title, content}}) per page; the default language under its own code too."""
    out = []
    for page in sorted(pages, key=lambda p: str(p.url)):
        url = str(page.url)
        path = url + "index.html" if url.endswith("/") else url
        texts = {str(page.lang): _text(page)}
        for tr in getattr(page, "translations", []):
            texts[str(tr.lang)] = _text(tr)
        out.append((path, texts))
    return out


class PagesGenerator(Generator):
    def generate_context(self) -> None:
        renderer = buildcontext.of(self.context).renderer
        if renderer is None:
            return
        for path, texts in page_jobs(self.context.get("pages", [])):
            renderer.add("page.html", path, page_langs=texts,
                         default_lang=self.settings.get("DEFAULT_LANG", "ko"))


def get_generators(pelican: Any) -> type[Generator]:
    return PagesGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
