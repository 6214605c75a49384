"""Settings shared by the pages' Altair charts."""

import french

FRENCH_NUMBERS = {"number": {"decimal": ",", "thousands": french.NNBSP, "grouping": [3],
                             "currency": ["", f"{french.NBSP}€"],
                             "percent": f"{french.NNBSP}%"}}
"""Vega locale (d3-format's fr-FR): decimal comma, narrow-space thousands and « 12 % »."""
