"""Indicator values of higher levels, recomputed from the communes' counts.

A ratio indicator's value for an EPCI, département, région or France is
``scale * sum(numerator) / sum(denominator)`` over its communes; a weighted-mean indicator's
is ``sum(value * weight) / sum(weight)`` (an approximation, flagged in the catalogue).
Communes without data are left out of both sums, and the share of the territory's
population they leave out is reported (a commune whose value rests on part of its people,
``<id>__coverage``, counts for that part): nothing is ever averaged from commune rates or
ranks, and nothing missing becomes 0.
"""

from __future__ import annotations

import pandas as pd

from indicators.catalogue import Indicator

LEVEL_KEYS = {"epci": "epci", "departements": "departement", "regions": "region",
              "france": "france"}


def parts(indicator: Indicator) -> tuple[str, str]:
    """Names of the two commune columns an indicator is recombined from."""
    if indicator.aggregation.method == "ratio":
        return f"{indicator.id}__num", f"{indicator.id}__den"
    return f"{indicator.id}__vw", f"{indicator.id}__w"


def value_from_parts(numerator: pd.Series, denominator: pd.Series, scale: float) -> pd.Series:
    """``scale * numerator / denominator``, missing where the denominator is not positive.

    >>> v = value_from_parts(pd.Series([1.0, 2.0, 1.0]), pd.Series([4.0, 0.0, float("nan")]),
    ...                      100)
    >>> v.tolist()
    [25.0, nan, nan]
    """
    ok = denominator > 0
    return (scale * numerator / denominator.where(ok)).where(ok)


def aggregate(communes: pd.DataFrame, indicators: tuple[Indicator, ...],
              level: str) -> pd.DataFrame:
    """Recompute every indicator for the territories of ``level``.

    Parameters
    ----------
    communes
        Commune table of the snapshot: ``code``, the grouping columns (``epci``,
        ``departement``, ``region``), ``population`` and each indicator's two parts.
    indicators
        Indicators to recompute.
    level
        ``"epci"``, ``"departements"``, ``"regions"`` or ``"france"``.

    Returns
    -------
    DataFrame
        One row per territory: ``code``, ``population``, then for each indicator its value,
        its two summed parts and ``<id>__coverage`` (share of the population covered).
    """
    if level not in LEVEL_KEYS:
        raise ValueError(f"unknown level {level!r}; valid levels: {sorted(LEVEL_KEYS)}")
    data = communes.copy()
    data["france"] = "FR"
    key = LEVEL_KEYS[level]
    data = data[data[key].notna()]
    groups = data.groupby(key, sort=True)
    population = groups["population"].sum(min_count=1)
    columns = {"population": population}
    for indicator in indicators:
        first, second = parts(indicator)
        ok = data[first].notna() & data[second].notna()
        num = data[first].where(ok).groupby(data[key]).sum(min_count=1)
        den = data[second].where(ok).groupby(data[key]).sum(min_count=1)
        share = data.get(f"{indicator.id}__coverage")  # a commune covered in part
        people = data["population"] if share is None else data["population"] * share.fillna(1)
        covered = people.where(ok).groupby(data[key]).sum(min_count=1)
        scale = indicator.aggregation.scale if indicator.aggregation.method == "ratio" else 1
        columns[indicator.id] = value_from_parts(num, den, scale)
        columns[first], columns[second] = num, den
        columns[f"{indicator.id}__coverage"] = (covered / population).fillna(0.0)
    out = pd.DataFrame(columns)
    out.index.name = "code"
    return out.reset_index()
