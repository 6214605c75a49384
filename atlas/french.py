"""Numbers and dates written the French way, for maps, legends, tooltips and sheets.

Thousands are separated by a narrow no-break space (U+202F) on screen; matplotlib's
fonts lack that glyph, so the PDF sheet passes ``space=NBSP`` (U+00A0).
"""

from __future__ import annotations

import datetime as dt

NNBSP = "\u202f"
"""Narrow no-break space: the French thousands separator on screen."""
NBSP = "\u00a0"
"""No-break space: the separator in figures drawn by matplotlib."""
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def number(value: float, decimals: int, space: str = NNBSP) -> str:
    """``value`` with ``decimals`` decimals, a decimal comma and spaced thousands.

    >>> number(1234.567, 1) == "1\u202f234,6"
    True
    """
    return f"{value:,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace(
        "\x00", space)


def integer(value: float, space: str = NNBSP) -> str:
    """``value`` rounded to an integer, with spaced thousands.

    >>> integer(34848) == "34\u202f848"
    True
    """
    return number(float(value), 0, space)


def date(day: dt.date) -> str:
    """« 1 décembre 2026 ».

    >>> date(dt.date(2026, 12, 1))
    '1 décembre 2026'
    """
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
