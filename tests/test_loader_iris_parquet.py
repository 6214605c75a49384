"""PTOD IRIS parquet loader: weighted means by hand, broken tables, invariants, full files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from raw_data import RAW as SHARED
from tiers import examples, needs_data

from indicators.loaders.base import LoadError
from indicators.loaders.iris_parquet import (
    iris_population,
    load_iris,
    load_ptod_communes,
    weighted_mean,
)

RAW = Path(__file__).parent / "data" / "raw"
FOLDER = RAW / "ptod_iris"
DATA = SHARED / "observatoire" / "ptod_rp2022"


def test_extract_weighted_mean_and_sum_by_hand():
    t = load_iris(FOLDER).table.set_index("code")
    pops = [2058, 3987, 4988, 4521]  # the four IRIS of Ambérieu-en-Bugey
    young = [19.58, 19.01, 19.13, 19.40]
    assert t.loc["01004", "dm_0014_pct_22"] == pytest.approx(
        sum(p * v for p, v in zip(pops, young, strict=True)) / sum(pops))
    assert t.loc["01004", "P22_POP"] == 15554 and t.loc["01004", "n_iris"] == 4
    assert t.loc["01004", "men_tot_stock_22"] == pytest.approx(702.79 + 1777.32 + 2204.56
                                                                + 2379.34)
    assert t.loc["01001", "rev_med_21"] == 25820  # a commune not split: its one row
    assert math.isnan(t.loc["01001", "rev_txpauv_21"])


def test_extract_arrondissements():
    merged = load_iris(FOLDER).table.set_index("code")
    assert list(merged.index) == ["01001", "01002", "01004", "75056"]
    assert merged.loc["75056", "P22_POP"] == 6397 and merged.loc["75056", "n_iris"] == 7
    kept = load_iris(FOLDER, arrondissements=True).table.set_index("code")
    assert {"75104", "75114"} <= set(kept.index) and "75056" not in kept.index


def test_extract_out_of_range_rate_is_missing():
    result = load_iris(FOLDER, arrondissements=True)
    t = result.table.set_index("code")
    assert math.isnan(t.loc["75114", "soc_txchom_1564_22"])  # 216% in the file
    assert ("soc_txchom_1564_22: 1 IRIS values outside [0, 100] (max 216) read as missing"
            in result.notes)


def test_extract_population_share_threshold():
    # rates of 75056: IRIS with a poverty rate hold 5,766 of 6,397 inhabitants (90.1%)
    default = load_iris(FOLDER).table.set_index("code")
    assert default.loc["75056", "rev_txpauv_21"] == pytest.approx(
        (1746 * 17 + 1701 * 19 + 2319 * 15) / 5766)
    strict = load_iris(FOLDER, min_pop_share=0.94).table.set_index("code")
    assert math.isnan(strict.loc["75056", "rev_txpauv_21"])
    assert not math.isnan(strict.loc["75056", "men_seul_pct_22"])  # 6,070 of 6,397: 94.9%


def test_extract_notes_flag_approximations():
    notes = load_iris(FOLDER, ["dm_0014_pct_22", "men_seul_pct_22", "rev_med_21"]).notes
    approx = next(n for n in notes if n.startswith("APPROXIMATION"))
    assert "men_seul_pct_22" in approx and "dm_0014_pct_22" not in approx
    assert any(n.startswith("weighted mean of IRIS medians") and "rev_med_21" in n
               for n in notes)


def test_one_file_and_selected_columns():
    result = load_iris(FOLDER / "agg_iris_01.parquet", ["men_seul_pct_22"])
    assert list(result.table.columns) == ["code", "P22_POP", "n_iris", "men_seul_pct_22"]
    assert len(result.table) == 3


def test_text_or_missing_column(tmp_path):
    with pytest.raises(LoadError, match="not numeric") as info:
        load_iris(FOLDER, ["ecosi_nafdom1_cat_26"])
    assert info.value.column == "ecosi_nafdom1_cat_26"
    with pytest.raises(LoadError, match="missing column") as info:
        load_iris(FOLDER, ["rev_gini_21"])
    assert info.value.column == "rev_gini_21" and "agg_iris_01.parquet" in info.value.file
    with pytest.raises(LoadError, match=r"no agg_iris_\*.parquet"):
        load_iris(tmp_path)


def write(path: Path, rows: list[tuple]) -> Path:
    frame = pd.DataFrame(rows, columns=["code", "COM", "P22_POP", "men_seul_pct_22"])
    frame.to_parquet(path, index=False)
    return path


def test_broken_codes_are_rejected(tmp_path):
    path = write(tmp_path / "agg_iris_01.parquet", [
        ("010010000", "01001", 100.0, 20.0),
        ("10010000", "01001", 100.0, 20.0),  # leading zero lost: restored, a duplicate
        ("0100100", "01001", 10.0, 30.0),  # 7 characters: wrong length
        ("010020000", "01004", 10.0, 30.0),  # not in its commune
        ("010040101", "01004", None, 30.0),  # no population
    ])
    result = load_iris(path)
    reasons = [(r.row, r.reason) for r in result.rejected]
    assert reasons == [(3, "not a 9-character IRIS code"),
                       (4, "IRIS code does not start with COM"),
                       (5, "no population: cannot be weighted"),
                       (2, "duplicate IRIS code (the first is kept)")]
    assert result.table["code"].tolist() == ["01001"]


def test_negative_population(tmp_path):
    path = write(tmp_path / "agg_iris_01.parquet", [("010010000", "01001", -5.0, 20.0)])
    with pytest.raises(LoadError, match="negative population") as info:
        load_iris(path)
    assert info.value.row == 1 and info.value.column == "P22_POP"


def test_iris_population():
    pop = iris_population(FOLDER)
    assert pop["010040101"] == 2058 and pop["751041399"] == 0 and len(pop) == 13


def test_ptod_communes_extract():
    result = load_ptod_communes(RAW / "agg_commARM_5Khab_extract.parquet")
    assert [(r.row, r.value, r.reason) for r in result.rejected] == [
        (1, "00FR", "national aggregate row (not a commune)")]
    t = result.table.set_index("code")
    assert t.loc["75056", "P22_POP"] == 2113705 and t.loc["93066", "rev_txpauv_21"] == 37
    assert "3 municipal arrondissements AND their communes" in result.notes[1]
    assert "libelle" not in t.columns


finite = st.floats(min_value=0, max_value=100, allow_nan=False)
weights = st.floats(min_value=0.5, max_value=5000, allow_nan=False)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), finite, weights), min_size=1, max_size=30),
       st.randoms())
def test_weighted_mean_is_the_hand_formula_and_ignores_order(rows, rnd):
    frame = pd.DataFrame(rows, columns=["g", "x", "w"])
    out = weighted_mean(frame["x"], frame["w"], frame["g"])
    for group, part in frame.groupby("g"):
        expected = (part["x"] * part["w"]).sum() / part["w"].sum()
        assert out.loc[group, "mean"] == pytest.approx(expected)
        assert out.loc[group, "share"] == pytest.approx(1.0)
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 10**6))
    again = weighted_mean(shuffled["x"], shuffled["w"], shuffled["g"])
    assert np.allclose(again.loc[out.index, "mean"], out["mean"])


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.tuples(finite, weights, st.booleans()), min_size=1, max_size=20))
def test_weighted_mean_leaves_missing_values_out(rows):
    frame = pd.DataFrame(rows, columns=["x", "w", "missing"])
    values = frame["x"].where(~frame["missing"])
    out = weighted_mean(values, frame["w"], pd.Series("g", index=frame.index)).loc["g"]
    known = frame[~frame["missing"]]
    if known.empty:
        assert math.isnan(out["mean"]) and out["share"] == 0
    else:
        assert out["mean"] == pytest.approx((known["x"] * known["w"]).sum() / known["w"].sum())
        assert out["share"] == pytest.approx(known["w"].sum() / frame["w"].sum())


@needs_data
def test_full_iris_table():
    columns = ["men_seul_pct_22", "dm_0014_pct_22", "soc_txchom_1564_22", "rev_txpauv_21"]
    result = load_iris(DATA / "iris", columns, arrondissements=True)
    t = result.table
    assert result.notes[0] == "96 file(s), 48487 IRIS rows" and not result.rejected
    assert len(t) == 34780 and t["n_iris"].sum() == 48487
    assert t["P22_POP"].sum() == 65765984
    assert any("soc_txchom_1564_22: 10 IRIS values outside" in n for n in result.notes)
    merged = load_iris(DATA / "iris", columns)
    assert len(merged.table) == 34738
    assert any(n.startswith("known defect: no IRIS of Pierrefitte") for n in merged.notes)
    paris = merged.table.set_index("code").loc["75056"]
    assert paris["P22_POP"] == 2113697 and paris["n_iris"] == 992


@needs_data
def test_full_commune_tables():
    big = load_ptod_communes(DATA / "agg_commARM_5Khab.parquet")
    assert len(big.table) == 2191 and [r.value for r in big.rejected] == ["00FR"]
    assert big.table["P22_POP"].min() >= 5000
    housing = load_ptod_communes(DATA / "agg_comm_qlog.parquet")
    assert len(housing.table) == 3696 and not housing.rejected


def test_a_rate_of_a_sub_population_is_weighted_by_its_base_by_hand():
    result = load_iris(FOLDER, ["soc_txchom_1524_22", "men_seul_pct_22"],
                       bases=["P22_POP1524"],
                       weights={"soc_txchom_1524_22": "P22_POP1524",
                                "men_seul_pct_22": "men_tot_stock_22"})
    t = result.table.set_index("code")
    pops = [2058, 3987, 4988, 4521]  # the four IRIS of Ambérieu-en-Bugey
    young = [p * s / 100 for p, s in zip(pops, [20.36, 14.32, 10.85, 12.17], strict=True)]
    rates = [9.72, 22.67, 30.73, 25.58]
    assert t.loc["01004", "P22_POP1524"] == round(sum(young))
    assert t.loc["01004", "soc_txchom_1524_22"] == pytest.approx(
        sum(y * r for y, r in zip(young, rates, strict=True)) / sum(young))
    by_population = load_iris(FOLDER, ["soc_txchom_1524_22"]).table.set_index("code")
    assert by_population.loc["01004", "soc_txchom_1524_22"] != pytest.approx(
        t.loc["01004", "soc_txchom_1524_22"])
    assert t.loc["01001", "P22_POP1524"] == round(859 * 7.68 / 100)
    # the shares read only to derive the base are not columns of the result
    assert "dm_1524_pct_22" not in t.columns
    assert any("soc_txchom_1524_22 by P22_POP1524" in n for n in result.notes)
    assert not any("APPROXIMATION" in n and "soc_txchom_1524_22" in n for n in result.notes)


def test_derived_bases_are_checked():
    with pytest.raises(ValueError, match="unknown derived counts"):
        load_iris(FOLDER, ["soc_txchom_1524_22"], bases=["P22_POP1519"])
    with pytest.raises(ValueError, match="must be listed in bases"):
        load_iris(FOLDER, ["soc_txchom_1524_22"], weights={"soc_txchom_1524_22": "P22_POP1524"})
