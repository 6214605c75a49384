"""The sheet's indicator table (last pages): one row per indicator, grouped by domain.

Body text size, cells wrapped on their measured width, the table continued on as many
pages as it needs with its column titles repeated; a domain heading never ends a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

import french
from atlas.reports.sheet_text import BODY, LEFT, RIGHT, SMALL, Flow, line_height, wrap
from french import MISSING_SHORT, NBSP
from indicators.domains import DOMAINS
from indicators.status import Status

if TYPE_CHECKING:
    from atlas.reports.sheet_parts import SheetContent

DIMENSION_COLOURS = {"societal": "#4e79a7", "economic": "#f28e2b", "social": "#b07aa1",
                     "environmental": "#59a14f"}
GREY = "#555555"
ARROWS = {1: "↑", -1: "↓"}
COLUMNS = (("", 0, 11), ("Indicateur", 11, 150), ("Valeur", 150, 232), ("France", 232, 272),
           ("Repose sur", 272, 336), ("Source", 336, 448), ("Millésime", 448, RIGHT - LEFT))
"""(title, left and right edge in points from the left margin) of each column."""
ROW_GAP = 2.5
"""Space between two rows, in points."""
PADDING = 4.0
"""Space kept free at the right of each cell, in points."""


def indicator_table(flow: Flow, content: SheetContent) -> None:
    """The table from the current position of ``flow``, then its footnote."""
    t = content.territory
    flow.need(100)  # the title, the column titles and a few rows together
    flow.paragraph(f"Indicateurs — {t.name} ({content.level_label.lower()} {t.code})",
                   size=12, bold=True)
    flow.paragraph("Valeur du territoire et de la France entière (recalculée à partir des "
                   "effectifs) ; source : producteur et millésime de chaque donnée.",
                   size=SMALL, colour=GREY, gap=2)
    flow.y -= 4
    step = line_height(BODY)
    _titles(flow)
    for kind, cells, colour in _rows(content):
        height = step * max(len(c) for c in cells) + ROW_GAP
        if kind == "domain":
            height += step  # with the first indicator below it
        if height > flow.room():
            flow.new_page()
            _titles(flow)
        if kind == "domain":
            flow.y -= step
            flow.text(LEFT, flow.y + step - BODY, cells[0][0], BODY, weight="bold",
                      color=colour)
            continue
        for (_, left, _), lines in zip(COLUMNS, cells, strict=True):
            for i, line in enumerate(lines):
                flow.text(LEFT + left, flow.y - BODY - i * step, line, BODY)
        flow.y -= step * max(len(c) for c in cells) + ROW_GAP
    flow.paragraph(_footnote(content), size=SMALL, colour=GREY, gap=6)


def _titles(flow: Flow) -> None:
    step = line_height(BODY)
    flow.y -= step
    for title, left, _ in COLUMNS:
        flow.text(LEFT + left, flow.y + step - BODY, title, BODY, weight="bold")
    flow.y -= 2


def _rows(content: SheetContent) -> list[tuple[str, list[list[str]], str]]:
    """Domain headings and indicator rows: (kind, wrapped cells, colour)."""
    widths = [right - left - PADDING for _, left, right in COLUMNS]
    rows = []
    table = content.indicators
    for domain in DOMAINS:
        members = table[table["domain"] == domain.id]
        if members.empty:
            continue
        rows.append(("domain", [[domain.label]], DIMENSION_COLOURS[domain.dimension]))
        for row in members.itertuples():
            value = french.indicator_value(row.value, NBSP, MISSING_SHORT)
            if not french.is_missing(row.value):
                # a plain space before the unit: in this narrow cell a long unit
                # (« consultations/hab./an ») goes to the next line whole
                value = f"{'≈ ' if row.approximate else ''}{value} {row.unit}"
            if row.status == Status.ESTIMATED and not np.isnan(row.low):
                value += (f" [{french.indicator_value(row.low, NBSP)} ; "
                          f"{french.indicator_value(row.high, NBSP)}]")
            producer = row.producer.removesuffix(", remis en forme par un tiers")
            if row.third_party:
                producer += " *"
            cells = (ARROWS[row.direction], row.label, value,
                     french.indicator_value(row.france, NBSP, MISSING_SHORT),
                     row.short.replace(NBSP, " "), producer, row.vintage)
            rows.append(("row", [wrap(c, w, BODY) for c, w in zip(cells, widths, strict=True)],
                         "black"))
    return rows


def _footnote(content: SheetContent) -> str:
    parts = ["Sens : ↑ une valeur plus élevée signale plus de fragilité, ↓ moins de "
             "fragilité. France : même unité que la valeur."]
    if content.territory.level != "communes":
        parts.append("≈ : valeur approchée (moyenne des valeurs communales pondérée par la "
                     "population, ou par la population concernée quand elle est connue). "
                     "Repose sur : officiel = valeur publiée pour ce territoire ; recalculé "
                     "n % = à partir des communes qui portent n % de sa population (jamais "
                     "moins de 80 %).")
    else:
        parts.append("Repose sur : vide = valeur publiée ; lissé = taux ramené vers celui "
                     "du département (Bayes empirique) ; estimé [bornes] = estimation "
                     "d'une valeur couverte par le secret statistique, avec son intervalle ; "
                     "faible eff. = petit effectif (moins de 20 événements attendus, ou "
                     "moins de 200 personnes, ménages ou logements à la base de la valeur), "
                     "à lire avec prudence.")
    parts.append("* : données officielles remises en forme par un tiers (voir la page "
                 "méthodologie de l'atlas).")
    parts.append(f"{MISSING_SHORT} : {french.MISSING}, la colonne « Repose sur » dit pourquoi "
                 "(non publié = secret statistique ou petit effectif). Toutes les sources "
                 "sont publiées sous Licence Ouverte / Etalab 2.0.")
    return " ".join(parts)
