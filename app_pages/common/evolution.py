"""« Évolution dans le temps » of the Territoire page: one small series per indicator."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

import french
from app_pages.common.charts import FRENCH_NUMBERS
from atlas.maps.change_map import change_unit
from indicators.change import rank_change_label
from indicators.history import history_catalogue, population_history, territory_history
from indicators.series import series_label

MOVES = {"more_fragile": 1, "less_fragile": -1, "not_significant": 0, "not_assessed": None}


@st.cache_data(show_spinner="Calcul des évolutions…", max_entries=64)
def series_frames(level: str, code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The points of every series of a territory, and one row of change per series."""
    catalogue = history_catalogue()
    points, changes = [], []
    for ident, entry in territory_history(level, code).items():
        indicator = catalogue.by_id(ident)
        label = series_label(indicator.label)
        title = label if indicator.unit.startswith("pour ") else f"{label} ({indicator.unit})"
        for item in entry["history"]:
            if item["value"] is not None:
                points.append({"indicator": title, "vintage": item["vintage"],
                               "value": item["value"],
                               "text": french.quantity(item["value"], indicator.unit)})
        change = entry["change"]
        unit = change_unit(indicator.unit)
        interval = ("" if change.get("low") is None else
                    f"{_signed(change['low'], unit)} à {_signed(change['high'], unit)}")
        changes.append({
            "Indicateur": series_label(indicator.label),
            "Années": f"{change['from']}-{change['to']}",
            "Évolution": _signed(change["value"], unit),
            "Intervalle": interval,
            "Faible effectif": "oui" if change.get("small_numbers") else "",
            "Rang": rank_change_label(MOVES[change["rank_change"]]),
            "Comparabilité": catalogue.series_of(ident).comparability_label,
        })
    for item in population_history(level, code):
        if item["value"] is not None:
            points.append({"indicator": "Population municipale (habitants)",
                           "vintage": item["vintage"], "value": item["value"],
                           "text": french.population(item["value"])})
    return pd.DataFrame(points), pd.DataFrame(changes)


def _signed(value: float | None, unit: str) -> str:
    """« −2,52 points », « +898 €/UC/an », or « non disponible »."""
    if value is None:
        return french.MISSING
    size = abs(value)
    return french.signed(value, 2 if size < 10 else 1 if size < 100 else 0, unit=unit)


def section(level: str, code: str) -> None:
    """Small multiples of the indicators with several vintages, and their changes."""
    st.subheader("Évolution dans le temps")
    points, changes = series_frames(level, code)
    if points.empty:
        st.info("Aucun indicateur n'a de valeur pour plusieurs années sur ce territoire.")
        return
    chart = alt.Chart(points).mark_line(point=True).encode(
        x=alt.X("vintage:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1),
                scale=alt.Scale(zero=False)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False),
                axis=alt.Axis(format=",~r")),  # « 149 000 », « 16,5 »: French numbers
        tooltip=[alt.Tooltip("indicator:N", title="Indicateur"),
                 alt.Tooltip("vintage:Q", title="Année", format="d"),
                 alt.Tooltip("text:N", title="Valeur")],
    ).properties(width=200, height=110).facet(
        facet=alt.Facet("indicator:N", title=None,
                        header=alt.Header(labelLimit=230, labelFontSize=11)),
        columns=3).resolve_scale(y="independent", x="independent").configure(
            locale=FRENCH_NUMBERS)
    st.altair_chart(chart, key="territoire_series")
    st.dataframe(changes, hide_index=True, width="stretch", key="territoire_changes",
                 placeholder=french.MISSING)
    st.caption(
        "Chaque série est calculée sur les communes de 2025 (une commune fusionnée depuis "
        "reçoit la somme des effectifs de ses parties) et la même définition ; population : "
        "populations légales 2021, 2022 et 2023 (INSEE) ; communes : "
        "valeurs publiées par la source (ou estimées, avec leur intervalle), autres niveaux : "
        "recalculées à partir des communes les deux années, jamais comparées à une valeur "
        "officielle d'un autre millésime. L'intervalle tient compte de l'arrondi de la "
        "source et des estimations. Un changement de rang n'est dit « significatif » que si "
        "les intervalles de rang des deux années ne se recouvrent pas (arrondi de la source, "
        "estimation, ou marge d'échantillonnage théorique des recensements et des faits "
        "enregistrés) ; sans aucun intervalle (médiane ou indice recalculé), il n'est pas "
        "évalué. « À interpréter avec prudence » : la définition, la méthode de la source "
        "ou la législation a changé entre les millésimes (voir la page Méthode & données).")
