"""Small numbers: empirical Bayes smoothing of commune rates and « faible effectif » marks.

A rate over a tiny denominator says little: 690 associations for 233 inhabitants make 2,961
associations per 1,000, one facility for one inhabitant 1,000 per 1,000. Each indicator of
the catalogue declares (``small_numbers``) which of two remedies applies to its commune
values.

Empirical Bayes smoothing (``empirical_bayes``)
    For a count of events or objects ``e_i`` over a population at risk ``n_i`` (rate
    ``r_i = e_i / n_i``), Marshall's moment estimator shrinks each commune's rate towards
    the rate of its group, here its département (Marshall's *local* estimator, with the
    département as the neighbourhood)::

        m   = sum(e) / sum(n)                          the group's rate (prior mean)
        s2  = sum(n_i (r_i - m)^2) / sum(n) - m / nbar  prior variance, nbar = sum(n) / N
        w_i = s2 / (s2 + m / n_i)                      shrinkage weight
        smoothed_i = w_i r_i + (1 - w_i) m

    ``m / n_i`` is the Poisson variance of a rate over ``n_i`` at the group's rate: a
    commune with few inhabitants leans on its département (``w`` near 0), a large one
    keeps its own rate (``w`` near 1). The smoothed rate always lies between the commune's
    rate and its département's. When ``s2`` is negative (the rates vary no more than
    Poisson noise alone would make them), Marshall sets it to 0: every commune of the
    group gets the group's rate (``w = 0``). A département of a single commune (Paris)
    therefore keeps its own rate, which is its group's. Missing stays missing: a missing
    count, or a denominator missing or not positive, gives a missing rate, left out of its
    département's prior.

    The formulas are those of esda's ``Empirical_Bayes(e, b)`` (PySAL) applied to each
    département, and ``tests/test_smoothing.py`` checks that they agree. esda is not
    called because its aspatial estimator lacks Marshall's correction (a negative ``s2``
    gives weights outside [0, 1], down to negative rates) and returns neither the weight,
    nor the prior, nor the variance, which the atlas shows; one vectorised pass over all
    départements replaces a hundred calls per indicator.

« Faible effectif » (a boolean mark per indicator and commune)
    * ``empirical_bayes`` indicators: marked when fewer than 20 events are *expected* at
      the département's rate (``n_i m < 20``), that is when the Poisson relative standard
      error of the rate, ``1 / sqrt(n_i m)``, exceeds ``1 / sqrt(20)`` = 22 %. This is the
      threshold of the US National Center for Health Statistics and the CDC, which mark
      as unreliable a rate resting on fewer than 20 events (RSE of 23 % or more), applied
      to the expected rather than the observed count: the observed one would mark a
      commune of 5,000 inhabitants without any association (a reliable 0) and spare 690
      associations over 233 inhabitants; the expected one depends only on the population
      and on the département's rate.
    * ``denominator`` indicators (not smoothed: ratios that are not rates of events, such
      as a change between two dates, and weighted means of percentages): marked when the
      indicator's own denominator (ratio) or weight (weighted mean) is below 200 units,
      after INSEE's advice for the census communal bases: « les effectifs inférieurs à 200
      doivent être maniés avec précaution […] les comparaisons entre territoires de petites
      tailles sont à proscrire ». The denominator is the largest count behind the value, so
      this marks fewer communes than the advice applied to the numerator would.
    * ``none``: no mark (areas, school counts, model outputs, EPCI values spread over
      their communes: the commune's denominator is not the value's base).

    A missing value is never marked (it is shown as missing).

References
----------
Marshall, R. J. (1991). Mapping disease and mortality rates using empirical Bayes
estimators. *Journal of the Royal Statistical Society, Series C (Applied Statistics)*,
40(2), 283-294.

Anselin, L., Lozano, N. and Koschinsky, J. (2006). *Rate transformations and smoothing*.
Spatial Analysis Laboratory, University of Illinois (the negative variance set to 0).

National Center for Health Statistics, *Health, United States*, "Relative standard error";
CDC WISQARS, "Annotation and suppression of unstable rates" (20 events or fewer).

INSEE, bases communales du recensement (chiffres clés), « Conseils d'utilisation ».
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.aggregation import parts, value_from_parts
from indicators.catalogue import Catalogue, Indicator, load_catalogue

MIN_EXPECTED_EVENTS = 20.0
"""« Faible effectif » below this many events expected at the département's rate (NCHS)."""
MIN_DENOMINATOR = 200.0
"""« Faible effectif » below this own denominator or weight, in its units (INSEE)."""


@dataclass(frozen=True)
class SmoothedRates:
    """Empirical Bayes rates of one indicator: one value per row of the input.

    Rates (``raw``, ``smoothed``, ``prior``) are multiplied by the indicator's scale; all
    Series share the input's index and are NaN (``low_count``: False) where the raw rate
    is missing.
    """

    raw: pd.Series
    """``scale * events / population``: the published rate."""
    smoothed: pd.Series
    """``weight * raw + (1 - weight) * prior``, between ``raw`` and ``prior``."""
    weight: pd.Series
    """Shrinkage weight in [0, 1]: 1 keeps the commune's own rate, 0 its group's."""
    prior: pd.Series
    """The rate of the commune's group (sum of events over sum of population)."""
    expected_events: pd.Series
    """Events expected at the group's rate: ``population * group rate``."""
    low_count: pd.Series
    """« Faible effectif »: fewer than ``min_expected`` events expected."""
    groups: pd.DataFrame
    """Per group: ``communes``, ``events``, ``population``, ``rate`` (scaled),
    ``raw_variance`` (Marshall's ``s2``, scaled²), ``variance`` (floored at 0) and
    ``full_shrinkage`` (``s2 <= 0``: every commune gets the group's rate)."""

    def to_frame(self) -> pd.DataFrame:
        """The per-row Series side by side."""
        return pd.DataFrame({"raw": self.raw, "smoothed": self.smoothed,
                             "weight": self.weight, "prior": self.prior,
                             "expected_events": self.expected_events,
                             "low_count": self.low_count})


def smooth_rates(events: pd.Series, population: pd.Series, group: pd.Series,
                 scale: float = 1.0, *, min_expected: float = MIN_EXPECTED_EVENTS,
                 label: str = "rate") -> SmoothedRates:
    """Smooth rates towards their group's rate by Marshall's empirical Bayes estimator.

    Parameters
    ----------
    events
        Count of events or objects of each unit (commune); NaN where missing.
    population
        Population at risk of each unit, indexed like ``events``; a unit whose population
        is missing or not positive has a missing rate.
    group
        Group of each unit (département code), indexed like ``events``; it may be missing
        only where the rate is.
    scale
        Multiplier of the rates (1000 for a rate per 1,000 inhabitants).
    min_expected
        « Faible effectif » below this many events expected at the group's rate.
    label
        Name of the indicator, for error messages.

    Returns
    -------
    SmoothedRates

    Raises
    ------
    ValueError
        Misaligned inputs, negative or infinite counts or populations, a non-positive
        scale, or a unit with a rate but no group; the message names the rows.

    Examples
    --------
    Three communes of one département: 2 events over 10 inhabitants, 30 over 1,000, 100
    over 2,000. The département's rate is 132 / 3,010 (43.9 per 1,000): the rate of the
    small commune, 200, is almost replaced by it; the larger ones move less:

    >>> index = ["a", "b", "c"]
    >>> s = smooth_rates(pd.Series([2.0, 30, 100], index), pd.Series([10.0, 1000, 2000], index),
    ...                  pd.Series(["01"] * 3, index), scale=1000)
    >>> s.raw.round(1).tolist(), s.smoothed.round(1).tolist()
    ([200.0, 30.0, 50.0], [48.2, 33.6, 49.1])
    >>> s.low_count.tolist()
    [True, False, False]
    """
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"{label}: scale must be a positive number, not {scale!r}")
    e, n = _checked_counts(events, population, group, label)
    rate_present = (e.notna() & (n > 0)).to_numpy()
    missing_group = rate_present & group.isna().to_numpy()
    if missing_group.any():
        raise ValueError(f"{label}: no group (département) for "
                         f"{_rows(events.index, missing_group)}")
    codes, names = pd.factorize(group[rate_present], sort=True)
    k = len(names)
    ev = e.to_numpy(dtype=np.float64)[rate_present]
    pop = n.to_numpy(dtype=np.float64)[rate_present]

    sum_e = np.bincount(codes, ev, minlength=k)
    sum_n = np.bincount(codes, pop, minlength=k)
    count = np.bincount(codes, minlength=k)
    m = sum_e / sum_n
    rate = ev / pop
    deviation = rate - m[codes]
    raw_variance = (np.bincount(codes, pop * deviation * deviation, minlength=k) / sum_n
                    - m / (sum_n / count))
    variance = np.maximum(raw_variance, 0.0)  # Marshall: a negative estimate is set to 0

    prior, s2 = m[codes], variance[codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(s2 > 0, s2 / (s2 + prior / pop), 0.0)
    smoothed = weight * rate + (1.0 - weight) * prior
    # the convex combination, kept between its ends despite rounding
    smoothed = np.clip(smoothed, np.minimum(rate, prior), np.maximum(rate, prior))
    expected = pop * prior

    def per_row(values: np.ndarray, fill: float | bool = np.nan) -> pd.Series:
        out = np.full(len(events), fill, dtype=np.asarray(values).dtype)
        out[rate_present] = values
        return pd.Series(out, index=events.index)

    groups = pd.DataFrame({"communes": count, "events": sum_e, "population": sum_n,
                           "rate": scale * m, "raw_variance": scale**2 * raw_variance,
                           "variance": scale**2 * variance,
                           "full_shrinkage": raw_variance <= 0},
                          index=pd.Index(names, name=group.name))
    return SmoothedRates(raw=per_row(scale * rate), smoothed=per_row(scale * smoothed),
                         weight=per_row(weight), prior=per_row(scale * prior),
                         expected_events=per_row(expected),
                         low_count=per_row(expected < min_expected, False), groups=groups)


def _checked_counts(events: pd.Series, population: pd.Series, group: pd.Series,
                    label: str) -> tuple[pd.Series, pd.Series]:
    """Events and population as float Series, refusing what cannot be a count."""
    if not (events.index.equals(population.index) and events.index.equals(group.index)):
        raise ValueError(f"{label}: events, population and group must share one index")
    out = []
    for name, series in (("events", events), ("population", population)):
        try:
            values = series.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{label}: {name} ({series.name}) must be numbers: {error}") \
                from error
        for problem, bad in (("infinite", np.isinf(values.to_numpy())),
                             ("negative", (values < 0).to_numpy())):
            if bad.any():
                raise ValueError(f"{label}: {problem} {name} (column {series.name}) in "
                                 f"{_rows(series.index, bad)}")
        out.append(values)
    return out[0], out[1]


def _rows(index: pd.Index, bad: np.ndarray) -> str:
    """The rows of ``index`` where ``bad``: how many and the first ones."""
    labels = list(index[bad][:5])
    more = f" (first 5 of {int(bad.sum())})" if bad.sum() > 5 else ""
    return f"{int(bad.sum())} rows: {labels}{more}"


# --- a commune table of the snapshot -----------------------------------------------------

def smooth_indicators(table: pd.DataFrame, catalogue: Catalogue | None = None,
                      group_column: str = "departement") -> dict[str, SmoothedRates]:
    """Empirical Bayes rates of every ``empirical_bayes`` indicator of a commune table.

    Parameters
    ----------
    table
        Commune table of the snapshot (:func:`indicators.snapshot.level_table`): each
        indicator's ``<id>__num`` and ``<id>__den``, the ``group_column`` and, to name the
        rows, ``code``.
    catalogue
        The indicators (default: the package's catalogue).
    group_column
        The column of the groups the rates are smoothed towards.

    Returns
    -------
    dict
        Indicator id to :class:`SmoothedRates`, indexed by ``code`` (or by the table's
        index when it has no ``code`` column).
    """
    catalogue = catalogue or load_catalogue()
    rows = _by_code(table)
    return {indicator.id: _smooth_one(rows, indicator, group_column)
            for indicator in catalogue.indicators if indicator.smoothed}


def smoothed_values(table: pd.DataFrame, catalogue: Catalogue | None = None,
                    group_column: str = "departement") -> pd.DataFrame:
    """Smoothed value of every ``empirical_bayes`` indicator: code × indicator id."""
    smoothed = smooth_indicators(table, catalogue, group_column)
    return pd.DataFrame({ind: s.smoothed for ind, s in smoothed.items()},
                        index=_by_code(table).index)


def small_numbers_marks(table: pd.DataFrame, catalogue: Catalogue | None = None,
                        group_column: str = "departement", *,
                        min_expected: float = MIN_EXPECTED_EVENTS,
                        min_denominator: float = MIN_DENOMINATOR) -> pd.DataFrame:
    """« Faible effectif » of every commune and indicator that has a rule (module docstring).

    Parameters
    ----------
    table
        Commune table of the snapshot, as for :func:`smooth_indicators`.
    catalogue
        The indicators (default: the package's catalogue).
    group_column
        The groups whose rates give the expected counts of ``empirical_bayes`` indicators.
    min_expected, min_denominator
        The thresholds of the two rules.

    Returns
    -------
    pandas.DataFrame
        Booleans, one row per commune (indexed by ``code`` when the table has one), one
        column per indicator whose ``small_numbers`` is not ``none``; True means « faible
        effectif »; a missing value is never marked.
    """
    catalogue = catalogue or load_catalogue()
    rows = _by_code(table)
    marks = {}
    for indicator in catalogue.indicators:
        if indicator.small_numbers == "empirical_bayes":
            marks[indicator.id] = _smooth_one(rows, indicator, group_column,
                                              min_expected).low_count
        elif indicator.small_numbers == "denominator":
            first, second = _columns(rows, indicator)
            scale = (indicator.aggregation.scale if indicator.aggregation.method == "ratio"
                     else 1.0)
            present = value_from_parts(rows[first], rows[second], scale).notna()
            marks[indicator.id] = present & (rows[second] < min_denominator)
    return pd.DataFrame(marks, index=rows.index, dtype=bool)


def _smooth_one(rows: pd.DataFrame, indicator: Indicator, group_column: str,
                min_expected: float = MIN_EXPECTED_EVENTS) -> SmoothedRates:
    numerator, denominator = _columns(rows, indicator, group_column)
    return smooth_rates(rows[numerator], rows[denominator], rows[group_column],
                        indicator.aggregation.scale, min_expected=min_expected,
                        label=indicator.id)


def _columns(rows: pd.DataFrame, indicator: Indicator, *extra: str) -> tuple[str, str]:
    """The indicator's two part columns, checked present (with ``extra`` columns)."""
    first, second = parts(indicator)
    absent = [c for c in (first, second, *extra) if c not in rows.columns]
    if absent:
        raise ValueError(f"{indicator.id}: the commune table lacks columns {absent}")
    return first, second


def _by_code(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("code") if "code" in table.columns else table
