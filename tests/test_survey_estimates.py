"""Weighted rank shares, intervals, statuses and the published national figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiers import examples

from atlas.perception.survey import estimates
from atlas.perception.survey.estimates import (
    ESTIMATE_COLUMNS,
    PRIORITY_COLUMNS,
    estimates_from_aggregate,
    kish_effective_n,
    priority_scores,
    rank_shares,
    ranking_totals,
    sample_status,
    territory_codes,
    wilson_interval,
)
from atlas.perception.survey.model import (
    AGGREGATE_COLUMNS,
    DIMENSION_COLUMNS,
    DOMAIN_COLUMNS,
    RESPONDENT_COLUMNS,
)
from geodata import paths

DIMS = ("societal", "economic", "social", "environmental")
PUBLISHED_FIRST = {"societal": 28, "economic": 35, "social": 21, "environmental": 16}
PUBLISHED_TOP2 = {"societal": 64, "economic": 59, "social": 48, "environmental": 29}


@pytest.fixture(scope="module", autouse=True)
def few_territories_in_the_cache(few_territories):
    """Roll-ups read the few territories of ``small_geodata``, not the geometry artifacts."""
    estimates._geography.cache_clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(paths.CACHE_ENV, str(few_territories.parent))
        yield
    estimates._geography.cache_clear()


def respondent_table(rows: list[dict]) -> pd.DataFrame:
    """A respondent table with every column of the model, ranks as nullable integers."""
    table = pd.DataFrame(rows).reindex(columns=RESPONDENT_COLUMNS)
    for column in (*DIMENSION_COLUMNS, *DOMAIN_COLUMNS):
        table[column] = table[column].astype("Int64")
    table["weight"] = table["weight"].astype(float)
    for column in ("respondent_id", "actor", "wave", "territory_code", "territory_level"):
        table[column] = table[column].astype("str")
    return table


def person(i: int, actor: str, code: str, level: str, weight: float, dims: dict | None = None,
           doms: dict | None = None) -> dict:
    row = {"respondent_id": f"r{i}", "actor": actor, "wave": "w", "territory_code": code,
           "territory_level": level, "weight": weight}
    row.update({f"rank_dim_{k}": v for k, v in (dims or {}).items()})
    row.update({f"rank_dom_{k}": v for k, v in (doms or {}).items()})
    return row


@pytest.fixture(scope="module")
def tiny() -> pd.DataFrame:
    """Five respondents (38185 Grenoble and 38 Isère and 69 Rhône are in région 84).

    r1 citoyen commune 38185  w=1  dims E1 S2 So3 En4   domains health 1, employment 2
    r2 citoyen dépt 38        w=2  dims S1 E2 So3 En4   domains employment 1
    r3 citoyen dépt 69        w=3  dims E1 So2 (partial) domains skipped
    r4 elu     commune 75056  w=1  dims En1 So2 S3 E4   domains housing 1, poverty 2, isolation 3
    r5 entreprise région 84   w=2  dims skipped         domains employment 1, economic_dev 2
    """
    full = {"economic": 1, "societal": 2, "social": 3, "environmental": 4}
    return respondent_table([
        person(1, "citoyen", "38185", "commune", 1, full, {"health": 1, "employment": 2}),
        person(2, "citoyen", "38", "departement", 2,
               {"societal": 1, "economic": 2, "social": 3, "environmental": 4},
               {"employment": 1}),
        person(3, "citoyen", "69", "departement", 3, {"economic": 1, "social": 2}),
        person(4, "elu", "75056", "commune", 1,
               {"environmental": 1, "social": 2, "societal": 3, "economic": 4},
               {"housing": 1, "poverty": 2, "isolation": 3}),
        person(5, "entreprise", "84", "region", 2, None,
               {"employment": 1, "economic_development": 2}),
    ])


def pick(table: pd.DataFrame, code: str, actor: str, item: str,
         measure: str | None = None) -> pd.Series:
    mask = (table["territory_code"] == code) & (table["actor"] == actor) & (table["item"] == item)
    if measure is not None:
        mask &= table["measure"] == measure
    rows = table[mask]
    assert len(rows) == 1, (code, actor, item, measure)
    return rows.iloc[0]


def raw(respondents: pd.DataFrame, level: str = "france", **options) -> pd.DataFrame:
    """Shares with no suppression or fragility (for arithmetic on tiny samples)."""
    return rank_shares(respondents, level, fragile_below=0, suppress_below=0, **options)


# --- hand-computed values ------------------------------------------------------------------

def test_national_citizen_dimension_shares_by_hand(tiny):
    out = raw(tiny)
    # Citizens who ranked dimensions: r1 (w=1), r2 (w=2), r3 (w=3): sum w = 6.
    # First: economic r1 + r3 = (1 + 3) / 6; societal r2 = 2 / 6; social, environmental 0.
    expected_first = {"economic": 4 / 6, "societal": 2 / 6, "social": 0.0, "environmental": 0.0}
    # First or second: economic r1, r2, r3 = 6 / 6; societal r1, r2 = 3 / 6;
    # social r3 (rank 2) = 3 / 6; environmental 0.
    expected_top2 = {"economic": 1.0, "societal": 0.5, "social": 0.5, "environmental": 0.0}
    for dim in DIMS:
        assert pick(out, "FR", "citoyen", f"dimension:{dim}", "first")["share"] == \
            pytest.approx(expected_first[dim], abs=1e-15)
        assert pick(out, "FR", "citoyen", f"dimension:{dim}", "first_or_second")["share"] == \
            pytest.approx(expected_top2[dim], abs=1e-15)
    row = pick(out, "FR", "citoyen", "dimension:economic", "first")
    # n = 3; n_eff = (1 + 2 + 3)^2 / (1 + 4 + 9) = 36 / 14.
    assert row["n_unweighted"] == 3
    assert row["n_effective"] == pytest.approx(36 / 14)
    assert row["territory_level"] == "france"


def test_all_actors_pool_and_skipped_questions_by_hand(tiny):
    out = raw(tiny)
    # "tous", dimensions: r1..r4 (r5 skipped the question): sum w = 1 + 2 + 3 + 1 = 7,
    # sum w^2 = 1 + 4 + 9 + 1 = 15, n_eff = 49 / 15.
    # First: economic (1 + 3) / 7, societal 2 / 7, environmental (r4) 1 / 7, social 0.
    # First or second: economic 6 / 7, societal 3 / 7, social (r3 + r4) 4 / 7, env 1 / 7.
    first = {"economic": 4 / 7, "societal": 2 / 7, "social": 0.0, "environmental": 1 / 7}
    top2 = {"economic": 6 / 7, "societal": 3 / 7, "social": 4 / 7, "environmental": 1 / 7}
    for dim in DIMS:
        assert pick(out, "FR", "tous", f"dimension:{dim}", "first")["share"] == \
            pytest.approx(first[dim])
        assert pick(out, "FR", "tous", f"dimension:{dim}", "first_or_second")["share"] == \
            pytest.approx(top2[dim])
    row = pick(out, "FR", "tous", "dimension:social", "first")
    assert (row["n_unweighted"], row["n_effective"]) == (4, pytest.approx(49 / 15))
    # Domains, citizens: r3 skipped them, so only r1 (w=1) and r2 (w=2): sum w = 3.
    # health first 1 / 3, employment first 2 / 3; employment first or second (1 + 2) / 3.
    assert pick(out, "FR", "citoyen", "domain:health", "first")["share"] == pytest.approx(1 / 3)
    assert pick(out, "FR", "citoyen", "domain:employment", "first")["share"] == \
        pytest.approx(2 / 3)
    assert pick(out, "FR", "citoyen", "domain:employment", "first_or_second")["share"] == 1.0
    assert pick(out, "FR", "citoyen", "domain:employment", "first")["n_unweighted"] == 2
    # The entreprise ranked domains but not dimensions: its dimension shares are missing,
    # not zero (nobody answered), with the reason.
    row = pick(out, "FR", "entreprise", "dimension:economic", "first")
    assert math.isnan(row["share"]) and row["n_unweighted"] == 0
    assert row["status"] == "supprimé" and row["reason"] == "aucun répondant"


def test_roll_up_to_region_departement_commune_by_hand(tiny):
    region = raw(tiny, "region")
    # Région 84 holds r1 (commune 38185), r2 (dépt 38), r3 (dépt 69) and r5 (région 84).
    # "tous" domains in 84: r1 (w=1), r2 (w=2), r5 (w=2): sum w = 5;
    # employment first: r2 + r5 = 4 / 5; n_eff = 25 / (1 + 4 + 4) = 25 / 9.
    row = pick(region, "84", "tous", "domain:employment", "first")
    assert row["share"] == pytest.approx(4 / 5)
    assert row["n_effective"] == pytest.approx(25 / 9)
    assert pick(region, "11", "elu", "dimension:environmental", "first")["share"] == 1.0
    assert set(region["territory_level"]) == {"region"}

    dep = raw(tiny, "departement")
    # Département 38: r1 (w=1) and r2 (w=2); r5 (a région respondent) is left out.
    # Economic first: 1 / 3; societal first: 2 / 3; n_eff = 9 / 5.
    assert pick(dep, "38", "citoyen", "dimension:economic", "first")["share"] == \
        pytest.approx(1 / 3)
    assert pick(dep, "38", "citoyen", "dimension:societal", "first")["share"] == \
        pytest.approx(2 / 3)
    assert pick(dep, "38", "tous", "dimension:societal", "first")["n_effective"] == \
        pytest.approx(9 / 5)
    assert set(dep["territory_code"]) == {"38", "69", "75"}
    assert "entreprise" not in set(dep["actor"])

    commune = raw(tiny, "commune")
    assert set(commune["territory_code"]) == {"38185", "75056"}


def test_territory_codes_roll_up(tiny):
    assert territory_codes(tiny, "region").tolist() == ["84", "84", "84", "11", "84"]
    assert territory_codes(tiny, "departement").tolist()[:4] == ["38", "38", "69", "75"]
    assert pd.isna(territory_codes(tiny, "departement").iloc[4])
    assert territory_codes(tiny, "france").eq("FR").all()
    national = respondent_table([person(9, "citoyen", "FR", "france", 1.0, {"social": 1})])
    assert territory_codes(national, "france").tolist() == ["FR"]
    assert territory_codes(national, "region").isna().all()


def test_priority_scores_by_hand(tiny):
    out = priority_scores(tiny, fragile_below=0, suppress_below=0)
    # Dimensions, citizens (score (k + 1 - rank) / k, unranked 0):
    # r1 (k=4, w=1): E 1, S 0.75, So 0.5, En 0.25
    # r2 (k=4, w=2): S 1, E 0.75, So 0.5, En 0.25
    # r3 (k=2, w=3): E 1, So 0.5, S 0, En 0
    # economic (1 + 2 * 0.75 + 3 * 1) / 6 = 5.5 / 6; societal (0.75 + 2) / 6 = 2.75 / 6;
    # social (0.5 + 1 + 1.5) / 6 = 0.5; environmental (0.25 + 0.5) / 6 = 0.125.
    expected = {"economic": 5.5 / 6, "societal": 2.75 / 6, "social": 0.5, "environmental": 0.125}
    for dim, value in expected.items():
        assert pick(out, "FR", "citoyen", f"dimension:{dim}")["score"] == pytest.approx(value)
    # Domains, citizens: r1 (k=2, w=1) health 1, employment 0.5; r2 (k=1, w=2) employment 1.
    # employment (0.5 + 2) / 3; health 1 / 3; any other domain 0.
    assert pick(out, "FR", "citoyen", "domain:employment")["score"] == pytest.approx(2.5 / 3)
    assert pick(out, "FR", "citoyen", "domain:health")["score"] == pytest.approx(1 / 3)
    assert pick(out, "FR", "citoyen", "domain:ageing")["score"] == 0.0
    assert list(out.columns) == list(PRIORITY_COLUMNS)
    # The entreprise's dimension score is missing (it skipped the question), not zero.
    assert math.isnan(pick(out, "FR", "entreprise", "dimension:economic")["score"])
    known = out.dropna(subset=["score"])
    assert ((known["ci_low"] <= known["score"] + 1e-12)
            & (known["score"] <= known["ci_high"] + 1e-12)).all()


def test_output_columns_and_types(tiny):
    out = rank_shares(tiny, "region")
    assert list(out.columns) == list(ESTIMATE_COLUMNS)
    assert list(out.columns[: len(AGGREGATE_COLUMNS)]) == list(AGGREGATE_COLUMNS)
    assert str(out["n_unweighted"].dtype) == "Int64"
    assert set(out["status"]) <= set(estimates.STATUSES)
    assert set(out["measure"]) == {"first", "first_or_second"}
    # 4 dimensions + 16 domains, 2 measures, for every territory × actor group.
    assert (out.groupby(["territory_code", "actor"]).size() == 40).all()


# --- Kish effective n, intervals -----------------------------------------------------------

def test_kish_effective_n():
    assert kish_effective_n([1.0, 1.0, 1.0, 1.0]) == 4.0
    # (1 + 2 + 3)^2 / (1 + 4 + 9) = 36 / 14
    assert kish_effective_n([1.0, 2.0, 3.0]) == pytest.approx(36 / 14)
    # One weight 9 among nine of 1: (9 + 9)^2 / (81 + 9) = 324 / 90 = 3.6
    assert kish_effective_n([9.0] + [1.0] * 9) == pytest.approx(3.6)
    assert kish_effective_n(np.array([2.0, 4.0, 6.0])) == pytest.approx(36 / 14)
    assert math.isnan(kish_effective_n([]))


def test_wilson_interval_by_hand():
    # p = 0.5, n = 100, z = 1.959964: centre 0.5, half-width
    # z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2)) = 0.0961675
    low, high = wilson_interval(np.array([0.5, 0.0]), np.array([100.0, 20.0]))
    assert low[0] == pytest.approx(0.5 - 0.0961675, abs=1e-6)
    assert high[0] == pytest.approx(0.5 + 0.0961675, abs=1e-6)
    # p = 0, n = 20: [0, z^2 / (n + z^2)] = [0, 3.8415 / 23.8415]
    assert low[1] == 0.0 and high[1] == pytest.approx(3.841459 / 23.841459, abs=1e-6)


def test_interval_uses_effective_n():
    # 40 respondents, half of them weighing 4: sum w = 20 * 4 + 20 = 100,
    # sum w^2 = 20 * 16 + 20 = 340, n_eff = 100^2 / 340 = 29.4. The interval is as wide as
    # for 29.4 unweighted respondents, wider than for 40.
    rows = [person(i, "citoyen", "38", "departement", 4.0 if i < 20 else 1.0,
                   {"economic": 1, "societal": 2} if i % 2 else {"societal": 1, "economic": 2})
            for i in range(40)]
    out = raw(respondent_table(rows))
    row = pick(out, "FR", "citoyen", "dimension:economic", "first")
    assert row["n_effective"] == pytest.approx(100 ** 2 / 340)
    low, high = wilson_interval(np.array([row["share"]]), np.array([100 ** 2 / 340]))
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low[0]), pytest.approx(high[0]))
    naive_low, naive_high = wilson_interval(np.array([row["share"]]), np.array([40.0]))
    assert row["ci_high"] - row["ci_low"] > naive_high[0] - naive_low[0]


def test_unknown_interval_method_lists_valid_ones(tiny):
    with pytest.raises(ValueError, match="logit"):
        rank_shares(tiny, method="exact")
    logit = rank_shares(tiny, method="logit", fragile_below=0, suppress_below=0)
    row = pick(logit, "FR", "tous", "dimension:economic", "first")
    assert row["ci_low"] < row["share"] < row["ci_high"]


def test_coverage_of_weighted_intervals_with_unequal_weights():
    """A stratified design with very unequal weights: the Kish-Wilson interval covers ~95 %.

    Three strata with population shares 0.6 / 0.3 / 0.1 and true shares 0.30 / 0.40 / 0.45
    are sampled 100 / 100 / 200 (weights 0.006 / 0.003 / 0.0005): true share
    0.6 * 0.3 + 0.3 * 0.4 + 0.1 * 0.45 = 0.345; n_eff = 219.8 of 400 (design effect 1.82).
    An interval on the unweighted n under-covers (0.885 with this seed).
    """
    rng = np.random.default_rng(12)
    population, truth = np.array([0.6, 0.3, 0.1]), np.array([0.30, 0.40, 0.45])
    sizes = np.array([100, 100, 200])
    target = population @ truth
    weights = np.repeat(population / sizes, sizes)
    strata = np.repeat(np.arange(3), sizes)
    n_eff = kish_effective_n(weights)
    assert n_eff == pytest.approx(1 / (0.36 / 100 + 0.09 / 100 + 0.01 / 200))
    covered, naive = [], []
    for _ in range(400):
        y = rng.random(sizes.sum()) < truth[strata]
        share = np.array([weights @ y / weights.sum()])
        low, high = estimates.proportion_interval(share, np.array([n_eff]))
        covered.append(low[0] <= target <= high[0])
        low, high = wilson_interval(share, np.array([float(sizes.sum())]))
        naive.append(low[0] <= target <= high[0])
    assert 0.92 <= np.mean(covered) <= 0.98
    assert np.mean(naive) < 0.92


# --- small samples -------------------------------------------------------------------------

def test_status_thresholds():
    status, reason = sample_status(np.array([0.0, 9.99, 10.0, 29.99, 30.0, np.nan]))
    assert status.tolist() == ["supprimé", "supprimé", "fragile", "fragile", "ok", "ok"]
    assert reason[0] == "aucun répondant"
    assert reason[1] == "taille effective d'échantillon 9,9 < 10 : valeur supprimée"
    assert "fragile" in reason[3] and reason[4] == ""
    assert "non publiée" in reason[5]
    assert estimates.FRAGILE_N_EFF == 30 and estimates.SUPPRESSED_N_EFF == 10


@pytest.mark.parametrize(("n", "status"), [(5, "supprimé"), (12, "fragile"), (40, "ok")])
def test_small_samples_flagged_or_suppressed(n, status):
    rows = [person(i, "citoyen", "38", "departement", 1.0,
                   {"economic": 1, "societal": 2, "social": 3, "environmental": 4})
            for i in range(n)]
    out = rank_shares(respondent_table(rows), "departement")
    row = pick(out, "38", "citoyen", "dimension:economic", "first")
    assert row["status"] == status
    if status == "supprimé":
        assert math.isnan(row["share"]) and math.isnan(row["ci_low"])
        assert "supprimée" in row["reason"] and row["n_unweighted"] == n
    else:
        assert row["share"] == 1.0
    if status == "fragile":
        assert "fragile" in row["reason"]


def test_unequal_weights_make_a_sample_fragile():
    # 40 respondents but one weighs 30: n_eff = 69^2 / (900 + 39) = 5.07 -> supprimé.
    rows = [person(i, "citoyen", "38", "departement", 30.0 if i == 0 else 1.0,
                   {"economic": 1}) for i in range(40)]
    row = pick(rank_shares(respondent_table(rows)), "FR", "citoyen",
               "dimension:economic", "first")
    assert row["n_unweighted"] == 40 and row["n_effective"] == pytest.approx(69 ** 2 / 939)
    assert row["status"] == "supprimé"


# --- invalid input -------------------------------------------------------------------------

def test_invalid_input_is_rejected(tiny):
    with pytest.raises(ValueError, match="valid values"):
        rank_shares(tiny, "epci")
    bad = tiny.copy()
    bad.loc[0, "weight"] = np.nan
    with pytest.raises(ValueError, match="weights"):
        rank_shares(bad)
    bad = tiny.copy()
    bad.loc[0, "rank_dim_social"] = 2  # r1 already ranks societal 2
    with pytest.raises(ValueError, match="same rank"):
        rank_shares(bad)
    bad = tiny.copy()
    bad.loc[0, "rank_dim_social"] = 5
    with pytest.raises(ValueError, match="1..4"):
        rank_shares(bad)
    bad = tiny.copy()
    bad.loc[0, "territory_code"] = "99999"
    with pytest.raises(ValueError, match="99999"):
        rank_shares(bad, "region")
    bad = tiny.copy()
    bad.loc[0, "actor"] = "syndicat"
    with pytest.raises(ValueError, match="citoyen"):
        rank_shares(bad)


# --- the published national figures --------------------------------------------------------

def published_table(n: float | None = None) -> pd.DataFrame:
    rows = []
    for measure, figures in (("first", PUBLISHED_FIRST), ("first_or_second", PUBLISHED_TOP2)):
        for dim in DIMS:
            rows.append({"territory_code": "FR", "territory_level": "france",
                         "actor": "citoyen", "item": f"dimension:{dim}", "measure": measure,
                         "share": figures[dim] / 100})
    table = pd.DataFrame(rows)
    table["n_unweighted"] = pd.array([n] * len(table), dtype="Int64")
    table["n_effective"] = np.nan if n is None else float(n)
    return table[list(AGGREGATE_COLUMNS)]


@pytest.mark.parametrize("n", [None, 1000])
def test_published_national_figures_come_back_exactly(n):
    out = estimates_from_aggregate(published_table(n))
    for measure, figures in (("first", PUBLISHED_FIRST), ("first_or_second", PUBLISHED_TOP2)):
        for dim in DIMS:
            row = pick(out, "FR", "citoyen", f"dimension:{dim}", measure)
            assert row["share"] == figures[dim] / 100  # the very same float
            assert round(row["share"] * 100) == figures[dim]
            assert row["status"] == "ok"
    percent = (out["share"] * 100).round(9)
    assert percent[out["measure"] == "first"].tolist() == [28, 35, 21, 16]
    assert percent[out["measure"] == "first_or_second"].tolist() == [64, 59, 48, 29]
    assert percent[out["measure"] == "first"].sum() == 100
    assert percent[out["measure"] == "first_or_second"].sum() == 200
    totals = ranking_totals(out).set_index("measure")["total"]
    assert totals["first"] == pytest.approx(1, abs=1e-12)
    assert totals["first_or_second"] == pytest.approx(2, abs=1e-12)
    if n is None:
        assert out["ci_low"].isna().all() and out["reason"].str.contains("non publiée").all()
    else:
        assert ((out["ci_low"] < out["share"]) & (out["share"] < out["ci_high"])).all()


def test_respondents_built_on_the_published_figures_give_them_back_exactly():
    # 100 citizens of weight 1. Pairs (first, second) with row sums 28/35/21/16 (first) and
    # column sums 36/24/27/13 (second), so that first + second = 64/59/48/29.
    pairs = {("societal", "economic"): 10, ("societal", "social"): 12,
             ("societal", "environmental"): 6, ("economic", "societal"): 20,
             ("economic", "social"): 10, ("economic", "environmental"): 5,
             ("social", "societal"): 10, ("social", "economic"): 9,
             ("social", "environmental"): 2, ("environmental", "societal"): 6,
             ("environmental", "economic"): 5, ("environmental", "social"): 5}
    rows, i = [], 0
    for (top, second), count in pairs.items():
        rest = [d for d in DIMS if d not in (top, second)]
        for _ in range(count):
            ranks = {top: 1, second: 2, rest[0]: 3, rest[1]: 4}
            rows.append(person(i, "citoyen", "38", "departement", 1.0, ranks))
            i += 1
    out = rank_shares(respondent_table(rows), by_actor=True, all_actors=False)
    for measure, figures in (("first", PUBLISHED_FIRST), ("first_or_second", PUBLISHED_TOP2)):
        for dim in DIMS:
            assert pick(out, "FR", "citoyen", f"dimension:{dim}", measure)["share"] == \
                figures[dim] / 100


def test_aggregate_rejects_percentages_and_unknown_measures():
    table = published_table()
    with pytest.raises(ValueError, match="0.28"):
        estimates_from_aggregate(table.assign(share=table["share"] * 100))
    with pytest.raises(ValueError, match="first_or_second"):
        estimates_from_aggregate(table.assign(measure="top3"))
    with pytest.raises(ValueError, match="n_effective"):
        estimates_from_aggregate(table.drop(columns="n_effective"))


def test_aggregate_small_samples_suppressed():
    table = published_table(8)
    out = estimates_from_aggregate(table)
    assert (out["status"] == "supprimé").all() and out["share"].isna().all()


# --- properties ----------------------------------------------------------------------------

CODES = [("38185", "commune"), ("75056", "commune"), ("38", "departement"),
         ("2A", "departement"), ("84", "region"), ("11", "region")]


@st.composite
def respondent_tables(draw, full: bool = False):
    n = draw(st.integers(1, 25))
    rows = []
    for i in range(n):
        code, level = draw(st.sampled_from(CODES))
        order = draw(st.permutations(DIMS))
        k = 4 if full else draw(st.integers(0, 4))
        doms = draw(st.lists(st.sampled_from([c.removeprefix("rank_dom_")
                                              for c in DOMAIN_COLUMNS]),
                             max_size=4, unique=True))
        rows.append(person(i, draw(st.sampled_from(["citoyen", "elu", "entreprise"])), code,
                           level, draw(st.floats(0.05, 20)),
                           {d: r + 1 for r, d in enumerate(order[:k])},
                           {d: r + 1 for r, d in enumerate(doms)}))
    return respondent_table(rows)


@settings(max_examples=examples(60), deadline=None)
@given(respondent_tables(), st.sampled_from(estimates.LEVELS[:3]))
def test_shares_are_in_unit_interval(table, level):
    out = raw(table, level)
    shares = out["share"].dropna()
    assert ((shares >= 0) & (shares <= 1)).all()
    ok = out.dropna(subset=["share"])
    assert ((ok["ci_low"] <= ok["share"] + 1e-12) & (ok["share"] <= ok["ci_high"] + 1e-12)).all()
    scores = priority_scores(table, level, fragile_below=0, suppress_below=0)["score"].dropna()
    assert ((scores >= 0) & (scores <= 1)).all()


@settings(max_examples=examples(60), deadline=None)
@given(respondent_tables(full=True))
def test_first_shares_sum_to_one_for_full_rankings(table):
    out = raw(table)
    totals = ranking_totals(out[out["item"].str.startswith("dimension:")])
    first = totals[totals["measure"] == "first"]["total"]
    top2 = totals[totals["measure"] == "first_or_second"]["total"]
    assert np.allclose(first, 1.0) and np.allclose(top2, 2.0)


@settings(max_examples=examples(60), deadline=None)
@given(respondent_tables(), st.floats(0.001, 1000))
def test_scaling_weights_leaves_shares_unchanged(table, factor):
    scaled = table.assign(weight=table["weight"] * factor)
    before, after = raw(table, "region"), raw(scaled, "region")
    pd.testing.assert_series_equal(before["share"], after["share"], rtol=1e-10)
    pd.testing.assert_series_equal(before["n_effective"], after["n_effective"], rtol=1e-10)
    pd.testing.assert_series_equal(before["ci_low"], after["ci_low"], rtol=1e-9)
