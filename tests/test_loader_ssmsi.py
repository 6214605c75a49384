"""SSMSI loaders: commune JSON and département/région CSV; extracts, broken files, full files."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw_data import RAW as DATA
from tiers import examples, needs_data

from indicators.loaders.base import LoadError
from indicators.loaders.ssmsi import RATES, load_ssmsi_communes, load_ssmsi_dep_reg, slug

RAW = Path(__file__).parent / "data" / "raw"
COLUMNS = ["insee", "population", "violencesPersonnesPer1000", "securiteBiensPer1000",
           "tranquillitePer1000", "indexGlobal", "level", "dataCompleteness"]


def write_json(tmp_path, doc, name="2024.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


# --- commune JSON ----------------------------------------------------------------------

def test_commune_extract():
    result = load_ssmsi_communes(RAW / "ssmsi_communes_2019_extract.json")
    t = result.table.set_index("code")
    assert list(result.table.columns) == ["code", "population", *RATES, "data_completeness"]
    assert len(t) == 23 and not result.rejected and result.level == "commune"
    assert t.loc["01004", list(RATES)].tolist() == [10.9, 25.8, 9.8]
    assert t.loc["01004", "population"] == 14_081 and t.loc["01004", "data_completeness"] == 1
    assert math.isnan(t.loc["01001", "tranquillite_p1000"])  # null
    # written 0 in the file: every count of the group withheld by the SSMSI, not "no crime"
    assert math.isnan(t.loc["01001", "violences_personnes_p1000"])
    withheld = result.withheld.set_index(result.table["code"])
    assert withheld.loc["01001", "violences_personnes_p1000"]
    assert not withheld.loc["01004"].any()
    assert t.loc["55039"].isna().drop("data_completeness").all()
    assert "2A004" in t.index and "97424" in t.index
    assert result.secret_cells["population"] == 2 and result.secret_cells["tranquillite_p1000"] == 7
    notes = " | ".join(result.notes)
    assert "year 2019" in notes and "withheld (SSMSI publication rule" in notes
    assert "method (meta.json)" in notes and "55039" in notes


def test_completeness_counts_the_rates_written_published_or_withheld():
    for year in (2019, 2024):
        result = load_ssmsi_communes(RAW / f"ssmsi_communes_{year}_extract.json")
        t = result.table
        published = t[list(RATES)].notna()
        # the file's completeness counts its non-null rates, 0 included: a 0 is a rate
        # whose counts were withheld, so published rates are at most that share
        assert (published.sum(axis=1) / 3 <= t["data_completeness"] + 1e-9).all()
        assert not (published & result.withheld).any().any()


def test_without_meta(tmp_path):
    shutil.copy(RAW / "ssmsi_communes_2024_extract.json", tmp_path / "2024.json")
    result = load_ssmsi_communes(tmp_path / "2024.json")
    assert not any("meta.json" in n for n in result.notes) and len(result.table) == 23


def test_missing_column_is_named(tmp_path):
    columns = [c for c in COLUMNS if c != "securiteBiensPer1000"]
    path = write_json(tmp_path, {"year": 2024, "columns": columns, "rows": []})
    with pytest.raises(LoadError, match="column missing") as info:
        load_ssmsi_communes(path)
    assert info.value.column == "securiteBiensPer1000" and str(path) in str(info.value)


@pytest.mark.parametrize(("doc", "message"), [
    ({"year": 2024, "rows": []}, '"columns" and "rows"'),
    ([1, 2], '"columns" and "rows"'),
    ({"columns": COLUMNS, "rows": [["01001", 767, 0, 0, None, 0, 0]]}, r"rows\[0\] has 7"),
])
def test_bad_layout(tmp_path, doc, message):
    with pytest.raises(LoadError, match=message):
        load_ssmsi_communes(write_json(tmp_path, doc))


def test_not_json(tmp_path):
    path = tmp_path / "2024.json"
    path.write_text('{"columns": [', encoding="utf-8")
    with pytest.raises(LoadError, match="not valid JSON"):
        load_ssmsi_communes(path)


def test_bad_rows_are_rejected(tmp_path):
    rows = [["01001", 767, 0, 0, None, 0, 0, 0.67], ["1002X", 243, 0, 0, None, 0, 0, 0.67],
            ["01004", 14081, "10,9?", 25.8, 9.8, 83, 3, 1], ["01005", 1671, 0, 6.6, 1, 6, 0, 1]]
    result = load_ssmsi_communes(write_json(tmp_path, {"columns": COLUMNS, "rows": rows}))
    assert [(r.row, r.column, r.value, r.reason) for r in result.rejected] == [
        (2, "insee", "1002X", "invalid commune code"),
        (3, "violences_personnes_p1000", "10,9?", "not a number")]
    assert result.table["code"].tolist() == ["01001", "01005"]


rates = st.one_of(st.none(), st.floats(0, 500, allow_nan=False))


@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.integers(0, 3_000_000) | st.none(), rates, rates, rates),
                     min_size=1, max_size=20))
def test_round_trip(tmp_path, rows):
    doc = {"year": 2024, "columns": COLUMNS,
           "rows": [[f"{1001 + i:05d}", p, a, b, c, 0, 0,
                     sum(x is not None for x in (a, b, c)) / 3]
                    for i, (p, a, b, c) in enumerate(rows)]}
    t = load_ssmsi_communes(write_json(tmp_path, doc)).table
    expected = pd.DataFrame([[np.nan if x is None else x for x in r] for r in rows],
                            columns=["population", *RATES], dtype=float)
    # a rate of 0 hides withheld counts, and a rate without population is absent: missing
    counted = expected["population"] > 0
    expected[list(RATES)] = expected[list(RATES)].mask(expected[list(RATES)] == 0).where(
        counted, axis=0)
    pd.testing.assert_frame_equal(t[["population", *RATES]], expected)


# --- département and région CSV --------------------------------------------------------

def test_dep_extract_long():
    result = load_ssmsi_dep_reg(RAW / "donnee-dep-2023_extract.csv")
    t = result.table
    assert result.level == "departement"
    assert list(t.columns) == ["code", "category", "year", "unit", "faits", "population",
                               "logements", "rate_p1000"]
    assert len(t) == 30 and set(t["code"]) == {"01", "2A", "38", "971", "976"}
    assert sorted(t["year"].unique()) == [2019, 2023]
    assert [(r.value, r.reason) for r in result.rejected] == [("NA", "no territory code")] * 6
    row = t[(t["code"] == "01") & (t["year"] == 2019) & (t["category"] == "Homicides")].iloc[0]
    assert row["faits"] == 4 and row["population"] == 652_432
    assert row["rate_p1000"] == pytest.approx(6.13090712901881e-03)  # scientific notation
    assert row["rate_p1000"] == pytest.approx(row["faits"] / row["population"] * 1000)
    burglary = t[t["category"] == "Cambriolages de logement"]
    np.testing.assert_allclose(burglary["rate_p1000"],
                               burglary["faits"] / burglary["logements"] * 1000)


def test_reg_extract_and_wide_table():
    result = load_ssmsi_dep_reg(RAW / "donnee-reg-2023_extract.csv", year=2023)
    t = result.table.set_index("code")
    assert result.level == "region" and list(t.index) == ["01", "06", "84"]
    assert list(t.columns) == ["population", "faits_homicides", "faits_cambriolages_de_logement",
                               "faits_destructions_et_degradations_volontaires"]
    assert t.loc["01", "faits_homicides"] == 36 and t.loc["06", "population"] == 256_518
    with pytest.raises(LoadError, match="no rows for year 2021"):
        load_ssmsi_dep_reg(RAW / "donnee-reg-2023_extract.csv", year=2021)


def test_slug():
    assert slug("Escroqueries et fraudes aux moyens de paiement") == (
        "escroqueries_et_fraudes_aux_moyens_de_paiement")


def test_dep_reg_broken(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('"classe";"annee";"Code.commune";"faits"\n"Homicides";"19";"01001";"1"\n',
                    encoding="utf-8")
    with pytest.raises(LoadError, match="no territory code column"):
        load_ssmsi_dep_reg(path)
    header = ('"classe";"annee";"Code.région";"unité.de.compte";"millPOP";"millLOG";"faits";'
              '"POP";"LOG";"tauxpourmille"\n')
    path.write_text(header + '"Homicides";"19";"84";"victime";"19";"19";"quatre";"1";"1";"1"\n'
                    '"Homicides";"19";"8";"victime";"19";"19";"4";"1";"1";"1"\n',
                    encoding="utf-8")
    result = load_ssmsi_dep_reg(path)
    assert [(r.row, r.column, r.value) for r in result.rejected] == [
        (2, "faits", "quatre"), (3, "Code.région", "8")]
    path.write_text(header.replace(';"faits"', ""), encoding="utf-8")
    with pytest.raises(LoadError, match="column not found") as info:
        load_ssmsi_dep_reg(path)
    assert info.value.column == "faits"


# --- full files ------------------------------------------------------------------------

@needs_data
@pytest.mark.parametrize("year", [2019, 2024])
def test_full_commune_files(year):
    result = load_ssmsi_communes(DATA / f"ssmsi/communes/{year}.json")
    t = result.table
    assert len(t) == 34_875 and t["code"].is_unique and not result.rejected
    assert result.secret_cells["population"] == 6  # the Meuse "villages morts"
    assert t.set_index("code").loc["75056", "population"] == 2_190_327


@needs_data
def test_full_dep_reg_files_and_commune_roll_up():
    dep = load_ssmsi_dep_reg(DATA / "ssmsi/dep_reg_2023/donnee-dep-2023.csv")
    reg = load_ssmsi_dep_reg(DATA / "ssmsi/dep_reg_2023/donnee-reg-2023.csv")
    assert (len(dep.table), len(dep.rejected)) == (13_056 - 128, 128)
    assert (len(reg.table), len(reg.rejected)) == (2_432 - 128, 128)
    assert dep.table["code"].nunique() == 101 and reg.table["code"].nunique() == 18
    assert dep.table["category"].nunique() == 16
    assert set(dep.table["year"]) == set(range(2016, 2024))
    # the départements add up to the régions, except people implicated in drug offences
    # (a person counted in two départements of one région is counted once there)
    d = dep.table.groupby(["year", "category"])["faits"].sum()
    r = reg.table.groupby(["year", "category"])["faits"].sum()
    drugs = d.index.get_level_values("category").str.contains("stupéfiants")
    pd.testing.assert_series_equal(d[~drugs], r[~drugs])
    assert ((d[drugs] >= r[drugs]) & (d[drugs] < 1.01 * r[drugs])).all()
    # commune roll-up of damage to property (2019) against the département count: never
    # above it by more than rounding, and below it where small counts are unpublished
    communes = load_ssmsi_communes(DATA / "ssmsi/communes/2019.json").table
    code = communes["code"]
    communes["dep"] = code.str[:3].where(code.str.startswith("97"), code.str[:2])
    faits = communes["tranquillite_p1000"] * communes["population"] / 1000
    roll = faits.groupby(communes["dep"]).sum()
    damage = dep.table[(dep.table["year"] == 2019)
                       & (dep.table["category"] == "Destructions et dégradations volontaires")]
    ratio = roll / damage.set_index("code")["faits"]
    assert ratio.notna().sum() == 101
    assert ratio.max() < 1.06 and 0.75 < ratio.median() < 0.95 and ratio.min() > 0.5
