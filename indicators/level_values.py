"""The value shown for an EPCI, a département, a région or France, and what it rests on.

For each indicator and territory of a higher level, in this order of preference:

1. the **official** value of that level, read from the publisher's own file of that level
   (SSMSI départements and régions, INSEE Filosofi départements, EPCI, Observatoire des
   territoires…), as the catalogue declares (``official:``);
2. a value **recomputed from the official values** of the départements (else the EPCI) it
   is made of, weighted by their counts (a région's poverty rate from its départements'
   official rates weighted by their persons; a département's share of minimum benefits from
   its EPCI's), when those cover at least :data:`COVERAGE_MIN` of its population;
3. a value **recomputed from its communes' counts** (:func:`indicators.aggregation.aggregate`),
   when the communes with a published value hold at least :data:`COVERAGE_MIN` of its
   population;
4. otherwise nothing: « non disponible (couverture n %) », never a value resting on a fifth
   of the population.

An indicator comparable only within a région (``comparison: region``) has no value for a
région (``NOT_COMPARABLE``). Every value carries its status (:class:`Status`) and coverage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.aggregation import parts
from indicators.catalogue import Indicator
from indicators.status import COVERAGE_MIN, Status

REGISTERS = ("établissement", "site", "structure")
"""Raw levels of registers of establishments: a territory's value covers all of them, so
communes without an establishment do not lower its coverage."""
BELOW = {"departements": ("epci",), "regions": ("departements", "epci"),
         "france": ("departements", "epci")}
"""Finer levels whose official values a level may be recomputed from, preferred first."""


def from_official_below(values: pd.DataFrame, weights: pd.DataFrame, population: pd.Series,
                        group: pd.Series, group_population: pd.Series
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weighted means of official values of the territories below, per group.

    Parameters
    ----------
    values
        Official values of the territories below (code × indicator), NaN where none.
    weights
        Each territory's total of the indicator's weight (its denominator or the weight of
        its mean), code × indicator.
    population
        Population of the territories below.
    group
        Group (région, or ``"FR"``) of each territory below.
    group_population
        Population of each group.

    Returns
    -------
    (values, coverage)
        Group × indicator: the weighted mean over the territories with both a value and a
        weight, and the share of the group's population they hold.

    Examples
    --------
    >>> v = pd.DataFrame({"p": [10.0, 20.0, np.nan]}, index=["a", "b", "c"])
    >>> w = pd.DataFrame({"p": [1.0, 3.0, 1.0]}, index=["a", "b", "c"])
    >>> pop = pd.Series([10.0, 30.0, 10.0], index=["a", "b", "c"])
    >>> out, cov = from_official_below(v, w, pop, pd.Series("R", index=["a", "b", "c"]),
    ...                                pd.Series({"R": 50.0}))
    >>> float(out.loc["R", "p"]), float(cov.loc["R", "p"])
    (17.5, 0.8)
    """
    ok = values.notna() & weights.notna() & (weights > 0)
    num = (values * weights).where(ok).groupby(group).sum(min_count=1)
    den = weights.where(ok).groupby(group).sum(min_count=1)
    covered = ok.mul(population, axis=0).groupby(group).sum()
    out = (num / den.where(den > 0)).reindex(group_population.index)
    coverage = covered.div(group_population.reindex(covered.index), axis=0)
    return out, coverage.reindex(group_population.index)


def resolve(level: str, computed: pd.DataFrame, indicators: tuple[Indicator, ...],
            official: pd.DataFrame | None = None,
            from_below: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Value used, its status and coverage, for every territory of a higher ``level``.

    Parameters
    ----------
    level
        ``"epci"``, ``"departements"``, ``"regions"`` or ``"france"``.
    computed
        :func:`indicators.aggregation.aggregate`'s table for ``level``: ``code``,
        ``population``, and per indicator its recomputed value, parts and
        ``<id>__coverage``.
    indicators
        The indicators.
    official
        Official values of ``level`` (code × indicator id), NaN where the file has none.
    from_below
        ``(values, coverage)`` recomputed from official values of the level below (see
        :func:`from_official_below`).

    Returns
    -------
    DataFrame
        ``code``, ``population``, the parts of each indicator as ``computed`` has them, and
        per indicator: ``<id>`` (value used, NaN when missing), ``<id>__computed`` (from the
        communes, whatever its coverage), ``<id>__official`` (the official value, or NaN),
        ``<id>__coverage`` (share of the population the value used rests on: 1 for an
        official value) and ``<id>__status`` (a :class:`Status`, int8).
    """
    table = computed.set_index("code")
    index = table.index
    columns: dict[str, pd.Series] = {"population": table["population"]}
    for indicator in indicators:
        first, second = parts(indicator)
        columns[first], columns[second] = table[first], table[second]
        ident = indicator.id
        rolled, rolled_coverage = table[ident], table[f"{ident}__coverage"]
        if indicator.source.raw_level in REGISTERS:
            # every establishment is in the file: a commune without one is not missing
            rolled_coverage = rolled_coverage.mask(rolled.notna(), 1.0)
        off = _column(official, ident, index)
        below, below_coverage = ((_column(from_below[0], ident, index),
                                  _column(from_below[1], ident, index))
                                 if from_below is not None else (_nan(index), _nan(index)))
        value, status, coverage = _choose(rolled, rolled_coverage, off, below, below_coverage)
        if indicator.comparison == "region" and level in ("regions", "france"):
            value = _nan(index)
            status = pd.Series(np.int8(Status.NOT_COMPARABLE), index=index)
        columns[ident] = value
        columns[f"{ident}__computed"] = rolled
        columns[f"{ident}__official"] = off
        columns[f"{ident}__coverage"] = coverage
        columns[f"{ident}__status"] = status.astype("int8")
    out = pd.DataFrame(columns, index=index)
    out.index.name = "code"
    return out.reset_index()


def _choose(rolled: pd.Series, rolled_coverage: pd.Series, official: pd.Series,
            below: pd.Series, below_coverage: pd.Series
            ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The value used, its status and coverage, in the module's order of preference."""
    index = rolled.index
    rolled_v, rolled_c = rolled.to_numpy(float), rolled_coverage.to_numpy(float)
    official_v = official.to_numpy(float)
    below_v, below_c = below.to_numpy(float), below_coverage.to_numpy(float)
    has_official = ~np.isnan(official_v)
    with np.errstate(invalid="ignore"):
        has_below = ~np.isnan(below_v) & (below_c >= COVERAGE_MIN) & ~has_official
        has_rolled = (~np.isnan(rolled_v) & (rolled_c >= COVERAGE_MIN) & ~has_official
                      & ~has_below)
    value = np.select([has_official, has_below, has_rolled], [official_v, below_v, rolled_v],
                      np.nan)
    some = ~np.isnan(rolled_v) | ~np.isnan(below_v)
    status = np.select([has_official, has_below, has_rolled, some],
                       [Status.OFFICIAL, Status.FROM_OFFICIAL, Status.COMPUTED,
                        Status.LOW_COVERAGE], Status.ABSENT).astype("int8")
    best_partial = np.fmax(np.where(np.isnan(rolled_v), np.nan, rolled_c),
                           np.where(np.isnan(below_v), np.nan, below_c))
    coverage = np.select([has_official, has_below, has_rolled, some],
                         [1.0, below_c, rolled_c, best_partial], 0.0)
    return (pd.Series(value, index=index), pd.Series(status, index=index),
            pd.Series(coverage, index=index))


def _column(frame: pd.DataFrame | None, ident: str, index: pd.Index) -> pd.Series:
    if frame is None or ident not in frame.columns:
        return _nan(index)
    return frame[ident].reindex(index).astype("float64")


def _nan(index: pd.Index) -> pd.Series:
    return pd.Series(np.nan, index=index, dtype="float64")
