from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tiers import examples

from atlas.index.composite import (
    ALONE_REASON,
    DIMENSION_IDS,
    DOMAIN_IDS,
    Method,
    combine,
    compute_indices,
    resolve_weights,
)

META = pd.DataFrame(
    {"domain": ["poverty", "poverty", "housing", "employment", "living_standards"],
     "dimension": ["social", "social", "social", "economic", "economic"],
     "direction": [1, 1, 1, 1, -1]},
    index=["pauvrete", "rsa", "surpeuplement", "chomage", "revenu"])


@pytest.fixture
def tiny():
    values = pd.DataFrame(
        {"pauvrete": [10.0, 20.0, 30.0, 40.0],
         "rsa": [4.0, 3.0, 2.0, np.nan],
         "surpeuplement": [1.0, np.nan, 3.0, 2.0],
         "chomage": [5.0, 9.0, 7.0, 11.0],
         "revenu": [30.0, 20.0, 25.0, np.nan]},
        index=["01001", "01002", "2A004", "97411"])
    return values


def test_default_index_by_hand(tiny):
    r = compute_indices(tiny, META)
    # indicator ranks (r - 1) / (n - 1):
    #   pauvrete 10 20 30 40 -> 0, 1/3, 2/3, 1      rsa 4 3 2 . -> 1, 1/2, 0, NaN
    #   surpeuplement 1 . 3 2 -> 0, NaN, 1, 1/2     chomage 5 9 7 11 -> 0, 2/3, 1/3, 1
    #   revenu (-1) 30 20 25 . -> 0, 1, 1/2, NaN
    assert r.indicator_scores["rsa"].tolist()[:3] == pytest.approx([1, 0.5, 0])
    # poverty = mean of the indicators present: (0 + 1)/2, (1/3 + 1/2)/2, (2/3 + 0)/2, 1
    assert r.domain_scores["poverty"].tolist() == pytest.approx([0.5, 5 / 12, 1 / 3, 1])
    # housing has one indicator; 01002 lacks it: NaN with a reason, never 0
    assert math.isnan(r.domain_scores.loc["01002", "housing"])
    assert r.domain_reasons.loc["01002", "housing"] == "0 indicateur sur 1 disponible (minimum 1)"
    assert pd.isna(r.domain_reasons.loc["01001", "housing"])
    # social = (poverty + housing) / 2: .25, 5/12 (housing missing), (1/3 + 1)/2, (1 + .5)/2
    assert r.dimension_scores["social"].tolist() == pytest.approx([0.25, 5 / 12, 2 / 3, 0.75])
    # economic = (employment + living standards) / 2: 0, (2/3 + 1)/2, (1/3 + 1/2)/2, 1
    assert r.dimension_scores["economic"].tolist() == pytest.approx([0, 5 / 6, 5 / 12, 1])
    # overall = (social + economic) / 2 (the two other dimensions have no indicator here)
    assert r.overall.tolist() == pytest.approx([0.125, 0.625, 13 / 24, 0.875])
    assert r.ranks["overall"].tolist() == [4, 2, 3, 1]
    assert r.ranks["poverty"].tolist() == [2, 3, 4, 1]
    # domains without any indicator: NaN everywhere, with the reason
    assert r.domain_scores["culture"].isna().all()
    assert (r.domain_reasons["culture"] == "aucun indicateur pour ce domaine").all()
    assert list(r.domain_scores.columns) == list(DOMAIN_IDS)
    assert list(r.dimension_scores.columns) == list(DIMENSION_IDS)


def test_minimum_availability(tiny):
    r = compute_indices(tiny, META, Method(min_share=1.0))
    # 97411 has 1 of the 2 poverty indicators; all are required now
    assert math.isnan(r.domain_scores.loc["97411", "poverty"])
    assert r.domain_reasons.loc["97411", "poverty"] == "1 indicateur sur 2 disponible (minimum 2)"
    # social then has 1 of 2 domains for 97411: NaN; economic too (revenu is missing, so
    # living standards is), hence 0 of 2 dimensions for the overall index
    assert r.dimension_reasons.loc["97411", "social"] == "1 domaine sur 2 disponible (minimum 2)"
    assert r.overall_reason.loc["97411"] == "0 dimension sur 2 disponible (minimum 2)"
    assert pd.isna(r.ranks.loc["97411", "overall"])
    assert r.overall.loc["01001"] == pytest.approx(0.125)
    # separate thresholds: indicators all required, but one domain is enough
    r = compute_indices(tiny, META, Method(min_share=(1.0, 0.5, 0.5)))
    assert r.dimension_scores.loc["97411", "social"] == pytest.approx(0.5)  # housing only


def test_reason_plural():
    meta = pd.DataFrame({"domain": ["poverty"] * 5, "dimension": ["social"] * 5,
                         "direction": [1] * 5}, index=list("abcde"))
    values = pd.DataFrame([[1.0, 2.0, np.nan, np.nan, np.nan]], columns=list("abcde"),
                          index=["01001"])
    r = compute_indices(values, meta)
    assert r.domain_reasons.loc["01001", "poverty"] == "2 indicateurs sur 5 disponibles (minimum 3)"


def test_geometric_by_hand(tiny):
    r = compute_indices(tiny, META, Method(aggregation="geometric"))
    # 01001 poverty: scores 0 and 1, offset .01: sqrt(.01 * 1.01) - .01
    assert r.domain_scores.loc["01001", "poverty"] == pytest.approx(0.0101**0.5 - 0.01)
    # a single indicator gives itself back (97411 poverty = pauvrete = 1)
    assert r.domain_scores.loc["97411", "poverty"] == pytest.approx(1.0)


def test_user_weights_by_hand(tiny):
    r = compute_indices(tiny, META, Method(weights={"rsa": 3, "economic": 0}))
    # 01001 poverty: pauvrete 0 weighs 1/4, rsa 1 weighs 3/4
    assert r.domain_scores.loc["01001", "poverty"] == pytest.approx(0.75)
    # economic weighs 0: left out, the overall is the social dimension
    pd.testing.assert_series_equal(r.overall, r.dimension_scores["social"], check_names=False)
    assert r.dimension_scores["economic"].notna().all()  # still computed, just not used


def test_weights_validation():
    with pytest.raises(ValueError, match="unknown ids"):
        resolve_weights(META, {"pauvreté": 1})
    with pytest.raises(ValueError, match="non-negative"):
        resolve_weights(META, {"rsa": -1})
    with pytest.raises(ValueError, match="non-negative"):
        resolve_weights(META, {"rsa": float("nan")})
    with pytest.raises(ValueError, match="non-negative"):
        resolve_weights(META, {"poverty": "2"})


def test_method_validation(tiny):
    with pytest.raises(ValueError, match="valid.*arithmetic.*geometric"):
        Method(aggregation="harmonic")
    with pytest.raises(ValueError, match="valid.*france.*region"):
        Method(frame="departement")
    with pytest.raises(ValueError, match="geometric aggregation needs"):
        Method(normalisation="zscore", aggregation="geometric")
    with pytest.raises(ValueError, match="min_share"):
        Method(min_share=1.5)
    with pytest.raises(ValueError, match="région"):
        compute_indices(tiny, META, Method(frame="region"))
    with pytest.raises(ValueError, match="columns without meta"):
        compute_indices(tiny.assign(extra=1.0), META)
    with pytest.raises(ValueError, match="unknown domains"):
        compute_indices(tiny, META.replace({"poverty": "pauvrete"}))
    with pytest.raises(ValueError, match="another dimension"):
        compute_indices(tiny, META.replace({"social": "economic"}))
    # a method is hashable (usable as a cache key) and its weights are stored sorted
    assert hash(Method(weights={"rsa": 2, "chomage": 1})) == hash(
        Method(weights=(("chomage", 1.0), ("rsa", 2.0))))


def test_combine_spreads_missing_weight():
    parts = [np.array([0.2, 0.4, np.nan]), np.array([0.6, np.nan, np.nan])]
    present = np.array([[True, True], [True, False], [False, False]])
    out = combine(parts, np.array([[0.25, 0.75], [1.0, 0.0]]), present, False, needed=1)
    # variant 0: .25 * .2 + .75 * .6 = .5; the second territory has only .4; the third none
    assert out[0].tolist()[:2] == pytest.approx([0.5, 0.4])
    assert np.isnan(out[:, 2]).all()


# --- properties --------------------------------------------------------------------------

BIG_META = pd.DataFrame(
    {"domain": ["poverty", "poverty", "poverty", "housing", "housing", "employment",
                "health", "health", "digital"],
     "dimension": ["social"] * 5 + ["economic", "societal", "societal", "societal"],
     "direction": [1, -1, 1, 1, -1, 1, -1, 1, 1]},
    index=[f"i{k}" for k in range(9)])


@st.composite
def territories(draw, max_rows=25, elements=None):
    n = draw(st.integers(2, max_rows))
    if elements is None:
        elements = st.one_of(st.floats(-100, 100), st.just(np.nan), st.sampled_from([0.0, 1.0]))
    array = draw(hnp.arrays(np.float64, (n, len(BIG_META)), elements=elements))
    index = [f"{k:05d}" for k in range(n)]
    region = pd.Series(draw(st.lists(st.sampled_from(["11", "84"]), min_size=n, max_size=n)),
                       index=index)
    return pd.DataFrame(array, index=index, columns=BIG_META.index), region


methods = st.builds(
    Method, normalisation=st.sampled_from(["rank", "minmax"]),
    aggregation=st.sampled_from(["arithmetic", "geometric"]),
    min_share=st.sampled_from([0.0, 0.5, 1.0]))


@given(st.dictionaries(st.sampled_from(list(BIG_META.index) + ["poverty", "health", "social"]),
                       st.floats(0, 10) | st.integers(0, 5)))
def test_weights_sum_to_one_in_every_group(weights):
    tree = resolve_weights(BIG_META, weights)
    for group in (*tree.domains, *tree.dimensions, tree.overall):
        if group.members:
            assert group.weights.sum() == pytest.approx(1)
            assert (group.weights > 0).all()
            raw = np.array([float(weights.get(m, 1)) for m in group.members])
            assert np.allclose(group.weights, raw / raw.sum())
        assert not set(group.members) & {k for k, w in weights.items() if w == 0}


@settings(deadline=None, max_examples=examples(40))
@given(territories(), methods)
def test_scores_in_range_and_missing_never_zero(data, method):
    values, _ = data
    r = compute_indices(values, BIG_META, method)
    for table in (r.indicator_scores, r.domain_scores, r.dimension_scores, r.overall.to_frame()):
        present = table.to_numpy()[~np.isnan(table.to_numpy())]
        assert ((present >= -1e-12) & (present <= 1 + 1e-12)).all()
    tree = r.tree
    for group in tree.domains:
        if not group.members:
            continue
        count = values[list(group.members)].notna().sum(axis=1)
        needed = max(1, math.ceil(method.min_share[0] * len(group.members) - 1e-9))
        # NaN exactly when too few indicators are present (never a 0 standing in)
        assert (r.domain_scores[group.id].isna() == (count < needed)).all()
        assert (r.domain_reasons[group.id].notna() == (count < needed)).all()
        # a mean lies between the smallest and the largest of its parts
        block = r.indicator_scores[list(group.members)]
        ok = count >= needed
        assert (r.domain_scores[group.id][ok] >= block.min(axis=1)[ok] - 1e-9).all()
        assert (r.domain_scores[group.id][ok] <= block.max(axis=1)[ok] + 1e-9).all()


@settings(deadline=None, max_examples=examples(40))
@given(territories(), st.sampled_from(["rank", "minmax"]))
def test_geometric_never_exceeds_arithmetic(data, normalisation):
    values, _ = data
    arith = compute_indices(values, BIG_META, Method(normalisation))
    geo = compute_indices(values, BIG_META, Method(normalisation, aggregation="geometric"))
    # AM-GM on the shifted scores s + e, level by level (the mean is monotone)
    for a, g in ((arith.domain_scores, geo.domain_scores),
                 (arith.dimension_scores, geo.dimension_scores)):
        av, gv = a.to_numpy(), g.to_numpy()
        both = ~np.isnan(av) & ~np.isnan(gv)
        assert (gv[both] <= av[both] + 1e-9).all()
    both = arith.overall.notna() & geo.overall.notna()
    assert (geo.overall[both] <= arith.overall[both] + 1e-9).all()


@settings(deadline=None, max_examples=examples(40))
@given(territories(elements=st.one_of(st.integers(-300, 300).map(float), st.just(np.nan))),
       st.sampled_from(list(BIG_META.index)), st.booleans())
def test_ranks_unchanged_by_increasing_transform(data, column, by_region):
    values, region = data
    method = Method(frame="region" if by_region else "france")
    before = compute_indices(values, BIG_META, method, region)
    changed = values.assign(**{column: np.exp(values[column] / 50) + values[column] ** 3})
    after = compute_indices(changed, BIG_META, method, region)
    pd.testing.assert_frame_equal(before.ranks, after.ranks)


@settings(deadline=None, max_examples=examples(40))
@given(territories(), methods)
def test_region_frame_ranks_within_regions(data, method):
    values, region = data
    regional = Method(method.normalisation, "region", method.aggregation,
                      min_share=method.min_share)
    together = compute_indices(values, BIG_META, regional, region)
    for code in region.unique():
        if (region == code).sum() == 1:  # alone in its frame: nothing to compare with
            assert together.overall[region == code].isna().all()
            assert (together.overall_reason[region == code] == ALONE_REASON).all()
            continue
        alone = compute_indices(values[region == code], BIG_META, method)
        pd.testing.assert_frame_equal(together.ranks[region == code], alone.ranks)
        pd.testing.assert_series_equal(together.overall[region == code], alone.overall)
    # and rank 1 is attained in every région that has an overall score
    best = together.ranks["overall"].groupby(region).min().dropna()
    assert together.ranks["overall"][region.map(region.value_counts()) == 1].isna().all()
    assert (best == 1).all()


def test_an_indicator_comparable_only_within_its_region():
    meta = pd.DataFrame({"domain": ["digital", "digital"], "dimension": ["societal"] * 2,
                         "direction": [1, 1], "comparison": ["region", "france"]},
                        index=["ifn", "other"])
    values = pd.DataFrame({"ifn": [100.0, 120.0, 90.0, 95.0],
                           "other": [1.0, 2.0, 3.0, 4.0]},
                          index=["a", "b", "c", "d"])
    region = pd.Series(["11", "11", "84", "84"], index=values.index)
    for frame in ("france", "region"):
        result = compute_indices(values, meta, Method(frame=frame), region=region)
        # ranked within its région whatever the frame: 100 < 120 in 11, 90 < 95 in 84
        assert result.indicator_scores["ifn"].tolist() == [0.0, 1.0, 0.0, 1.0]
    france = compute_indices(values, meta, Method(), region=region)
    assert france.indicator_scores["other"].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    distance = compute_indices(values, meta, Method(normalisation="distance"), region=region,
                               reference=pd.Series({"ifn": float("nan"), "other": 2.5}))
    # its reference is its région's own mean (the base of a relative score)
    assert distance.indicator_scores.loc["a", "ifn"] < 0 < distance.indicator_scores.loc[
        "b", "ifn"]


def test_partial_indices_say_how_many_domains_they_hold(tiny):
    result = compute_indices(tiny, META, Method(min_share=0.5))
    count = result.domain_scores.notna().sum(axis=1).where(result.overall.notna(), 0)
    assert (result.domains_count == count).all()
    assert result.domains_total == sum(1 for g in result.tree.domains if g.members)
    assert (result.partial == (result.overall.notna()
                               & (count < result.domains_total))).all()
