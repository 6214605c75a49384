"""Prediction intervals: split-conformal on cross-validated residuals, scaled by commune size.

A commune's value varies around the model's prediction partly because the model is
imperfect (a variance ``tau2`` common to all communes) and partly because a small commune's
rate or median rests on few households (a variance ``kappa / n`` for ``n`` households, as for
a mean over ``n`` units). ``sigma(n) = sqrt(tau2 + kappa / n)`` is fitted to the squared
cross-validated residuals (non-negative least squares). The interval is
``prediction ± q sigma(n)`` on the transformed scale, where ``q`` is the conformal quantile of
the normalised residuals ``|r| / sigma(n)``: the ``ceil((m + 1) level)``-th smallest of ``m``.
Its coverage is therefore guaranteed on average over communes like the fitted ones (when the
cross-validated residuals are exchangeable with a new commune's); for communes smaller than
any fitted one it rests on the ``kappa / n`` extrapolation, and is measured by size band.

``kappa`` is the variance of a commune's own population, which no covariate of a poorer model
can explain better: a feature set that knows less of the commune than the target's main one
(not a superset of its blocks) is given at least the main one's ``kappa``. Without it, a
model fitted on large communes only, whose residuals are dominated by ``tau2``, would
extrapolate intervals of the same width to communes of 30 households. (For a poverty rate,
``kappa`` is close to ``1 / (p (1 - p))``, the binomial variance of a share of households on
the logit scale: 10 at 12 %; the fit finds about that.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LinearRegression

LEVEL = 0.9
"""Nominal coverage of the prediction intervals."""


@dataclass(frozen=True)
class ResidualScale:
    """``sigma(n) = sqrt(tau2 + kappa / n)`` on the transformed scale."""

    tau2: float
    kappa: float

    def sigma(self, households: np.ndarray) -> np.ndarray:
        """Residual scale of communes of ``households`` households (> 0)."""
        n = np.asarray(households, dtype=float)
        return np.sqrt(self.tau2 + self.kappa / n)


def fit_scale(residuals: np.ndarray, households: np.ndarray,
              kappa_floor: float = 0.0) -> ResidualScale:
    """Fit ``tau2 >= 0`` and ``kappa >= kappa_floor`` to squared residuals (least squares).

    Examples
    --------
    >>> n = np.array([10.0, 100.0, 1000.0] * 50)
    >>> r = np.sqrt(0.01 + 2.0 / n) * np.tile([1.0, -1.0], 75)
    >>> s = fit_scale(r, n)
    >>> round(s.tau2, 4), round(s.kappa, 4)
    (0.01, 2.0)
    >>> fit_scale(r, n, kappa_floor=3.0).kappa
    3.0
    """
    n = np.asarray(households, dtype=float)
    design = np.column_stack([np.ones_like(n), 1.0 / n])
    squared = np.asarray(residuals, dtype=float) ** 2 - kappa_floor / n
    model = LinearRegression(fit_intercept=False, positive=True).fit(design, squared)
    tau2, extra = (float(v) for v in model.coef_)
    kappa = kappa_floor + extra
    if tau2 == 0.0 and kappa == 0.0:
        tau2 = float(np.mean(np.asarray(residuals, dtype=float) ** 2)) or 1e-12
    return ResidualScale(tau2, kappa)


def conformal_quantile(scores: np.ndarray, level: float = LEVEL) -> float:
    """The ``ceil((m + 1) level)``-th smallest of ``m`` scores (infinite when too few).

    Examples
    --------
    >>> conformal_quantile(np.arange(1.0, 20.0), 0.9)
    18.0
    """
    scores = np.sort(np.asarray(scores, dtype=float))
    rank = math.ceil((len(scores) + 1) * level)
    return float(scores[rank - 1]) if rank <= len(scores) else math.inf


BANDS = (0, 100, 500, 1_000, 2_000, 5_000, 20_000, np.inf)
"""Size bands (households) of the calibration, as of the validation tables."""
MIN_BAND = 150
"""A band with fewer calibration residuals is merged into the next larger band."""
SCALE_MAX_HOUSEHOLDS = 5_000
"""``sigma(n)`` is fitted on the communes under this size (when there are enough): the
extra variance of cities (more mixed populations) would otherwise hide the growth of the
variance toward small communes, which is what the extrapolation needs; each band's own
conformal quantile then calibrates the larger communes."""


@dataclass(frozen=True)
class Calibration:
    """What an interval needs: the residual scale and the conformal quantile of each band.

    ``edges[i] <= n < edges[i + 1]`` has quantile ``quantiles[i]``; a commune larger than
    the last edge takes the last band's. A commune smaller than every fitted one
    (``n < smallest``) takes the larger of the first band's quantile and
    ``extrapolation_quantile``, calibrated on an extrapolation in size
    (:func:`with_extrapolation`).
    """

    scale: ResidualScale
    edges: tuple[float, ...]
    quantiles: tuple[float, ...]
    level: float = LEVEL
    smallest: float = 0.0
    extrapolation_quantile: float = 0.0

    def quantile(self, households: np.ndarray) -> np.ndarray:
        """Conformal quantile of communes of ``households``."""
        n = np.asarray(households, dtype=float)
        band = np.searchsorted(np.asarray(self.edges), n, side="right") - 1
        q = np.asarray(self.quantiles)[np.clip(band, 0, len(self.quantiles) - 1)]
        beyond = max(self.quantiles[0], self.extrapolation_quantile)
        return np.where(n < self.smallest, beyond, q)

    def half_width(self, households: np.ndarray) -> np.ndarray:
        """Half-width of the interval on the transformed scale."""
        return self.quantile(households) * self.scale.sigma(households)


def with_extrapolation(calibration: Calibration, residuals: np.ndarray,
                       households: np.ndarray, smallest: float) -> Calibration:
    """Add the quantile for communes smaller than every fitted one.

    ``residuals`` are those of the smaller half of the fitted communes predicted by a model
    fitted on the larger half (an extrapolation in size, as for the withheld communes):
    their normalised scores give ``extrapolation_quantile``, which carries the bias and the
    extra variance of extrapolating that the random folds do not show. ``smallest`` is the
    size of the smallest fitted commune.
    """
    n = np.asarray(households, dtype=float)
    scores = np.abs(np.asarray(residuals, dtype=float)) / calibration.scale.sigma(n)
    q = conformal_quantile(scores, calibration.level)
    return Calibration(calibration.scale, calibration.edges, calibration.quantiles,
                       calibration.level, float(smallest), q)


def calibrate(residuals: np.ndarray, households: np.ndarray, level: float = LEVEL,
              kappa_floor: float = 0.0) -> Calibration:
    """Calibrate intervals on cross-validated ``residuals`` of communes of ``households``.

    The normalised residuals ``|r| / sigma(n)`` get one conformal quantile per size band
    of :data:`BANDS` (bands with fewer than :data:`MIN_BAND` residuals merged into the next
    larger one): split-conformal by band (*Mondrian*), so that coverage holds within each
    band, not only on average. ``kappa_floor`` is the least small-commune variance
    allowed (see :func:`fit_scale`).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> n = rng.choice([50.0, 5000.0], size=4000)
    >>> r = rng.normal(size=4000) * np.where(n < 100, 0.3, 0.1)
    >>> c = calibrate(r, n)
    >>> [round(float(np.mean(np.abs(r[n == v]) <= c.half_width(np.array([v]))[0])), 2)
    ...  for v in (50.0, 5000.0)]
    [0.9, 0.9]
    """
    n = np.asarray(households, dtype=float)
    residuals = np.asarray(residuals, dtype=float)
    below = n < SCALE_MAX_HOUSEHOLDS
    if below.sum() < MIN_BAND:
        below = np.ones_like(n, dtype=bool)
    scale = fit_scale(residuals[below], n[below], kappa_floor)
    scores = np.abs(residuals) / scale.sigma(n)
    edges: list[float] = []
    quantiles: list[float] = []
    start = BANDS[0]
    for end in BANDS[1:]:
        inside = (n >= start) & (n < end)
        if inside.sum() >= MIN_BAND or (end == BANDS[-1] and not quantiles):
            edges.append(start)
            quantiles.append(conformal_quantile(scores[inside], level))
            start = end
        elif end == BANDS[-1]:
            # too few large communes: they join the last band kept
            inside = n >= edges[-1]
            quantiles[-1] = conformal_quantile(scores[inside], level)
    return Calibration(scale, tuple(edges), tuple(quantiles), level)
