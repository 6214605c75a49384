"""Commune, IRIS and EPCI codes: restore lost leading zeros, validate, roll up arrondissements.

Codes are strings (``"01001"``, ``"2A004"``, ``"751010101"``). Files stored through a
spreadsheet or a numeric column lose the leading zero of départements 01 to 09
(``1001``, ``10010000``); :func:`as_code` restores exactly one lost zero and nothing more, so
that a truncated code stays invalid and is rejected rather than silently padded.
"""

from __future__ import annotations

import math

import pandas as pd

COMMUNE_PATTERN = r"(?:\d{5}|2[AB]\d{3})"
"""A commune or municipal arrondissement code (``01001``, ``2A004``, ``75101``)."""

IRIS_PATTERN = COMMUNE_PATTERN + r"\d{4}"
"""An IRIS code: the commune code and four digits (``0000`` for a commune not split)."""

EPCI_PATTERN = r"\d{9}"
"""An EPCI code: the SIREN number of the grouping."""

ARRONDISSEMENTS = {"75056": (75101, 75120), "13055": (13201, 13216), "69123": (69381, 69389)}
"""Paris, Marseille and Lyon: the range of their municipal arrondissement codes (``ARM``)."""


def _one(value: object, width: int) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit() and len(text) == width - 1:
        text = "0" + text
    return text


def as_code(values: pd.Series, width: int) -> pd.Series:
    """Return codes as strings, restoring one leading zero lost by numeric storage.

    Parameters
    ----------
    values
        Codes as read: strings, integers or floats (``1001.0``); blanks become ``None``.
    width
        The code's normal width: 5 for communes, 9 for IRIS and EPCI, 2 for départements.

    Returns
    -------
    pandas.Series
        Strings (object dtype), ``None`` where the input was blank.

    Examples
    --------
    >>> as_code(pd.Series([1001, "01002", 27058.0, "2A004", None, " 75056 ", "123"]), 5).tolist()
    ['01001', '01002', '27058', '2A004', None, '75056', '123']
    """
    return pd.Series([_one(v, width) for v in values], index=values.index, dtype=object)


def matches(codes: pd.Series, pattern: str) -> pd.Series:
    """Return a boolean mask of the codes that fully match ``pattern`` (blank is ``False``).

    >>> matches(pd.Series(["01001", "2A004", "1001", None]), COMMUNE_PATTERN).tolist()
    [True, True, False, False]
    """
    return codes.astype("string").str.fullmatch(pattern).fillna(False).astype(bool)


def is_arrondissement(codes: pd.Series) -> pd.Series:
    """Return a boolean mask of the municipal arrondissement codes of Paris, Lyon, Marseille.

    >>> is_arrondissement(pd.Series(["75101", "75056", "13216", "69389", "69390"])).tolist()
    [True, False, True, True, False]
    """
    return codes.map(lambda c: _parent(c) is not None).astype(bool)


def arm_parent(code: object) -> str | None:
    """Commune of a municipal arrondissement code (Paris, Lyon, Marseille), else ``None``.

    >>> arm_parent("75112"), arm_parent("69381"), arm_parent("75056")
    ('75056', '69123', None)
    """
    return _parent(code)


def _parent(code: object) -> str | None:
    if not isinstance(code, str) or not code.isdigit():
        return None
    number = int(code)
    for parent, (low, high) in ARRONDISSEMENTS.items():
        if low <= number <= high:
            return parent
    return None


def merge_arrondissements(codes: pd.Series) -> pd.Series:
    """Replace each municipal arrondissement code by its commune's code.

    >>> merge_arrondissements(pd.Series(["75112", "13201", "69381", "01001"])).tolist()
    ['75056', '13055', '69123', '01001']
    """
    return codes.map(lambda c: _parent(c) or c)
