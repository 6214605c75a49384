"""The illustrative simulated sample: calibration, reproducibility, validity, marking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tiers import needs_geometry

from atlas.perception.survey import simulate
from atlas.perception.survey.estimates import (
    priority_scores,
    rank_shares,
    survey_shares,
    territory_codes,
)
from atlas.perception.survey.model import (
    ACTORS,
    DIMENSION_COLUMNS,
    DOMAIN_COLUMNS,
    RESPONDENT_COLUMNS,
    SIMULATED_LABEL,
    Survey,
)
from geodata import store

DIMS = simulate.DIMENSION_IDS
FIRST = np.array([simulate.PUBLISHED_FIRST[d] for d in DIMS])
TOP2 = np.array([simulate.PUBLISHED_FIRST_OR_SECOND[d] for d in DIMS])


@pytest.fixture(scope="module")
def simulation(geodata_root) -> simulate.Simulation:
    return simulate.simulate(2019)


@pytest.fixture(scope="module")
def respondents(simulation) -> pd.DataFrame:
    return simulation.survey.respondents


@pytest.fixture(scope="module")
def big_citizen_sample(simulation) -> pd.DataFrame:
    """200,000 citizens drawn from the 2019 model: sampling error about 0.001."""
    return simulate.draw_respondents(simulation.model, np.random.default_rng(1),
                                     {"citoyen": 200_000})


def national(table: pd.DataFrame, actor: str = "citoyen") -> pd.DataFrame:
    out = rank_shares(table, by_actor=True, all_actors=False)
    out = out[(out["actor"] == actor) & out["item"].str.startswith("dimension:")]
    return out.pivot(index="item", columns="measure", values="share").reindex(
        [f"dimension:{d}" for d in DIMS])


# --- calibration ---------------------------------------------------------------------------

def test_the_published_figures_are_a_ranking():
    assert sum(simulate.PUBLISHED_FIRST.values()) == pytest.approx(1)
    assert sum(simulate.PUBLISHED_FIRST_OR_SECOND.values()) == pytest.approx(2)
    assert simulate.PUBLISHED_FIRST["economic"] == max(simulate.PUBLISHED_FIRST.values())


def test_thurstone_margins_are_probabilities():
    first, top2 = simulate.thurstone_margins(np.array([[0.0, 0.5, -1.0, 2.0]]),
                                             np.array([1.0, 2.0, 0.5, 1.5]))
    assert first.sum() == pytest.approx(1, abs=1e-10)
    assert top2.sum() == pytest.approx(2, abs=1e-10)
    # Equal means and scales: every item is first with probability 1/4, top 2 with 1/2.
    first, top2 = simulate.thurstone_margins(np.zeros(4), np.ones(4))
    assert first == pytest.approx(np.full(4, 0.25)) and top2 == pytest.approx(np.full(4, 0.5))


def test_thurstone_margins_match_monte_carlo():
    rng = np.random.default_rng(3)
    means, scales = np.array([0.0, -0.2, -0.5, -1.5]), np.array([1.0, 1.7, 1.4, 2.4])
    first, top2 = simulate.thurstone_margins(means, scales)
    u = means + scales * rng.standard_normal((400_000, 4))
    rank = np.argsort(np.argsort(-u, axis=1), axis=1)
    assert (rank == 0).mean(axis=0) == pytest.approx(first, abs=0.003)
    assert (rank <= 1).mean(axis=0) == pytest.approx(top2, abs=0.003)


def test_fit_reproduces_the_published_margins_exactly():
    means, scales = simulate.fit_thurstone(FIRST, TOP2)
    first, top2 = simulate.thurstone_margins(means, scales)
    np.testing.assert_allclose(first, FIRST, atol=1e-10)
    np.testing.assert_allclose(top2, TOP2, atol=1e-10)
    assert means[0] == 0 and scales[0] == 1


def test_model_margins_equal_the_published_ones(simulation):
    # With the territorial effects, the population mixture is what is calibrated.
    expected = simulate.expected_margins(simulation.model, "citoyen")
    np.testing.assert_allclose(expected["first"], FIRST, atol=1e-9)
    np.testing.assert_allclose(expected["first_or_second"], TOP2, atol=1e-9)


def test_simulated_margins_close_to_published(big_citizen_sample):
    """By simulation: 200,000 weighted citizens give the published margins to 0.005."""
    shares = national(big_citizen_sample)
    np.testing.assert_allclose(shares["first"], FIRST, atol=0.005)
    np.testing.assert_allclose(shares["first_or_second"], TOP2, atol=0.005)


def test_default_sample_margins_close_to_published(respondents):
    """1,000 citizens: standard error about 0.015; every margin within 0.05."""
    shares = national(respondents)
    np.testing.assert_allclose(shares["first"], FIRST, atol=0.05)
    np.testing.assert_allclose(shares["first_or_second"], TOP2, atol=0.05)


def test_other_actors_shifted_as_configured(simulation):
    companies = simulate.expected_margins(simulation.model, "entreprise")
    associations = simulate.expected_margins(simulation.model, "association")
    assert companies.loc["economic", "first"] > simulate.PUBLISHED_FIRST["economic"] + 0.05
    assert associations.loc["social", "first"] > simulate.PUBLISHED_FIRST["social"] + 0.05


# --- territorial structure -----------------------------------------------------------------

def test_perception_bias_has_both_signs(simulation):
    bias = simulation.model.bias
    assert bias.shape == (101, 16)
    assert list(bias.columns) == list(simulate.DOMAIN_IDS)
    mean_bias = bias.mean(axis=1)
    assert (mean_bias > 0).any() and (mean_bias < 0).any()
    assert bias.to_numpy().std() == pytest.approx(simulate.SimulationConfig().bias_sd, rel=0.1)


def test_domain_priorities_follow_perceived_scores(simulation, big_citizen_sample):
    """Across départements, a domain's perceived priority rises with its perceived score.

    The correlation with the perceived score (objective + bias) is higher than with the
    objective score alone: some territories over- or under-perceive.
    """
    scores = priority_scores(big_citizen_sample, "departement", all_actors=False)
    scores = scores[scores["item"].str.startswith("domain:")]
    wide = scores.pivot(index="territory_code", columns="item", values="score")
    wide.columns = wide.columns.str.removeprefix("domain:")
    model = simulation.model
    perceived = model.departements[list(simulate.DOMAIN_IDS)].reindex(wide.index)
    objective = perceived - model.bias.reindex(wide.index)
    r_perceived = wide.corrwith(perceived).mean()
    r_objective = wide.corrwith(objective).mean()
    assert r_perceived > 0.6
    assert 0 < r_objective < r_perceived


def test_regions_differ(big_citizen_sample):
    out = rank_shares(big_citizen_sample, "region", all_actors=False)
    economic = out[(out["item"] == "dimension:economic") & (out["measure"] == "first")]
    assert economic["share"].max() - economic["share"].min() > 0.08


def test_citizens_spread_by_population(big_citizen_sample):
    """Within a région, citizens fall in départements in proportion to their population."""
    deps = store.attributes("departements").set_index("code")
    counts = big_citizen_sample["territory_code"].value_counts()
    expected = deps["population"] / deps.groupby("region")["population"].transform("sum")
    observed = counts / counts.groupby(deps["region"].reindex(counts.index)).transform("sum")
    observed = observed.reindex(expected.index)
    assert (observed - expected.astype(float)).abs().max() < 0.02


# --- the default sample --------------------------------------------------------------------

@needs_geometry
def test_default_sample_is_reproducible():
    first, again = simulate.default_sample(2019), simulate.default_sample(2019)
    pd.testing.assert_frame_equal(first.respondents, again.respondents)
    assert not first.respondents.equals(simulate.default_sample(2020).respondents)


def test_default_sample_is_marked_simulated(simulation):
    survey = simulation.survey
    assert isinstance(survey, Survey)
    assert survey.simulated is True
    assert survey.source == "Échantillon simulé (atlas)"
    assert survey.respondents["simulated"].all()
    assert survey.respondents.attrs["simulated"] is True
    assert SIMULATED_LABEL in survey.notes[0].lower()
    assert any("IMPACT-Citoyens" in note for note in survey.notes)
    assert [w.id for w in survey.waves] == [simulate.WAVE.id]
    # The estimates carry the mark on.
    assert rank_shares(survey.respondents).attrs["simulated"] is True
    shares = survey_shares(survey, "region")
    assert shares.attrs["simulated"] is True and shares.attrs["source"] == simulate.SOURCE


def test_default_sample_columns_and_sizes(respondents):
    assert list(respondents.columns) == [*RESPONDENT_COLUMNS, "simulated"]
    assert respondents["respondent_id"].is_unique
    sizes = respondents["actor"].value_counts().to_dict()
    assert sizes == {"citoyen": 1000, "entreprise": 600, "elu": 400, "association": 300}
    assert set(respondents["actor"]) <= set(ACTORS)
    assert (respondents["wave"] == simulate.WAVE.id).all()
    for column in (*DIMENSION_COLUMNS, *DOMAIN_COLUMNS):
        assert str(respondents[column].dtype) == "Int64"


def test_territory_codes_are_valid(respondents):
    communes = set(store.attributes("communes")["code"])
    departements = set(store.attributes("departements")["code"])
    mayors = respondents["actor"] == "elu"
    assert (respondents.loc[mayors, "territory_level"] == "commune").all()
    assert respondents.loc[mayors, "territory_code"].isin(communes).all()
    assert respondents.loc[mayors, "territory_code"].is_unique  # one mayor per commune
    others = respondents.loc[~mayors]
    assert (others["territory_level"] == "departement").all()
    assert others["territory_code"].isin(departements).all()
    for level in ("region", "departement"):
        assert territory_codes(respondents, level).loc[others.index].notna().all()
    regions = territory_codes(respondents, "region")
    assert regions.nunique() == 18  # every région has respondents of every actor
    assert (respondents.assign(r=regions).groupby("actor")["r"].nunique() == 18).all()


def test_weights_positive_and_post_stratified(respondents):
    weight = respondents["weight"]
    assert np.isfinite(weight).all() and (weight > 0).all()
    assert weight.nunique() > 10  # weights vary
    regions = territory_codes(respondents, "region")
    population = store.attributes("regions").set_index("code")["population"].astype(float)
    for actor in ("citoyen", "entreprise", "association"):
        mine = respondents["actor"] == actor
        assert weight[mine].sum() == pytest.approx(mine.sum())
        by_region = weight[mine].groupby(regions[mine]).sum() / weight[mine].sum()
        np.testing.assert_allclose(by_region.sort_index(),
                                   (population / population.sum()).sort_index(), atol=1e-12)
    mayors = respondents["actor"] == "elu"
    communes = store.attributes("communes").groupby("region").size()
    by_region = weight[mayors].groupby(regions[mayors]).sum() / weight[mayors].sum()
    np.testing.assert_allclose(by_region.sort_index(), (communes / communes.sum()).sort_index(),
                               atol=1e-12)


def test_ranks_are_valid(respondents):
    dims = respondents[list(DIMENSION_COLUMNS)].to_numpy(dtype=float, na_value=np.nan)
    answered = ~np.isnan(dims).all(axis=1)
    assert (np.sort(dims[answered], axis=1) == [1, 2, 3, 4]).all()
    assert np.isnan(dims[~answered]).all()
    doms = respondents[list(DOMAIN_COLUMNS)].to_numpy(dtype=float, na_value=np.nan)
    answered_doms = ~np.isnan(doms).all(axis=1)
    ranked = np.sort(doms[answered_doms], axis=1)[:, :5]
    assert (ranked == [1, 2, 3, 4, 5]).all()
    assert (np.isnan(doms[answered_doms]).sum(axis=1) == 11).all()
    # A few respondents skipped one question, none both.
    assert 0 < (~answered).sum() < 60 and 0 < (~answered_doms).sum() < 150
    assert (answered | answered_doms).all()


def test_unknown_actor_rejected(simulation):
    with pytest.raises(ValueError, match="citoyen"):
        simulate.draw_respondents(simulation.model, np.random.default_rng(0), {"syndicat": 5})


# --- interval coverage ---------------------------------------------------------------------

PUBLISHED = {"societal": (0.28, 0.64), "economic": (0.35, 0.59), "social": (0.21, 0.48),
             "environmental": (0.16, 0.29)}
"""IMPACT-Citoyens 2019, Q3: share ranking each dimension first, first or second."""


def test_interval_coverage_on_the_simulated_sample(simulation):
    """400 simulated samples of 1,000 citizens: each 95 % interval covers the truth ~95 %.

    The truth is the published national figures: the simulation model is calibrated so that
    the population shares are exactly those.
    """
    truth = pd.Series({(f"dimension:{d}", measure): share
                       for d, shares in PUBLISHED.items()
                       for measure, share in zip(("first", "first_or_second"), shares,
                                                 strict=True)})
    hits = []
    for seed in range(400):
        sample = simulate.draw_respondents(simulation.model,
                                           np.random.default_rng(10_000 + seed),
                                           {"citoyen": 1000})
        out = rank_shares(sample, by_actor=False)
        out = out[out["item"].str.startswith("dimension:")].set_index(["item", "measure"])
        target = truth.reindex(out.index)
        assert target.notna().all()
        hits.append(((out["ci_low"] <= target) & (target <= out["ci_high"])).to_numpy())
    coverage = np.mean(hits, axis=0)
    assert ((coverage >= 0.92) & (coverage <= 0.98)).all(), coverage
    assert 0.93 <= coverage.mean() <= 0.97
