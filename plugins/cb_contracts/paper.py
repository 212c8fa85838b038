"""What a printed certificate needs to be checked on paper: who issued it, the site's public
address, the verify page's URL for its code, and a QR code of that URL.

The QR code is an SVG made at build time with segno (no script, no network), so the same code
and address always give the same bytes. Without a public address (CB_SITE_URL, else
CB_OCDS_SITE_URL) there is no URL to print: the page says so and shows no QR code.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from clearbuild import config


def site_url(settings: dict[str, Any]) -> str:
    """The site's public http(s) address ending in '/', or '' when none is set (or it is not http(s))."""
    url = (config.setting(settings, "CB_SITE_URL") or settings.get("CB_OCDS_SITE_URL") or "").strip()
    if not url.lower().startswith(("https://", "http://")) or any(c in url for c in " \"'<>`\n"):
        return ""
    return url.rstrip("/") + "/"


def issuer(settings: dict[str, Any]) -> str:
    return config.setting(settings, "CB_ISSUER") or config.setting(settings, "CB_CITY_NAME")


def verify_url(base: str, lang: str, default_lang: str, code: str) -> str:
    """The verify page's absolute URL for ``code`` in ``lang`` ('' without a site address)."""
    if not base:
        return ""
    prefix = "" if lang == default_lang else f"{quote(lang)}/"
    return f"{base}{prefix}verify/index.html?code={quote(code)}"


@lru_cache(maxsize=256)
def qr_svg(url: str, title: str = "") -> Markup:
    """An inline SVG QR code of ``url`` (error correction M), deterministic; '' for no url."""
    if not url:
        return Markup("")
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buf, kind="svg", xmldecl=False, svgns=True, scale=3, border=4, title=title or None,
        svgclass="qr", lineclass=None, omitsize=False)
    svg = buf.getvalue().decode("ascii").strip()
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


def globals_for(settings: dict[str, Any]) -> dict[str, Any]:
    """Template globals: ct_paper(code, lang) -> {'issuer', 'site', 'url', 'qr'}."""
    base = site_url(settings)
    default_lang = config.setting(settings, "CB_LANGUAGES")[0]
    who = issuer(settings)

    def ct_paper(code: str, lang: str) -> dict[str, Any]:
        url = verify_url(base, lang, default_lang, code)
        return {"issuer": who, "site": base, "url": url, "qr": qr_svg(url, url)}

    return {"ct_paper": ct_paper}
