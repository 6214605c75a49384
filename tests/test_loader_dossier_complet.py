"""Dossier complet loader and its dictionary: real extracts, broken files, the full extract."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw_data import RAW as DATA
from tiers import examples, needs_data

from indicators.loaders.base import LoadError
from indicators.loaders.dossier_complet import (
    load_dossier_complet,
    read_dictionary,
    variables_of_theme,
)

RAW = Path(__file__).parent / "data" / "raw"
FOLDER = DATA / "insee" / "dossier_complet_2024_extract38"
EXTRACT = RAW / "dossier_complet_extract.csv"


@pytest.fixture(scope="module")
def dictionary():
    return read_dictionary(RAW / "meta_dossier_complet_extract.csv")


def test_dictionary_one_row_per_variable(dictionary):
    assert "CODGEO" not in dictionary.index and dictionary.index.is_unique
    assert list(dictionary.columns) == ["label", "label_long", "theme", "source", "type"]
    assert dictionary.loc["MED21", "label"] == "Médiane du niveau vie (€)"
    assert dictionary.loc["MED21", "theme"] == "Revenus et pauvreté des ménages"
    assert dictionary.loc["P21_POP", "type"] == "NUM"
    assert len(dictionary) == 24


def test_variables_of_theme(dictionary):
    assert variables_of_theme(dictionary, "Élections") == ["ELECTEURSLP2024"]
    with pytest.raises(ValueError, match="valid: .*Logement"):
        variables_of_theme(dictionary, "Santé")


def test_selected_variables_mixed_decimal_marks(dictionary):
    result = load_dossier_complet(EXTRACT, ["P21_POP", "MED21", "PIMP21", "TP6021", "RD21"],
                                  dictionary=dictionary)
    t = result.table.set_index("code")
    assert list(t.columns) == ["arm", "P21_POP", "MED21", "PIMP21", "TP6021", "RD21"]
    assert len(t) == 10 and result.level == "commune" and not result.rejected
    assert t.loc["38059", "P21_POP"] == 2521 and t.loc["38059", "PIMP21"] == 76.0  # "76,0"
    assert t.loc["38059", "RD21"] == 3.0 and math.isnan(t.loc["38059", "TP6021"])  # "s"
    assert t.loc["38111", "TP6021"] == 5.0
    assert result.secret_cells["TP6021"] == 5
    assert "decimal comma in 3 columns, point in 1" in result.notes


def test_all_variables_and_undocumented_column(dictionary):
    result = load_dossier_complet(EXTRACT, dictionary=dictionary)
    assert result.table.shape == (10, 27)
    assert "columns not in the dictionary: ['ENCITOT12']" in result.notes
    assert result.table.dtypes.iloc[2:].eq("float64").all()


def test_unknown_variable_is_refused(dictionary):
    with pytest.raises(LoadError, match="close: \\['MED21'\\]") as info:
        load_dossier_complet(EXTRACT, ["MED2021"], dictionary=dictionary)
    assert info.value.column == "MED2021"
    with pytest.raises(LoadError, match="column not found") as info:
        load_dossier_complet(EXTRACT, ["P99_POP"])
    assert info.value.column == "P99_POP"


def test_national_layout_reads_the_same(tmp_path, dictionary):
    """The national file: ``;``, Filosofi cells with an unquoted decimal comma."""
    rows = list(csv.reader(io.StringIO(EXTRACT.read_text(encoding="utf-8"))))
    path = tmp_path / "dossier_complet.csv"
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    national = load_dossier_complet(path, dictionary=dictionary).table
    extract = load_dossier_complet(EXTRACT, dictionary=dictionary).table
    pd.testing.assert_frame_equal(national, extract)


def test_missing_codgeo_and_bad_dictionary(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("DEPCOM;P21_POP\n38185;158000\n", encoding="utf-8")
    with pytest.raises(LoadError, match="code column not found"):
        load_dossier_complet(path)
    meta = tmp_path / "meta.csv"
    meta.write_text("COD_VAR;LIB_VAR\nP21_POP;Population\n", encoding="utf-8")
    with pytest.raises(LoadError, match="dictionary column not found") as info:
        read_dictionary(meta)
    assert info.value.column == "LIB_VAR_LONG"


def test_non_numeric_cell_is_reported(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('CODGEO,P21_POP,MED21\n38185,158000.0,"22,1"\n38151,36849.0,x12\n',
                    encoding="utf-8")
    result = load_dossier_complet(path)
    assert [(r.row, r.column, r.value) for r in result.rejected] == [(3, "MED21", "x12")]
    assert result.table["code"].tolist() == ["38185"]


@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
                       min_size=1, max_size=20),
       national=st.booleans())
def test_round_trip_of_one_variable(tmp_path, values, national):
    sep = ";" if national else ","
    lines = ["CODGEO" + sep + "MED21"]
    for i, v in enumerate(values):
        text = "s" if v is None else repr(v).replace(".", ",")
        lines.append(f"38{i:03d}{sep}{text if national else chr(34) + text + chr(34)}")
    path = tmp_path / "d.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_dossier_complet(path, ["MED21"])
    expected = pd.Series([float("nan") if v is None else v for v in values], name="MED21")
    pd.testing.assert_series_equal(result.table["MED21"], expected)
    assert result.secret_cells == {"MED21": values.count(None)}


@needs_data
def test_full_isere_extract_and_national_dictionary():
    dictionary = read_dictionary(FOLDER / "meta_dossier_complet_2024.csv")
    assert len(dictionary) == 1_925 and dictionary["theme"].nunique() == 13
    result = load_dossier_complet(FOLDER / "dossier_complet_grenoble49.csv", dictionary=dictionary)
    t = result.table
    assert t.shape == (49, 1 + 1 + 1_926) and not result.rejected
    assert t["code"].str.startswith("38").all()
    assert "columns not in the dictionary: ['ENCITOT12']" in result.notes
    grenoble = t.set_index("code").loc["38185"]
    assert 150_000 < grenoble["P21_POP"] < 170_000 and grenoble["MED21"] > 0
    income = variables_of_theme(dictionary, "Revenus et pauvreté des ménages")
    assert len(income) == 27 and "TP6021" in income
