from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators import snapshot
from indicators.aggregation import aggregate
from indicators.catalogue import load_catalogue, parse_catalogue
from indicators.status import Status

CATALOGUE = parse_catalogue({
    "sources": {"s": {"producer": "P", "dataset": "D", "vintage": "V", "licence": "L",
                      "file": "f", "loader": "insee_csv.load_insee_csv",
                      "raw_level": "commune"}},
    "indicators": [
        {"id": "rate", "label": "r", "description": "d", "domain": "employment", "unit": "%",
         "direction": "higher_is_more_fragile", "source": "s",
         "aggregation": {"method": "ratio", "numerator": "n", "denominator": "d",
                         "scale": 100}},
        {"id": "mean", "label": "m", "description": "d", "domain": "employment", "unit": "€",
         "direction": "higher_is_less_fragile", "source": "s",
         "aggregation": {"method": "weighted_mean", "value": "v", "weight": "w"}},
    ]})

rows = st.lists(st.tuples(st.sampled_from(["A", "B", "C"]),
                          st.one_of(st.none(), st.floats(0, 1e4)),
                          st.floats(1, 1e4), st.floats(0, 1e5), st.floats(1, 1e3)),
                min_size=1, max_size=25)


@given(rows)
def test_higher_level_is_recomputed_from_counts_never_averaged(data):
    communes = pd.DataFrame(data, columns=["departement", "n", "d", "v", "w"])
    communes["code"] = [f"{i:05d}" for i in range(len(communes))]
    communes["population"] = communes["d"]
    communes["rate__num"], communes["rate__den"] = communes["n"], communes["d"]
    communes["mean__vw"], communes["mean__w"] = communes["v"] * communes["w"], communes["w"]
    out = aggregate(communes, CATALOGUE.indicators, "departements").set_index("code")
    for dep, group in communes.groupby("departement"):
        ok = group["n"].notna()
        if ok.any():
            expected = 100 * group.loc[ok, "n"].sum() / group.loc[ok, "d"].sum()
            assert out.at[dep, "rate"] == pytest.approx(expected)
            assert out.at[dep, "rate__coverage"] == pytest.approx(
                group.loc[ok, "population"].sum() / group["population"].sum())
        else:
            assert np.isnan(out.at[dep, "rate"])  # missing stays missing, never 0
        assert out.at[dep, "mean"] == pytest.approx(
            (group["v"] * group["w"]).sum() / group["w"].sum())


def test_unknown_level_is_refused():
    with pytest.raises(ValueError, match="valid levels"):
        aggregate(pd.DataFrame(), CATALOGUE.indicators, "cantons")


def test_committed_departements_match_their_communes():
    catalogue = load_catalogue()
    communes = snapshot.level_table("communes")
    departements = snapshot.level_table("departements").set_index("code")
    recomputed = aggregate(communes, catalogue.indicators, "departements").set_index("code")
    for indicator in catalogue.indicators:
        # the recomputed value is stored whatever its coverage (``__computed``); the value
        # shown is the official one, or this one when it rests on enough of the population
        np.testing.assert_allclose(departements[f"{indicator.id}__computed"],
                                   recomputed[indicator.id], rtol=1e-5, err_msg=indicator.id)
        shown = departements[f"{indicator.id}__status"] == Status.COMPUTED
        np.testing.assert_allclose(departements.loc[shown, indicator.id],
                                   recomputed.loc[shown, indicator.id], rtol=1e-5,
                                   err_msg=indicator.id)


def test_paris_unemployment_is_its_own_count_ratio():
    paris = snapshot.level_table("communes").set_index("code").loc["75056"]
    dep = snapshot.level_table("departements").set_index("code").loc["75"]
    expected = 100 * paris["unemployment_rate_2018__num"] / paris["unemployment_rate_2018__den"]
    assert dep["unemployment_rate_2018"] == pytest.approx(expected, rel=1e-5)
    assert 8 < dep["unemployment_rate_2018"] < 14
