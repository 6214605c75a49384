"""Estimate every withheld value of each target, validated out of sample, with intervals.

For one target, a commune whose value is withheld is estimated by the model of the blocks
of covariates it has (its *feature set*), fitted on the communes where the value is
published and that have those blocks. Nothing is imputed: a commune lacking a block is
estimated by a model without it. A feature set is fitted when at least
:data:`MIN_ESTIMATED` communes need it; rarer communes take the fitted feature set with the
most blocks among those they have. A commune is left without estimate when it has no
households, lies in a département where the target is published for no commune (Guadeloupe,
Guyane, Mayotte: no model of their incomes can be checked there), or has no fitted feature
set among its blocks; the notes list them.

Each model is cross-validated by K folds grouped by area (the EPCI: neighbouring communes
of an EPCI are never split between fit and test, so that their likeness does not flatter the
validation). The ridge penalty is chosen again inside each fold. The out-of-fold residuals
give the interval calibration (:mod:`indicators.estimation.intervals`); their coverage is
measured on each fold with a calibration made on the other folds only. For the communes
smaller than every fitted one, the quantile also comes from an extrapolation in size: the
smaller half of the fitted communes predicted by a model fitted on the larger half.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from indicators.estimation.intervals import (
    LEVEL,
    Calibration,
    calibrate,
    with_extrapolation,
)
from indicators.estimation.model import Design, FittedModel, Moments, fit

FOLDS = 5
SEED = 0
MIN_FITTED = 100
"""A feature set fitted on fewer communes than this is not used."""


@dataclass(frozen=True)
class TargetSpec:
    """A column to estimate, how it is transformed, and the block it is published with."""

    column: str
    forward: Callable[[np.ndarray], np.ndarray]
    inverse: Callable[[np.ndarray], np.ndarray]
    own_block: str | None = None


@dataclass
class Problem:
    """Everything the estimation needs, one row per commune (same index everywhere)."""

    features: pd.DataFrame
    """Transformed covariates, NaN where unknown."""
    blocks: dict[str, tuple[str, ...]]
    """Block name → its columns of ``features``."""
    published: pd.DataFrame
    """One column per target: the published value, NaN where withheld."""
    departement: pd.Series
    groups: pd.Series
    """Cross-validation group of each commune (e.g. its EPCI; its own code when none)."""
    households: pd.Series
    """Households of each commune (> 0 to be estimated); sizes the intervals."""


@dataclass
class FeatureSetFit:
    """One feature set of one target: its fit, calibration and use."""

    target: str
    feature_set: str
    fitted: int
    estimated: int
    alpha: float
    calibration: Calibration
    seconds: float

    def record(self) -> dict:
        """Plain summary (JSON-serialisable)."""
        scale = self.calibration.scale
        return {"target": self.target, "feature_set": self.feature_set,
                "fitted_communes": self.fitted, "estimated_communes": self.estimated,
                "ridge_alpha": self.alpha, "tau2": scale.tau2, "kappa": scale.kappa,
                "band_edges": list(self.calibration.edges),
                "conformal_quantiles": [round(q, 4) for q in self.calibration.quantiles],
                "smallest_fitted": self.calibration.smallest,
                "extrapolation_quantile": self.calibration.extrapolation_quantile,
                "seconds": round(self.seconds, 2)}


@dataclass
class Result:
    """Estimates of every target (see :class:`indicators.estimation.Estimates`)."""

    values: pd.DataFrame
    low: pd.DataFrame
    high: pd.DataFrame
    estimated: pd.DataFrame
    feature_set: pd.DataFrame
    out_of_fold: pd.DataFrame
    """One row per (target, feature set, fitted commune): ``code``, ``target``,
    ``feature_set``, ``households``, ``fold``, ``published``, ``predicted``, ``low``,
    ``high`` (original scale; the interval calibrated on the other folds)."""
    fits: list[FeatureSetFit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Arrays:
    """The problem as arrays (positions instead of labels, for speed)."""

    design: Design
    present: dict[str, np.ndarray]
    departement: np.ndarray
    departements: int
    groups: np.ndarray
    households: np.ndarray
    codes: pd.Index


def estimate(problem: Problem, targets: Sequence[TargetSpec], *, folds: int = FOLDS,
             level: float = LEVEL, seed: int = SEED) -> Result:
    """Estimate the withheld values of ``targets``; published values are kept as they are.

    Parameters
    ----------
    problem
        Covariates, blocks, published values, départements, CV groups, households.
    targets
        The targets, with their transforms.
    folds
        Folds of the grouped cross-validation.
    level
        Nominal coverage of the intervals.
    seed
        Seed of the fold assignment (everything else is deterministic).
    """
    index = problem.features.index
    columns = [t.column for t in targets]
    result = Result(
        values=problem.published[columns].astype(float).copy(),
        low=pd.DataFrame(np.nan, index=index, columns=columns),
        high=pd.DataFrame(np.nan, index=index, columns=columns),
        estimated=pd.DataFrame(False, index=index, columns=columns),
        feature_set=pd.DataFrame(None, index=index, columns=columns, dtype=object),
        out_of_fold=pd.DataFrame())
    departement, departements = pd.factorize(problem.departement)
    frames = []
    # one BLAS thread: the matrices are small (threads only add overhead, badly so on a
    # shared machine) and sums are then done in the same order whatever the machine
    with threadpool_limits(limits=1, user_api="blas"):
        data = _Arrays(
            design=Design(problem.features),
            present={name: problem.features[list(cols)].notna().all(axis=1).to_numpy()
                     for name, cols in problem.blocks.items()},
            departement=np.where(departement < 0, len(departements), departement),
            departements=len(departements) + 1,
            groups=pd.factorize(problem.groups)[0],
            households=problem.households.to_numpy(dtype=float),
            codes=index)
        for target in targets:
            frames += _estimate_target(problem, data, target, result, folds, level, seed)
    if frames:
        result.out_of_fold = pd.concat(frames, ignore_index=True)
    return result


def _estimate_target(problem: Problem, data: _Arrays, target: TargetSpec, result: Result,
                     folds: int, level: float, seed: int) -> list[pd.DataFrame]:
    y = problem.published[target.column].to_numpy(dtype=float)
    usable = [b for b in problem.blocks if b != target.own_block]
    published = ~np.isnan(y)
    sized = data.households > 0
    with_published = np.isin(data.departement, np.unique(data.departement[published]))
    wanted = ~published & sized & with_published
    left = ~published & ~wanted
    if left.any():
        result.notes.append(
            f"{target.column}: {int(left.sum())} withheld values not estimated (no "
            "households, or a département where no commune is published: "
            f"{_listed(data.codes[left])})")
    sets = _feature_sets(data, usable, wanted)
    frames = []
    main: tuple[set[str], float] | None = None
    for key, members in sets.items():
        blocks = key.split("+")
        columns = [c for b in blocks for c in problem.blocks[b]]
        train = published & sized & np.all([data.present[b] for b in blocks], axis=0)
        if train.sum() < MIN_FITTED:
            result.notes.append(f"{target.column} [{key}]: only {int(train.sum())} fitted "
                                f"communes; {int(members.sum())} communes not estimated: "
                                f"{_listed(data.codes[members])}")
            continue
        floor = 0.0 if main is None or main[0] <= set(blocks) else main[1]
        start = time.perf_counter()
        oof, calibration, model = _fit_feature_set(data, target, y, columns, train, folds,
                                                   level, seed, floor)
        if main is None:
            main = (set(blocks), calibration.scale.kappa)
        oof.insert(1, "target", target.column)
        oof.insert(2, "feature_set", key)
        frames.append(oof)
        # covariates bounded to the fitted communes' range (but size): no wild extrapolation
        bounds = data.design.bounds(columns, train)
        centre = model.predict(data.design.matrix(columns, members, bounds),
                               data.departement[members])
        half = calibration.half_width(data.households[members])
        codes = data.codes[members]
        result.values.loc[codes, target.column] = target.inverse(centre)
        result.low.loc[codes, target.column] = target.inverse(centre - half)
        result.high.loc[codes, target.column] = target.inverse(centre + half)
        result.estimated.loc[codes, target.column] = True
        result.feature_set.loc[codes, target.column] = key
        result.fits.append(FeatureSetFit(target.column, key, int(train.sum()),
                                         int(members.sum()), model.regression.alpha,
                                         calibration, time.perf_counter() - start))
    missed = wanted & ~result.estimated[target.column].to_numpy()
    if missed.any():
        result.notes.append(f"{target.column}: {int(missed.sum())} communes without a "
                            f"fitted feature set among their covariates, not estimated: "
                            f"{_listed(data.codes[missed])}")
    return frames


def _feature_sets(data: _Arrays, usable: list[str], wanted: np.ndarray
                  ) -> dict[str, np.ndarray]:
    """Feature set (``"block+block"``) → communes it estimates (boolean mask).

    A commune's feature set is the usable blocks it has; sets come by decreasing number of
    communes (the first is the target's main one), communes with no block are left out.
    """
    keys = np.full(len(wanted), "", dtype=object)
    for block in usable:
        keys = np.where(data.present[block], keys + "+" + block, keys)
    keys = np.array([k.lstrip("+") for k in keys], dtype=object)
    names, counts = np.unique(keys[wanted], return_counts=True)
    order = sorted((k for k in names if k), key=lambda k: -counts[list(names).index(k)])
    return {k: wanted & (keys == k) for k in order}


def _fit_feature_set(data: _Arrays, target: TargetSpec, y_all: np.ndarray,
                     columns: list[str], train: np.ndarray, folds: int, level: float,
                     seed: int, kappa_floor: float
                     ) -> tuple[pd.DataFrame, Calibration, FittedModel]:
    """Cross-validate, calibrate and fit one feature set of one target."""
    z = data.design.matrix(columns, train)
    y = target.forward(y_all[train])
    deps = data.departement[train]
    n = data.households[train]
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    splits = list(splitter.split(z, y, data.groups[train]))
    parts = [Moments.of(z[test_rows], y[test_rows]) for _, test_rows in splits]
    total = sum(parts[1:], parts[0])
    predicted = np.full(len(y), np.nan)
    fold = np.zeros(len(y), dtype=int)
    for k, ((fit_rows, test_rows), held_out) in enumerate(zip(splits, parts, strict=True)):
        model = fit(total - held_out, z[fit_rows], y[fit_rows], deps[fit_rows],
                    data.departements)
        predicted[test_rows] = model.predict(z[test_rows], deps[test_rows])
        fold[test_rows] = k
    residuals = y - predicted
    # coverage measured honestly: each fold's interval is calibrated on the other folds
    low, high = np.empty(len(y)), np.empty(len(y))
    for k in range(folds):
        rows = fold == k
        other = calibrate(residuals[~rows], n[~rows], level, kappa_floor)
        half = other.half_width(n[rows])
        low[rows], high[rows] = predicted[rows] - half, predicted[rows] + half
    oof = pd.DataFrame({
        "code": data.codes[train], "households": n, "fold": fold,
        "published": y_all[train], "predicted": target.inverse(predicted),
        "low": target.inverse(low), "high": target.inverse(high)})
    model = fit(total, z, y, deps, data.departements)
    calibration = calibrate(residuals, n, level, kappa_floor)
    # communes smaller than every fitted one: calibrated on an extrapolation in size
    larger = n >= np.median(n)
    if (~larger).sum() >= 10 and larger.sum() >= MIN_FITTED:
        upper = fit(Moments.of(z[larger], y[larger]), z[larger], y[larger], deps[larger],
                    data.departements)
        shifted = y[~larger] - upper.predict(z[~larger], deps[~larger])
        calibration = with_extrapolation(calibration, shifted, n[~larger], float(n.min()))
    return oof, calibration, model


def _listed(codes: pd.Index, limit: int = 20) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" and {len(codes) - limit} more" if len(codes) > limit else "")
