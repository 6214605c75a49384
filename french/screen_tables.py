"""Tables on screen with French numbers that still sort as numbers.

Streamlit's table (``st.dataframe``) writes numbers itself: a printf ``format`` has no
decimal comma, and ``"localized"`` follows the *browser's* language, so that an English
browser shows « 106.41 » on a French page. A pandas ``Styler`` gives each cell its text
instead, while the column keeps its numbers: Streamlit shows the Styler's text in a number
column that has no ``format`` of its own, and sorts it on the numbers behind it. So
:func:`styled` writes every number through this package (decimal comma, narrow no-break
space between thousands, « non disponible » for a missing value) and leaves the data
untouched.

The Styler writes each cell in Python: about 0,1 ms a cell, so a few hundred ms for a
table of a few thousand rows; mind it for the tens of thousands of communes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial

import pandas as pd
from pandas.io.formats.style import Styler

import french

Writer = Callable[[object], str]


def styled(frame: pd.DataFrame, decimals: Mapping[str, int] | None = None,
           percent: Iterable[str] = (), signed: Iterable[str] = (),
           writers: Mapping[str, Writer] | None = None,
           missing: str = french.MISSING) -> Styler:
    """``frame`` with its number columns written the French way (its data unchanged).

    Parameters
    ----------
    frame
        The table to show.
    decimals
        Decimals of some columns (others: integers as integers, other numbers with
        :func:`french.indicator_value`).
    percent
        Columns of shares (0–1) written as percentages (« 86 % »; ``decimals`` applies).
    signed
        Columns of changes written with their sign (« +3 », « −2 »).
    writers
        A function writing each cell of some columns (it receives missing values too).
    missing
        Text of a missing number.

    >>> table = pd.DataFrame({"name": ["a", "b"], "value": [1234.5, None],
    ...                       "rank": pd.array([3, None], dtype="Int64")})
    >>> shown = styled(table, decimals={"value": 1})
    >>> shown.data is table, [shown._display_funcs[(0, c)](table.iat[0, c]) for c in (1, 2)]
    (True, ['1\u202f234,5', '3'])
    >>> shown._display_funcs[(1, 1)](None)
    'non disponible'
    """
    if frame.size > pd.get_option("styler.render.max_elements"):
        # Streamlit refuses a Styler above this pandas option (262 144 cells by default),
        # read when the table is sent: raise it for the whole process
        pd.set_option("styler.render.max_elements", int(frame.size))
    decimals, percent, signed = dict(decimals or {}), set(percent), set(signed)
    writers = dict(writers or {})
    styler = frame.style
    for column in frame.columns:
        writer = writers.get(column) or _writer(frame[column], decimals.get(column),
                                                column in percent, column in signed, missing)
        if writer is not None:
            styler = styler.format(writer, subset=[column])
    return styler


def _writer(values: pd.Series, decimals: int | None, share: bool, sign: bool,
            missing: str) -> Writer | None:
    """How one column's cells are written (``None``: not a number column)."""
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return None
    if share:
        return partial(french.percent, decimals=decimals or 0, missing=missing)
    if sign:
        return partial(french.signed, decimals=decimals or 0, missing=missing)
    if decimals is not None:
        return partial(french.number, decimals=decimals, missing=missing)
    if pd.api.types.is_integer_dtype(values):
        return partial(french.integer, missing=missing)
    return partial(french.indicator_value, missing=missing)
