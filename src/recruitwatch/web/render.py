"""Page rendering: one Jinja2 environment, the viewer's language, and the helpers templates use."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ..legal.source_kinds import by_authority, kind_label
from ..link.weights import comparison_label
from ..security.secrets import new_token
from .deps import LANGUAGE_COOKIE, Viewer, secure_cookies
from .i18n import LANGUAGES, label, translations

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.autoescape = True
TEMPLATES.env.trim_blocks = True
TEMPLATES.env.lstrip_blocks = True
TEMPLATES.env.auto_reload = False  # templates ship in the package: no stat() of each one per page
CSRF_COOKIE = "rw_csrf"


def query_with(params: dict, **changes) -> str:
    """The current query string with some parameters changed (None removes one; a list gives the
    parameter once per value); the page resets."""
    merged = {k: v for k, v in params.items() if v not in (None, "", []) and k != "page"}
    for key, value in changes.items():
        if value in (None, "", []):
            merged.pop(key, None)
        else:
            merged[key] = value
    return urllib.parse.urlencode(merged, doseq=True)


def local_path(target: str | None, default: str = "/incidents") -> str:
    """`target` if it is a path on this site, else `default`: never an open redirect. Browsers read a
    backslash as a slash and drop tabs and line breaks, so "/\\host" or a slash, a tab and "/host"
    would be "//host", another site."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(c) < 0x21 or ord(c) == 0x7F for c in target)):
        return default
    return target


def with_value(params: dict, name: str, value: str) -> str:
    """The query string with `value` added to a facet's chosen values, or taken out if chosen."""
    return facet_links(params, name, [value])[value]


def facet_links(params: dict, name: str, values) -> dict[str, str]:
    """with_value for every value of one facet, encoding the other parameters once (a list page links
    a few hundred facet values): query_with's string with the facet's chosen values changed, the page reset."""
    merged = {k: v for k, v in params.items() if v not in (None, "", []) and k != "page"}
    chosen = merged.get(name) or []
    chosen = [chosen] if isinstance(chosen, str) else list(chosen)
    keys = list(merged)
    at = keys.index(name) if name in merged else len(keys)
    before = urllib.parse.urlencode({k: merged[k] for k in keys[:at]}, doseq=True)
    after = urllib.parse.urlencode({k: merged[k] for k in keys[at + 1:]}, doseq=True)
    key = urllib.parse.quote_plus(name)
    links = {}
    for value in values:
        new = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
        own = "&".join(f"{key}={urllib.parse.quote_plus(str(v))}" for v in new)
        links[value] = "&".join(part for part in (before, own, after) if part)
    return links


def render(request: Request, template: str, who: Viewer, status_code: int = 200, **context) -> HTMLResponse:
    lang = who.language
    catalogue = translations(lang)
    gettext = catalogue.gettext
    anonymous_csrf = None
    if who.web_session is None:
        anonymous_csrf = request.cookies.get(CSRF_COOKIE) or new_token()
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "who": who,
            "lang": lang,
            "languages": LANGUAGES,
            "_": gettext,
            "ngettext": catalogue.ngettext,  # "%(num)d sources": Russian needs three plural forms
            "label": lambda kind, value: label(kind, value, lang),
            "comparison_label": lambda field, level: comparison_label(field, level, lang),
            "source_kind_label": kind_label,
            "sources_by_authority": by_authority,
            "csrf_token": who.csrf_token or anonymous_csrf,
            "query_with": query_with,
            "with_value": with_value,
            **context,
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 86400, samesite="lax", secure=secure_cookies(request))
    if anonymous_csrf and CSRF_COOKIE not in request.cookies:
        response.set_cookie(CSRF_COOKIE, anonymous_csrf, httponly=True, samesite="strict", secure=secure_cookies(request))
    return response
