"""cb_charts: inline SVG charts as Jinja globals (progress_chart, bar_chart) for every template."""

from __future__ import annotations

from typing import Any

from pelican import signals

from .svg import bar_chart, progress_chart


def on_generator_init(generator: Any) -> None:
    generator.env.globals.update(progress_chart=progress_chart, bar_chart=bar_chart)


def register() -> None:
    signals.generator_init.connect(on_generator_init)
