from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from atlas.index.composite import compute_indices
from atlas.perception import compare

META = pd.DataFrame({"domain": ["health", "housing", "environment"],
                     "dimension": ["societal", "social", "environmental"],
                     "direction": [1, 1, 1]}, index=["a", "b", "c"])
# five territories; T1 is the most fragile in health (a), the middle one in housing (b),
# the least fragile in environment (c)
VALUES = pd.DataFrame({"a": [50.0, 40, 30, 20, 10], "b": [30.0, 10, 20, 40, 50],
                       "c": [10.0, 20, 30, 40, 50]}, index=["T1", "T2", "T3", "T4", "T5"])


def priorities(rows):
    table = pd.DataFrame(rows, columns=["territory_code", "item", "score", "ci_low",
                                        "ci_high", "n_effective", "status"])
    table["actor"] = "citoyen"
    return table


def perceived_t1(a=(0.1, 0.05, 0.15), b=(0.5, 0.45, 0.55), c=(0.9, 0.85, 0.95)):
    return priorities([("T1", f"domain:{d}", *v, 120.0, "ok")
                       for d, v in zip(["health", "housing", "environment"], [a, b, c],
                                       strict=True)])


def objective():
    return compare.objective_profile(compute_indices(VALUES, META))


def test_standing_and_objective_rank_by_hand():
    table = objective().set_index(["territory_code", "domain"])
    # T1 ranks 1st of 5 in health → standing 1; 3rd in housing → 1 - 2/4 = 0.5; 5th → 0
    assert table.loc[("T1", "health"), "standing"] == 1.0
    assert table.loc[("T1", "housing"), "standing"] == 0.5
    assert table.loc[("T1", "environment"), "standing"] == 0.0
    assert table.loc[("T1", "health"), "objective_rank"] == 1
    assert table.loc[("T1", "environment"), "objective_rank"] == 3


def test_blind_spot_over_perceived_and_not_significant():
    perceived = compare.perceived_profile(perceived_t1(), "citoyen")
    result = compare.compare(objective(), perceived).set_index("domain")
    assert result.loc["health", "category"] == compare.BLIND_SPOT
    assert result.loc["environment", "category"] == compare.OVER_PERCEIVED
    assert result.loc["housing", "category"] == compare.NOT_SIGNIFICANT
    # perceived ranks 3, 2, 1 against objective ranks 1, 2, 3
    assert result.loc["health", "gap"] == 2 and result.loc["environment", "gap"] == -2
    summary = compare.territory_summary(compare.compare(objective(), perceived))
    assert summary.loc["T1", "spearman"] == pytest.approx(-1.0)
    assert summary.loc["T1", "blind_spots"] == 1 and summary.loc["T1", "over_perceived"] == 1


def test_aligned_when_fragile_and_a_priority():
    perceived = compare.perceived_profile(
        perceived_t1(a=(0.9, 0.85, 0.95), c=(0.1, 0.05, 0.15)), "citoyen")
    result = compare.compare(objective(), perceived).set_index("domain")
    assert result.loc["health", "category"] == compare.ALIGNED
    assert result.loc["environment", "category"] == compare.ALIGNED


def test_a_gap_inside_the_survey_interval_is_not_a_finding():
    perceived = compare.perceived_profile(perceived_t1(a=(0.1, 0.0, 0.8)), "citoyen")
    result = compare.compare(objective(), perceived).set_index("domain")
    assert result.loc["health", "category"] == compare.NOT_SIGNIFICANT


def test_a_gap_inside_the_index_interval_is_not_a_finding():
    class Wide:  # the Monte Carlo says T1 may rank anywhere in health
        rank_low = pd.DataFrame(1.0, index=VALUES.index, columns=["health", "housing",
                                                                   "environment"])
        rank_high = pd.DataFrame(5.0, index=VALUES.index, columns=rank_low.columns)
    profile = compare.objective_profile(compute_indices(VALUES, META), Wide())
    perceived = compare.perceived_profile(perceived_t1(), "citoyen")
    result = compare.compare(profile, perceived).set_index("domain")
    assert result.loc["health", "category"] == compare.NOT_SIGNIFICANT


def test_suppressed_estimate_is_insufficient_data():
    perceived = compare.perceived_profile(
        perceived_t1(a=(np.nan, np.nan, np.nan)), "citoyen")
    result = compare.compare(objective(), perceived).set_index("domain")
    assert result.loc["health", "category"] == compare.NO_DATA


def test_actor_agreement():
    table = pd.concat([perceived_t1().assign(actor="citoyen"),
                       perceived_t1().assign(actor="elu"),
                       perceived_t1(a=(0.9, 0.8, 1.0), c=(0.1, 0.0, 0.2)).assign(
                           actor="entreprise")])
    agreement = compare.actor_agreement(table, "T1")
    assert agreement.loc["citoyen", "elu"] == pytest.approx(1.0)
    assert agreement.loc["citoyen", "entreprise"] == pytest.approx(-1.0)
