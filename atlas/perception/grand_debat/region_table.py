"""The table beside the Grand Débat map: one row per région, perceived and objective.

Values stay numbers (so that the table sorts as numbers); :func:`formats` gives, for each
column, the function that writes it in French and :func:`labels` its French header.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

import french
from atlas.perception.grand_debat import wording
from atlas.perception.grand_debat.comparison import RealComparison
from atlas.perception.grand_debat.questions import closed_question
from indicators.snapshot import snapshot_catalogue

BASE_COLUMNS = ("region_name", "share", "ci_low", "ci_high", "fragile", "answered",
                "contributors", "blank_share", "status", "score", "rank", "standing")
"""Columns before the closest indicators' values (``indicator:<id>``) and the category."""


def region_table(comparison: RealComparison, shares: pd.DataFrame, question: str,
                 domain: str) -> pd.DataFrame:
    """One row per région: share and interval, answers, status, domain, indicators, category.

    Parameters
    ----------
    comparison
        :func:`atlas.perception.grand_debat.comparison.compare_regions` for one author type.
    shares
        The régions' shares of ``question`` for the same author type
        (:func:`atlas.perception.grand_debat.shares.closed_shares`): they give the number
        of fragile answers.
    question, domain
        The pair shown (``transition:Q11``, ``mobility``).

    Returns
    -------
    DataFrame
        Indexed by région code, :data:`BASE_COLUMNS`, one ``indicator:<id>`` column per
        closest indicator (its value for the région) and ``category``; highest share first,
        missing shares last.

    Raises
    ------
    ValueError
        If ``question`` is not compared with ``domain``.
    """
    rows = comparison.table[(comparison.table["question"] == question)
                            & (comparison.table["domain"] == domain)]
    if rows.empty:
        raise ValueError(f"{question} is not compared with the domain {domain!r}")
    table = rows.set_index("region").join(shares.set_index("region")[["fragile"]])
    values = comparison.indicators[comparison.indicators["question"] == question]
    wide = values.pivot(index="region", columns="indicator", values="value")
    for indicator in closed_question(question).indicators:
        column = wide[indicator] if indicator in wide else pd.Series(dtype="float64")
        table[f"indicator:{indicator}"] = column.reindex(table.index)
    columns = [*BASE_COLUMNS, *(c for c in table.columns if c.startswith("indicator:")),
               "category"]
    return table[columns].sort_values("share", ascending=False, na_position="last",
                                      kind="stable").rename_axis("region")


def formats(table: pd.DataFrame) -> dict[str, Callable[[object], str]]:
    """How each column of :func:`region_table` is written (missing: « non disponible »)."""
    def one_decimal_percent(value: object) -> str:
        return french.percent(value, 1)

    out: dict[str, Callable[[object], str]] = {
        "share": one_decimal_percent, "ci_low": one_decimal_percent,
        "ci_high": one_decimal_percent, "fragile": french.integer,
        "answered": french.integer, "contributors": french.integer,
        "blank_share": french.percent, "status": wording.status_text,
        "score": lambda v: french.number(v, 2), "rank": french.integer,
        "standing": lambda v: french.number(v, 2)}
    for column in table.columns:
        if column.startswith("indicator:"):
            out[column] = french.indicator_value
    return out


def labels(table: pd.DataFrame, question: str, domain_label: str) -> dict[str, str]:
    """French header of each column of :func:`region_table`."""
    answer = wording.answer_text(closed_question(question).fragile_answer)
    ranked = int(table["rank"].notna().sum())
    out = {"region_name": "Région", "share": f"Part {answer}", "ci_low": "IC 95 % bas",
           "ci_high": "IC 95 % haut", "fragile": f"Réponses {answer}",
           "answered": "Réponses (oui + non)", "contributors": "Contributeurs",
           "blank_share": "Blancs", "status": "Estimation",
           "score": f"Score {domain_label}",
           "rank": f"Rang du score (1 = la plus fragile, sur {french.integer(ranked)})",
           "standing": "Position objective (1 = la plus fragile)", "category": "Constat"}
    catalogue = {i.id: i for i in snapshot_catalogue().indicators}
    for column in table.columns:
        if column.startswith("indicator:"):
            indicator = catalogue[column.removeprefix("indicator:")]
            out[column] = f"{indicator.label} ({indicator.unit})"
    return out
