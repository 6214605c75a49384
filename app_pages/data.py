"""Cached access to the atlas for the pages: tables, report and map payloads.

Map payloads are cached as JSON strings (cheap to copy, never mutated), not as objects.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from atlas import classify, mapped, webmap
from geodata import build, search, store
from indicators.catalogue import load_catalogue


def ensure_artifacts() -> None:
    """Build the geometry artifacts, with a French spinner, when they are missing."""
    if not build.is_built():
        with st.spinner("Préparation des géométries des territoires (environ une minute, "
                        "une seule fois)…"):
            store.ensure_built()


@st.cache_data(show_spinner=False)
def table(level: str) -> pd.DataFrame:
    """Attributes of one territorial level (no geometry)."""
    return store.attributes(level)


@st.cache_data(show_spinner=False)
def search_index() -> pd.Series:
    """Normalised commune names, aligned with ``table("communes")``."""
    return search.search_index(table("communes"))


def find_communes(query: str, limit: int = 12) -> pd.DataFrame:
    """Communes matching ``query`` (name or INSEE code), best first."""
    return search.find(table("communes"), query, limit=limit, index=search_index())


@st.cache_data(show_spinner=False)
def report() -> dict:
    """The build report (sources, repairs, defects left)."""
    return store.report()


@st.cache_data(show_spinner="Calcul des indices…")
def mapped_values(key: str, level: str) -> pd.Series:
    """Values mapped for ``key`` at ``level`` (scores or indicator values), by code."""
    return mapped.values(key, level)


@st.cache_data(show_spinner=False)
def classes(key: str, level: str) -> classify.Classes | None:
    """Quintiles of the mapped values at ``level`` (None for the density map)."""
    if key == mapped.DENSITY:
        return None
    return classify.classify(mapped_values(key, level), "quantiles", 5,
                             decimals=2 if mapped.is_index(key) else 1)


@st.cache_data(show_spinner="Préparation de la carte de France…")
def national_payloads(key: str = mapped.DENSITY) -> tuple[str, str]:
    """GeoJSON strings of the national map: régions (with insets) and inset frames."""
    found = classes(key, "regions")
    return (webmap.national_regions(classes=None if found is None else found.cls),
            webmap.inset_frames())


@st.cache_data(show_spinner="Préparation de la carte de la région…")
def region_payloads(region: str, key: str = mapped.DENSITY) -> tuple[str, str]:
    """GeoJSON strings of one région: its communes and its départements' outlines.

    Communes are classed against all communes of France (the default frame).
    """
    found = classes(key, "communes")
    return (webmap.region_communes(region, classes=None if found is None else found.cls),
            webmap.region_departements(region))


@st.cache_data(show_spinner=False)
def indicator_table() -> pd.DataFrame:
    """The catalogue as a table, with each indicator's coverage of communes and people."""
    from indicators.coverage import coverage
    from indicators.domains import DOMAIN_BY_ID

    shares = {i: v for d in coverage()["domains"].values()
              for i, v in d["by_indicator"].items()}
    rows = []
    for indicator in load_catalogue().indicators:
        source = indicator.source
        rows.append({
            "Indicateur": indicator.label, "Domaine": DOMAIN_BY_ID[indicator.domain].label,
            "Unité": indicator.unit,
            "Sens": "plus = plus fragile" if indicator.direction == 1
            else "plus = moins fragile",
            "Source": f"{source.producer}, {source.dataset}", "Millésime": source.vintage,
            "Licence": source.licence,
            "Communes couvertes": shares[indicator.id]["communes_share"],
            "Population couverte": shares[indicator.id]["population_share"],
            "Niveaux supérieurs": "approximation (moyenne pondérée)"
            if indicator.aggregation.approximate else "recalcul exact (sommes)",
            "Réserves": " ".join(filter(None, [indicator.caveats, source.caveats])),
        })
    return pd.DataFrame(rows)
