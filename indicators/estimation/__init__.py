"""Small-area estimates of the Filosofi 2021 values INSEE withholds in small communes.

INSEE publishes the median income ``MED21`` for about 90 % of communes but the poverty rate
and the income shares and deciles for only 13 to 15 % of them (statistical secret). This
package estimates each withheld value from covariates published for (nearly) every commune,
with a 90 % prediction interval, validated out of sample by commune size:

>>> from indicators.estimation import estimate_filosofi   # doctest: +SKIP
>>> est = estimate_filosofi(Path("../shared/data"))       # doctest: +SKIP
>>> est.values.loc["01001", "TP6021"], est.estimated.loc["01001", "TP6021"]  # doctest: +SKIP

Modules: :mod:`~indicators.estimation.covariates` (inputs and covariates),
:mod:`~indicators.estimation.model` (the regression), :mod:`~indicators.estimation.intervals`
(calibrated intervals), :mod:`~indicators.estimation.small_area` (one model per feature
set, cross-validation), :mod:`~indicators.estimation.validation` (error tables, EPCI check),
:mod:`~indicators.estimation.method` (the French text of the Méthode page).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators.estimation.covariates import (
    HOUSEHOLDS,
    PERSONS,
    TARGETS,
    TRANSFORMS,
    Inputs,
    design,
    read_inputs,
)
from indicators.estimation.intervals import LEVEL
from indicators.estimation.method import method_text
from indicators.estimation.small_area import FOLDS, SEED, Problem, TargetSpec, estimate
from indicators.estimation.validation import band_table, epci_check, epci_summary

__all__ = ["TARGETS", "Estimates", "estimate_filosofi", "target_specs"]


@dataclass
class Estimates:
    """Filosofi 2021 values of every commune: published, else estimated.

    Every table is indexed by commune code (the geometry's communes) with one column per
    target of :data:`~indicators.estimation.covariates.TARGETS`.
    """

    values: pd.DataFrame
    """Value used: INSEE's where published, else the estimate; NaN where neither."""
    low: pd.DataFrame
    """Lower bound of the prediction interval (NaN where not estimated)."""
    high: pd.DataFrame
    """Upper bound of the prediction interval (NaN where not estimated)."""
    estimated: pd.DataFrame
    """True where ``values`` is an estimate (« estimé »)."""
    feature_set: pd.DataFrame
    """Blocks of covariates of the model that made each estimate (None where published)."""
    validation: pd.DataFrame
    """Cross-validated errors by target, feature set and size band
    (:func:`~indicators.estimation.validation.band_table`)."""
    epci_check: pd.DataFrame
    """Estimates of the withheld communes of each EPCI against the mean INSEE's figures
    imply (:func:`~indicators.estimation.validation.epci_check`)."""
    fits: pd.DataFrame
    """One row per (target, feature set): communes fitted and estimated, ridge penalty,
    residual scale, conformal quantile, seconds."""
    method: str
    """French description for the Méthode page (covariates, validation figures)."""
    level: float = LEVEL
    notes: list[str] = field(default_factory=list)
    """Inputs read, codes unmatched, values left without estimate."""


def target_specs(targets: list[str] | None = None) -> list[TargetSpec]:
    """The estimation specs of the Filosofi targets (all by default)."""
    specs = []
    for column in targets or list(TARGETS):
        target = TARGETS[column]
        forward, inverse = TRANSFORMS[target.transform]
        specs.append(TargetSpec(column, forward, inverse, target.own_block))
    return specs


def estimate_filosofi(raw: Path, communes: pd.DataFrame | None = None, *,
                      targets: list[str] | None = None, folds: int = FOLDS,
                      level: float = LEVEL, seed: int = SEED) -> Estimates:
    """Estimate the withheld Filosofi 2021 values of every commune.

    Parameters
    ----------
    raw
        The raw data folder (``/work/shared/data``; see its ``MANIFEST.md``).
    communes
        Current communes (``code``, ``departement``, ``epci``); by default those of the
        geometry artifacts (``geodata.store``).
    targets
        Columns of :data:`TARGETS` to estimate (all by default).
    folds, level, seed
        Folds of the grouped cross-validation, coverage of the intervals, seed of the
        folds. Same inputs and seed, same estimates.

    Returns
    -------
    Estimates

    Raises
    ------
    FileNotFoundError
        When an input file is absent from ``raw``.
    """
    start = time.perf_counter()
    if communes is None:
        from geodata import store

        communes = store.attributes("communes", store.ensure_built())
    inputs = read_inputs(Path(raw), communes)
    problem = problem_of(inputs)
    result = estimate(problem, target_specs(targets), folds=folds, level=level, seed=seed)
    validation = band_table(result.out_of_fold)
    check = _epci_check(inputs, result)
    fits = pd.DataFrame([f.record() for f in result.fits])
    notes = [*inputs.notes, *result.notes,
             f"estimation: {time.perf_counter() - start:.1f} s"]
    method = method_text(validation, fits, epci_summary(check), result.estimated, level)
    return Estimates(result.values, result.low, result.high, result.estimated,
                     result.feature_set, validation, check, fits, method, level, notes)


def problem_of(inputs: Inputs) -> Problem:
    """The estimation problem of the raw inputs: covariates, blocks, targets, groups, sizes."""
    features, blocks = design(inputs)
    communes = inputs.communes
    # fiscal households where published, else census 2018 households (ratio about 1)
    households = inputs.filosofi[HOUSEHOLDS].fillna(inputs.census["P18_MEN"])
    groups = communes["epci"].fillna(pd.Series("commune " + communes.index, communes.index))
    return Problem(features, blocks, inputs.filosofi[list(TARGETS)],
                   communes["departement"], groups, households)


def _epci_check(inputs: Inputs, result) -> pd.DataFrame:
    """The EPCI check of the targets that add up exactly (poverty rate, taxed households)."""
    exact = {"TP6021": PERSONS, "PIMP21": HOUSEHOLDS}
    exact = {t: w for t, w in exact.items() if t in result.values.columns}
    if not exact:
        return pd.DataFrame()
    totals = {PERSONS: "nb_personnes", HOUSEHOLDS: "nb_menages"}
    weights = pd.DataFrame({t: inputs.filosofi[w] for t, w in exact.items()})
    epci_values = pd.DataFrame({t: inputs.epci[TARGETS[t].epci_column] for t in exact})
    epci_weights = pd.DataFrame({t: inputs.epci[totals[w]] for t, w in exact.items()})
    return epci_check(result.values[list(exact)], result.estimated[list(exact)], weights,
                      inputs.communes["epci"], epci_values, epci_weights)
