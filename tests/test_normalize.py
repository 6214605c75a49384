from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from atlas.normalize import (
    NORMALISERS,
    fragility_rank,
    normalise,
    percentile_rank,
    sort_rows,
    tie_bounds,
)

CODES = ["01001", "01002", "2A004", "97411", "75056"]
REGION = pd.Series(["84", "84", "94", "04", "11"], index=CODES)


@pytest.fixture
def tiny():
    """Five communes, unemployment (+1: higher is more fragile) and income (-1)."""
    values = pd.DataFrame({"chomage": [8.0, 12.0, 12.0, 20.0, np.nan],
                           "revenu": [21000.0, 18000.0, 25000.0, 18000.0, 30000.0]},
                          index=CODES)
    return values, pd.Series({"chomage": 1, "revenu": -1})


def test_rank_by_hand(tiny):
    scores = normalise(*tiny, method="rank")
    # chomage, 4 values present: 8 < 12 = 12 < 20. (r - 1) / (n - 1) with ties at the
    # lowest rank: 8 -> 0/3, 12 -> 1/3 (twice), 20 -> 3/3; 75056 is missing.
    assert scores["chomage"].tolist()[:4] == pytest.approx([0, 1 / 3, 1 / 3, 1])
    assert math.isnan(scores.loc["75056", "chomage"])
    # revenu, direction -1: oriented -21000, -18000, -25000, -18000, -30000. Ascending:
    # -30000 (75056) 0/4, -25000 (2A004) 1/4, -21000 (01001) 2/4, -18000 twice 3/4.
    assert scores["revenu"].tolist() == pytest.approx([0.5, 0.75, 0.25, 0.75, 0.0])


def test_minmax_by_hand(tiny):
    scores = normalise(*tiny, method="minmax")
    # chomage: (x - 8) / (20 - 8)
    assert scores["chomage"].tolist()[:4] == pytest.approx([0, 4 / 12, 4 / 12, 1])
    # revenu oriented: min -30000, max -18000, span 12000; 01001: (-21000 + 30000) / 12000
    assert scores["revenu"].tolist() == pytest.approx([0.75, 1, 5 / 12, 1, 0])


def test_zscore_and_distance_by_hand(tiny):
    values, direction = tiny
    z = normalise(values, direction, method="zscore")
    # chomage: mean 13, deviations -5 -1 -1 7, variance (25 + 1 + 1 + 49) / 4 = 19
    assert z["chomage"].tolist()[:4] == pytest.approx(np.array([-5, -1, -1, 7]) / 19**0.5)
    # revenu: mean 22400, deviations -1400 -4400 2600 -4400 7600,
    # variance (1.96 + 19.36 + 6.76 + 19.36 + 57.76) e6 / 5 = 21.04e6; oriented: sign flips
    sd = 21.04e6**0.5
    assert z["revenu"].tolist() == pytest.approx(np.array([1400, 4400, -2600, 4400, -7600]) / sd)
    reference = pd.Series({"chomage": 10.0, "revenu": 20000.0})
    d = normalise(values, direction, method="distance", reference=reference)
    # chomage: (x - 10) / sd; revenu: -(x - 20000) / sd (a lower income is more fragile)
    assert d["chomage"].tolist()[:4] == pytest.approx(np.array([-2, 2, 2, 10]) / 19**0.5)
    assert d["revenu"].tolist() == pytest.approx(
        np.array([-1000, 2000, -5000, 2000, -10000]) / sd)
    assert math.isnan(d.loc["75056", "chomage"])


def test_distance_per_region_reference(tiny):
    values, direction = tiny
    groups = pd.Series(["a", "a", "b", "b", "b"], index=CODES)
    reference = pd.DataFrame({"chomage": [10.0, 16.0], "revenu": [20000.0, 20000.0]},
                             index=["a", "b"])
    d = normalise(values, direction, method="distance", groups=groups, reference=reference)
    # frame a: chomage 8, 12 (sd 2), reference 10 -> -1, 1
    # frame b: chomage 12, 20 (sd 4; 75056 missing), reference 16 -> -1, 1
    assert d["chomage"].tolist()[:4] == pytest.approx([-1, 1, -1, 1])
    with pytest.raises(ValueError, match="no reference row for groups"):
        normalise(values, direction, method="distance", groups=groups,
                  reference=reference.loc[["a"]])


def test_region_frame_by_hand(tiny):
    scores = normalise(*tiny, method="rank", groups=REGION)
    # région 84 has 01001 (8) and 01002 (12): 0 and 1. The other régions hold a single
    # commune: no comparison possible, 0 (and NaN stays NaN).
    assert scores["chomage"].tolist()[:4] == [0.0, 1.0, 0.0, 0.0]
    assert math.isnan(scores.loc["75056", "chomage"])


def test_unknown_method_lists_valid_ones(tiny):
    with pytest.raises(ValueError, match="valid methods.*distance.*minmax.*rank.*zscore"):
        normalise(*tiny, method="percentile")


def test_bad_input_is_refused(tiny):
    values, direction = tiny
    with pytest.raises(ValueError, match="no direction"):
        normalise(values, direction.drop("revenu"))
    with pytest.raises(ValueError, match=r"\+1 or -1"):
        normalise(values, direction.replace({-1: 0}))
    with pytest.raises(ValueError, match="reference"):
        normalise(values, direction, method="distance")
    with pytest.raises(ValueError, match="no reference value"):
        normalise(values, direction, method="distance", reference=pd.Series({"chomage": 1.0}))
    with pytest.raises(ValueError, match="no frame"):
        normalise(values, direction, groups=REGION.drop("97411"))
    with pytest.raises(ValueError, match="infinity"):
        normalise(values.replace(8.0, np.inf), direction)


def test_fragility_rank_ties_and_missing():
    scores = pd.DataFrame({"x": [0.2, 0.9, 0.5, 0.9, np.nan, 0.1]})
    # 0.9 twice -> both 1 (best rank), then 0.5 -> 3, 0.2 -> 4, 0.1 -> 5
    assert fragility_rank(scores)["x"].tolist() == [4, 1, 3, 1, pd.NA, 5]


# --- properties --------------------------------------------------------------------------

def frames(min_rows=1, max_rows=30, elements=None):
    """A territory x 3 indicator table with NaN, and a région per territory."""
    if elements is None:
        elements = st.one_of(st.floats(-1e6, 1e6, allow_nan=False),
                             st.sampled_from([0.0, 1.0, 2.5, np.nan]))
    return st.integers(min_rows, max_rows).flatmap(lambda n: st.tuples(
        hnp.arrays(np.float64, (n, 3), elements=elements),
        st.lists(st.sampled_from(["11", "84", "93"]), min_size=n, max_size=n)))


def as_frame(array, regions):
    index = [f"{i:05d}" for i in range(len(array))]
    values = pd.DataFrame(array, index=index, columns=["a", "b", "c"])
    return values, pd.Series({"a": 1, "b": -1, "c": 1}), pd.Series(regions, index=index)


@given(frames(), st.sampled_from(["rank", "minmax", "zscore", "distance"]), st.booleans())
def test_missing_stays_missing_and_nothing_else_is(data, method, by_region):
    values, direction, regions = as_frame(*data)
    reference = pd.Series({"a": 0.5, "b": 1.0, "c": -3.0})
    scores = normalise(values, direction, method, regions if by_region else None, reference)
    assert (scores.isna() == values.isna()).all().all()
    assert np.isfinite(scores.to_numpy()[values.notna().to_numpy()]).all()


@given(frames(), st.booleans())
def test_bounded_scores_in_unit_interval(data, by_region):
    values, direction, regions = as_frame(*data)
    groups = regions if by_region else None
    for method in ("rank", "minmax"):
        scores = normalise(values, direction, method, groups).to_numpy()
        present = scores[~np.isnan(scores)]
        assert ((present >= 0) & (present <= 1)).all()


@given(frames(min_rows=2))
def test_zscore_centred_and_within_samuelson_bound(data):
    values, direction, _ = as_frame(*data)
    z = normalise(values, direction, "zscore")
    for column in z:
        present = z[column].dropna()
        if len(present) > 1:
            # Samuelson's inequality: |x - mean| <= sd * sqrt(n - 1) with ddof=0
            assert (present.abs() <= math.sqrt(len(present) - 1) + 1e-9).all()
            assert abs(present.mean()) < 1e-6


@given(frames(elements=st.integers(-1000, 1000).map(float)), st.booleans())
def test_rank_unchanged_by_increasing_transform(data, by_region):
    values, direction, regions = as_frame(*data)
    groups = regions if by_region else None
    # strictly increasing and exact on integers of this range
    transformed = values**3 + 7 * values
    pd.testing.assert_frame_equal(normalise(values, direction, "rank", groups),
                                  normalise(transformed, direction, "rank", groups))


@given(frames(elements=st.integers(-50, 50).map(float)))
def test_rank_reverses_with_direction_for_distinct_values(data):
    values, direction, _ = as_frame(*data)
    for column in values:
        x = values[[column]].dropna()
        if x[column].is_unique and len(x) > 1:
            up = normalise(x, pd.Series({column: 1}), "rank")
            down = normalise(x, pd.Series({column: -1}), "rank")
            assert np.allclose(up + down, 1)


@given(frames(), st.sampled_from(["rank", "minmax", "zscore"]))
def test_region_frame_is_each_region_on_its_own(data, method):
    values, direction, regions = as_frame(*data)
    together = normalise(values, direction, method, groups=regions)
    for region in regions.unique():
        alone = normalise(values[regions == region], direction, method)
        pd.testing.assert_frame_equal(together[regions == region], alone)


@given(st.one_of(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 60)),
               elements=st.one_of(st.floats(-1e300, 1e300), st.sampled_from([0.0, -0.0, 1.0]))),
    hnp.arrays(np.float32, st.tuples(st.integers(1, 4), st.integers(1, 60)),
               elements=st.one_of(st.floats(width=32, allow_nan=False),
                                  st.sampled_from([0.0, -0.0, 1.0, -1.0])))))
def test_sort_rows_is_an_exact_stable_sort(a):
    order, sorted_a = sort_rows(a)
    assert (order == np.argsort(a, axis=1, kind="stable")).all()
    assert (sorted_a == np.sort(a, axis=1)).all()


@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 40)),
                  elements=st.sampled_from([0.0, 1.0, 2.0, 3.0])))
def test_tie_bounds_match_brute_force(a):
    s = np.sort(a, axis=1)
    first, last = tie_bounds(s)
    for r in range(s.shape[0]):
        for j in range(s.shape[1]):
            equal = np.flatnonzero(s[r] == s[r, j])
            assert (first[r, j], last[r, j]) == (equal.min(), equal.max())


@settings(max_examples=50)
@given(frames())
def test_percentile_rank_is_share_strictly_lower(data):
    values, _, _ = as_frame(*data)
    ranks = percentile_rank(values)
    for column in values:
        x = values[column].dropna().to_numpy()
        for code, v in values[column].dropna().items():
            expected = (x < v).sum() / (len(x) - 1) if len(x) > 1 else 0.0
            assert ranks.loc[code, column] == pytest.approx(expected)


def test_registry_names():
    assert sorted(NORMALISERS) == ["distance", "minmax", "rank", "zscore"]


def test_docstring_examples():
    import atlas.normalize

    assert doctest.testmod(atlas.normalize).failed == 0
