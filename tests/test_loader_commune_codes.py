"""Commune, IRIS and EPCI code helpers shared by the loaders."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from indicators.loaders.commune_codes import (
    COMMUNE_PATTERN,
    IRIS_PATTERN,
    as_code,
    is_arrondissement,
    matches,
    merge_arrondissements,
)


def test_one_lost_zero_only():
    codes = as_code(pd.Series([10040101, "10040101", 1004.0, "123", "", "  "]), 9)
    assert codes.tolist() == ["010040101", "010040101", "1004", "123", None, None]


def test_patterns():
    assert matches(pd.Series(["751041301", "2A0040101", "2A00401", "75104130A"]),
                   IRIS_PATTERN).tolist() == [True, True, False, False]
    assert matches(pd.Series(["2C004", "97411", "975", None]),
                   COMMUNE_PATTERN).tolist() == [False, True, False, False]


@given(st.integers(min_value=1001, max_value=9999))
def test_a_commune_of_departement_01_to_09_comes_back(number):
    assert as_code(pd.Series([number]), 5).iloc[0] == f"{number:05d}"


@given(st.lists(st.sampled_from(["75101", "75120", "13201", "13216", "69381", "69389",
                                 "75056", "01001", "2A004", "75121"]), max_size=20))
def test_merging_arrondissements_is_idempotent(codes):
    once = merge_arrondissements(pd.Series(codes, dtype=object))
    assert merge_arrondissements(once).tolist() == once.tolist()
    assert not is_arrondissement(once).any()
    parents = {"751": "75056", "132": "13055", "693": "69123"}
    for code, merged in zip(codes, once, strict=True):
        is_arm = code not in ("75056", "75121") and code[:3] in parents
        assert merged == (parents[code[:3]] if is_arm else code)  # 75121 is no arrondissement
