"""Each loader says the year its file declares, and refuses a file of another year."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw_data import RAW as DATA
from tiers import examples, needs_data

from indicators.loaders.apl import load_apl
from indicators.loaders.arcep import load_arcep_ftth
from indicators.loaders.base import VintageError
from indicators.loaders.ips import load_ips
from indicators.loaders.observatoire_xlsx import load_observatoire, sheet_frame, table_columns
from indicators.loaders.ssmsi import load_ssmsi_communes

RAW = Path(__file__).parent / "data" / "raw"


def test_ssmsi_json_year(tmp_path):
    assert load_ssmsi_communes(RAW / "ssmsi_communes_2024_extract.json").declared_year == 2024
    assert load_ssmsi_communes(RAW / "ssmsi_communes_2024_extract.json",
                               year=2024).declared_year == 2024
    doc = json.loads((RAW / "ssmsi_communes_2019_extract.json").read_text(encoding="utf-8"))
    doc["year"] = 2017
    path = tmp_path / "2024.json"  # a 2017 file where the 2024 one is expected
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(VintageError, match="declares the year 2017") as info:
        load_ssmsi_communes(path, year=2024)
    assert str(path) in str(info.value) and "2024 is expected" in str(info.value)
    assert "--year SOURCE=2017" in str(info.value)


@needs_data
def test_ssmsi_2019_file_is_not_read_as_2024():
    with pytest.raises(VintageError, match="declares the year 2019"):
        load_ssmsi_communes(DATA / "ssmsi/communes/2019.json", year=2024)


def test_apl_year_column(tmp_path):
    extract = RAW / "Accessibilite_potentielle_localisee_mg_2023_extract.txt"
    assert load_apl(extract, year=2023).declared_year == 2023
    path = tmp_path / "apl.txt"
    path.write_text("codgeo\tlibgeo\tan\tapl_mg_hmep\n01001\tA\t2022\t1,9\n", encoding="utf-8")
    assert load_apl(path).declared_year == 2022
    with pytest.raises(VintageError, match="2022 .*column an.* but 2023 is expected"):
        load_apl(path, year=2023)


IPS_HEADER = ("Rentrée scolaire;Académie;Code du département;Département;UAI;Nom;"
              "Code INSEE de la commune;Nom de la commune;Secteur;IPS\n")


def test_ips_school_year(tmp_path):
    path = tmp_path / "fr-en-ips_colleges_v2.csv"
    path.write_text(IPS_HEADER + "2020-2021;X;001;X;0010001A;C;01004;X;public;90\n"
                    "2021-2022;X;001;X;0010001A;C;01004;X;public;100\n"
                    "2021-2022;X;001;X;0010002B;C;01004;X;public;110\n", encoding="utf-8")
    result = load_ips(path, year=2021)
    assert result.declared_year == 2021 and result.table.to_dict("records") == [
        {"code": "01004", "ips_colleges": 105.0, "n_colleges": 2.0}]
    assert "1 rows of other school years left out" in result.notes
    with pytest.raises(VintageError, match=r"2021-2022\) but 2022 is expected"):
        load_ips(path, year=2022)
    assert load_ips(RAW / "fr-en-ips_colleges_2022_extract.csv").declared_year == 2021


def workbook(path: Path, header: list[str], rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Data"
    for row in [header, *rows]:
        book.active.append(row)
    book.save(path)
    return path


def test_observatoire_year_in_column_names(tmp_path):
    path = workbook(tmp_path / "securite.xlsx",
                    ["code_insee", "nom", "scale", "Cambriolages (taux) 2023"],
                    [["01001", "A", "Commune", 1.5], ["01002", "B", "Commune", 2.0]])
    assert load_observatoire(path).declared_year == 2023
    with pytest.raises(VintageError, match="2023 .* but 2022 is expected"):
        load_observatoire(path, columns=["Cambriolages (taux) {yyyy}"], year=2022)
    result = load_observatoire(path, columns={"Cambriolages (taux) 2022":
                                              "Cambriolages (taux) {yyyy}"}, year=2023)
    assert list(result.table.columns) == ["code", "Cambriolages (taux) 2022"]
    assert result.table.iloc[:, 1].tolist() == [1.5, 2.0] and result.declared_year == 2023
    with pytest.raises(Exception, match="close"):
        load_observatoire(path, columns=["Cambriolage (taux) 2023"])
    assert table_columns(path) == ["Cambriolages (taux) 2023"]


def test_observatoire_series_years():
    path = RAW / "ot_part_domtrav_tc_extract.xlsx"
    names = table_columns(path)
    assert names == [c for c in load_observatoire(path).table.columns if c != "code"]
    result = load_observatoire(path, columns=["part_domtrav_tc_{yyyy}"], year=2015)
    assert list(result.table.columns) == ["code", "part_domtrav_tc_2015"]
    with pytest.raises(VintageError, match="but 2022 is expected"):
        load_observatoire(path, columns=["part_domtrav_tc_{yyyy}"], year=2022)


def test_arcep_latest_quarter_year():
    assert load_arcep_ftth(RAW / "ftthCommunes_T3-2017_T1-2018_extract.csv").declared_year == 2018


cell_values = st.one_of(st.none(), st.integers(-10**9, 10**9),
                        st.floats(allow_nan=False, allow_infinity=False, width=32),
                        st.booleans(), st.sampled_from(["NA", "N/A", "", "s", "#N/A", "nd"]),
                        st.text(alphabet="abcé '-", max_size=6))


@settings(max_examples=examples(30), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell_values, min_size=1, max_size=5), min_size=1, max_size=8))
def test_the_streamed_sheet_is_what_pandas_reads(tmp_path, rows):
    book = openpyxl.Workbook()
    book.active.title = "Data"
    for row in rows:
        book.active.append(row)
    book.active.cell(row=len(rows) + 2, column=2, value="=1+1")  # a formula, no cache
    path = tmp_path / "cells.xlsx"
    book.save(path)
    expected = pd.read_excel(path, sheet_name="Data", header=None, dtype=object)
    got = sheet_frame(path, "Data")
    assert got.shape == expected.shape
    for (_, a), (_, b) in zip(got.iterrows(), expected.iterrows(), strict=True):
        for x, y in zip(a, b, strict=True):
            assert (pd.isna(x) and pd.isna(y)) or (x == y and type(x) is type(y)), (x, y)


def test_the_streamed_sheet_matches_pandas_on_the_extracts():
    for path in sorted(RAW.glob("*.xlsx")):
        for sheet in pd.ExcelFile(path, engine="openpyxl").sheet_names:
            expected = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
            pd.testing.assert_frame_equal(sheet_frame(path, sheet), expected,
                                          check_dtype=False)


def test_the_missing_texts_are_those_of_the_installed_pandas():
    from pandas._libs.parsers import STR_NA_VALUES

    from indicators.loaders.observatoire_xlsx import _PANDAS_NA

    assert set(STR_NA_VALUES) - {""} == set(_PANDAS_NA)
