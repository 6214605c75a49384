from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tiers import examples

from atlas.index.composite import DIMENSION_IDS, DOMAIN_IDS, Method, compute_indices
from atlas.index.flags import count_text, flag_scores, flags

META = pd.DataFrame({"domain": ["poverty", "housing", "employment"],
                     "dimension": ["social", "social", "economic"],
                     "direction": [1, 1, -1]},
                    index=["pauvrete", "surpeuplement", "emploi"])
CODES = [f"010{k:02d}" for k in range(11)]


@pytest.fixture
def eleven():
    # pauvrete 0..10, surpeuplement 10..0, emploi (direction -1) 0..10 with 01010 missing
    return pd.DataFrame({"pauvrete": np.arange(11.0), "surpeuplement": np.arange(11.0)[::-1],
                         "emploi": [*np.arange(10.0), np.nan]}, index=CODES)


def test_flags_by_hand(eleven):
    f = flags(compute_indices(eleven, META))
    # One indicator per domain, so domain score = percentile rank k/10. Flagged when
    # k/10 >= 0.9: the two highest of eleven.
    assert f.domains["poverty"].tolist() == [False] * 9 + [True, True]
    assert f.domains["housing"].tolist() == [True, True] + [False] * 9
    # emploi, 10 values, direction -1: 01000 (value 0) is the most fragile, percentile
    # rank 9/9; 01001 has 8/9 = 0.89 < 0.9, not flagged; 01010 has no score: NA
    assert f.domains["employment"].tolist()[:10] == [True] + [False] * 9
    assert pd.isna(f.domains.loc["01010", "employment"])
    assert f.domains["culture"].isna().all()  # no indicator: no flag either way
    # 01000 is flagged in housing (social) and employment (economic)
    assert f.per_dimension.loc["01000"].to_dict() == {
        "societal": 0, "economic": 1, "social": 1, "environmental": 0}
    assert f.total.tolist() == [2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    assert list(f.per_dimension.columns) == list(DIMENSION_IDS)
    assert list(f.domains.columns) == list(DOMAIN_IDS)
    # each count comes with the number of domains scored: 01010 has no employment score,
    # so its 1 flag is out of 2 domains, not out of 3 with a "not flagged" employment
    assert f.scored.tolist() == [3] * 10 + [2]
    assert f.scored_per_dimension.loc["01010"].to_dict() == {
        "societal": 0, "economic": 0, "social": 2, "environmental": 0}
    assert list(f.scored_per_dimension.columns) == list(DIMENSION_IDS)
    assert count_text(int(f.total["01010"]), int(f.scored["01010"]), 3) == (
        "1 signalé sur 2 domaines renseignés")


def test_flags_within_regions(eleven):
    region = pd.Series(["84"] * 6 + ["93"] * 5, index=CODES)
    f = flags(compute_indices(eleven, META, Method(frame="region"), region))
    # région 84 holds pauvrete 0..5: percentile ranks k/5, only k=5 reaches 0.9;
    # région 93 holds 6..10: ranks (k-6)/4, only 10 reaches 0.9
    assert f.domains["poverty"].tolist() == [False] * 5 + [True] + [False] * 4 + [True]


def test_ties_straddling_the_threshold_are_not_flagged():
    scores = pd.DataFrame({"x": [0.0] * 5 + [1.0] * 6})
    # the six 1.0 share the lowest rank 6, percentile (6 - 1)/10 = 0.5 < 0.9; note that
    # np.quantile(x, 0.9) == 1.0, so ">= quantile" would have flagged six out of eleven
    assert not flag_scores(scores)["x"].any()
    assert not flag_scores(pd.DataFrame({"x": [0.3] * 20}))["x"].any()


def test_threshold_is_checked():
    with pytest.raises(ValueError, match="threshold"):
        flag_scores(pd.DataFrame({"x": [1.0]}), threshold=90)


@settings(deadline=None)
@given(st.integers(2, 60).flatmap(lambda n: st.tuples(
    hnp.arrays(np.float64, n, elements=st.floats(-1e3, 1e3), unique=True),
    st.lists(st.sampled_from(["11", "84", "93"]), min_size=n, max_size=n))),
    st.sampled_from([0.5, 0.8, 0.9, 0.95]))
def test_flag_is_at_or_above_the_frame_quantile(data, threshold):
    x, regions = data
    scores = pd.DataFrame({"d": x})
    groups = pd.Series(regions)
    flagged = flag_scores(scores, groups, threshold)["d"]
    for region in set(regions):
        inside = (groups == region).to_numpy()
        n = inside.sum()
        if n == 1:
            assert not flagged[inside].any()  # alone in its frame: nothing to compare
            continue
        # the definition, by brute force: k territories strictly lower, k / (n - 1) >= q
        lower = np.array([(x[inside] < v).sum() for v in x[inside]])
        assert (flagged[inside] == (lower / (n - 1) >= threshold)).all()
        # for distinct scores, at or above numpy's (linear) quantile of the frame, unless
        # rounding blurs it: q (n - 1) within rounding of an integer, or two neighbours
        # too close for the interpolated quantile to fall strictly between them
        h = threshold * (n - 1)
        separated = np.diff(np.sort(x[inside])).min() > 1e-6
        if abs(h - round(h)) > 1e-9 and separated:
            assert (flagged[inside] == (x[inside] >= np.quantile(x[inside], threshold))).all()

@settings(max_examples=examples(40), deadline=None)
@given(hnp.arrays(np.float64, (12, 3), elements=st.one_of(st.floats(-10, 10), st.just(np.nan))))
def test_flag_counts_never_exceed_the_domains_scored(values):
    table = pd.DataFrame(values, columns=META.index, index=[f"{k:05d}" for k in range(12)])
    f = flags(compute_indices(table, META, Method(min_share=0.0)))
    assert (f.total <= f.scored).all() and (f.per_dimension <= f.scored_per_dimension).all(
        axis=None)
    assert f.scored.tolist() == f.domains.notna().sum(axis=1).tolist()
    assert f.scored.equals(f.scored_per_dimension.sum(axis=1))
    assert f.total.equals(f.per_dimension.sum(axis=1))


def test_count_text_agrees_in_number():
    assert count_text(3, 4, 4) == "3 signalés"
    assert count_text(1, 16, 16) == "1 signalé"
    assert count_text(12, 1200, 1600) == "12 signalés sur 1\u202f200 domaines renseignés"
