"""French formatting of figures and of the build report's wording (no Streamlit here).

Missing values are written "non disponible", never 0.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from atlas import french

MISSING = "non disponible"
NNBSP = "\u202f"
"""Narrow no-break space: the French thousands separator."""

SOURCE_LABELS = {"geometry": "Géométries des communes",
                 "population": "Population (source principale)",
                 "population_supplement": "Population (complément)",
                 "population_fallback": "Population (repli)"}

_WORDING = (
    (r"^rebuilt from its delegated communes$", "reconstituée à partir de ses communes déléguées"),
    (r"^hole of the coverage added$", "trou du pavage rattaché"),
    (r"^enclosed by a single commune \((\w+)\)$", r"entouré par une seule commune (\1)"),
    (r"^adjacent to one commune nouvelle with delegated communes lacking geometry \((\w+)\)$",
     r"voisin d'une seule commune nouvelle dont des communes déléguées n'ont pas de "
     r"géométrie (\1)"),
    (r"^(\d+)% covered by delegated communes of (\w+)$",
     rf"couvert à \1{NNBSP}% par des communes déléguées de \2"),
    (r"^ambiguous: several adjacent communes nouvelles lack delegated geometries$",
     "ambigu : plusieurs communes nouvelles voisines n'ont pas toutes leurs géométries"),
    (r"^no adjacent commune nouvelle lacks a delegated commune's geometry$",
     "aucune commune nouvelle voisine ne manque de géométrie déléguée"),
    (r"^foreign enclave: (.+)$", r"enclave étrangère : \1"),
    (r"^adjacent to one commune that absorbed since COG (\d+) a commune without geometry "
     r"\((\w+) ← (.+)\)$",
     r"voisin de la seule commune ayant absorbé depuis le COG \1 une commune sans géométrie "
     r"(\2 ← \3)"),
    (r"^ambiguous: several adjacent communes absorbed since COG (\d+) a commune without "
     r"geometry \((.+)\)$",
     r"ambigu : plusieurs communes voisines ont absorbé depuis le COG \1 une commune sans "
     r"géométrie (\2)"),
)


def integer(value: object) -> str:
    """Format an integer the French way, ``non disponible`` when missing.

    >>> integer(1234567) == "1\u202f234\u202f567"
    True
    >>> integer(pd.NA)
    'non disponible'
    """
    if _missing(value):
        return MISSING
    return french.integer(int(value))


def population(value: object) -> str:
    """Population with its unit (``hab.``), or ``non disponible``.

    >>> population(None)
    'non disponible'
    """
    return MISSING if _missing(value) else f"{integer(value)}{NNBSP}hab."


def area(value: object, decimals: int = 1) -> str:
    """Area in km² with a decimal comma, or ``non disponible``.

    >>> area(1632.553) == "1\u202f632,6\u202fkm²"
    True
    >>> area(float("nan"))
    'non disponible'
    """
    return MISSING if _missing(value) else f"{decimal(value, decimals)}{NNBSP}km²"


def decimal(value: object, decimals: int = 3) -> str:
    """A decimal number with a decimal comma (``0,202``), or ``non disponible``."""
    if _missing(value):
        return MISSING
    return french.number(float(value), decimals)


def indicator_value(value: object) -> str:
    """An indicator value with decimals suited to its size, or ``non disponible``.

    >>> indicator_value(12345.6), indicator_value(43.14), indicator_value(0.456)
    ('12 346', '43,1', '0,46')
    """
    if _missing(value):
        return MISSING
    size = abs(float(value))
    return decimal(value, 0 if size >= 1000 else 1 if size >= 10 else 2)




def date(iso: str) -> str:
    """A date written in French from an ISO date or timestamp.

    >>> date("2026-12-01T13:15:10+00:00")
    '1er décembre 2026'
    >>> date("2025-03-15")
    '15 mars 2025'
    """
    year, month, day = (int(part) for part in iso[:10].split("-"))
    return f"{'1er' if day == 1 else day} {french.MONTHS[month - 1]} {year}"


def report_wording(text: str) -> str:
    """Translate a sentence of the build report into French (unknown ones stay as they are).

    >>> report_wording("enclosed by a single commune (13014)")
    'entouré par une seule commune (13014)'
    """
    for pattern, wording in _WORDING:
        if re.match(pattern, text):
            return re.sub(pattern, wording, text)
    return text


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)
