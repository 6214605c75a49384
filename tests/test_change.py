"""Change over time (indicators/change.py): merged communes, intervals, rank significance."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.change import (
    change_from_counts,
    rank_change_label,
    rank_intervals,
    rate_of_groups,
    significant_rank_change,
    value_change,
)
from indicators.harmonise import Rule, harmonise

# Real counts (INSEE): dwellings and vacant dwellings of Pierrefitte-sur-Seine (93059) and
# Saint-Denis (93066), which merged into 93066 on 1 January 2025. RP 2018 from the
# comparateur de territoires (base_cc_comparateur.CSV, geography 2021), RP 2021 from the
# base logement 2021 (geography 2024), read with indicators.loaders.insee_csv.
DWELLINGS_2018 = {"93059": (11351.973715, 682.616273), "93066": (48627.847515, 3004.186516)}
DWELLINGS_2021 = {"93059": (12284.845951, 699.150807), "93066": (50559.675184, 3295.783982)}


def _harmonised(counts: dict, year: int) -> pd.DataFrame:
    table = pd.DataFrame({"code": list(counts),
                          f"P{year}_LOG": [c[0] for c in counts.values()],
                          f"P{year}_LOGVAC": [c[1] for c in counts.values()]})
    out, _ = harmonise(table, {c: Rule("sum") for c in table.columns[1:]}, "test")
    return out.set_index("code")


def test_merged_commune_gets_the_sum_of_its_parts_before_the_rate():
    before, after = _harmonised(DWELLINGS_2018, 18), _harmonised(DWELLINGS_2021, 21)
    assert list(before.index) == ["93066"] and list(after.index) == ["93066"]
    rate_2018 = 100 * before["P18_LOGVAC"] / before["P18_LOG"]
    rate_2021 = 100 * after["P21_LOGVAC"] / after["P21_LOG"]
    summed_2018 = 100 * (682.616273 + 3004.186516) / (11351.973715 + 48627.847515)
    summed_2021 = 100 * (699.150807 + 3295.783982) / (12284.845951 + 50559.675184)
    assert rate_2018["93066"] == pytest.approx(summed_2018)
    assert rate_2021["93066"] == pytest.approx(summed_2021)
    # the same change from the old communes' own counts, grouped by their 2025 commune
    parts = pd.Series(["93066", "93066"])
    change = change_from_counts(
        (pd.Series([682.616273, 3004.186516]), pd.Series([11351.973715, 48627.847515]), parts),
        (pd.Series([699.150807, 3295.783982]), pd.Series([12284.845951, 50559.675184]), parts),
        100)
    assert change["93066"] == pytest.approx(summed_2021 - summed_2018)
    assert change["93066"] == pytest.approx(0.2101, abs=1e-4)
    # never the mean of the parts' own changes (-0.32 and +0.34 points)
    own = {c: 100 * DWELLINGS_2021[c][1] / DWELLINGS_2021[c][0]
           - 100 * DWELLINGS_2018[c][1] / DWELLINGS_2018[c][0] for c in DWELLINGS_2018}
    assert abs(change["93066"] - np.mean(list(own.values()))) > 0.1


counts = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)
positive = st.floats(min_value=1.0, max_value=1e6, allow_nan=False)


@given(st.lists(st.tuples(counts, positive, counts, positive, st.sampled_from("abc")),
                min_size=1, max_size=12))
def test_change_on_merged_communes_equals_change_from_summed_counts(rows):
    """Parts (old communes) of a group merged between vintages: their counts are summed."""
    num_b, den_b, num_a, den_a, group = (pd.Series(list(c)) for c in zip(*rows, strict=True))
    change = change_from_counts((num_b, den_b, group), (num_a, den_a, group), 100)
    for name in group.unique():
        mine = group == name
        expected = (100 * num_a[mine].sum() / den_a[mine].sum()
                    - 100 * num_b[mine].sum() / den_b[mine].sum())
        assert change[name] == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_a_missing_count_stays_missing():
    rates = rate_of_groups(pd.Series([np.nan, 1.0]), pd.Series([10.0, 0.0]),
                           pd.Series(["a", "b"]))
    assert rates.isna().all()


intervals = st.tuples(st.integers(0, 50), st.integers(0, 50)).map(sorted)


@given(intervals, intervals)
def test_rank_change_significant_only_when_intervals_do_not_overlap(before, after):
    moved = significant_rank_change(pd.Series([before[0]]), pd.Series([before[1]]),
                                    pd.Series([after[0]]), pd.Series([after[1]])).iloc[0]
    overlap = set(range(before[0], before[1] + 1)) & set(range(after[0], after[1] + 1))
    assert (moved != 0) == (not overlap)
    if moved:
        assert moved == (1 if after[1] < before[0] else -1)
    back = significant_rank_change(pd.Series([after[0]]), pd.Series([after[1]]),
                                   pd.Series([before[0]]), pd.Series([before[1]])).iloc[0]
    assert back == -moved


values = st.lists(st.one_of(st.none(), st.integers(0, 20).map(float)), min_size=1,
                  max_size=30)


@given(values, st.sampled_from([1, -1]), st.data())
def test_rank_interval_holds_the_rank_and_ties(raw, direction, data):
    series = pd.Series(raw, dtype="float64")
    width = pd.Series(data.draw(st.lists(st.sampled_from([0.0, 0.5, 3.0]), min_size=len(raw),
                                         max_size=len(raw))))
    exact = rank_intervals(series, direction)
    wide = rank_intervals(series, direction, series - width, series + width)
    known = series.notna()
    for out in (exact, wide):
        assert (out["best"][known] <= out["rank"][known]).all()
        assert (out["rank"][known] <= out["worst"][known]).all()
        assert (out["best"][known] >= 1).all() and (out["worst"][known] <= known.sum()).all()
        assert out["rank"][~known].isna().all()
    # an interval never narrows the rank interval; tied values share one interval
    assert (wide["best"][known] <= exact["best"][known]).all()
    assert (wide["worst"][known] >= exact["worst"][known]).all()
    for value in series.dropna().unique():
        tied = exact[series == value]
        assert tied["best"].nunique() == 1 and tied["worst"].nunique() == 1


@given(values)
def test_same_values_in_both_years_never_move(raw):
    series = pd.Series(raw, dtype="float64")
    ranks = rank_intervals(series, 1)
    moved = significant_rank_change(ranks["best_share"], ranks["worst_share"],
                                    ranks["best_share"], ranks["worst_share"])
    assert (moved.dropna() == 0).all()


def test_small_numbers_have_the_whole_ranking_as_interval():
    series = pd.Series([1.0, 2.0, 3.0, 4.0])
    out = rank_intervals(series, 1, unknown=pd.Series([False, False, False, True]))
    assert out.loc[3, ["best", "worst"]].tolist() == [1.0, 4.0]
    assert out.loc[0, ["best", "worst"]].tolist() == [4.0, 4.0]
    with pytest.raises(ValueError, match="direction"):
        rank_intervals(series, 0)


def test_change_interval_from_an_estimate():
    out = value_change(pd.Series([15.0, np.nan]), pd.Series([17.0, 3.0]),
                       after_low=pd.Series([16.0, np.nan]), after_high=pd.Series([19.0, np.nan]))
    assert out.loc[0].tolist() == [2.0, 1.0, 4.0]
    assert out.loc[1].isna().all()  # missing stays missing, never 0


def test_labels_in_french():
    assert rank_change_label(pd.NA).startswith("évolution de rang non évaluée")
    assert rank_change_label(0).startswith("évolution non significative")
    assert rank_change_label(-1) == "évolution significative (vers moins de fragilité)"


finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
widths = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)


@given(finite, finite, widths, widths, widths, widths)
def test_a_change_interval_holds_every_change_the_two_intervals_allow(b, a, bl, bh, al, ah):
    out = value_change(pd.Series([b]), pd.Series([a]), pd.Series([b - bl]),
                       pd.Series([b + bh]), pd.Series([a - al]), pd.Series([a + ah])).iloc[0]
    assert out["low"] <= out["change"] <= out["high"]
    # the extreme changes: the lowest after minus the highest before, and conversely
    assert out["low"] == pytest.approx((a - al) - (b + bh))
    assert out["high"] == pytest.approx((a + ah) - (b - bl))


def test_publication_step_of_real_filosofi_rates():
    # poverty rates of 01004 and 75056 as Filosofi 2021 publishes them (whole percents)
    from indicators.change import publication_step

    assert publication_step(pd.Series([17.0, 16.0, np.nan])) == 1.0
    assert publication_step(pd.Series([21660.0, 29730.0])) == 10.0  # medians (€)
