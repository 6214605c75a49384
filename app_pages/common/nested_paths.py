"""A path of several segments sent to its first page, where Streamlit alone shows a blank page.

Streamlit answers an unknown address with its page, whose scripts are addressed relative
to it: under ``/territoire/saint-flour`` the browser looks for them in
``/territoire/static/…`` and shows a blank page forever. :class:`NestedPaths`, in front of
Streamlit's server (``atlas_app.py``), sends such a request to its first segment with
``?introuvable=<path>``, where the atlas says in French that the address names no page
(:func:`app_pages.common.links.unknown_page`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

from starlette.responses import RedirectResponse

LOST = "introuvable"
"""Parameter naming the unknown path a user asked for (set by the redirect)."""
SERVER_ROUTES = ("_stcore", "static", "component", "media", "app/static")
"""Streamlit's own routes (API, scripts, components, media, app files). A path holding one
anywhere is left to Streamlit: its page looks for its base path by asking
``/<segment>/_stcore/health``, which must stay « not found »."""
_SERVER_ROUTE = re.compile(rf"/(?:{'|'.join(SERVER_ROUTES)})(?:/|$)")
_NESTED = re.compile(r"/([^/]+)/.", re.DOTALL)


def redirect_target(path: str, base: str = "") -> str | None:
    """Where a request for ``path`` is sent, or ``None`` when Streamlit serves it as it is.

    ``base`` is Streamlit's ``server.baseUrlPath``, under which the atlas is served.

    >>> redirect_target("/territoire/saint-flour")
    '/territoire?introuvable=/territoire/saint-flour'
    >>> redirect_target("/a/b c&d#e")
    '/a?introuvable=/a/b%20c%26d%23e'
    >>> redirect_target("/é?/x")
    '/%C3%A9%3F?introuvable=/%C3%A9%3F/x'
    >>> [redirect_target(p) for p in ("/", "/territoire", "/territoire/", "/static/js/x.js",
    ...                               "/nimporte/_stcore/health")]
    [None, None, None, None, None]
    >>> redirect_target("/atlas/territoire/x", base="atlas/")
    '/atlas/territoire?introuvable=/atlas/territoire/x'
    >>> redirect_target("/territoire/x", base="atlas") is None
    True
    """
    prefix = "/" + base.strip("/") if base.strip("/") else ""
    if not path.startswith(prefix + "/"):
        return None
    match = _NESTED.match(path, len(prefix))
    if match is None or _SERVER_ROUTE.search(path, len(prefix)):
        return None
    page = quote(prefix, safe="/") + "/" + quote(match[1], safe="")
    return f"{page}?{LOST}={quote(path, safe='/')}"


class NestedPaths:
    """ASGI middleware: an HTTP request for a nested path gets a redirect (302).

    Parameters
    ----------
    app
        The ASGI application behind it (Streamlit's server).
    base
        Gives Streamlit's ``server.baseUrlPath``, read at each request (whichever way it
        was set: config file, command line, environment).
    """

    def __init__(self, app, base: Callable[[], str] = lambda: "") -> None:
        self.app = app
        self.base = base

    async def __call__(self, scope, receive, send) -> None:
        """Answer a nested path with its redirect; pass anything else on."""
        target = None
        if scope["type"] == "http":
            target = redirect_target(scope["path"], self.base())
        if target is None:
            await self.app(scope, receive, send)
        else:
            await RedirectResponse(target, status_code=302)(scope, receive, send)
