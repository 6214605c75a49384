"""Normalisation of indicators into fragility scores, and ranks within a frame.

Every normaliser turns one territory × indicator table into scores oriented so that a
higher score means *more fragile*: each indicator is first multiplied by its direction
(+1 when a higher value is more fragile, -1 when it is less fragile), then normalised
within its reference frame, either all of France (``groups=None``) or each région
(``groups`` = the région code of every territory).

Methods (OECD/JRC, *Handbook on Constructing Composite Indicators*, 2008, section 5):

``rank``
    Percentile rank as in the CDC/ATSDR Social Vulnerability Index (SVI documentation,
    "Percentile ranking"): ``(r - 1) / (n - 1)`` where ``r`` is the ascending rank among
    the ``n`` non-missing values of the frame and tied values share the *lowest* rank
    (Excel's ``PERCENTRANK.INC``, used by the SVI). Equivalently: the share of the other
    territories of the frame whose value is strictly lower. In [0, 1].
``minmax``
    ``(x - min) / (max - min)`` within the frame. In [0, 1].
``zscore``
    ``(x - mean) / sd`` within the frame (population standard deviation, ``ddof=0``).
``distance``
    ``(x - reference) / sd``: distance to a reference value of the indicator (the national
    rate recomputed from summed numerators and denominators, not a mean of rates), in
    standard deviations of the frame. ``reference`` is one value per indicator, or one
    row per group (a région's own rate) when the frame is regional.

Outlier treatment (``minmax`` and ``zscore``), as the JRC's COINr does by default
(``Treat()``: ``winsorise`` then ``log_CT``, checked by ``check_SkewKurt``): within each frame,
an indicator whose skewness (sample, bias-corrected, as Excel's SKEW) is at least 2 in
absolute value *and* whose kurtosis (excess, bias-corrected, as Excel's KURT) is at least 3.5
is winsorised one extreme at a time (the most extreme value, ties included, takes the next
one's value; at the tail the skewness points to) until it passes or at most 5 values are
changed; if it still fails, the winsorisation is dropped and the frame's values are
log-transformed instead, ``log(x - min + 0.01 (max - min))`` (mirrored for a negative
skewness so that the long tail is the one compressed). Both are monotone: the order of
territories never changes. ``rank`` needs no treatment (it only uses the order); ``distance``
gets none because it measures a gap to a reference value (a national rate) in the
indicator's own unit, which a frame-dependent log would change and which may lie outside the
frame's range, where that log is not defined. :func:`outlier_treatments` says what was done.

A frame without variation (a single value, or all equal) gives 0 to all its territories:
none is more fragile than another; so does, for ``distance``, a spread too small for the
distance to be represented as a float. Missing stays missing: NaN in, NaN out, never 0.

The module also holds the exact ranking primitives shared by the index, the flags and the
Monte Carlo (:func:`sort_rows`, :func:`tie_bounds`, :func:`percentile_rank`,
:func:`fragility_rank`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

Normaliser = Callable[[pd.DataFrame, pd.Series | None, np.ndarray | None], pd.DataFrame]


# --- exact ranking primitives -----------------------------------------------------------

def sort_rows(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort each row of a finite 2-D array; return the order and the sorted rows.

    Exact and stable (ties keep column order), and faster than ``np.argsort`` on long
    rows. float32 rows are radix-sorted on their bit patterns (two 16-bit passes, the
    same cost whatever the distribution); other rows are radix-sorted on their values
    quantised to 16 bits (a monotone map, so it never contradicts the true order), which
    leaves them nearly sorted, then a stable sort (timsort) finishes them.

    >>> order, values = sort_rows(np.array([[0.3, 0.1, 0.2, 0.1]]))
    >>> order.tolist(), values.tolist()
    ([[1, 3, 2, 0]], [[0.1, 0.1, 0.2, 0.3]])
    """
    a = np.asarray(a)
    order = np.empty(a.shape, dtype=np.intp)
    ordered = np.empty_like(a)
    keys = radix_keys(a)
    for r in range(a.shape[0]):
        sort_row(a[r], keys[r], order[r], ordered[r])
    return order, ordered


def radix_keys(a: np.ndarray) -> np.ndarray:
    """16-bit sort keys of each row of ``a``, ``(rows, passes, width)``, least significant first.

    float32: the two halves of the order-preserving 32-bit pattern (exact). Other types:
    one key, the row mapped monotonically onto 0..65535.
    """
    if a.dtype == np.float32:
        bits = (a + np.float32(0)).view(np.uint32)  # + 0 turns -0.0 into 0.0
        # negative floats: all bits flipped; positive: sign bit set (IEEE 754 order)
        bits = bits ^ np.where(bits >> 31, np.uint32(0xFFFFFFFF), np.uint32(0x80000000))
        return np.stack([(bits & 0xFFFF).astype(np.uint16),
                         (bits >> 16).astype(np.uint16)], axis=1)
    low = a.min(axis=1, keepdims=True)
    span = a.max(axis=1, keepdims=True) - low
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        scale = (65535 / span).astype(a.dtype)
        scale[~np.isfinite(scale) | ~(span > 0)] = 0  # no spread, or too small to invert
        shifted = a - low  # >= 0, and <= 65535 (1 + 4 eps) once scaled: the clip is a guard
        shifted *= scale
        np.minimum(shifted, 65535, out=shifted)
    return shifted.astype(np.uint16)[:, None, :]


def sort_row(a: np.ndarray, keys: np.ndarray, order: np.ndarray, ordered: np.ndarray,
             frame: np.ndarray | None = None) -> None:
    """Sort the 1-D ``a`` exactly, given its :func:`radix_keys`, into ``order`` and ``ordered``.

    See :func:`sort_rows`. With ``frame`` (uint16, one per element), the sort is by
    (frame, value): a last stable radix pass on the frame.
    """
    first = np.argsort(keys[0], kind="stable")  # numpy sorts 16-bit keys by radix
    for key in keys[1:]:
        first = first[np.argsort(key[first], kind="stable")]
    if a.dtype != np.float32:  # the keys were quantised: finish by value
        first = first[np.argsort(a[first], kind="stable")]  # timsort, nearly sorted
    if frame is not None:
        first = first[np.argsort(frame[first], kind="stable")]
    order[:] = first
    np.take(a, first, out=ordered)


def tie_bounds(sorted_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last position of each value's block of ties, in rows sorted ascending.

    >>> first, last = tie_bounds(np.array([[1.0, 2.0, 2.0, 3.0]]))
    >>> first.tolist(), last.tolist()
    ([[0, 1, 1, 3]], [[0, 2, 2, 3]])
    """
    n_rows, n = sorted_rows.shape
    positions = np.broadcast_to(np.arange(n), (n_rows, n))
    if n < 2:
        return positions.copy(), positions.copy()
    new_block = np.ones((n_rows, n), dtype=bool)
    new_block[:, 1:] = sorted_rows[:, 1:] != sorted_rows[:, :-1]
    if new_block.all():
        return positions.copy(), positions.copy()
    first = np.maximum.accumulate(np.where(new_block, positions, 0), axis=1)
    block_end = np.ones((n_rows, n), dtype=bool)
    block_end[:, :-1] = new_block[:, 1:]
    reverse = np.where(block_end, positions, n - 1)[:, ::-1]
    last = np.minimum.accumulate(reverse, axis=1)[:, ::-1]
    return first, last


def _counts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Per value of a 1-D array without NaN: how many are strictly lower, strictly higher."""
    order, sorted_x = sort_rows(x[None, :])
    first, last = tie_bounds(sorted_x)
    lower = np.empty(x.size, dtype=np.int64)
    higher = np.empty(x.size, dtype=np.int64)
    lower[order[0]] = first[0]
    higher[order[0]] = x.size - 1 - last[0]
    return lower, higher, x.size


def _frame_apply(values: pd.DataFrame, groups: pd.Series | None,
                 column_fn: Callable[[np.ndarray], np.ndarray]) -> pd.DataFrame:
    """Apply ``column_fn`` to the non-missing values of each column within each frame."""
    a = values.to_numpy(dtype=np.float64)
    out = np.full(a.shape, np.nan)
    for rows in _frame_rows(values.index, groups):
        block = a[rows]
        for j in range(block.shape[1]):
            present = ~np.isnan(block[:, j])
            if present.any():
                out[rows[present], j] = column_fn(block[present, j])
    return pd.DataFrame(out, index=values.index, columns=values.columns)


def _frame_rows(index: pd.Index, groups: pd.Series | None) -> list[np.ndarray]:
    """Row positions of each frame: all rows, or the rows of each group."""
    if groups is None:
        return [np.arange(len(index))]
    codes = group_codes(index, groups)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    return np.split(order, bounds)


def group_codes(index: pd.Index, groups: pd.Series) -> np.ndarray:
    """Integer code (0, 1, ...) of the group of each territory of ``index``.

    Territories without a group (absent from ``groups`` or NaN) are refused.
    """
    aligned = groups.reindex(index)
    if aligned.isna().any():
        missing = list(index[aligned.isna().to_numpy()][:5])
        raise ValueError(f"no frame (région) for {int(aligned.isna().sum())} territories, "
                         f"e.g. {missing}")
    codes, _ = pd.factorize(aligned, sort=True)
    return codes


def percentile_rank(scores: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    """Percentile rank of each column within its frame, as the CDC SVI computes it.

    ``(r - 1) / (n - 1)``, ``r`` the ascending rank with ties at the lowest rank, ``n``
    the non-missing values of the frame; a frame without variation gives 0.

    >>> percentile_rank(pd.DataFrame({"x": [10.0, 30.0, 20.0, 20.0, np.nan]}))["x"].tolist()
    [0.0, 1.0, 0.3333333333333333, 0.3333333333333333, nan]
    """
    def column(x: np.ndarray) -> np.ndarray:
        lower, _, n = _counts(x)
        return lower / (n - 1) if n > 1 else np.zeros(n)

    return _frame_apply(scores, groups, column)


def fragility_rank(scores: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    """Rank within the frame, 1 = most fragile; ties share the best rank; NaN stays NA.

    >>> fragility_rank(pd.DataFrame({"x": [0.2, 0.9, 0.5, 0.9, np.nan]}))["x"].tolist()
    [4, 1, 3, 1, <NA>]
    """
    def column(x: np.ndarray) -> np.ndarray:
        _, higher, _ = _counts(x)
        return higher + 1.0

    return _frame_apply(scores, groups, column).astype("Int64")


# --- the normalisers -------------------------------------------------------------------
# Each takes the oriented values (territory x indicator), the frame and the oriented
# reference (territory x indicator, or None), and returns the scores.

def _per_frame(column_fn: Callable[[np.ndarray], np.ndarray]) -> Normaliser:
    def normaliser(oriented: pd.DataFrame, groups: pd.Series | None,
                   reference: np.ndarray | None) -> pd.DataFrame:
        return _frame_apply(oriented, groups, column_fn)
    return normaliser


def _rank(x: np.ndarray) -> np.ndarray:
    lower, _, n = _counts(x)
    return lower / (n - 1) if n > 1 else np.zeros(n)


def _minmax(x: np.ndarray) -> np.ndarray:
    span = x.max() - x.min()
    return (x - x.min()) / span if span > 0 else np.zeros(x.size)


def _zscore(x: np.ndarray) -> np.ndarray:
    # "no variation" is max == min: a constant column's float mean need not equal it.
    if x.max() == x.min():
        return np.zeros(x.size)
    u, _ = _deviations(x)
    return u / np.sqrt(np.mean(u * u))


def _sd(x: np.ndarray) -> float:
    """Population standard deviation, 0 when all values are equal."""
    if x.max() == x.min():
        return 0.0
    u, scale = _deviations(x)
    return float(scale * np.sqrt(np.mean(u * u)))


def _deviations(x: np.ndarray) -> tuple[np.ndarray, float]:
    """Deviations from the mean divided by ``scale``, so that they are at most 1.

    Rescaled before the mean and again before squaring, so that neither tiny values
    (whose mean is not representable) nor tiny deviations (whose squares underflow)
    lose precision; z-scores do not depend on the scale.
    """
    first = np.abs(x).max()
    y = x / first
    u = y - y.mean()
    second = np.abs(u).max()
    return u / second, float(first * second)


def _distance(oriented: pd.DataFrame, groups: pd.Series | None,
              reference: np.ndarray | None) -> pd.DataFrame:
    if reference is None:
        raise ValueError("method 'distance' needs a reference value for every indicator "
                         "(e.g. the national rate recomputed from counts)")
    sd = _frame_apply(oriented, groups, lambda x: np.full(x.size, _sd(x))).to_numpy()
    gap = oriented.to_numpy(dtype=np.float64) - reference
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = gap / sd
    # no spread, or one too small for the distance to be represented: 0 (NaN stays NaN)
    out = np.where(np.isinf(out) | ~(sd > 0), gap * 0.0, out)
    return pd.DataFrame(out, index=oriented.index, columns=oriented.columns)


# --- outlier treatment (COINr's defaults) ------------------------------------------------

SKEW_THRESHOLD = 2.0
"""Treat when the absolute skewness is at least this (COINr ``skew_thresh``)..."""
KURTOSIS_THRESHOLD = 3.5
"""... and the excess kurtosis at least this (COINr ``kurt_thresh``)."""
MAX_WINSORISED = 5
"""At most this many values winsorised before falling back on the log (COINr ``winmax``)."""


@dataclass(frozen=True)
class Treatment:
    """What :func:`outlier_treatment` did to the values of one indicator in one frame."""

    method: str
    """``"none"``, ``"winsorised"`` or ``"log"``."""
    points: int
    """Values changed by the winsorisation kept (0 for ``"none"`` and ``"log"``)."""
    skewness: float
    kurtosis: float
    skewness_after: float
    kurtosis_after: float


def outlier_treatment(values: np.ndarray, *, skew_threshold: float = SKEW_THRESHOLD,
                      kurtosis_threshold: float = KURTOSIS_THRESHOLD,
                      max_points: int = MAX_WINSORISED) -> tuple[np.ndarray, Treatment]:
    """Winsorise, or else log-transform, a skewed and heavy-tailed indicator (COINr).

    See the module docstring. NaN stays NaN and is left out of the statistics; fewer than
    four values (kurtosis undefined) or values all equal are left untouched.

    Returns
    -------
    tuple
        The treated values (float64, same shape) and the :class:`Treatment`. The log is
        computed as ``log((x - min) / (max - min) + 0.01)``, which differs from COINr's
        ``log(x - min + 0.01 (max - min))`` by the constant ``log(max - min)`` only: min-max
        and z-scores are the same, and no range underflows.
    """
    x0 = np.asarray(values, dtype=np.float64)
    if np.isinf(x0).any():
        raise ValueError("values must be finite numbers or NaN (missing); found infinity")
    out = x0.copy()
    present = ~np.isnan(x0)
    x = x0[present]
    skew, kurt = _skew_kurtosis(x)

    def fails(s: float, k: float) -> bool:
        return abs(s) >= skew_threshold and k >= kurtosis_threshold

    if not fails(skew, kurt):
        return out, Treatment("none", 0, skew, kurt, skew, kurt)
    w, s, k = x.copy(), skew, kurt
    points = 0
    while fails(s, k) and points < max_points:
        extreme = w == (w.max() if s >= 0 else w.min())
        if extreme.all():
            break
        w[extreme] = w[~extreme].max() if s >= 0 else w[~extreme].min()
        points = int((w != x).sum())
        s, k = _skew_kurtosis(w)
    if fails(s, k):  # COINr's default: the log replaces the winsorisation
        w = _log_transform(x, skew)
        points = 0
        s, k = _skew_kurtosis(w)
        method = "log"
    else:
        method = "winsorised"
    out[present] = w
    return out, Treatment(method, points, skew, kurt, s, k)


def treat_outliers(values: np.ndarray, *, skew_threshold: float = SKEW_THRESHOLD,
                   kurtosis_threshold: float = KURTOSIS_THRESHOLD,
                   max_points: int = MAX_WINSORISED) -> np.ndarray:
    """The values of one frame after :func:`outlier_treatment`; NaN stays NaN.

    >>> treat_outliers(np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100, np.nan])).tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 30.0, 30.0, nan]
    """
    return outlier_treatment(values, skew_threshold=skew_threshold,
                             kurtosis_threshold=kurtosis_threshold, max_points=max_points)[0]


def _skew_kurtosis(x: np.ndarray) -> tuple[float, float]:
    """Bias-corrected skewness and excess kurtosis (e1071 type 2, Excel); NaN if undefined.

    The formulas of ``scipy.stats.skew`` and ``kurtosis`` with ``bias=False`` (the tests
    check they agree), written out: scipy's argument handling costs ten times the
    arithmetic, and the winsorisation loop evaluates them up to six times per column.
    """
    n = x.size
    if n < 4 or x.max() == x.min():
        return np.nan, np.nan
    u, _ = _deviations(x)  # scale-free: neither overflow nor underflow
    u = u - u.mean()
    u2 = u * u
    m2, m3, m4 = u2.mean(), (u2 * u).mean(), (u2 * u2).mean()
    g1, g2 = m3 / m2**1.5, m4 / (m2 * m2) - 3.0
    return (float(g1 * np.sqrt(n * (n - 1.0)) / (n - 2.0)),
            float(((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))))


def _log_transform(x: np.ndarray, skew: float) -> np.ndarray:
    """COINr's ``log_CT`` up to a constant, on the tail the skewness points to."""
    low, high = x.min(), x.max()
    scale = max(abs(low), abs(high))
    span = high / scale - low / scale
    if skew >= 0:
        return np.log((x / scale - low / scale) / span + 0.01)
    return -np.log((high / scale - x / scale) / span + 0.01)


def outlier_treatments(values: pd.DataFrame, groups: pd.Series | None = None, *,
                       skew_threshold: float = SKEW_THRESHOLD,
                       kurtosis_threshold: float = KURTOSIS_THRESHOLD,
                       max_points: int = MAX_WINSORISED) -> pd.DataFrame:
    """What the ``minmax`` and ``zscore`` normalisations do to each indicator and frame.

    The treatment does not depend on the direction (it is symmetric), so ``values`` are the
    raw indicator values.

    Parameters
    ----------
    values
        One row per territory, one column per indicator; NaN where missing.
    groups
        The frame, as for :func:`normalise` (``None``: all of France).

    Returns
    -------
    pandas.DataFrame
        One row per indicator and frame: ``indicator``, ``frame`` (the group, or
        ``"France"``), ``n`` (values present), ``skewness``, ``kurtosis``, ``treatment``
        (``"none"``, ``"winsorised"``, ``"log"``), ``points`` (values winsorised),
        ``skewness_after``, ``kurtosis_after``.

    Examples
    --------
    >>> values = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100],
    ...                        "y": [float(v) for v in range(12)]})
    >>> outlier_treatments(values)[["indicator", "treatment", "points"]]
      indicator   treatment  points
    0         x  winsorised       1
    1         y        none       0
    """
    a = values.to_numpy(dtype=np.float64)
    if groups is None:
        frames = [("France", np.arange(len(values)))]
    else:
        aligned = groups.reindex(values.index)
        frames = list(zip(sorted(aligned.dropna().unique()),
                          _frame_rows(values.index, groups), strict=True))
    rows = []
    for j, indicator in enumerate(values.columns):
        for frame, positions in frames:
            column = a[positions, j]
            _, t = outlier_treatment(column, skew_threshold=skew_threshold,
                                     kurtosis_threshold=kurtosis_threshold,
                                     max_points=max_points)
            rows.append({"indicator": indicator, "frame": frame,
                         "n": int((~np.isnan(column)).sum()), "skewness": t.skewness,
                         "kurtosis": t.kurtosis, "treatment": t.method, "points": t.points,
                         "skewness_after": t.skewness_after,
                         "kurtosis_after": t.kurtosis_after})
    return pd.DataFrame(rows, columns=["indicator", "frame", "n", "skewness", "kurtosis",
                                       "treatment", "points", "skewness_after",
                                       "kurtosis_after"])


def _treated(column_fn: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """``column_fn`` applied to the frame's values after :func:`treat_outliers`."""
    def treated_column(x: np.ndarray) -> np.ndarray:
        return column_fn(treat_outliers(x))
    return treated_column


NORMALISERS: dict[str, Normaliser] = {
    "rank": _per_frame(_rank),
    "minmax": _per_frame(_treated(_minmax)),
    "zscore": _per_frame(_treated(_zscore)),
    "distance": _distance,
}
"""Normalisation methods by name (see the module docstring for their formulas)."""

BOUNDED = frozenset({"rank", "minmax"})
"""Methods whose scores lie in [0, 1], the only ones a geometric mean accepts."""


def normalise(values: pd.DataFrame, direction: pd.Series, method: str = "rank",
              groups: pd.Series | None = None,
              reference: pd.Series | pd.DataFrame | None = None) -> pd.DataFrame:
    """Normalise indicators into scores where higher means more fragile.

    Parameters
    ----------
    values
        One row per territory, one column per indicator; NaN where missing.
    direction
        Indexed by indicator: +1 if a higher value is more fragile, -1 otherwise.
    method
        A key of :data:`NORMALISERS`: ``"rank"``, ``"minmax"``, ``"zscore"`` or
        ``"distance"``. ``"minmax"`` and ``"zscore"`` first treat outliers within each
        frame (:func:`treat_outliers`; :func:`outlier_treatments` says what was done).
    groups
        The reference frame: ``None`` for all of France, or the group (région code) of
        each territory, indexed like ``values``, to normalise within each group.
    reference
        For ``"distance"``: the reference value of each indicator (Series indexed by
        indicator), or of each group and indicator (DataFrame indexed by group code).

    Returns
    -------
    pandas.DataFrame
        Same shape, index and columns as ``values``; NaN exactly where ``values`` is NaN
        (or, for ``"distance"``, where the reference is NaN).

    Examples
    --------
    Unemployment (+1) and income (-1) in four communes:

    >>> values = pd.DataFrame({"chomage": [5.0, 10.0, 15.0, np.nan],
    ...                        "revenu": [30.0, 20.0, 20.0, 25.0]},
    ...                       index=["01001", "01002", "2A004", "97411"])
    >>> normalise(values, pd.Series({"chomage": 1, "revenu": -1}))
           chomage    revenu
    01001      0.0  0.000000
    01002      0.5  0.666667
    2A004      1.0  0.666667
    97411      NaN  0.333333
    """
    if method not in NORMALISERS:
        raise ValueError(f"unknown normalisation {method!r}; valid methods: "
                         f"{sorted(NORMALISERS)}")
    sign = _checked_direction(values, direction)
    if np.isinf(values.to_numpy(dtype=np.float64)).any():
        raise ValueError("values must be finite numbers or NaN (missing); found infinity")
    oriented = values.astype(np.float64) * sign
    ref = None
    if reference is not None:
        ref = _reference_table(reference, values, groups) * sign.to_numpy()
    return NORMALISERS[method](oriented, groups, ref)


def _checked_direction(values: pd.DataFrame, direction: pd.Series) -> pd.Series:
    absent = values.columns.difference(direction.index)
    if len(absent):
        raise ValueError(f"no direction for indicators {list(absent)}")
    aligned = direction.reindex(values.columns)
    bad = aligned[~aligned.isin([1, -1])]
    if len(bad):
        raise ValueError(f"direction must be +1 or -1; got {bad.to_dict()}")
    return aligned.astype(np.float64)


def _reference_table(reference: pd.Series | pd.DataFrame, values: pd.DataFrame,
                     groups: pd.Series | None) -> np.ndarray:
    """The reference value of every territory and indicator (its frame's reference)."""
    columns = values.columns
    if isinstance(reference, pd.Series):
        absent = columns.difference(reference.index)
        if len(absent):
            raise ValueError(f"no reference value for indicators {list(absent)}")
        row = reference.reindex(columns).to_numpy(dtype=np.float64)
        return np.broadcast_to(row, values.shape)
    if groups is None:
        raise ValueError("a reference per group (DataFrame) needs groups")
    absent = columns.difference(reference.columns)
    if len(absent):
        raise ValueError(f"no reference value for indicators {list(absent)}")
    frame_of = groups.reindex(values.index)
    unknown = sorted(set(frame_of.dropna()) - set(reference.index))
    if unknown:
        raise ValueError(f"no reference row for groups {unknown[:5]}")
    return reference.reindex(index=frame_of.to_numpy(), columns=columns).to_numpy(
        dtype=np.float64)
