"""The regression of one target on one set of covariates, with shrunk département effects.

The model, on the transformed scale of the target (log or logit), is

``y = a + Z b + u_dep + e``

- ``Z`` is the basis of the covariates (:class:`Design`): the covariates of
  :data:`SPLINED_PREFIXES` (the commune's median income and the area-level Filosofi values,
  whose effect on a rate is curved) enter as additive cubic splines (scikit-learn's
  ``SplineTransformer``, 5 knots at quantiles, continued linearly beyond them), the others
  linearly, so that size and census covariates extrapolate linearly to communes smaller
  than those fitted. Every column is standardised. The basis uses the covariates only (of
  all communes), never the target;
- ``b`` is a ridge regression, its penalty chosen by generalised cross-validation (GCV)
  among :data:`ALPHAS` on the fitted communes (:func:`ridge`). It is solved from the
  cross-products ``Z'Z`` and ``Z'y`` (:class:`Moments`), so that the folds of a
  cross-validation cost one pass over the data;
- ``u_dep`` is a département effect estimated from the ridge residuals and shrunk toward 0
  by the empirical Bayes factor ``s2_u / (s2_u + s2_e / n_dep)`` (variances by the method of
  moments), as in a nested-error (Battese-Harter-Fuller) model: a département with few
  fitted communes keeps little of its mean residual; a département with none gets 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.preprocessing import SplineTransformer

ALPHAS = np.logspace(-6, 4, 21)
"""Ridge penalties tried by GCV (on standardised columns; the intercept is not penalised)."""

SPLINE_KNOTS = 5
SPLINED_PREFIXES = ("log_med21", "persons_per_household21", "dep_", "epci_", "t_")
"""Covariates entering as splines: names starting with one of these."""


def splined(column: str) -> bool:
    """Whether ``column`` enters the regression as a spline (else linearly)."""
    return column.startswith(SPLINED_PREFIXES)


EXTRAPOLATED_PREFIXES = ("log_households",)
"""Covariates a prediction may take beyond the fitted communes' range (commune size)."""


def extrapolated(column: str) -> bool:
    """Whether predictions use ``column`` beyond the range of the fitted communes."""
    return column.startswith(EXTRAPOLATED_PREFIXES)


class Design:
    """Standardised basis of every covariate, its transforms fitted once on all communes.

    The spline knots and the standardisation use the covariates of every commune (never the
    target). A prediction can bound a covariate to the range of the fitted communes
    (:meth:`bounds`): a share computed on a handful of households (100 % of farmers in a
    commune of 3 households) is then not extrapolated linearly.
    """

    def __init__(self, features: pd.DataFrame):
        self.index = features.index
        self.values = {c: features[c].to_numpy(dtype=float) for c in features.columns}
        self.transforms = {c: _transform(v, splined(c)) for c, v in self.values.items()}
        self.bases = {c: self._basis(c, v) for c, v in self.values.items()}

    def _basis(self, column: str, values: np.ndarray) -> np.ndarray:
        spline, mean, std = self.transforms[column]
        known = ~np.isnan(values)
        out = np.full((len(values), len(mean)), np.nan)
        if known.any():
            basis = values[known, None] if spline is None else spline.transform(
                values[known, None])
            out[known] = (basis - mean) / std
        return out

    def bounds(self, columns: Sequence[str], rows: np.ndarray) -> dict[str, tuple[float, float]]:
        """Range of each covariate among ``rows`` (none for the :func:`extrapolated` ones)."""
        return {c: (float(np.nanmin(self.values[c][rows])), float(np.nanmax(self.values[c][rows])))
                for c in columns if not extrapolated(c)}

    def matrix(self, columns: Sequence[str], rows: np.ndarray,
               bounds: dict[str, tuple[float, float]] | None = None) -> np.ndarray:
        """The basis of ``columns`` for ``rows`` (boolean), covariates clipped to ``bounds``."""
        parts = []
        for column in columns:
            if bounds is None or column not in bounds:
                parts.append(self.bases[column][rows])
            else:
                parts.append(self._basis(column, np.clip(self.values[column][rows],
                                                         *bounds[column])))
        return np.hstack(parts)


def _transform(values: np.ndarray, curved: bool):
    """The spline (None: linear) and standardisation of one covariate."""
    known = values[~np.isnan(values)]
    spline = None
    basis = known[:, None]
    if curved and len(np.unique(known)) >= 2 * SPLINE_KNOTS:
        spline = SplineTransformer(n_knots=SPLINE_KNOTS, degree=3, knots="quantile",
                                   extrapolation="linear").fit(known[:, None])
        basis = spline.transform(known[:, None])
    mean = basis.mean(axis=0) if len(basis) else np.zeros(basis.shape[1])
    std = basis.std(axis=0) if len(basis) else np.ones(basis.shape[1])
    std[~(std > 0)] = 1.0
    return spline, mean, std


@dataclass
class Moments:
    """Sums and cross-products of a design ``Z`` and a target ``y`` over some rows."""

    n: float
    z: np.ndarray
    y: float
    zz: np.ndarray
    zy: np.ndarray
    yy: float

    @classmethod
    def of(cls, z: np.ndarray, y: np.ndarray) -> Moments:
        """Moments of the rows of ``z`` and ``y``."""
        return cls(float(len(y)), z.sum(axis=0), float(y.sum()), z.T @ z, z.T @ y,
                   float(y @ y))

    def __add__(self, other: Moments) -> Moments:
        return Moments(self.n + other.n, self.z + other.z, self.y + other.y,
                       self.zz + other.zz, self.zy + other.zy, self.yy + other.yy)

    def __sub__(self, other: Moments) -> Moments:
        return Moments(self.n - other.n, self.z - other.z, self.y - other.y,
                       self.zz - other.zz, self.zy - other.zy, self.yy - other.yy)


@dataclass(frozen=True)
class Ridge:
    """A fitted ridge regression ``y = intercept + Z coef``."""

    intercept: float
    coef: np.ndarray
    alpha: float

    def predict(self, z: np.ndarray) -> np.ndarray:
        """Predictions for the rows of ``z``."""
        return self.intercept + z @ self.coef


def ridge(moments: Moments, alphas: np.ndarray = ALPHAS) -> Ridge:
    """Ridge regression from moments, penalty chosen by generalised cross-validation.

    With centred cross-products ``G = Z'Z - n m m'`` and ``c = Z'y - n m ybar`` and the
    eigen-decomposition ``G = V diag(l) V'``, the coefficients for a penalty ``a`` are
    ``V diag(1 / (l + a)) V' c``, the residual sum of squares
    ``y'y - n ybar^2 - 2 b'c + b'G b`` and the effective degrees of freedom
    ``sum(l / (l + a))``; GCV is ``n RSS / (n - df)^2``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=(200, 3))
    >>> y = 1.0 + z @ np.array([2.0, -1.0, 0.5])
    >>> fit = ridge(Moments.of(z, y))
    >>> round(fit.intercept, 4), fit.coef.round(4).tolist()
    (1.0, [2.0, -1.0, 0.5])
    """
    n = moments.n
    mean_z, mean_y = moments.z / n, moments.y / n
    gram = moments.zz - n * np.outer(mean_z, mean_z)
    cross = moments.zy - n * mean_z * mean_y
    total = moments.yy - n * mean_y ** 2
    eigenvalues, vectors = np.linalg.eigh((gram + gram.T) / 2)
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    projected = vectors.T @ cross
    best = None
    for alpha in alphas:
        shrink = 1.0 / (eigenvalues + alpha)
        coef_rotated = projected * shrink
        rss = total - 2 * coef_rotated @ projected + coef_rotated @ (eigenvalues * coef_rotated)
        df = float(np.sum(eigenvalues * shrink))
        gcv = n * max(rss, 0.0) / max(n - df, 1e-9) ** 2
        if best is None or gcv < best[0] - 1e-15 * abs(best[0]):
            best = (gcv, alpha, coef_rotated)
    _, alpha, coef_rotated = best
    coef = vectors @ coef_rotated
    return Ridge(float(mean_y - mean_z @ coef), coef, float(alpha))


def departement_effects(residuals: np.ndarray, departements: np.ndarray,
                        count: int) -> np.ndarray:
    """Shrunk mean residual of each département (empirical Bayes, method of moments).

    Parameters
    ----------
    residuals
        Residuals of the fitted communes.
    departements
        Their départements, as integer codes in ``range(count)``.
    count
        Number of départements.

    Returns
    -------
    numpy.ndarray
        Effect of each département code: ``mean * s2_u / (s2_u + s2_e / n)``, where
        ``s2_e`` is the pooled within-département variance and ``s2_u`` the variance of the
        département means beyond what ``s2_e`` explains (0 when negative); 0 for a
        département without fitted commune.

    Examples
    --------
    Two départements whose mean residuals (0.68 and -0.45) are mostly noise keep a quarter:

    >>> r = np.array([2.0, -1.0, 1.5, 0.2, -2.0, 1.0, -1.2, 0.4])
    >>> departement_effects(r, np.array([0, 0, 0, 0, 1, 1, 1, 1]), 3).round(2).tolist()
    [0.17, -0.12, 0.0]
    """
    n = np.bincount(departements, minlength=count).astype(float)
    seen = n > 0
    effects = np.zeros(count)
    if seen.sum() < 2:
        return effects
    mean = np.bincount(departements, weights=residuals, minlength=count)[seen] / n[seen]
    within = float(np.sum((residuals - _expand(mean, seen, departements)) ** 2))
    s2_e = within / max(len(residuals) - int(seen.sum()), 1)
    s2_u = max(0.0, float(np.var(mean, ddof=1)) - float(np.mean(s2_e / n[seen])))
    if s2_u > 0.0:
        effects[seen] = mean * s2_u / (s2_u + s2_e / n[seen])
    return effects


def _expand(mean: np.ndarray, seen: np.ndarray, departements: np.ndarray) -> np.ndarray:
    """The mean of each commune's département, from the means of the départements seen."""
    full = np.zeros(len(seen))
    full[seen] = mean
    return full[departements]


@dataclass
class FittedModel:
    """A fitted ridge regression and its département effects (by département code)."""

    regression: Ridge
    effects: np.ndarray

    def predict(self, z: np.ndarray, departements: np.ndarray) -> np.ndarray:
        """Prediction on the transformed scale for the rows of ``z``."""
        return self.regression.predict(z) + self.effects[departements]


def fit(moments: Moments, z: np.ndarray, y: np.ndarray, departements: np.ndarray,
        count: int) -> FittedModel:
    """Fit the ridge regression (from ``moments`` of ``z``, ``y``) and département effects.

    ``departements`` are integer codes in ``range(count)``.

    Raises
    ------
    ValueError
        If a covariate or the target is missing for a fitted commune (the caller selects
        communes with complete covariates: nothing is imputed).
    """
    if np.isnan(z).any() or np.isnan(y).any():
        raise ValueError("missing values among the fitted communes: select complete rows, "
                         "nothing is imputed")
    regression = ridge(moments)
    residuals = y - regression.predict(z)
    return FittedModel(regression, departement_effects(residuals, departements, count))
