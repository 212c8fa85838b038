"""Translation catalogues: extract every UI string from the templates, keep .po files in step.

A test fails when a template string has no Korean translation, so the default language never
shows English by accident; `invoke i18n` adds new strings to every catalogue.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .config import ROOT

TEMPLATES = ROOT / "theme" / "templates"
# Catalogues that must translate every template string (English is the msgid language itself).
TRANSLATED = ("ko", "uk", "vi")
CATALOGUES = ROOT / "theme" / "translations"


def template_messages(folder: Path = TEMPLATES) -> set[str]:
    """Every string the templates translate: their literals, and the record kinds' labels
    (clearbuild.kinds), which templates translate as ``_(cb_kinds[kind].plural)`` (the search
    page as ``_(cb_kinds[kind].search.label)``, the signals' lists ``_(cb_kinds[kind].number)``)."""
    from .kinds import KINDS

    found = {text for k in KINDS.values()
             for text in (k.label, k.plural, k.number, k.search.label if k.search else "") if text}
    method_map = [("**.html", "jinja2.ext:babel_extract")]
    options = {"**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
    for _, _, message, _, _ in extract_from_dir(str(folder), method_map, options_map=options):
        if isinstance(message, str):
            found.add(message)
    return found


def catalogue_path(lang: str) -> Path:
    return CATALOGUES / lang / "LC_MESSAGES" / "messages.po"


def load(lang: str) -> Catalog:
    path = catalogue_path(lang)
    if not path.exists():
        return Catalog(locale=lang)
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def update(lang: str, extra: dict[str, str] | None = None) -> list[str]:
    """Add missing template strings (and given translations) to one catalogue; returns untranslated."""
    cat = load(lang)
    # Never the clock: the header keeps the catalogue's own creation date, so `invoke docs`
    # leaves an up-to-date catalogue byte-identical.
    created = cat.creation_date if catalogue_path(lang).exists() else datetime(2026, 1, 1, tzinfo=UTC)
    new = Catalog(locale=lang, project="clearbuild", fuzzy=False, creation_date=created)
    for msg in sorted(template_messages()):
        old = cat.get(msg)
        text = (extra or {}).get(msg) or (old.string if old else "")
        new.add(msg, text)
    path = catalogue_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, new, width=0, omit_header=False, sort_output=True)
    return [m.id for m in new if m.id and not m.string]
