"""Text cells made safe for a spreadsheet: no cell of a CSV given to users is a formula.

A spreadsheet opening a CSV runs a cell beginning with ``=``, ``+``, ``-`` or ``@`` as a
formula (and a tab or carriage return may hide such a start): a territory name, a survey
answer or a file name could then compute, fetch or mislead ("CSV injection"). Following
OWASP's rule, :func:`escape_formulas` prefixes such text cells with a single quote ``'``,
which spreadsheets show as text. Only text is touched: numbers, negative ones included,
stay numbers (pandas writes them as ``-1.5``, which a spreadsheet reads as a number).

Every CSV the atlas writes for users goes through :func:`escape_formulas` and is written
with :data:`LINE_TERMINATOR`; the project's own data files (read back by the atlas) are not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula (OWASP)."""
ESCAPE = "'"
"""Prefix that makes a spreadsheet show the cell as text."""
LINE_TERMINATOR = "\r\n"
"""Line end of the CSV files written for users (``lineterminator=`` of ``to_csv``).

With it, Python's CSV writer quotes a cell holding a carriage return, as it does a cell
holding a line feed; with pandas' default (``"\n"``) a bare carriage return is written
unquoted, and a reader would start a new row there, whose first cell is not escaped."""


def escape_text(value: object) -> object:
    """``value`` prefixed with :data:`ESCAPE` if it is text starting a formula; else as is.

    Examples
    --------
    >>> escape_text("=1+1"), escape_text("-3"), escape_text(-3), escape_text("Lyon")
    ("'=1+1", "'-3", -3, 'Lyon')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return ESCAPE + value
    return value


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) cannot start a formula.

    Text cells and string column names starting with one of :data:`FORMULA_STARTS` get a
    leading :data:`ESCAPE`; numeric, boolean and date columns, and the numbers of mixed
    (object) columns, are unchanged. Categories are escaped in categorical columns.

    Parameters
    ----------
    frame
        A table about to be written as CSV for users.

    Returns
    -------
    pandas.DataFrame
        The escaped copy (``frame`` itself is not modified).

    Examples
    --------
    >>> table = pd.DataFrame({"nom": ["=HYPERLINK('x')", "Saint-Denis", "-2"],
    ...                       "écart": [-1.5, 0.0, 2.0]})
    >>> escape_formulas(table)
                    nom  écart
    0  '=HYPERLINK('x')   -1.5
    1       Saint-Denis    0.0
    2               '-2    2.0
    """
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        escaped = _escape_column(column)
        if escaped is not column:
            out.isetitem(position, escaped)
    names = [escape_text(name) for name in out.columns]
    if any(new is not old for new, old in zip(names, out.columns, strict=True)):
        out.columns = names
    return out


def _escape_column(column: pd.Series) -> pd.Series:
    """The column with its formula-starting text cells escaped (itself if there are none)."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        renamed = {c: escape_text(c) for c in categories if escape_text(c) is not c}
        return column.cat.rename_categories(renamed) if renamed else column
    if not (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)):
        return column
    values = column.to_numpy(dtype=object)
    risky = np.fromiter((isinstance(v, str) and v.startswith(FORMULA_STARTS) for v in values),
                        dtype=bool, count=len(values))
    if not risky.any():
        return column
    values = values.copy()
    values[risky] = [ESCAPE + v for v in values[risky]]
    return pd.Series(values, index=column.index, name=column.name).astype(dtype)
