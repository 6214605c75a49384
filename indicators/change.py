"""Change over time: the change of a value, its interval, and whether a rank really moved.

Three rules, each a small function:

* a change is computed on the same geography: counts of the parts of a commune that merged
  between the two vintages are summed **before** the rate is recomputed
  (:func:`rate_of_groups`, :func:`change_from_counts`), never averaged from the parts'
  rates;
* a change carries an interval when one of its two values has one (an estimate's), the
  widest difference of the two intervals (:func:`value_change`);
* ranks of two vintages are different rankings: a territory's position is compared only
  through its **rank interval** in each vintage (:func:`rank_intervals`), expressed as a
  share of its ranking so that rankings of different sizes compare, and a change of rank
  is « significative » only when the two intervals do not overlap
  (:func:`significant_rank_change`). A value resting on small numbers has no known rank:
  its interval is the whole ranking.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

Z90 = 1.6448536269514722
"""Normal quantile of a two-sided 90 % interval (the atlas's intervals are 90 %)."""
SIGNIFICANT = "évolution significative"
NOT_SIGNIFICANT = "évolution non significative (intervalles de rang qui se recouvrent)"
NOT_ASSESSED = "évolution de rang non évaluée (valeur manquante ou faible effectif)"


def rate_of_groups(numerator: pd.Series, denominator: pd.Series, groups: pd.Series,
                   scale: float = 1.0) -> pd.Series:
    """``scale * sum(numerator) / sum(denominator)`` in each group (a merged commune).

    Parts lacking either count are left out of both sums; a group whose denominator sums
    to 0 or to nothing has no rate (NaN, never 0).

    >>> rate_of_groups(pd.Series([10.0, 30.0, 5.0]), pd.Series([100.0, 100.0, 50.0]),
    ...                pd.Series(["a", "a", "b"]), 100).tolist()
    [20.0, 10.0]
    """
    known = numerator.notna() & denominator.notna()
    num = numerator.where(known).groupby(groups).sum(min_count=1)
    den = denominator.where(known).groupby(groups).sum(min_count=1)
    return scale * num / den.where(den > 0)


def change_from_counts(before: tuple[pd.Series, pd.Series, pd.Series],
                       after: tuple[pd.Series, pd.Series, pd.Series],
                       scale: float = 1.0) -> pd.Series:
    """Change of a rate between two vintages, counts summed into current communes.

    Each vintage is ``(numerator, denominator, group)`` of its own units (old communes);
    the group is the current commune each belongs to.

    >>> before = (pd.Series([1.0, 3.0]), pd.Series([10.0, 10.0]), pd.Series(["m", "m"]))
    >>> after = (pd.Series([5.0]), pd.Series([20.0]), pd.Series(["m"]))
    >>> change_from_counts(before, after, 100).round(6).tolist()
    [5.0]
    """
    first = rate_of_groups(*before, scale=scale)
    last = rate_of_groups(*after, scale=scale)
    return last - first.reindex(last.index)


def value_change(before: pd.Series, after: pd.Series,
                 before_low: pd.Series | None = None, before_high: pd.Series | None = None,
                 after_low: pd.Series | None = None, after_high: pd.Series | None = None
                 ) -> pd.DataFrame:
    """Change ``after - before`` and its interval where a value has one.

    Returns
    -------
    DataFrame
        ``change`` (NaN when either value is missing), ``low`` and ``high``: the widest
        change the two intervals allow (``after_low - before_high``, ``after_high -
        before_low``; a value without interval counts as exact), NaN where neither value
        has an interval.

    >>> out = value_change(pd.Series([10.0, 10.0]), pd.Series([12.0, 12.0]),
    ...                    after_low=pd.Series([11.0, None]),
    ...                    after_high=pd.Series([14.0, None]))
    >>> out.to_dict("list")
    {'change': [2.0, 2.0], 'low': [1.0, nan], 'high': [4.0, nan]}
    """
    before, after = before.astype("float64"), after.astype("float64")

    def bound(series: pd.Series | None, value: pd.Series) -> tuple[pd.Series, pd.Series]:
        if series is None:
            return value, pd.Series(False, index=value.index)
        series = series.astype("float64").reindex(value.index)
        return series.fillna(value), series.notna()

    b_low, b_has = bound(before_low, before)
    b_high, _ = bound(before_high, before)
    a_low, a_has = bound(after_low, after)
    a_high, _ = bound(after_high, after)
    change = after - before
    has = (b_has | a_has) & change.notna()
    return pd.DataFrame({"change": change,
                         "low": (a_low - b_high).where(has),
                         "high": (a_high - b_low).where(has)}, index=before.index)


STEPS = (1000.0, 100.0, 10.0, 1.0, 0.1, 0.01)
"""Publication steps tried by :func:`publication_step`, coarsest first."""


def publication_step(values: pd.Series, share: float = 0.95) -> float | None:
    """The step a source rounds its values to, if most of them are multiples of one.

    A value published as « 16 » (Filosofi's poverty rates, whole percents) is only known
    to ± half a step: the source's own precision, which an interval must hold.

    >>> publication_step(pd.Series([16.0, 15.0, 22.0, None]))
    1.0
    >>> publication_step(pd.Series([1.25, 3.5]))
    0.01
    >>> publication_step(pd.Series([1 / 3, 2 / 7])) is None
    True
    """
    known = values.to_numpy(dtype="float64", na_value=np.nan)
    known = pd.Series(known[~np.isnan(known)])  # no subset of a (string) index to hash
    if known.empty:
        return None
    for step in STEPS:
        if on_step(known, step).mean() >= share:
            return step
    return None


def on_step(values: pd.Series, step: float) -> pd.Series:
    """Whether each value is a multiple of ``step`` (up to float32 storage precision).

    >>> on_step(pd.Series([21660.002, 15600.36, 17.0]), 10.0).tolist()
    [True, False, False]
    """
    values = values.astype("float64")
    off = (values - (values / step).round() * step).abs()
    return off <= 1e-4 * step + 1e-6 * values.abs()


MARGINS = ("binomial", "poisson", "none")
"""Kinds of theoretical sampling margin a series may declare (:func:`sampling_margin`)."""


def sampling_margin(values: pd.Series, base: pd.Series, kind: str,
                    unit: str = "%") -> pd.Series:
    """Half-width of a theoretical 90 % interval of a rate on its base count, or NaN.

    None of the sources here publishes a margin of error. A series declares which model
    fits its values: ``"binomial"`` for a share (unit ``%``) of counted people, households
    or dwellings of a census, ``z * 100 * sqrt(p (1 - p) / n)``; ``"poisson"`` for a count
    of events per ``K`` inhabitants (unit « pour K … »), ``z * sqrt(v * K / n)``;
    ``"none"`` for exhaustive data (tax files), medians and indices (NaN). ``n`` is the
    base the file gives (its denominator or weight), at best the population concerned: the
    margin is a lower bound.

    >>> sampling_margin(pd.Series([10.0, 10.0]), pd.Series([100.0, 1e4]), "binomial")
    0    4.934561
    1    0.493456
    dtype: float64
    >>> sampling_margin(pd.Series([5.0]), pd.Series([2000.0]), "poisson",
    ...                 "pour 1 000 hab.").round(3).tolist()
    [2.601]
    >>> sampling_margin(pd.Series([20000.0]), pd.Series([500.0]), "none").tolist()
    [nan]
    """
    if kind not in MARGINS:
        raise ValueError(f"unknown margin {kind!r}; valid: {list(MARGINS)}")
    values, base = values.astype("float64"), base.astype("float64").reindex(values.index)
    base = base.where(base > 0)
    if kind == "binomial":
        share = (values / 100.0).clip(0.0, 1.0)
        return Z90 * 100.0 * np.sqrt(share * (1.0 - share) / base)
    per = re.match(r"pour ([0-9][0-9\s\u202f\u00a0]*) ", unit)
    if kind == "poisson" and per:
        scale = float(re.sub(r"\D", "", per.group(1)))
        return Z90 * np.sqrt(values.clip(lower=0.0) * scale / base)
    if kind == "poisson":
        raise ValueError(f"a Poisson margin needs a unit « pour K … », not {unit!r}")
    return pd.Series(np.nan, index=values.index)


def rank_intervals(values: pd.Series, direction: int, low: pd.Series | None = None,
                   high: pd.Series | None = None,
                   unknown: pd.Series | None = None) -> pd.DataFrame:
    """Rank (1 = most fragile) of each value in its ranking, and its rank interval.

    Parameters
    ----------
    values
        The values of one vintage (NaN: not ranked).
    direction
        +1 when a higher value is more fragile, -1 otherwise.
    low, high
        A value's interval (NaN: exact).
    unknown
        True where the rank is unknown (a value resting on small numbers): its interval is
        the whole ranking.

    Returns
    -------
    DataFrame
        ``rank``, ``best`` and ``worst`` (ranks; tied values share the interval of their
        ties), ``size`` (values ranked), and ``best_share``/``worst_share``: the same
        bounds as shares of the ranking, ``(rank - 1) / (size - 1)`` (0 = the most fragile).

    >>> out = rank_intervals(pd.Series([5.0, 3.0, 3.0, 1.0]), +1)
    >>> out[["rank", "best", "worst"]].to_dict("list")
    {'rank': [1.0, 2.0, 2.0, 4.0], 'best': [1.0, 2.0, 2.0, 4.0], 'worst': [1.0, 3.0, 3.0, 4.0]}
    """
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 or -1, not {direction!r}")
    values = values.astype("float64")
    known = values.notna().to_numpy()
    score = direction * values.to_numpy()
    lows = score if low is None else direction * low.astype("float64").reindex(
        values.index).fillna(values).to_numpy()
    highs = score if high is None else direction * high.astype("float64").reindex(
        values.index).fillna(values).to_numpy()
    top, bottom = np.maximum(lows, highs), np.minimum(lows, highs)
    ranked = np.sort(score[known])
    size = float(len(ranked))
    above = size - np.searchsorted(ranked, score, side="right")       # strictly more fragile
    best = 1.0 + size - np.searchsorted(ranked, top, side="right")
    worst = size - np.searchsorted(ranked, bottom, side="left")         # ties counted ahead
    rank, best, worst = 1.0 + above, best, np.maximum(worst, 1.0)
    if unknown is not None:
        flag = unknown.reindex(values.index).fillna(False).to_numpy(bool)
        best, worst = np.where(flag, 1.0, best), np.where(flag, size, worst)
    missing = ~known
    out = pd.DataFrame({"rank": rank, "best": best, "worst": worst}, index=values.index)
    out[missing] = np.nan
    out["size"] = size
    span = max(size - 1.0, 1.0)
    out["best_share"] = (out["best"] - 1.0) / span
    out["worst_share"] = (out["worst"] - 1.0) / span
    return out


def significant_rank_change(before_best: pd.Series, before_worst: pd.Series,
                            after_best: pd.Series, after_worst: pd.Series) -> pd.Series:
    """Whether two rank intervals do not overlap: +1 (more fragile), -1 (less), 0, or NA.

    Intervals are ``[best, worst]`` in the same unit (shares of their rankings); NA where
    either is missing. A territory moved only when its whole interval of one vintage lies
    on one side of its whole interval of the other.

    >>> significant_rank_change(pd.Series([0.1, 0.1]), pd.Series([0.2, 0.3]),
    ...                         pd.Series([0.5, 0.25]), pd.Series([0.6, 0.4])).tolist()
    [-1, 0]
    """
    b_best, b_worst = before_best.astype("float64"), before_worst.astype("float64")
    a_best, a_worst = after_best.astype("float64"), after_worst.astype("float64")
    more = a_worst < b_best            # after entirely ahead (more fragile)
    less = a_best > b_worst            # after entirely behind (less fragile)
    out = pd.Series(np.select([more, less], [1, -1], 0), index=before_best.index,
                    dtype="Int64")
    return out.mask(b_best.isna() | b_worst.isna() | a_best.isna() | a_worst.isna())


def rank_change_label(moved: object) -> str:
    """French words of one result of :func:`significant_rank_change`.

    >>> rank_change_label(1)
    'évolution significative (vers plus de fragilité)'
    """
    if moved is None or moved is pd.NA or (isinstance(moved, float) and np.isnan(moved)):
        return NOT_ASSESSED
    if int(moved) == 0:
        return NOT_SIGNIFICANT
    return SIGNIFICANT + (" (vers plus de fragilité)" if int(moved) > 0
                          else " (vers moins de fragilité)")
