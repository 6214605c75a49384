"""Helpers shared by the AppTest suites: open the app on a page, read what it shows."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from geodata import store

ROOT = Path(__file__).resolve().parents[1]


def open_app(page: str | None = None, timeout: int = 180, **state) -> AppTest:
    """Run the app (geometry artifacts built first), then switch to ``page`` if given.

    ``state`` is set in the session before the page runs.
    """
    store.ensure_built()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout).run()
    if page:
        at.switch_page(page)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run() if page or state else at


def map_args(at: AppTest) -> dict:
    """Arguments of the one Leaflet component of the current run."""
    (component,) = at.get("component_instance")
    assert component.proto.component_name.endswith("leaflet_map")
    return json.loads(component.proto.json_args)


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The one dataframe of the page that has ``column``."""
    (found,) = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def carte_table(at: AppTest) -> pd.DataFrame:
    """The Carte page's table, once « Afficher le tableau » is on (it is not sent otherwise)."""
    if not at.toggle(key="map_table_shown").value:
        at.toggle(key="map_table_shown").set_value(True).run()
    return table_with(at, "frame_size")


def displayed(at: AppTest, column: str) -> pd.DataFrame:
    """The text the browser shows in the one dataframe of the page that has ``column``.

    A table given as a pandas Styler (:mod:`french.screen_tables`) carries the text of
    each cell beside its data: this is that text, with the data's column names.
    """
    from streamlit import dataframe_util

    (element,) = [d for d in at.dataframe if column in d.value.columns]
    texts = dataframe_util.convert_arrow_bytes_to_pandas_df(
        element.proto.arrow_data.styler.display_values)
    texts.columns = element.value.columns
    return texts
