"""Official values of higher levels: read from the publishers' files, shown as they are."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from raw_data import RAW
from tiers import examples, needs_data

from indicators import snapshot
from indicators.catalogue import load_catalogue
from indicators.loaders.official import SSMSI_GROUPS, load_ssmsi_groups
from indicators.loaders.ssmsi import RATES as SSMSI_GROUP_COLUMNS
from indicators.loaders.ssmsi import load_ssmsi_communes, published_rates, withheld_rates
from indicators.status import COVERAGE_MIN, Status
from indicators.validate import compare, validate

SSMSI = RAW / "ssmsi"


@needs_data
def test_ssmsi_departement_rates_from_the_ssmsi_own_counts():
    result = load_ssmsi_groups(SSMSI / "dep_reg_2023" / "donnee-dep-2023.csv", year=2023)
    table = result.table.set_index("code")
    # Creuse 2023: 724 facts of violence for 115,702 inhabitants (CBV 536, sexual 146…)
    assert table.loc["23", "violences_personnes_p1000"] == pytest.approx(6.2575, abs=1e-4)
    assert table.loc["23", "population"] == 115_702
    assert len(table) == 101 and set(SSMSI_GROUPS) <= set(table.columns)


@needs_data
def test_ssmsi_france_is_the_sum_of_the_regions():
    result = load_ssmsi_groups(SSMSI / "dep_reg_2023" / "donnee-reg-2023.csv", year=2023,
                               with_france=True)
    table = result.table.set_index("code")
    regions = table.drop(index="FR")
    for group in SSMSI_GROUPS:
        expected = 1000 * regions[f"{group}_faits"].sum() / regions["population"].sum()
        assert table.loc["FR", group] == pytest.approx(expected)


@needs_data
def test_a_withheld_ssmsi_count_is_missing_never_zero():
    result = load_ssmsi_communes(SSMSI / "communes" / "2024.json")
    rates = result.table.set_index("code")["violences_personnes_p1000"]
    assert not (rates == 0).any()
    withheld = result.withheld.set_index(result.table["code"])["violences_personnes_p1000"]
    assert rates[withheld].isna().all()
    # 30,217 communes hide every count of the group (29,995 written 0, 222 null); the
    # published ones hold at least about 5 facts (the SSMSI's publication threshold)
    assert withheld.sum() == 30_217
    population = result.table.set_index("code")["population"]
    assert ((rates * population / 1000).dropna() > 4.5).all()


def test_withheld_rule_on_a_hand_made_table():
    table = pd.DataFrame({"population": [500.0, 20_000.0, np.nan, 80.0],
                          "violences_personnes_p1000": [0.0, 3.1, np.nan, np.nan],
                          "securite_biens_p1000": [12.0, 0.0, np.nan, 62.5],
                          "tranquillite_p1000": [np.nan, 1.0, np.nan, 0.0]})
    withheld = withheld_rates(table)
    assert withheld["violences_personnes_p1000"].tolist() == [True, False, False, True]
    assert withheld["securite_biens_p1000"].tolist() == [False, True, False, False]
    assert withheld["tranquillite_p1000"].tolist() == [True, False, False, True]


def test_snapshot_no_withheld_commune_value_is_zero_nor_shown():
    found = snapshot.details("communes")
    withheld = found.status == Status.WITHHELD
    assert withheld["violence_rate"].sum() > 25_000
    assert found.value[withheld].isna().all().all()
    assert (found.value["violence_rate"].dropna() > 0).all()  # no zero share left


def test_snapshot_higher_values_are_official_or_rest_on_enough_population():
    catalogue = load_catalogue()
    for level in ("epci", "departements", "regions", "france"):
        found = snapshot.details(level)
        for indicator in catalogue.indicators:
            status = found.status[indicator.id]
            value = found.value[indicator.id]
            coverage = found.coverage[indicator.id]
            shown = value.notna()
            assert status[shown].isin([Status.OFFICIAL, Status.FROM_OFFICIAL,
                                       Status.COMPUTED]).all(), (level, indicator.id)
            official = status == Status.OFFICIAL
            assert (value[official] == found.published[indicator.id][official]).all()
            assert (coverage[shown & ~official] >= COVERAGE_MIN - 1e-6).all(), \
                (level, indicator.id)


def test_creuse_and_france_poverty_are_the_official_figures():
    departements = snapshot.details("departements")
    assert departements.value.loc["23", "poverty_rate_2021"] == pytest.approx(19.2, abs=1e-4)
    assert departements.status.loc["23", "poverty_rate_2021"] == Status.OFFICIAL
    assert departements.value.loc["23", "violence_rate"] == pytest.approx(6.2575, abs=1e-3)
    france = snapshot.details("france")
    # from the 98 départements' official rates weighted by their persons (no 971, 973, 976)
    assert france.status.loc["FR", "poverty_rate_2021"] == Status.FROM_OFFICIAL
    assert 14.5 < france.value.loc["FR", "poverty_rate_2021"] < 15.6
    assert france.coverage.loc["FR", "poverty_rate_2021"] > 0.97


def test_compare_counts_only_pairs():
    result = compare(pd.Series([1.0, np.nan, 3.0, 4.0]), pd.Series([1.0, 2.0, np.nan, 5.0]))
    assert result == {"n": 2, "spearman": None, "median_abs_diff": 0.5, "max_abs_diff": 1.0}


def test_validate_without_raw_files_on_the_snapshot():
    result = validate()
    rows = {(r["indicator"], r["level"]): r for r in result["comparisons"]}
    # what is shown is the official value wherever one exists
    for row in rows.values():
        if row["shown"]["n"]:
            assert row["shown"]["max_abs_diff"] <= 1e-3 * 100, row
    # recomputing from communes whose small counts were withheld is far from the SSMSI
    violence = rows[("violence_rate", "departements")]["computed_from_communes"]
    assert violence["spearman"] < 0.85 and violence["median_abs_diff"] > 1
    # ... because it would rest on the communes whose value is published: about 60 %
    assert 0.4 < violence["median_coverage"] < 0.8
    assert rows[("far_from_everyday_services", "departements")][
        "computed_from_communes"]["median_coverage"] == 1.0


@needs_data
@pytest.mark.slow
def test_validate_command_reads_the_official_files(tmp_path):
    out = subprocess.run([sys.executable, "-m", "atlas.cli", "indicators", "validate",
                          "--raw", str(RAW), "--json"], capture_output=True, text=True,
                         check=True)
    result = json.loads(out.stdout)
    assert result["raw_files_read"]
    rows = {(r["indicator"], r["level"], r["reference"]["column"]): r
            for r in result["comparisons"]}
    for (indicator, level, _), row in rows.items():
        if row["reference"]["same_vintage"] and row["shown"]["n"]:
            # the snapshot holds the official value (float32 storage only)
            assert row["shown"]["max_abs_diff"] <= 1e-4 * max(1, abs(row["shown"]["n"])), \
                (indicator, level)
    # where the Observatoire publishes a département value, recomputing from its
    # communes gives nearly the same (population-weighted shares)
    for indicator in ("far_from_everyday_services", "overcrowding_2020", "soil_sealing"):
        row = rows[(indicator, "departements", next(
            k[2] for k in rows if k[:2] == (indicator, "departements")))]
        computed = row["computed_from_communes"]
        assert computed["spearman"] > 0.99 and computed["median_abs_diff"] < 0.1
    # Filosofi 2019 medians of départements: another vintage, close in rank
    median = rows[("median_income_2021", "departements", "Q219")]
    assert not median["reference"]["same_vintage"]
    assert median["shown"]["spearman"] > 0.9


@settings(max_examples=examples(80))
@given(st.lists(st.tuples(st.one_of(st.none(), st.floats(0, 1e6)),
                          *[st.one_of(st.none(), st.just(0.0), st.floats(0, 500))] * 3),
                min_size=1, max_size=30))
def test_no_withheld_ssmsi_count_becomes_zero(rows):
    table = pd.DataFrame(rows, columns=["population", *SSMSI_GROUP_COLUMNS], dtype="float64")
    withheld = withheld_rates(table)
    shown = published_rates(table, withheld)
    assert not (shown == 0).any().any()  # a 0 is never shown as a value
    # a positive rate with a population is kept as it is; without population, absent
    counted = table["population"] > 0
    kept = (table[list(SSMSI_GROUP_COLUMNS)] > 0) & counted.to_numpy()[:, None]
    assert ((shown == table[list(SSMSI_GROUP_COLUMNS)]) | ~kept).all().all()
    assert not withheld[~counted].any().any()
    assert shown[~counted].isna().all().all()
