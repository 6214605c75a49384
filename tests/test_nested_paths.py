"""The server's middleware sends a path of several segments to its first page (no blank page).

Driven as Streamlit's server drives it (ASGI messages); the served app is checked by the
browser suite (``test_a_nested_path_gets_the_french_page_not_a_blank_one``) and ``test_serve.py``.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, unquote, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st
from tiers import examples

from app_pages.common.nested_paths import LOST, SERVER_ROUTES, NestedPaths


def call(path: str, kind: str = "http", base: str = "") -> tuple[list[dict], list[str]]:
    """What the middleware sends for a request of ``path``, and the paths passed on."""
    passed, sent = [], []

    async def streamlit(scope, receive, send):
        passed.append(scope["path"])

    async def send(message):
        sent.append(message)

    middleware = NestedPaths(streamlit, base=lambda: base)
    asyncio.run(middleware({"type": kind, "path": path}, None, send))
    return sent, passed


def location(sent: list[dict]) -> str:
    assert sent[0]["status"] == 302
    assert sent[1] == {"type": "http.response.body", "body": b""}
    return dict(sent[0]["headers"])[b"location"].decode("ascii")


def test_a_nested_path_is_redirected_to_its_first_page():
    sent, passed = call("/territoire/saint-flour")
    assert passed == []
    assert location(sent) == "/territoire?introuvable=/territoire/saint-flour"


def test_pages_and_streamlit_routes_pass_through():
    for path in ("/", "/territoire", "/_stcore/health", "/static/js/index.js",
                 "/component/leaflet/index.html", "/media/abc.png", "/app/static/x.css",
                 "/_stcore/bidi-components/a/b",
                 # the page's probes for its base path: Streamlit answers « not found »
                 "/nimporte/_stcore/health", "/a/b/_stcore/host-config", "/x/static/y.js"):
        assert call(path) == ([], [path])


def test_the_websocket_and_lifespan_pass_through():
    assert call("/territoire/x/_stcore/stream", kind="websocket") == (
        [], ["/territoire/x/_stcore/stream"])
    assert call("/a/b", kind="lifespan") == ([], ["/a/b"])


def test_under_a_base_path_only_its_own_paths_are_redirected():
    sent, _ = call("/atlas/territoire/saint-flour", base="/atlas/")
    assert location(sent) == "/atlas/territoire?introuvable=/atlas/territoire/saint-flour"
    assert call("/atlas/_stcore/health", base="atlas") == ([], ["/atlas/_stcore/health"])
    assert call("/autre/chose", base="atlas") == ([], ["/autre/chose"])


segment = st.text(st.characters(codec="utf-8", exclude_characters="/"), min_size=1,
                  max_size=20)


@settings(max_examples=examples(300), deadline=None)
@given(first=segment, rest=st.lists(segment | st.sampled_from(SERVER_ROUTES), min_size=1,
                                   max_size=4))
def test_any_nested_path_lands_on_its_first_page_and_names_the_path(first, rest):
    path = "/" + "/".join([first, *rest])
    sent, passed = call(path)
    if any(f"/{route}/" in path + "/" for route in SERVER_ROUTES):
        assert (sent, passed) == ([], [path])
        return
    target = urlsplit(location(sent))
    assert unquote(target.path) == "/" + first
    assert target.netloc == "" and target.scheme == ""  # never another site
    assert parse_qs(target.query, keep_blank_values=True) == {LOST: [path]}
