"""What a map can show: density, the overall index, a dimension, a domain or an indicator."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from atlas.index.composite import Method
from atlas.index.level_indices import level_indices
from indicators import snapshot
from indicators.catalogue import Catalogue, Indicator
from indicators.domains import DIMENSIONS, DOMAINS
from indicators.snapshot import snapshot_catalogue

DENSITY = "density"
OVERALL = "overall"
FRAGILITY_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
"""ColorBrewer YlOrRd, 5 classes (colour-blind safe): darker = more fragile."""
VALUE_COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
"""ColorBrewer Blues, 5 classes, for raw indicator values."""


@dataclass(frozen=True)
class Choice:
    """One thing the map can be coloured by."""

    key: str
    """``density``, ``overall``, ``dimension:<id>``, ``domain:<id>`` or ``indicator:<id>``."""
    label: str
    group: str


def choices(catalogue: Catalogue | None = None) -> list[Choice]:
    """Every choice, in the order of the menu (French labels)."""
    catalogue = catalogue or snapshot_catalogue()
    out = [Choice(DENSITY, "Densité de population", "Territoire"),
           Choice(OVERALL, "Indice global de fragilité", "Indice")]
    out += [Choice(f"dimension:{d.id}", f"Dimension {d.label.lower()}", "Dimensions")
            for d in DIMENSIONS]
    out += [Choice(f"domain:{d.id}", d.label, "Domaines") for d in DOMAINS]
    out += [Choice(f"indicator:{i.id}", f"{i.label} ({i.unit})", "Indicateurs")
            for i in catalogue.indicators]
    return out


def choices_by_key(catalogue: Catalogue | None = None) -> dict[str, Choice]:
    """The choices, by key."""
    return {c.key: c for c in choices(catalogue)}


def is_index(key: str) -> bool:
    """Whether ``key`` is a fragility score (0 to 1) rather than an indicator's value."""
    return key == OVERALL or key.startswith(("dimension:", "domain:"))


def values(key: str, level: str, method: Method | None = None) -> pd.Series:
    """Values mapped for ``key`` at ``level``, indexed by territory code.

    Scores (overall, dimension, domain) are in [0, 1], higher = more fragile; an indicator
    gives its own values, in its unit.
    """
    if key == OVERALL:
        return level_indices(level, method).overall
    kind, _, ident = key.partition(":")
    if kind == "dimension":
        return level_indices(level, method).dimension_scores[ident]
    if kind == "domain":
        return level_indices(level, method).domain_scores[ident]
    if kind == "indicator":
        return snapshot.values(level)[ident]
    raise ValueError(f"unknown map choice {key!r}; valid: density, overall, dimension:<id>, "
                     "domain:<id>, indicator:<id>")


def indicators_of(key: str, catalogue: Catalogue | None = None) -> tuple[Indicator, ...]:
    """The indicators a choice rests on (all of them for the overall index)."""
    catalogue = catalogue or snapshot_catalogue()
    kind, _, ident = key.partition(":")
    if key == OVERALL:
        return catalogue.indicators
    if kind == "dimension":
        return tuple(i for i in catalogue.indicators if i.dimension == ident)
    if kind == "domain":
        return catalogue.in_domain(ident)
    if kind == "indicator":
        return (catalogue.by_id(ident),)
    return ()


def source_line(indicator: Indicator) -> str:
    """« Producteur, jeu de données (millésime) » with the caveats of approximations."""
    source = indicator.source
    line = f"{source.producer}, {source.dataset} ({source.vintage})"
    if source.third_party:
        line += " — donnée officielle remise en forme par un tiers"
    if indicator.aggregation.approximate:
        line += " — niveaux supérieurs approchés (moyenne pondérée)"
    return line
