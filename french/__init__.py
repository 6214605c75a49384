"""Every French way of writing a figure: numbers, shares, ranks, dates and missing values.

The bottom layer of the project: it imports nothing of it, and every package (indicators,
atlas, the app) writes its figures through it.

Each decision is made here once, for the app, the maps, the PDF sheet and the exports:

* **Numbers**: decimal comma; thousands separated by a narrow no-break space (U+202F,
  :data:`NNBSP`) on screen. Not every font has that glyph, so figures drawn by
  matplotlib (the PDF sheet) pass ``space=NBSP`` (U+00A0). The same ``space`` separates a
  figure from its unit or from « % », so that they never part at a line break.
* **Missing values** are never 0 nor « nan »: :data:`MISSING` (« non disponible ») in
  running text and in tables on screen, in the exports and in the PDF sheet's sentences;
  :data:`MISSING_SHORT` (« n.d. ») only where space is tight, the cells of the PDF sheet's
  tables (indicator table, score column, figures beside the profile bars), whose legends
  explain it with both constants. Every function below takes ``missing=`` for that choice.
* **Dates**: « 1er décembre 2026 », the day of the month otherwise (« 15 mars 2025 »).
* **Signs**: a change is signed, « +12 » or « −3 » (minus sign U+2212).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

NNBSP = "\u202f"
"""Narrow no-break space: the French thousands separator on screen."""
NBSP = "\u00a0"
"""No-break space: the separator in figures drawn by matplotlib."""
MINUS = "\u2212"
"""Minus sign of a signed change."""
MISSING = "non disponible"
"""A missing value in running text and in tables on screen (never 0, never blank)."""
MISSING_SHORT = "n.d."
"""A missing value in the PDF sheet's table cells only; its legend explains it."""
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def is_missing(value: object) -> bool:
    """Whether ``value`` is missing: None, NaN, ``pd.NA`` or ``pd.NaT``.

    >>> [is_missing(v) for v in (None, float("nan"), pd.NA, 0, "")]
    [True, True, True, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return math.isnan(value)
    except (TypeError, ValueError):
        return False


def number(value: float | None, decimals: int, space: str = NNBSP,
           missing: str = MISSING) -> str:
    """``value`` with ``decimals`` decimals, a decimal comma and spaced thousands.

    >>> number(1234.567, 1) == "1\u202f234,6"
    True
    >>> number(-0.5, 2), number(None, 1), number(float("nan"), 1, missing=MISSING_SHORT)
    ('-0,50', 'non disponible', 'n.d.')
    """
    if is_missing(value):
        return missing
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", space)


def integer(value: float | None, space: str = NNBSP, missing: str = MISSING) -> str:
    """``value`` rounded to an integer, with spaced thousands.

    >>> integer(34848) == "34\u202f848"
    True
    >>> integer(2.7), integer(pd.NA)
    ('3', 'non disponible')
    """
    return number(value, 0, space, missing)


def compact(value: float | None, missing: str = MISSING) -> str:
    """A short setting such as a weight or a threshold: no trailing zero (« 2 », « 0,5 »).

    >>> compact(2.0), compact(0.5), compact(10), compact(None)
    ('2', '0,5', '10', 'non disponible')
    """
    return missing if is_missing(value) else f"{float(value):g}".replace(".", ",")


def indicator_value(value: float | None, space: str = NNBSP, missing: str = MISSING) -> str:
    """An indicator value with decimals suited to its size: 0 from 1 000, 1 from 10, else 2.

    >>> indicator_value(12345.6) == "12\u202f346"
    True
    >>> indicator_value(43.14), indicator_value(0.456), indicator_value(None)
    ('43,1', '0,46', 'non disponible')
    """
    if is_missing(value):
        return missing
    size = abs(float(value))
    return number(value, 0 if size >= 1000 else 1 if size >= 10 else 2, space, missing)


def quantity(value: float | None, unit: str, decimals: int | None = None,
             space: str = NNBSP, missing: str = MISSING) -> str:
    r"""``value`` and its ``unit``, or ``missing`` alone (decimals of :func:`indicator_value`).

    >>> quantity(48.31, "%") == "48,3\u202f%"
    True
    >>> quantity(21930, "€/UC/an", space=NBSP) == "21\xa0930\xa0€/UC/an"
    True
    >>> quantity(None, "%", missing=MISSING_SHORT)
    'n.d.'
    """
    if is_missing(value):
        return missing
    figure = indicator_value(value, space) if decimals is None else number(value, decimals,
                                                                           space)
    return f"{figure}{space}{unit}"


def percent(share: float | None, decimals: int = 0, space: str = NNBSP,
            missing: str = MISSING) -> str:
    r"""A share (0 to 1) as a French percentage: ``0.857`` gives « 86 % ».

    >>> percent(0.857) == "86\u202f%"
    True
    >>> percent(0.1234, 1, space=NBSP) == "12,3\xa0%"
    True
    >>> percent(float("nan"))
    'non disponible'
    """
    if is_missing(share):
        return missing
    return quantity(100 * float(share), "%", decimals, space)


def population(value: float | None, space: str = NNBSP, missing: str = MISSING) -> str:
    """A number of inhabitants (« hab. »).

    >>> population(1234567) == "1\u202f234\u202f567\u202fhab."
    True
    >>> population(None)
    'non disponible'
    """
    return quantity(value, "hab.", 0, space, missing)


def area(value: float | None, decimals: int = 1, space: str = NNBSP,
         missing: str = MISSING) -> str:
    """An area in km².

    >>> area(1632.553) == "1\u202f632,6\u202fkm²"
    True
    >>> area(float("nan"))
    'non disponible'
    """
    return quantity(value, "km²", decimals, space, missing)


def rank(position: float | None, size: float | None, space: str = NNBSP,
         missing: str = MISSING) -> str:
    """A rank among ``size`` territories: « 12 sur 34 875 ».

    >>> rank(12, 34875) == "12 sur 34\u202f875"
    True
    >>> rank(pd.NA, 34875)
    'non disponible'
    """
    if is_missing(position) or is_missing(size):
        return missing
    return f"{integer(position, space)} sur {integer(size, space)}"


SHARE_STEPS = (1, 2, 5, 10, 20, 30, 40, 50)
"""Shares (%) in which a rank is read: « parmi les 20 % … »."""


def rank_reading(position: float | None, size: float | None, plural: str,
                 where: str = "de France", space: str = NNBSP) -> str:
    """A rank in plain words: the smallest share of the most (or least) fragile holding it.

    >>> rank_reading(12, 34875, "communes", space=" ")
    'parmi les 1 % de communes les plus fragiles de France'
    >>> rank_reading(9000, 34875, "communes", space=" ")
    'parmi les 30 % de communes les plus fragiles de France'
    >>> rank_reading(30000, 34875, "communes", "de sa région", space=" ")
    'parmi les 20 % de communes les moins fragiles de sa région'
    >>> rank_reading(2, 3, "régions")
    'au milieu des régions de France'
    >>> rank_reading(None, 18, "régions")
    ''
    """
    if is_missing(position) or is_missing(size) or size <= 1:
        return ""  # alone in its frame: no reading
    most = position / size <= 0.5
    share = position / size if most else (size - position + 1) / size
    if share > SHARE_STEPS[-1] / 100 + 1e-12:  # the middle one of an odd, small frame
        return f"au milieu des {plural} {where}"
    step = next(s for s in SHARE_STEPS if share <= s / 100 + 1e-12)
    return (f"parmi les {step}{space}% de {plural} les {'plus' if most else 'moins'} "
            f"fragiles {where}")


def rank_interval(low: float | None, high: float | None, space: str = NNBSP,
                  missing: str = MISSING) -> str:
    """An interval of ranks, bounds rounded: « 255 à 12 066 ».

    >>> rank_interval(255.0, 12066.0) == "255 à 12\u202f066"
    True
    >>> rank_interval(3, None)
    'non disponible'
    """
    if is_missing(low) or is_missing(high):
        return missing
    return f"{integer(low, space)} à {integer(high, space)}"


def signed(value: float | None, decimals: int = 0, unit: str = "", space: str = NNBSP,
           missing: str = MISSING) -> str:
    """A change with its sign, « + » or « − », and its unit if any.

    >>> signed(12.4, unit="points") == "+12\u202fpoints"
    True
    >>> signed(-100), signed(-0.04, 1), signed(1.25, 1), signed(None)
    ('−100', '+0,0', '+1,2', 'non disponible')
    """
    if is_missing(value):
        return missing
    figure = number(abs(float(value)), decimals, space)
    sign = MINUS if round(float(value), decimals) < 0 else "+"
    return f"{sign}{figure}{space}{unit}" if unit else f"{sign}{figure}"


def date(day: dt.date | str) -> str:
    """A date in French, from a date or an ISO date or timestamp: « 1er décembre 2026 ».

    >>> date(dt.date(2026, 12, 1)), date("2025-03-15T13:15:10+00:00")
    ('1er décembre 2026', '15 mars 2025')
    """
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"
