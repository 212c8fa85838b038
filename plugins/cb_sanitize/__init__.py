"""cb_sanitize: Markdown pages pass through nh3 before any template sees them.

Content pages are written by officials, but a pasted <script> or an onerror= attribute must not
reach citizens' browsers, and links must be http(s) or relative.
"""

from __future__ import annotations

from typing import Any

import nh3
from pelican import signals

DEFAULTS = {"CB_SANITIZE_SCHEMES": {"http", "https", "mailto"}}


def clean(html: str, schemes: set[str] | None = None) -> str:
    return nh3.clean(html, url_schemes=schemes or DEFAULTS["CB_SANITIZE_SCHEMES"],
                     link_rel="noopener noreferrer")


def on_content(content: Any) -> None:
    if getattr(content, "_content", None):
        schemes = content.settings.get("CB_SANITIZE_SCHEMES", DEFAULTS["CB_SANITIZE_SCHEMES"])
        content._content = clean(content._content, set(schemes))


def register() -> None:
    signals.content_object_init.connect(on_content)
