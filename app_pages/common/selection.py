"""The territory the user is looking at, shared by the pages (session state).

The Carte page sets it on a click or a search; the Territoire page shows it; the Export
page offers its sheet. Keys: :data:`LEVEL_KEY`, :data:`CODE_KEY`.
"""

from __future__ import annotations

import streamlit as st

LEVEL_KEY = "atlas_territory_level"
CODE_KEY = "atlas_territory_code"
TERRITORY_PAGE = "app_pages/territoire.py"


def select(level: str, code: str) -> None:
    """Make ``level``/``code`` the current territory (usable as a widget callback)."""
    st.session_state[LEVEL_KEY] = level
    st.session_state[CODE_KEY] = code


def selected() -> tuple[str, str] | None:
    """The current territory as ``(level, code)``, or None."""
    level, code = st.session_state.get(LEVEL_KEY), st.session_state.get(CODE_KEY)
    return (level, code) if level and code else None


def open_sheet(level: str, code: str) -> None:
    """Select the territory and go to its sheet (the Territoire page)."""
    select(level, code)
    st.switch_page(TERRITORY_PAGE)
