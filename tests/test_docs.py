"""Documentation that cannot drift: settings, tasks, plugins, folders, the export format and the
Korean catalogue are checked against the code (datasette-style)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clearbuild import docgen, i18n

ROOT = Path(__file__).resolve().parent.parent


def code_settings() -> set[str]:
    names: set[str] = set()
    for folder in ("clearbuild", "plugins", "admin"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"[\"'](CB_[A-Z0-9_]*[A-Z0-9])[\"']", path.read_text(encoding="utf-8")))
    return names


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = sorted(n for n in code_settings() if f"`{n}`" not in doc)
    assert not missing, f"undocumented settings in docs/settings.md: {missing}"


def test_every_task_is_documented():
    tasks = re.findall(r"@task(?:\([^@]*?\))?\ndef (\w+)", (ROOT / "tasks.py").read_text(encoding="utf-8"),
                       flags=re.S)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(tasks) >= 7
    missing = [t for t in tasks if f"invoke {t}" not in readme]
    assert not missing, f"tasks missing from README.md: {missing}"


def test_every_plugin_and_folder_is_in_the_architecture_table():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    plugins = [p.name for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists()]
    folders = ["content", "data", "theme", "plugins", "clearbuild", "admin", "tests", "docs"]
    missing = [n for n in plugins + folders if f"`{n}" not in doc]
    assert not missing, f"missing from docs/architecture.md: {missing}"


def test_plugins_are_enabled():
    conf = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    for p in (ROOT / "plugins").iterdir():
        if (p / "__init__.py").exists():
            assert f'"{p.name}"' in conf, f"{p.name} is not in PLUGINS"


def test_export_format_doc_is_current():
    committed = (ROOT / "docs" / "export-format.md").read_text(encoding="utf-8")
    assert committed == docgen.render(), "docs/export-format.md is stale: run `invoke docs`"


@pytest.mark.parametrize("lang", i18n.TRANSLATED)
def test_every_ui_string_has_a_translation(lang):
    cat = i18n.load(lang)
    missing = sorted(m for m in i18n.template_messages() if not (cat.get(m) and cat.get(m).string))
    assert not missing, f"untranslated in {lang} (run `invoke docs`, then translate): {missing}"


def test_changelog_exists():
    assert "## " in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_every_hook_and_record_kind_is_in_the_architecture_doc():
    from clearbuild import hooks, kinds

    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [f"hook {h}" for h in hooks.HOOKS if f"`{h}`" not in doc]
    assert not missing, f"missing from docs/architecture.md: {missing}"
    assert "clearbuild/kinds.py" in doc and "Adding a record kind" in doc
    assert set(kinds.KINDS) >= {"projects", "plans", "notices", "contracts", "companies", "apartments"}


def test_every_build_context_attribute_is_in_the_architecture_doc_table():
    from clearbuild import buildcontext

    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = doc[doc.index("**The build context**"):]
    rows = set(re.findall(r"^\| `(\w+)` \|", table, re.M))
    assert set(buildcontext.FIELDS) <= rows, sorted(set(buildcontext.FIELDS) - rows)
