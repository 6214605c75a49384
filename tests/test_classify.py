"""Map classes: every present value in exactly one class, monotone, missing kept missing."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiers import examples

from atlas.maps import classify, palettes

values = st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
                  min_size=1, max_size=80)


@settings(max_examples=examples(60), deadline=None)
@given(values, st.sampled_from(sorted(classify.SCHEMES)), st.integers(1, 7))
def test_classes_are_monotone_and_missing_stays_missing(raw, scheme, k):
    series = pd.Series(raw, dtype="float64")
    found = classify.classify(series, scheme, k)
    assert found.cls.isna().equals(series.isna())
    assert sum(found.counts) == series.notna().sum()
    assert len(found.labels) == len(found.counts) == len(found.bins)
    present = series.dropna()
    order = np.argsort(present.to_numpy(), kind="stable")
    assert np.all(np.diff(found.cls[present.index].to_numpy()[order].astype(int)) >= 0)


# three groups and a missing value: 1 2 3 4 | 10 11 12 | 30
GROUPS = pd.Series([1, 2, 3, 4, 10, 11, 12, 30, None], dtype="float64")


@pytest.mark.parametrize(("scheme", "bins", "counts", "labels"), [
    # (30 - 1) / 3 = 9.67 wide
    ("equal_interval", (10 + 2 / 3, 20 + 1 / 3, 30), (5, 2, 1),
     ("1,00 à 10,67", "10,67 à 20,33", "20,33 à 30,00")),
    # terciles of 8 values, linear interpolation: 3 + 1/3 and 10 + 2/3
    ("quantiles", (3 + 1 / 3, 10 + 2 / 3, 30), (3, 2, 3),
     ("1,00 à 3,33", "3,33 à 10,67", "10,67 à 30,00")),
    # the natural groups
    ("fisher_jenks", (4, 12, 30), (4, 3, 1), ("1,00 à 4,00", "4,00 à 12,00", "12,00 à 30,00")),
])
def test_class_bounds_of_each_scheme_by_hand(scheme, bins, counts, labels):
    found = classify.classify(GROUPS, scheme, 3)
    assert found.bins == pytest.approx(bins)
    assert found.counts == counts
    assert found.labels == labels
    assert found.cls.tolist()[:-1] == [c for c, n in enumerate(counts) for _ in range(n)]
    assert pd.isna(found.cls.iloc[-1])


def test_one_distinct_value_is_one_class_and_k_is_capped_by_the_distinct_values():
    one = classify.classify(pd.Series([2.5, 2.5, None]), "quantiles", 5)
    assert one.bins == (2.5,) and one.counts == (2,) and one.labels == ("2,50 à 2,50",)
    two = classify.classify(pd.Series([1.0, 1.0, 3.0]), "equal_interval", 5)
    assert two.bins == (2.0, 3.0) and two.counts == (2, 1)


def test_fisher_jenks_of_values_far_closer_together_than_their_range():
    # mapclassify gives breaks out of order here; the classes are rebuilt from them
    found = classify.classify(pd.Series([0.0, 1e-30, -1.0, 2e-30]), "fisher_jenks", 4)
    assert list(found.bins) == sorted(found.bins)
    assert len(found.counts) == len(found.bins)


def test_fisher_jenks_of_many_values_uses_a_sample_but_classes_them_all():
    rng = np.random.default_rng(0)
    series = pd.Series(np.concatenate([rng.normal(0, 1, 3000), rng.normal(10, 1, 3000)]))
    found = classify.classify(series, "fisher_jenks", 2)
    assert found.counts == (3000, 3000)  # the gap between the two modes is found
    assert found.bins[-1] == series.max()


def test_palettes_have_the_asked_number_of_distinct_colours():
    for name in palettes.SEQUENTIAL:
        for k in range(1, 8):
            colours = palettes.colours(name, k)
            assert len(set(colours)) == k
    with pytest.raises(ValueError, match="valid palettes"):
        palettes.colours("rainbow", 5)


def test_disordered_fisher_jenks_bins_are_repaired():
    # mapclassify returns bins (5e-324, 1.7e-86, -1.0, 1.7e-86) for these values
    series = pd.Series([0.0, 1.715198827692921e-86, 5e-324, -1.0])
    found = classify.classify(series, "fisher_jenks", 4)
    assert len(found.labels) == len(found.counts) == len(found.bins)
    assert list(found.bins) == sorted(found.bins) and found.bins[-1] == series.max()
    assert sum(found.counts) == 4 and found.cls[3] == 0
