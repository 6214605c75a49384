"""Map classes: every present value in exactly one class, monotone, missing kept missing."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiers import examples

from atlas import classify, palettes

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
