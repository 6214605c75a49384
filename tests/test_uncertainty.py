from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tiers import examples

from atlas.index.composite import DIMENSION_IDS, DOMAIN_IDS, OVERALL, Method, compute_indices
from atlas.index.flags import flag_scores
from atlas.index.normalize import fragility_rank
from atlas.index.uncertainty import Variation, rank_block, simulate

META = pd.DataFrame(
    {"domain": ["poverty", "poverty", "poverty", "housing", "housing", "employment",
                "health", "health", "digital"],
     "dimension": ["social"] * 5 + ["economic", "societal", "societal", "societal"],
     "direction": [1, -1, 1, 1, -1, 1, -1, 1, 1]},
    index=[f"i{k}" for k in range(9)])
LEVELS = [*DOMAIN_IDS, *DIMENSION_IDS, OVERALL]
FIXED = Variation(normalisations=("rank",), aggregations=("arithmetic",), concentration=None,
                  n_variants=5)


def continuous(n=300, seed=1, missing=0.1):
    """Random values without ties, some missing, and a région per territory."""
    rng = np.random.default_rng(seed)
    index = [f"{k:05d}" for k in range(n)]
    values = pd.DataFrame(rng.lognormal(size=(n, len(META))), index=index, columns=META.index)
    values = values.mask(rng.random(values.shape) < missing)
    return values, pd.Series(rng.choice(["11", "84", "93"], size=n), index=index)


def deterministic_ranks(values, method, region=None):
    r = compute_indices(values, META, method, region)
    return r.ranks.reindex(columns=LEVELS).astype(float)


def test_reproducible_for_a_seed_whatever_the_threads():
    values, region = continuous()
    a = simulate(values, META, variation=Variation(n_variants=40, seed=7), n_jobs=1)
    b = simulate(values, META, variation=Variation(n_variants=40, seed=7), n_jobs=2,
                 chunk_size=3)
    for name in ("rank_median", "rank_low", "rank_high", "flag_share", "variants"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    c = simulate(values, META, variation=Variation(n_variants=40, seed=8))
    assert not c.variants.equals(a.variants)


def test_each_variant_is_the_index_of_its_method():
    """Percentiles over the variants = percentiles of compute_indices run on each variant."""
    values, region = continuous(n=120)
    for frame in ("france", "region"):
        base = Method(frame=frame)
        u = simulate(values, META, base, Variation(n_variants=9, seed=3), region,
                     dimensions=True, dtype=np.float64)
        ranks, flagged = [], []
        for _, row in u.variants.iterrows():
            weights = {k: v for k, v in row.items() if k not in ("normalisation",
                                                                  "aggregation")}
            method = Method(row["normalisation"], frame, row["aggregation"], weights)
            r = compute_indices(values, META, method, region)
            ranks.append(r.ranks.reindex(columns=LEVELS).astype(float).to_numpy())
            scores = pd.concat([r.domain_scores, r.dimension_scores, r.overall], axis=1)
            flagged.append(flag_scores(scores, r.groups).reindex(columns=LEVELS)
                           .astype(float).to_numpy())
        assert set(u.variants["normalisation"]) == {"rank", "minmax", "zscore"}
        ranks = np.array(ranks)
        for name, q in (("rank_low", 5), ("rank_median", 50), ("rank_high", 95)):
            expected = np.percentile(ranks, q, axis=0)
            np.testing.assert_allclose(getattr(u, name).to_numpy(), expected, rtol=1e-12)
        np.testing.assert_allclose(u.flag_share.to_numpy(), np.mean(flagged, axis=0))


@settings(deadline=None, max_examples=examples(40))
@given(st.integers(2, 30).flatmap(lambda n: hnp.arrays(
    np.float64, (n, len(META)),
    elements=st.one_of(st.sampled_from([0.0, 1.0, 2.0, np.nan]), st.floats(-10, 10)))),
    st.sampled_from(["france", "region"]), st.sampled_from(["rank", "minmax"]),
    st.sampled_from(["arithmetic", "geometric"]))
def test_one_method_without_noise_gives_the_deterministic_rank(array, frame, norm, agg):
    index = [f"{k:05d}" for k in range(len(array))]
    values = pd.DataFrame(array, index=index, columns=META.index)
    region = pd.Series(["11", "84"] * len(array), index=index * 2).iloc[:len(array)]
    method = Method(norm, frame, agg)
    variation = Variation((norm,), (agg,), concentration=None, n_variants=4)
    u = simulate(values, META, method, variation, region, dimensions=True,
                 dtype=np.float64)
    expected = deterministic_ranks(values, method, region)
    # zero-width intervals, equal to the rank compute_indices gives (ties and NaN included)
    for name in ("rank_low", "rank_median", "rank_high"):
        pd.testing.assert_frame_equal(getattr(u, name), expected, check_dtype=False)


def test_float32_degenerate_case_on_continuous_data():
    values, _ = continuous()
    u = simulate(values, META, variation=FIXED)
    expected = deterministic_ranks(values, Method())
    # without dimensions=True: the 16 domains and the overall index
    assert list(u.rank_median.columns) == [*DOMAIN_IDS, OVERALL]
    pd.testing.assert_frame_equal(u.rank_median, expected[[*DOMAIN_IDS, OVERALL]])
    assert (u.rank_high == u.rank_low).where(u.rank_low.notna(), True).all().all()


def test_intervals_contain_the_median_and_keep_missing_missing():
    values, region = continuous(missing=0.3)
    u = simulate(values, META, Method(frame="region"), Variation(n_variants=60, seed=1),
                 region, dimensions=True)
    low, mid, high = u.rank_low.to_numpy(), u.rank_median.to_numpy(), u.rank_high.to_numpy()
    present = ~np.isnan(mid)
    assert (low[present] <= mid[present]).all() and (mid[present] <= high[present]).all()
    assert (high[present] > low[present]).any()  # the noise does move ranks
    # missing exactly where the deterministic index is missing (in every variant alike)
    expected = deterministic_ranks(values, Method(frame="region"), region)
    assert (np.isnan(mid) == expected.isna().to_numpy()).all()
    assert (np.isnan(u.flag_share.to_numpy()) == np.isnan(mid)).all()
    assert ((u.flag_share.fillna(0) >= 0) & (u.flag_share.fillna(0) <= 1)).all().all()
    # ranks within régions: never beyond the size of the région
    size = region.map(region.value_counts())
    assert (u.rank_high.max(axis=1) <= size).all()


def test_weights_drawn_around_the_method_weights():
    values, _ = continuous(n=30)
    u = simulate(values, META, Method(weights={"i0": 2}),
                 Variation(n_variants=4000, concentration=50))
    w = u.variants
    # each group sums to 1 in every variant
    assert np.allclose(w[["i0", "i1", "i2"]].sum(axis=1), 1)
    assert np.allclose(w[["societal", "economic", "social"]].sum(axis=1), 1)
    # Dirichlet(50 w): mean w = (1/2, 1/4, 1/4), variance w (1 - w) / 51
    assert w["i0"].mean() == pytest.approx(0.5, abs=0.01)
    assert w["i1"].var() == pytest.approx(0.25 * 0.75 / 51, rel=0.1)
    # no (z-score, geometric) pair; the five valid pairs all drawn
    pairs = set(zip(w["normalisation"], w["aggregation"], strict=True))
    assert ("zscore", "geometric") not in pairs and len(pairs) == 5


def test_variation_validation():
    with pytest.raises(ValueError, match="valid.*minmax.*rank"):
        Variation(normalisations=("percentile",))
    with pytest.raises(ValueError, match="no valid"):
        Variation(normalisations=("zscore",), aggregations=("geometric",))
    with pytest.raises(ValueError, match="concentration"):
        Variation(concentration=0)


@settings(deadline=None)
@given(st.integers(1, 40).flatmap(lambda width: st.tuples(
    hnp.arrays(np.float32, st.tuples(st.integers(1, 5), st.just(width)),
               elements=st.one_of(st.sampled_from([0.0, 0.5, 1.0]),
                                  st.floats(-5, 5, width=32))),
    st.none() | hnp.arrays(np.intp, width, elements=st.integers(0, 3)))),
    st.sampled_from([0.0, 0.5, 0.9, 1.0]))
def test_rank_block_matches_the_reference_ranking(data, threshold):
    block, frames = data
    out = np.zeros(block.shape, dtype=np.uint16)
    flags = rank_block(block, out, threshold, frames)
    frame = pd.DataFrame(block.T.astype(np.float64))  # one column per row of the block
    groups = None if frames is None else pd.Series(frames)
    ranked = out.transpose()
    assert (ranked == fragility_rank(frame, groups).to_numpy()).all()
    expected = flag_scores(frame, groups, threshold=threshold).sum(axis=1).to_numpy()
    assert (flags == expected).all()
