"""What a higher level's value rests on: official, recomputed with enough coverage, or none."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiers import examples

from indicators.catalogue import parse_catalogue
from indicators.level_values import from_official_below, resolve
from indicators.status import COVERAGE_MIN, Status

CATALOGUE = parse_catalogue({
    "sources": {"s": {"producer": "P", "dataset": "D", "vintage": "V", "licence": "L",
                      "file": "f", "loader": "insee_csv.load_insee_csv",
                      "raw_level": "commune"},
                "e": {"producer": "P", "dataset": "E", "vintage": "V", "licence": "L",
                      "file": "g", "loader": "ips.load_ips", "raw_level": "établissement"}},
    "indicators": [
        {"id": "rate", "label": "r", "description": "d", "domain": "poverty", "unit": "%",
         "direction": "higher_is_more_fragile", "source": "s",
         "aggregation": {"method": "ratio", "numerator": "n", "denominator": "d",
                         "scale": 100}},
        {"id": "relative", "label": "r", "description": "d", "domain": "digital",
         "unit": "indice", "direction": "higher_is_more_fragile", "source": "s",
         "comparison": "region",
         "aggregation": {"method": "weighted_mean", "value": "v", "weight": "w"}},
        {"id": "schools", "label": "r", "description": "d", "domain": "education",
         "unit": "indice", "direction": "higher_is_less_fragile", "source": "e",
         "aggregation": {"method": "weighted_mean", "value": "i", "weight": "k",
                         "exact": True}},
    ]})
IDS = [i.id for i in CATALOGUE.indicators]

cells = st.tuples(st.one_of(st.none(), st.floats(0, 100)),       # recomputed value
                  st.floats(0, 1),                                # its coverage
                  st.one_of(st.none(), st.floats(0, 100)),       # official value
                  st.one_of(st.none(), st.floats(0, 100)),       # from the level below
                  st.floats(0, 1))                                # its coverage


def computed_table(rows: list[tuple]) -> pd.DataFrame:
    codes = [f"{k:02d}" for k in range(len(rows))]
    table = pd.DataFrame({"code": codes, "population": 1000.0})
    for ident, (first, second) in (("rate", ("rate__num", "rate__den")),
                                   ("relative", ("relative__vw", "relative__w")),
                                   ("schools", ("schools__vw", "schools__w"))):
        table[ident] = [np.nan if r[0] is None else r[0] for r in rows]
        table[f"{ident}__coverage"] = [r[1] for r in rows]
        table[first], table[second] = table[ident], 1.0
    return table


@settings(max_examples=examples(60))
@given(st.lists(cells, min_size=1, max_size=20), st.sampled_from(["departements", "regions"]))
def test_a_value_is_official_or_rests_on_enough_of_the_population(rows, level):
    computed = computed_table(rows)
    codes = computed["code"]
    official = pd.DataFrame({i: [np.nan if r[2] is None else r[2] for r in rows]
                             for i in IDS}, index=codes)
    below = (pd.DataFrame({i: [np.nan if r[3] is None else r[3] for r in rows]
                           for i in IDS}, index=codes),
             pd.DataFrame({i: [r[4] for r in rows] for i in IDS}, index=codes))
    out = resolve(level, computed, CATALOGUE.indicators, official, below).set_index("code")
    for ident in ("rate", "schools"):
        status = out[f"{ident}__status"]
        value, coverage = out[ident], out[f"{ident}__coverage"]
        # missing exactly where the status says so, and never 0 in place of missing
        assert (value.isna() == status.map(lambda s: Status(s).missing)).all()
        is_official = status == Status.OFFICIAL
        assert (value[is_official] == official.loc[is_official, ident]).all()
        assert (official.loc[~is_official, ident].isna()).all()  # official wins when there
        recomputed = status.isin([Status.COMPUTED, Status.FROM_OFFICIAL])
        assert (coverage[recomputed] >= COVERAGE_MIN).all()
        low = status == Status.LOW_COVERAGE
        assert (coverage[low] < COVERAGE_MIN).all() or ident == "schools"
        assert (out[f"{ident}__computed"] == computed.set_index("code")[ident]).where(
            computed.set_index("code")[ident].notna(), True).all()
    # a register of establishments covers every establishment: its recomputed value is
    # never of low coverage
    no_below = below[0]["schools"].isna().to_numpy()
    assert not (out["schools__status"] == Status.LOW_COVERAGE)[no_below].any()
    # a score relative to its région means nothing for a région
    if level == "regions":
        assert (out["relative__status"] == Status.NOT_COMPARABLE).all()
        assert out["relative"].isna().all()


def test_low_coverage_says_its_share():
    computed = computed_table([(22.96, 0.205, None, None, 0.0)])
    out = resolve("departements", computed, CATALOGUE.indicators).set_index("code")
    assert np.isnan(out.loc["00", "rate"])
    assert out.loc["00", "rate__status"] == Status.LOW_COVERAGE
    assert out.loc["00", "rate__coverage"] == pytest.approx(0.205)
    assert out.loc["00", "rate__computed"] == pytest.approx(22.96)


def test_region_from_its_departements_official_values():
    # two départements of one région with official rates 10 % and 20 %, weighted by persons
    values = pd.DataFrame({"rate": [10.0, 20.0, np.nan]}, index=["01", "02", "03"])
    weights = pd.DataFrame({"rate": [100.0, 300.0, 50.0]}, index=values.index)
    population = pd.Series([100.0, 300.0, 50.0], index=values.index)
    out, coverage = from_official_below(values, weights, population,
                                        pd.Series(["84", "84", "84"], index=values.index),
                                        pd.Series({"84": 450.0}))
    assert out.loc["84", "rate"] == pytest.approx(17.5)
    assert coverage.loc["84", "rate"] == pytest.approx(400 / 450)
