from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from atlas.index.composite import Method, compute_indices
from atlas.index.explain import Driver, explain

META = pd.DataFrame(
    {"domain": ["poverty", "poverty", "housing", "employment", "health", "education",
                "digital", "mobility"],
     "direction": [1, 1, 1, 1, -1, 1, -1, 1]},
    index=["pauvrete", "rsa", "surpeuplement", "chomage", "apl", "sans_diplome", "fibre",
           "distance_gare"])
META["dimension"] = ["social", "social", "social", "economic", "societal", "societal",
                     "societal", "societal"]
CODES = ["01001", "01002", "01003", "01004", "01005"]


@pytest.fixture
def result():
    values = pd.DataFrame({
        "pauvrete": [5, 1, 2, 3, 4], "rsa": [2, 1, 3, 4, 5], "surpeuplement": [4, 1, 2, 3, 5],
        "chomage": [3, 1, 2, 4, 5], "apl": [40, 50, 30, 20, 10],
        "sans_diplome": [1, 2, 3, 4, 5], "fibre": [10, 20, 30, 40, 50],
        "distance_gare": [3, 1, 2, 4, 5]}, index=CODES, dtype=float)
    return compute_indices(values, META)


def test_most_and_least_fragile_domains_by_hand(result):
    out = explain(result, "01001")
    # Standing of 01001 among the five (share with a lower score):
    #   digital: the least fibre, 4/4 = 1       housing: 3 lower, 0.75
    #   poverty: pauvrete 4/4, rsa 1/4, score 0.625; the others score 0, .375, .625
    #            and .875: 2 lower, 0.5       employment, mobility: 0.5 (score 0.5)
    #   health: apl 40, oriented -40, one lower (-50): 0.25    education: 0
    assert [(e.domain, e.fragile) for e in out] == [
        ("digital", True), ("housing", True), ("poverty", True),
        ("education", False), ("health", False), ("mobility", False)]
    poverty = out[2]
    assert poverty.score == pytest.approx(0.625)
    assert poverty.percentile == pytest.approx(0.5)
    assert (poverty.rank, poverty.frame_size) == (2, 5)  # tied with 01004 behind 0.875
    assert poverty.label == "Pauvreté / exclusion" and poverty.dimension == "social"
    # drivers of a fragile domain: highest indicator scores first, with raw values
    assert poverty.drivers == (Driver("pauvrete", 1.0, 5.0), Driver("rsa", 0.25, 2.0))
    # of a least fragile domain: lowest first
    assert out[3].drivers == (Driver("sans_diplome", 0.0, 1.0),)
    assert out[0].rank == 1 and out[0].percentile == 1.0


def test_one_driver_and_plain_data(result):
    out = explain(result, "01001", n_domains=1, n_drivers=1)
    assert [e.domain for e in out] == ["digital", "education"]
    assert dataclasses.asdict(out[0])["drivers"] == (
        {"indicator": "fibre", "score": 1.0, "value": 10.0},)


def test_domains_listed_once_when_few_are_scored(result):
    values = result.values.copy()
    values.loc["01002", ["apl", "sans_diplome", "fibre"]] = np.nan
    out = explain(compute_indices(values, META), "01002")
    # four domains scored (poverty, housing, employment, mobility): three most fragile,
    # and the one left as least fragile
    assert len(out) == 4 and len({e.domain for e in out}) == 4
    assert [e.fragile for e in out] == [True, True, True, False]
    assert all(not np.isnan(e.score) for e in out)


def test_standing_within_the_region(result):
    region = pd.Series(["84", "84", "93", "93", "93"], index=CODES)
    regional = compute_indices(result.values, META, Method(frame="region"), region)
    out = explain(regional, "01001", n_domains=1)
    # in région 84 (01001, 01002) 01001 is the more fragile of two on every domain but
    # education (sans_diplome 1 < 2): standing 1, and the frame holds two territories
    assert out[0].frame_size == 2 and out[0].percentile == 1.0
    assert out[1].domain == "education" and out[1].percentile == 0.0


def test_unknown_territory(result):
    with pytest.raises(ValueError, match="unknown territory"):
        explain(result, "99999")
