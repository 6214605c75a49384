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
set, cross-validation), :mod:`~indicators.estimation.calibration` (calibration of the
poverty rate and the taxed households on the EPCI), :mod:`~indicators.estimation.validation`
(error tables, EPCI and département checks), :mod:`~indicators.estimation.method` (the
French text of the Méthode page).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators.catalogue import Catalogue, load_catalogue
from indicators.estimation.calibration import calibrate_on_epci
from indicators.estimation.covariates import (
    FILOSOFI_FILE,
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
from indicators.estimation.validation import (
    band_table,
    departement_check,
    epci_check,
    epci_summary,
)

__all__ = ["TARGETS", "Estimates", "estimate_filosofi", "estimate_from_inputs",
           "indicator_columns", "read_inputs", "target_specs"]


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
    departement_check: pd.DataFrame
    """Poverty rate rolled up to the départements against INSEE's
    (:func:`~indicators.estimation.validation.departement_check`), after the calibration;
    ``attrs["before"]`` holds the same check before it."""
    calibration: dict[str, pd.DataFrame]
    """Target → by EPCI, what :func:`~indicators.estimation.calibration.calibrate_on_epci`
    did (implied and model means, weight ``gamma``, logit shift)."""
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


CALIBRATED = {"TP6021": PERSONS, "PIMP21": HOUSEHOLDS}
"""Targets that add up over communes with a known weight: calibrated on the EPCI."""


def estimate_filosofi(raw: Path, communes: pd.DataFrame | None = None, *,
                      targets: list[str] | None = None, folds: int = FOLDS,
                      level: float = LEVEL, seed: int = SEED,
                      calibrate: bool = True) -> Estimates:
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
    calibrate
        Calibrate the poverty rate and the share of taxed households of each EPCI's
        withheld communes on INSEE's EPCI values (:mod:`~indicators.estimation.calibration`).

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
    estimates = estimate_from_inputs(inputs, targets=targets, folds=folds, level=level,
                                     seed=seed, calibrate=calibrate)
    estimates.notes.append(f"reading and estimation: {time.perf_counter() - start:.1f} s")
    return estimates


def estimate_from_inputs(inputs: Inputs, *, targets: list[str] | None = None,
                         folds: int = FOLDS, level: float = LEVEL, seed: int = SEED,
                         calibrate: bool = True) -> Estimates:
    """:func:`estimate_filosofi` on inputs already read (:func:`read_inputs`)."""
    start = time.perf_counter()
    problem = problem_of(inputs)
    result = estimate(problem, target_specs(targets), folds=folds, level=level, seed=seed)
    validation = band_table(result.out_of_fold)
    # the checks of the model come before the calibration, which uses the same EPCI values
    check = _epci_check(inputs, result)
    before = _departement_check(inputs, result)
    calibration = _calibrate(inputs, result) if calibrate else {}
    departements = _departement_check(inputs, result)
    departements.attrs["before"] = before
    fits = pd.DataFrame([f.record() for f in result.fits])
    notes = [*inputs.notes, *result.notes,
             f"estimation: {time.perf_counter() - start:.1f} s"]
    method = method_text(validation, fits, epci_summary(check), result.estimated, level,
                         departements if calibration else None)
    return Estimates(result.values, result.low, result.high, result.estimated,
                     result.feature_set, validation, check, departements, calibration,
                     fits, method, level, notes)


def indicator_columns(catalogue: Catalogue | None = None) -> dict[str, str]:
    """Indicator id → the Filosofi column of :data:`TARGETS` it shows (``MED21``…).

    The indicators of the catalogue whose source is the Filosofi 2021 commune file and
    whose value is an estimated column: the integrator swaps their commune values for
    ``Estimates.values`` (and labels the estimated ones « estimé »).
    """
    catalogue = catalogue or load_catalogue()
    return {i.id: i.aggregation.value for i in catalogue.indicators
            if i.source.file == FILOSOFI_FILE and i.aggregation.value in TARGETS}


def problem_of(inputs: Inputs) -> Problem:
    """The estimation problem of the raw inputs: covariates, blocks, targets, groups, sizes."""
    features, blocks = design(inputs)
    communes = inputs.communes
    # fiscal households where published, else census 2018 households (ratio about 1)
    households = inputs.filosofi[HOUSEHOLDS].fillna(inputs.census["P18_MEN"])
    groups = communes["epci"].fillna(pd.Series("commune " + communes.index, communes.index))
    return Problem(features, blocks, inputs.filosofi[list(TARGETS)],
                   communes["departement"], groups, households)


def _weights(inputs: Inputs, weight: str) -> pd.Series:
    """Persons or households of each commune; the census count where INSEE withholds it."""
    census = inputs.census["P18_POP" if weight == PERSONS else "P18_MEN"]
    return inputs.filosofi[weight].fillna(census)


def _calibrate(inputs: Inputs, result) -> dict[str, pd.DataFrame]:
    """Calibrate the additive targets on the EPCI (in place); what was done by EPCI."""
    totals = {PERSONS: "nb_personnes", HOUSEHOLDS: "nb_menages"}
    done = {}
    for target, weight in CALIBRATED.items():
        if target not in result.values.columns:
            continue
        out = calibrate_on_epci(
            result.values[target], result.low[target], result.high[target],
            result.estimated[target], _weights(inputs, weight), inputs.communes["epci"],
            inputs.epci[TARGETS[target].epci_column], inputs.epci[totals[weight]])
        result.values[target], result.low[target], result.high[target] = (
            out.values, out.low, out.high)
        shifted = int((out.shift != 0).sum())
        result.notes.append(
            f"{target}: estimates of {shifted} communes calibrated on {len(out.epci)} EPCI "
            f"(model error variance between EPCI s2_u = {out.epci.attrs['s2_u']:.3f} pt²)")
        done[target] = out.epci
    return done


def _departement_check(inputs: Inputs, result) -> pd.DataFrame:
    """The roll-up of the poverty rate to the départements (when it is estimated)."""
    if "TP6021" not in result.values.columns:
        return pd.DataFrame()
    return departement_check(result.values["TP6021"], result.estimated["TP6021"],
                             _weights(inputs, PERSONS),
                             inputs.communes["departement"], inputs.departement)


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
