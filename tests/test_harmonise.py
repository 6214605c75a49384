from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.crosswalk import Crosswalk, crosswalk
from indicators.harmonise import Rule, harmonise

WALK = Crosswalk(
    target=pd.Series({"01001": "01001", "01002": "01002", "01901": "01001", "01902": "01001",
                      "75056": "75056", "75101": "75056", "75102": "75056"}),
    kind=pd.Series({"01001": "COM", "01002": "COM", "01901": "COMD", "01902": "COMD",
                    "75056": "COM", "75101": "ARM", "75102": "ARM"}),
)


def test_counts_add_up_and_rates_recombine_by_their_weights():
    table = pd.DataFrame({"code": ["01001", "01901", "01902", "01002"],
                          "pop": [100.0, 50.0, 50.0, 10.0],
                          "unemployed": [10.0, 5.0, 15.0, 1.0],
                          "median": [20.0, 30.0, 10.0, 25.0]})
    out, report = harmonise(table, {"pop": Rule("sum"), "unemployed": Rule("sum"),
                                    "median": Rule("weighted", "pop")}, "f.csv", WALK)
    row = out.set_index("code").loc["01001"]
    assert row["pop"] == 200 and row["unemployed"] == 30
    assert row["median"] == pytest.approx((20 * 100 + 30 * 50 + 10 * 50) / 200)
    assert report.merged_communes == 1 and report.mapped == 2
    assert report.unmatched == []


def test_a_missing_part_makes_the_merged_value_missing_not_smaller():
    table = pd.DataFrame({"code": ["01001", "01901"], "n": [5.0, np.nan], "w": [1.0, 1.0]})
    out, _ = harmonise(table, {"n": Rule("sum")}, "f.csv", WALK)
    assert np.isnan(out.loc[0, "n"])


def test_unknown_codes_are_reported_not_dropped_silently():
    table = pd.DataFrame({"code": ["01001", "99999", "1001"], "n": [1.0, 2.0, 3.0]})
    out, report = harmonise(table, {"n": Rule("sum")}, "bad.csv", WALK)
    assert report.unmatched == ["1001", "99999"]
    assert report.to_dict()["file"] == "bad.csv"
    assert out["code"].tolist() == ["01001"]


def test_arrondissements_are_left_out_when_their_commune_is_present_and_summed_otherwise():
    with_paris = pd.DataFrame({"code": ["75056", "75101", "75102"], "n": [10.0, 4.0, 6.0]})
    out, report = harmonise(with_paris, {"n": Rule("sum")}, "f.csv", WALK)
    assert out["n"].tolist() == [10.0] and report.arrondissements_dropped == 2
    only_arm = with_paris.iloc[1:]
    out, _ = harmonise(only_arm, {"n": Rule("sum")}, "f.csv", WALK)
    assert out["n"].tolist() == [10.0]


def test_single_rule_leaves_merged_values_missing_and_says_so():
    table = pd.DataFrame({"code": ["01001", "01901", "01002"], "idx": [1.0, 2.0, 3.0]})
    out, report = harmonise(table, {"idx": Rule("single")}, "f.csv", WALK)
    assert out.set_index("code")["idx"].isna().tolist() == [True, False]
    assert "merged communes" in report.notes[0]


def test_rules_are_validated():
    with pytest.raises(ValueError, match="valid"):
        Rule("mean")
    with pytest.raises(ValueError, match="weight"):
        Rule("weighted")


@given(st.lists(st.tuples(st.sampled_from(["01001", "01901", "01902", "01002"]),
                          st.floats(0, 1e6), st.floats(1, 1e4)), min_size=1, max_size=30))
def test_totals_are_preserved(rows):
    table = pd.DataFrame(rows, columns=["code", "count", "weight"])
    out, _ = harmonise(table, {"count": Rule("sum"), "weight": Rule("sum")}, "f.csv", WALK)
    assert out["count"].sum() == pytest.approx(table["count"].sum())
    assert out["weight"].sum() == pytest.approx(table["weight"].sum())


def test_real_crosswalk_maps_delegated_communes_to_their_commune_nouvelle():
    walk = crosswalk()
    assert walk.target["49040"] == "49126"  # Bouzillé → Orée d'Anjou
    assert walk.target["75101"] == "75056"
    assert walk.kind["49126"] == "COM"
    assert len(walk.current()) == 34_875
