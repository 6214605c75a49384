"""Small-area estimates of withheld Filosofi values (indicators/estimation)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge as SklearnRidge
from tiers import examples, needs_data

from indicators.catalogue import load_catalogue
from indicators.estimation import TARGETS, estimate_filosofi
from indicators.estimation.calibration import calibrate_on_epci
from indicators.estimation.covariates import (
    HOUSEHOLDS,
    empirical_logit,
    expit,
    logit,
)
from indicators.estimation.intervals import (
    calibrate,
    conformal_quantile,
    fit_scale,
    with_extrapolation,
)
from indicators.estimation.method import method_text
from indicators.estimation.model import Moments, departement_effects, ridge
from indicators.estimation.small_area import Problem, TargetSpec, estimate
from indicators.estimation.validation import band_table, epci_check, epci_summary

SETTINGS = settings(max_examples=examples(25), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
PERCENT = TargetSpec("rate", logit, expit)


# ------------------------------------------------------------------ synthetic problems
COEFFICIENTS = {"log_households18": -0.1, "unemployment18": 0.6, "owners18": -0.3,
                "epci_TP6021": 0.8}


def linear_rate(features: pd.DataFrame) -> pd.Series:
    """The rate (percent) whose logit is linear in the synthetic covariates."""
    eta = -2.0 + sum(c * features[name] for name, c in COEFFICIENTS.items())
    return expit(eta)


def synthetic(seed: int = 0, communes: int = 600, noise: float = 0.0,
              withheld: float = 0.4, kappa: float = 0.0) -> tuple[Problem, pd.Series]:
    """Communes with two blocks of covariates and a rate whose logit is linear in them.

    Returns the problem (the rate published for a share ``1 - withheld`` of communes) and
    the true rate of every commune.
    """
    rng = np.random.default_rng(seed)
    codes = pd.Index([f"{i:05d}" for i in range(communes)], name="code")
    households = pd.Series(np.exp(rng.uniform(3, 9, communes)), index=codes)
    features = pd.DataFrame({
        "log_households18": np.log(households),
        "unemployment18": rng.normal(-2, 0.5, communes),
        "owners18": rng.normal(1.3, 0.6, communes),
        "epci_TP6021": rng.normal(-1.9, 0.4, communes),  # a spline column
    }, index=codes)
    sd = np.sqrt(noise ** 2 + kappa / households)
    truth = expit(logit(linear_rate(features)) + rng.normal(size=communes) * sd)
    published = truth.where(rng.uniform(size=communes) > withheld)
    problem = Problem(
        features=features,
        blocks={"census": ("log_households18", "unemployment18", "owners18"),
                "epci": ("epci_TP6021",)},
        published=pd.DataFrame({"rate": published}),
        departement=pd.Series(rng.choice(["01", "02", "03", "04"], communes), index=codes),
        groups=pd.Series(rng.integers(0, 60, communes).astype(str), index=codes),
        households=households)
    return problem, truth


@SETTINGS
@given(seed=st.integers(0, 10_000), withheld=st.floats(0.1, 0.8))
def test_a_perfectly_linear_target_is_estimated_exactly(seed, withheld):
    problem, truth = synthetic(seed, withheld=withheld)
    result = estimate(problem, [PERCENT])
    estimated = result.estimated["rate"]
    assert estimated.sum() == problem.published["rate"].isna().sum()
    np.testing.assert_array_equal(result.values["rate"][~estimated], truth[~estimated])
    # exact where the covariates lie within the fitted communes' range; beyond it, exact
    # at the covariates bounded to that range (size excepted), by design
    fitted = problem.features[~estimated]
    bounded = problem.features.copy()
    for column in ("unemployment18", "owners18", "epci_TP6021"):
        bounded[column] = bounded[column].clip(fitted[column].min(), fitted[column].max())
    inside = (bounded == problem.features).all(axis=1)
    np.testing.assert_allclose(result.values["rate"][estimated & inside],
                               truth[estimated & inside], rtol=1e-4)
    np.testing.assert_allclose(result.values["rate"][estimated],
                               linear_rate(bounded)[estimated], rtol=1e-4)
    # and the intervals are (nearly) the point: the residuals are nil
    width = (result.high["rate"] - result.low["rate"])[estimated]
    assert width.max() < 1e-2


@SETTINGS
@given(seed=st.integers(0, 10_000), noise=st.floats(0.05, 0.5))
def test_published_values_are_never_replaced_and_intervals_contain_the_estimate(seed, noise):
    problem, _ = synthetic(seed, noise=noise)
    result = estimate(problem, [PERCENT])
    published = problem.published["rate"].notna()
    pd.testing.assert_series_equal(result.values["rate"][published],
                                   problem.published["rate"][published])
    assert not result.estimated["rate"][published].any()
    assert result.low["rate"][published].isna().all()
    assert result.feature_set["rate"][published].isna().all()
    est = result.estimated["rate"]
    assert est.sum() == (~published).sum()
    assert (result.low["rate"][est] <= result.values["rate"][est]).all()
    assert (result.values["rate"][est] <= result.high["rate"][est]).all()
    assert result.values["rate"][est].between(0, 100).all()


def test_a_missing_covariate_is_never_filled_the_commune_gets_a_model_without_it():
    problem, _ = synthetic(3, noise=0.2)
    withheld = problem.published.index[problem.published["rate"].isna()]
    lacking, none = withheld[:8], withheld[8]
    problem.features.loc[lacking, "epci_TP6021"] = np.nan
    problem.features.loc[none, :] = np.nan
    result = estimate(problem, [PERCENT])
    assert (result.feature_set.loc[lacking, "rate"] == "census").all()
    assert (result.feature_set.loc[withheld[9:], "rate"] == "census+epci").all()
    assert not result.estimated.at[none, "rate"]
    assert math.isnan(result.values.at[none, "rate"])
    assert any(none in note for note in result.notes)
    # the same as a problem where nobody has the EPCI block: no value was put in its place
    census_only = Problem(problem.features, {"census": problem.blocks["census"]},
                          problem.published, problem.departement, problem.groups,
                          problem.households)
    alone = estimate(census_only, [PERCENT])
    np.testing.assert_allclose(result.values.loc[lacking, "rate"],
                               alone.values.loc[lacking, "rate"])
    # a zero put in place of the missing covariate would have changed the estimate
    zero = problem.features.copy()
    zero.loc[lacking, "epci_TP6021"] = 0.0
    filled = estimate(Problem(zero, problem.blocks, problem.published, problem.departement,
                              problem.groups, problem.households), [PERCENT])
    assert not np.allclose(filled.values.loc[lacking, "rate"],
                           result.values.loc[lacking, "rate"])


def test_a_departement_where_nothing_is_published_is_not_estimated():
    problem, _ = synthetic(4, noise=0.2)
    dark = problem.departement == "04"
    problem.published.loc[dark, "rate"] = np.nan
    result = estimate(problem, [PERCENT])
    assert not result.estimated["rate"][dark].any()
    assert result.values["rate"][dark].isna().all()
    assert result.estimated["rate"][~dark & problem.published["rate"].isna()].all()


def test_estimates_are_reproducible():
    problem, _ = synthetic(5, noise=0.3)
    first, second = estimate(problem, [PERCENT]), estimate(problem, [PERCENT])
    for name in ("values", "low", "high", "estimated"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    pd.testing.assert_frame_equal(first.out_of_fold, second.out_of_fold)


def test_cross_validated_coverage_is_near_nominal_in_every_band():
    problem, _ = synthetic(6, communes=4000, noise=0.15, kappa=4.0)
    result = estimate(problem, [PERCENT])
    table = band_table(result.out_of_fold)
    assert table["coverage"].between(0.84, 0.96).all(), table
    overall = table[table["band"] == "toutes tailles"].iloc[0]
    assert abs(overall["coverage"] - 0.9) < 0.02
    # small communes are noisier: wider intervals
    widths = table[table["band"] != "toutes tailles"]["median_width"].to_numpy()
    assert widths[0] > widths[-1]


# ------------------------------------------------------------------ pieces
@SETTINGS
@given(seed=st.integers(0, 10_000), alpha=st.sampled_from([1e-3, 0.1, 1.0, 30.0]),
       columns=st.integers(1, 8))
def test_the_ridge_solved_from_moments_is_scikit_learns(seed, alpha, columns):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(150, columns)) * rng.uniform(0.5, 3, columns)
    y = rng.normal(size=150) + z @ rng.normal(size=columns)
    ours = ridge(Moments.of(z, y), np.array([alpha]))
    theirs = SklearnRidge(alpha=alpha).fit(z, y)
    np.testing.assert_allclose(ours.coef, theirs.coef_, rtol=1e-6, atol=1e-9)
    assert ours.intercept == pytest.approx(theirs.intercept_, rel=1e-6, abs=1e-9)


@SETTINGS
@given(seed=st.integers(0, 10_000), split=st.integers(20, 130))
def test_moments_of_a_part_are_the_whole_less_the_rest(seed, split):
    rng = np.random.default_rng(seed)
    z, y = rng.normal(size=(150, 3)), rng.normal(size=150)
    left = Moments.of(z, y) - Moments.of(z[split:], y[split:])
    right = Moments.of(z[:split], y[:split])
    np.testing.assert_allclose(left.zz, right.zz, atol=1e-9)
    np.testing.assert_allclose(ridge(left).coef, ridge(right).coef, atol=1e-7)


@SETTINGS
@given(seed=st.integers(0, 10_000), spread=st.floats(0.0, 2.0))
def test_departement_effects_shrink_each_mean_residual_toward_zero(seed, spread):
    rng = np.random.default_rng(seed)
    deps = rng.integers(0, 6, 300)
    residuals = rng.normal(size=300) + spread * rng.normal(size=6)[deps]
    effects = departement_effects(residuals, deps, 7)
    means = np.array([residuals[deps == d].mean() for d in range(6)])
    assert effects[6] == 0.0
    assert np.all(np.abs(effects[:6]) <= np.abs(means) + 1e-12)
    assert np.all(effects[:6] * means >= 0)


@SETTINGS
@given(scores=st.lists(st.floats(0, 100), min_size=1, max_size=300),
       level=st.floats(0.5, 0.99))
def test_the_conformal_quantile_leaves_at_most_the_nominal_share_above(scores, level):
    q = conformal_quantile(np.array(scores), level)
    m = len(scores)
    if math.ceil((m + 1) * level) > m:
        assert q == math.inf
    else:
        assert np.mean(np.array(scores) <= q) >= level


@SETTINGS
@given(tau2=st.floats(0.001, 0.1), kappa=st.floats(0.0, 20.0), floor=st.floats(0.0, 30.0))
def test_the_residual_scale_recovers_tau2_and_kappa_and_keeps_the_floor(tau2, kappa, floor):
    n = np.repeat([20.0, 200.0, 2000.0, 20000.0], 50)
    residuals = np.sqrt(tau2 + kappa / n) * np.tile([1.0, -1.0], 100)
    scale = fit_scale(residuals, n)
    assert scale.tau2 == pytest.approx(tau2, rel=1e-3, abs=1e-6)
    assert scale.kappa == pytest.approx(kappa, rel=1e-3, abs=1e-4)
    assert fit_scale(residuals, n, kappa_floor=floor).kappa >= floor - 1e-12


def test_calibration_merges_thin_bands_and_covers_each_band():
    rng = np.random.default_rng(2)
    n = np.concatenate([rng.uniform(700, 999, 400), rng.uniform(1000, 1999, 100),
                        rng.uniform(2000, 4999, 900)])
    residuals = rng.normal(size=len(n)) * np.where(n < 1000, 0.4, 0.2)
    calibration = calibrate(residuals, n)
    assert calibration.edges == (0, 1000)  # 1 000-2 000 (100) joined 2 000-5 000
    for low, high in ((0, 1000), (1000, 5000)):
        band = (n >= low) & (n < high)
        inside = np.abs(residuals[band]) <= calibration.half_width(n[band])
        assert inside.mean() >= 0.9
    # a commune smaller than any fitted one takes the smallest band's quantile
    assert calibration.quantile(np.array([10.0]))[0] == calibration.quantiles[0]


def test_communes_smaller_than_every_fitted_one_take_the_extrapolation_quantile():
    rng = np.random.default_rng(3)
    n = rng.uniform(800, 5000, 1000)
    calibration = calibrate(rng.normal(size=1000) * 0.2, n)
    shifted = rng.normal(size=300) * 0.4 + 0.2  # extrapolating: biased and wider
    wider = with_extrapolation(calibration, shifted, n[:300], float(n.min()))
    assert wider.extrapolation_quantile > calibration.quantiles[0]
    small, fitted = np.array([50.0]), np.array([n.min() + 1])
    assert wider.quantile(small)[0] == wider.extrapolation_quantile
    assert wider.quantile(fitted)[0] == calibration.quantile(fitted)[0]
    # never narrower than the smallest band's own quantile
    narrow = with_extrapolation(calibration, shifted * 0.01, n[:300], float(n.min()))
    assert narrow.quantile(small)[0] == calibration.quantiles[0]


@SETTINGS
@given(percent=st.floats(0.01, 99.99))
def test_logit_and_expit_are_inverse(percent):
    assert expit(logit(percent)) == pytest.approx(percent, rel=1e-9)


def test_empirical_logit_is_finite_for_zero_counts_and_missing_for_empty_totals():
    value = empirical_logit(pd.Series([0.0, 5.0, 3.0, 4.0]), pd.Series([10.0, 5.0, 0.0, 3.0]))
    assert np.isfinite(value.iloc[:2]).all()
    assert value.iloc[2:].isna().all()


def test_targets_recombine_as_the_catalogue_says():
    """A published value used here is the snapshot's: same column and same weight."""
    catalogue = load_catalogue()
    by_value = {i.aggregation.value: i.aggregation.weight for i in catalogue.indicators
                if i.source.id == "filosofi_2021" and i.aggregation.value}
    for column, target in TARGETS.items():
        assert by_value[column] == target.weight, column


def test_epci_check_recovers_the_mean_of_withheld_communes():
    codes = pd.Index(["a", "b", "c", "d"])
    values = pd.DataFrame({"TP6021": [10.0, 20.0, 30.0, 12.0]}, index=codes)
    estimated = pd.DataFrame({"TP6021": [False, True, True, False]}, index=codes)
    weights = pd.DataFrame({"TP6021": [100.0, 50.0, 50.0, 40.0]}, index=codes)
    epci_of = pd.Series(["E", "E", "E", "F"], index=codes)
    # EPCI E: 200 persons at 16 % = 32 poor; published a: 10; withheld b, c: 22 poor / 100
    check = epci_check(values, estimated, weights, epci_of,
                       pd.DataFrame({"TP6021": [16.0, 12.0]}, index=["E", "F"]),
                       pd.DataFrame({"TP6021": [200.0, 40.0]}, index=["E", "F"]))
    assert check["epci"].tolist() == ["E"]  # F has no withheld commune
    row = check.iloc[0]
    assert row["implied"] == pytest.approx(22.0)
    assert row["estimated"] == pytest.approx(25.0)
    assert row["difference"] == pytest.approx(3.0)
    assert row["withheld_share"] == pytest.approx(0.5)
    summary = epci_summary(check)
    assert summary.loc["TP6021", "mean_absolute_difference"] == pytest.approx(3.0)


def test_band_table_errors_and_coverage():
    oof = pd.DataFrame({
        "target": "TP6021", "feature_set": "census", "households": [50.0, 60.0, 3000.0],
        "published": [10.0, 20.0, 30.0], "predicted": [12.0, 19.0, 30.0],
        "low": [11.0, 15.0, 29.0], "high": [13.0, 25.0, 31.0]})
    table = band_table(oof).set_index("band")
    assert table.loc["< 100", "mae"] == pytest.approx(1.5)
    assert table.loc["< 100", "bias"] == pytest.approx(0.5)
    assert table.loc["< 100", "coverage"] == pytest.approx(0.5)
    assert table.loc["2 000-5 000", "coverage"] == 1.0
    assert table.loc["toutes tailles", "communes"] == 3


# ------------------------------------------------------------------ real data
@pytest.fixture(scope="module")
def brittany(raw_data, geodata_root):
    from geodata import store

    communes = store.attributes("communes", geodata_root)
    western = communes[communes["departement"].isin(["29", "56"])]
    return estimate_filosofi(raw_data, western)


@needs_data
def test_real_subset_every_withheld_value_is_estimated_and_published_ones_kept(
        brittany, raw_data):
    from indicators.loaders.insee_csv import load_insee_csv

    raw = load_insee_csv(raw_data / "insee/filosofi_2021/cc_filosofi_2021_COM.csv",
                         columns=["TP6021", "MED21", HOUSEHOLDS]).table.set_index("code")
    values, estimated = brittany.values, brittany.estimated
    assert len(values) == 526
    # Brest and Vannes are published: their value is INSEE's, not an estimate
    for code in ("29019", "56260"):
        assert values.at[code, "TP6021"] == raw.at[code, "TP6021"]
        assert not estimated.at[code, "TP6021"]
    assert estimated["TP6021"].sum() > 300
    assert values.notna().all().all()
    est = estimated.to_numpy()
    assert (brittany.low.to_numpy()[est] <= values.to_numpy()[est]).all()
    assert (values.to_numpy()[est] <= brittany.high.to_numpy()[est]).all()
    # the smallest published communes of the subset: errors and coverage stay reasonable
    tp = brittany.validation[brittany.validation["target"] == "TP6021"]
    main = brittany.fits[brittany.fits["target"] == "TP6021"].iloc[0]["feature_set"]
    overall = tp[(tp["feature_set"] == main) & (tp["band"] == "toutes tailles")].iloc[0]
    assert overall["mae"] < 2.0
    assert 0.8 <= overall["coverage"] <= 0.97
    assert "estimé" in brittany.method and "Validation croisée" in brittany.method


@needs_data
def test_real_subset_estimates_are_plausible(brittany):
    values, estimated = brittany.values, brittany.estimated
    tp = values["TP6021"][estimated["TP6021"]]
    assert tp.between(2, 40).all()
    med = values["MED21"][estimated["MED21"]]
    assert med.between(15_000, 35_000).all()
    # a poorer commune (lower median income) has a higher estimated poverty rate, on average
    both = estimated["TP6021"] & ~estimated["MED21"]
    assert np.corrcoef(values.loc[both, "MED21"], values.loc[both, "TP6021"])[0, 1] < -0.5


@needs_data
def test_real_epci_file_agrees_with_the_commune_file(brittany):
    note = next(n for n in brittany.notes if "filosofi_epci.csv" in n)
    assert "differ" in note
    assert "whose communes are all published" in note


def test_method_text_names_covariates_and_figures():
    problem, _ = synthetic(7, noise=0.2)
    problem.published.columns = ["TP6021"]
    result = estimate(problem, [TargetSpec("TP6021", logit, expit)])
    fits = pd.DataFrame([f.record() for f in result.fits])
    text = method_text(band_table(result.out_of_fold), fits, pd.DataFrame(),
                       result.estimated, 0.9)
    assert "recensement 2018" in text and "90 %" in text and "taux de pauvreté" in text
    assert "couverture" in text


def test_calibration_on_the_epci_meets_the_implied_mean_and_keeps_the_order():
    codes = pd.Index(["p1", "w1", "w2", "w3", "q1", "x1", "x2", "y1"])
    values = pd.Series([10.0, 8.0, 12.0, 20.0, 15.0, 9.0, 11.0, 30.0], index=codes)
    estimated = pd.Series([False, True, True, True, False, True, True, True], index=codes)
    low, high = values - 2 + 100 * ~estimated, values + 2
    low[~estimated] = high[~estimated] = np.nan
    weights = pd.Series([1000.0, 300.0, 200.0, 100.0, 500.0, 400.0, 400.0, 50.0],
                        index=codes)
    epci_of = pd.Series(["A", "A", "A", "A", "B", "B", "B", "C"], index=codes)
    # A: withheld communes must average 15 %; B: 13 %; C's weight does not add up
    epci_value = pd.Series({"A": (10.0 * 1000 + 15.0 * 600) / 1600,
                            "B": (15.0 * 500 + 13.0 * 800) / 1300, "C": 30.0})
    epci_weight = pd.Series({"A": 1600.0, "B": 1300.0, "C": 80.0})
    out = calibrate_on_epci(values, low, high, estimated, weights, epci_of, epci_value,
                            epci_weight)
    assert set(out.epci.index) == {"A", "B"}
    assert out.epci.attrs["s2_u"] > 0
    for epci, mean in (("A", 15.0), ("B", 13.0)):
        members = (epci_of == epci) & estimated
        got = np.average(out.values[members], weights=weights[members])
        assert got == pytest.approx(out.epci.at[epci, "target"], abs=1e-6)
        # nearly all the way: the implied mean is precise (published values rounded to 1 pt)
        assert out.epci.at[epci, "gamma"] > 0.95
        assert got == pytest.approx(mean, abs=0.1)
    pd.testing.assert_series_equal(out.values[~estimated], values[~estimated])
    assert out.values["y1"] == values["y1"] and out.shift["y1"] == 0.0
    a = ["w1", "w2", "w3"]
    assert list(out.values[a].sort_values().index) == a
    assert (out.low[estimated] <= out.values[estimated]).all()
    assert (out.values[estimated] <= out.high[estimated]).all()


@needs_data
def test_real_calibration_brings_departement_roll_ups_to_insee(brittany):
    after = brittany.departement_check
    before = after.attrs["before"]
    assert set(brittany.calibration) == {"TP6021", "PIMP21"}
    assert after["difference"].abs().mean() <= before["difference"].abs().mean() + 0.05
    assert (after["rolled_up"] - after["official"]).abs().max() < 0.5
