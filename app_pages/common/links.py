"""Addresses that reproduce a view: read on arrival, kept up to date, and « Copier le lien ».

Each page reads the address's parameters once per session (:func:`arrival`), applies those
it knows, says in French which it could not (:func:`unknown`), and writes its view back
into the address on every run (:func:`publish`) with the method's choices when they are
not the default (:func:`method.to_params`): a copied address opens the same view.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from app_pages.common import method
from app_pages.common.nested_paths import LOST
from app_pages.common.user_text import plain

_READ = "links_read_"
PAGE_PATHS = {"carte": "", "territoire": "territoire", "objectif_percu": "objectif-percu",
              "autodiagnostic": "autodiagnostic", "donnees": "donnees", "export": "export"}
"""Page (its module's name) → its path in the address (the map is the home page)."""


def arrival(page: str) -> dict[str, str]:
    """The address's parameters on the first run of ``page`` in this session, else ``{}``."""
    flag = _READ + page
    if st.session_state.get(flag):
        return {}
    st.session_state[flag] = True
    return {key: st.query_params[key] for key in st.query_params if key != LOST}


def unknown(problems: list[str]) -> None:
    """Say which parts of the address could not be used (values shown as typed)."""
    if problems:
        st.warning("Ce lien contient des réglages inconnus, ignorés : "
                   + " ; ".join(plain(p) for p in problems) + ".", icon=":material/link_off:")


def publish(params: Mapping[str, str]) -> dict[str, str]:
    """Write the view's parameters (then the method's, if not default) into the address."""
    wanted = {**{k: str(v) for k, v in params.items() if v is not None},
              **method.to_params(method.current())}
    if {key: st.query_params[key] for key in st.query_params} != wanted:
        st.query_params.from_dict(wanted)
    return wanted


def address(page: str, params: Mapping[str, str]) -> str:
    """The full address of ``page`` (a key of :data:`PAGE_PATHS`) with ``params``."""
    parts = urlsplit(st.context.url or "http://localhost:8501/")
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1] in PAGE_PATHS.values():
        segments.pop()  # the app may be served under a base path: keep it
    path = "/" + "/".join([*segments, PAGE_PATHS[page]] if PAGE_PATHS[page] else segments)
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(params), ""))


def copy_link(page: str, params: Mapping[str, str], container=st) -> None:
    """« Copier le lien »: the address of the view, ready to copy (icon at its right)."""
    with container.popover("Copier le lien", icon=":material/link:"):
        st.code(address(page, params), language=None, wrap_lines=True)
        st.caption("Copiez l'adresse avec l'icône à droite du cadre : elle ouvre cette vue, "
                   "avec la méthode choisie, sur tout poste qui a accès à l'atlas.")


def unknown_page() -> str | None:
    """The path asked for when it names no page of the atlas (Streamlit then runs the map).

    A path of several segments (``/territoire/x``, which Streamlit alone answers with a
    blank page) is sent back to its first page with ``?introuvable=<path>`` by the
    server's middleware (:mod:`app_pages.common.nested_paths`).
    """
    if LOST in st.query_params:
        return st.query_params[LOST][:200]
    path = urlsplit(st.context.url or "").path
    segments = [s for s in path.split("/") if s]
    if not segments or (len(segments) == 1 and segments[0] in PAGE_PATHS.values()):
        return None
    if segments[-1] in PAGE_PATHS.values():
        return None  # served under a base path
    return path


def page_not_found(path: str) -> None:
    """A French « page introuvable » with a way back, in place of Streamlit's English one."""
    st.error(f"Page introuvable : l'adresse « {plain(path)} » ne correspond à aucune page "
             "de l'atlas. Une fiche de territoire s'ouvre par "
             "`/territoire?territoire=communes:15187` (niveau:code).",
             icon=":material/search_off:")
    st.page_link("app_pages/territoire.py", label="Chercher un territoire",
                 icon=":material/location_city:")
