"""Observatoire des territoires xlsx loader: real extracts, broken workbooks, full files."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from raw_data import RAW as DATA
from tiers import examples, needs_data

from indicators.loaders.base import SECRET_MARKERS, LoadError
from indicators.loaders.observatoire_xlsx import LEVELS, load_observatoire

RAW = Path(__file__).parent / "data" / "raw"
SECURITE = RAW / "ot_securite_extract.xlsx"
COUPS = "Coups et blessures volontaires (taux) 2022"
STUPS = "Usage de stupéfiants (taux) 2022"


def workbook(path: Path, rows: list[list], sheet: str = "Data", others=()) -> Path:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    for name in others:
        book.create_sheet(name)
    book.save(path)
    return path


HEADER = ["code_insee", "nom", "scale", "Taux"]


def test_extract_communes():
    result = load_observatoire(SECURITE)
    t = result.table.set_index("code")
    assert list(result.table.columns)[:2] == ["code", COUPS] and len(t) == 14
    assert {"01001", "2A004", "2B033", "75056", "97411", "97617"} <= set(t.index)
    assert math.isnan(t.loc["01001", COUPS]) and t.loc["01001", STUPS] == 0.0
    assert t.loc["01004", COUPS] == 7.6
    assert result.secret_cells[COUPS] == 2 and not result.rejected
    assert "kept 14 commune rows; left out: 7 departement, 4 region" in result.notes
    assert result.level == "commune"
    assert all(t[c].dtype == float for c in t.columns)


def test_extract_departements_and_regions_restore_codes():
    deps = load_observatoire(SECURITE, scale="departement").table
    assert set(deps["code"]) == {"01", "06", "11", "2A", "971", "976", "94"}
    assert deps.set_index("code").loc["976", COUPS] == 7.2
    regions = load_observatoire(SECURITE, scale="region").table
    assert set(regions["code"]) == {"01", "06", "11", "94"}  # 1.0 (Guadeloupe) -> "01"


def test_extract_mixed_levels():
    path = RAW / "ot_couvert_forestier_extract.xlsx"
    iris = load_observatoire(path, scale="iris")
    assert sorted(iris.table["code"]) == ["010010000", "010020000", "010040101", "010040102",
                                          "010040201", "010040202"]
    assert "kept 6 iris rows; left out: 6 departement, 4 commune, 2 region" in iris.notes
    assert "no sheet 'Data': read the only sheet 'Sheet1'" in iris.notes
    deps = load_observatoire(path, scale="departement").table
    assert {"69D", "69M", "2A", "01"} <= set(deps["code"])


def test_extract_float_code_and_excel_error():
    result = load_observatoire(RAW / "ot_cyclabilite_extract.xlsx")
    t = result.table.set_index("code")
    assert "27058" in t.index and t.loc["27058"].isna().all()  # stored as 27058.0, #N/A
    assert t.loc["01004", "Cyclabilité voirie (avec voirie 30)"] == 0.112  # newline in header


def test_extract_division_by_zero_is_missing_not_secret():
    result = load_observatoire(RAW / "ot_mixite_generationelle_extract.xlsx")
    t = result.table.set_index("code")
    young = "Part des pers. âgées de - de 25 ans 2020"
    assert math.isnan(t.loc["55039", young]) and math.isnan(t.loc["97617", young])
    assert result.secret_cells[young] == 2
    assert any("'N/A - division par 0': 1" in n for n in result.notes)


def test_extract_history_one_column_per_year():
    result = load_observatoire(RAW / "ot_part_domtrav_tc_extract.xlsx")
    t = result.table.set_index("code")
    assert list(t.columns) == ["part_domtrav_tc_2010", "part_domtrav_tc_2015",
                               "part_domtrav_tc_2021"]
    assert t.loc["75056", "part_domtrav_tc_2021"] == 61.6
    assert t.loc["01001"].tolist() == [1.2, 4.1, 1.1]
    assert t.loc["97617"].isna().all() and len(t) == 6
    assert result.notes[0].startswith("header on row 5, below title rows: Observatoire")


def test_wrong_sheet_name(tmp_path):
    path = workbook(tmp_path / "x.xlsx", [HEADER], sheet="Donnees", others=["Notes"])
    with pytest.raises(LoadError, match="no sheet 'Data' and several sheets") as info:
        load_observatoire(path)
    assert str(path) in str(info.value)
    with pytest.raises(LoadError, match=r"no sheet 'Data'; the sheets are \['Donnees'"):
        load_observatoire(path, sheet="Data")


def test_missing_code_column(tmp_path):
    path = workbook(tmp_path / "x.xlsx", [["code", "nom", "scale", "Taux"], ["01001", "A",
                                                                                "Commune", 1]])
    with pytest.raises(LoadError, match="no header row starting with one of"):
        load_observatoire(path)


def test_missing_scale_column_with_mixed_codes(tmp_path):
    rows = [["code_insee", "nom", "Taux"], ["01001", "A", 1.0], ["010040101", "B", 2.0]]
    with pytest.raises(LoadError, match="no scale column"):
        load_observatoire(workbook(tmp_path / "x.xlsx", rows))


def test_no_indicator_column(tmp_path):
    rows = [["code_insee", "nom", "scale"], ["01001", "A", "Commune"]]
    path = workbook(tmp_path / "x.xlsx", rows)
    with pytest.raises(LoadError, match="no indicator column") as info:
        load_observatoire(path)
    assert info.value.row == 1


def test_text_in_a_number_column(tmp_path):
    rows = [HEADER, ["01001", "A", "Commune", 1.5], ["01002", "B", "Commune", "beaucoup"]]
    with pytest.raises(LoadError, match="not a number: 'beaucoup'") as info:
        load_observatoire(workbook(tmp_path / "x.xlsx", rows))
    assert info.value.row == 3 and info.value.column == "Taux"


def test_values_without_header(tmp_path):
    rows = [HEADER, ["01001", "A", "Commune", 1.5, None, 9]]
    with pytest.raises(LoadError, match="without header") as info:
        load_observatoire(workbook(tmp_path / "x.xlsx", rows))
    assert info.value.row == 2 and info.value.column == "column 6"


def test_bad_rows_are_rejected_with_reasons(tmp_path):
    rows = [["Titre"], [], HEADER, ["01001", "A", "Commune", 1.0], ["123", "B", "Commune", 2.0],
            ["01002", "C", "Canton", 3.0], ["01001", "D", "Commune", 4.0], [],
            [2001.0, "E", "Commune", "s"]]
    result = load_observatoire(workbook(tmp_path / "x.xlsx", rows))
    reasons = {(r.row, r.reason.split(" (")[0]) for r in result.rejected}
    assert reasons == {(5, "not a valid commune code"), (6, "unknown scale"),
                       (7, "duplicate code")}
    t = result.table.set_index("code")
    # the two rows of 01001 disagree (1.0 and 4.0): missing, not the first one picked
    assert list(t.index) == ["01001", "02001"] and math.isnan(t.loc["01001", "Taux"])
    assert [(c.code, c.rows, c.column, c.values) for c in result.conflicts] == [
        ("01001", (4, 7), "Taux", ("1.0", "4.0"))]
    assert result.secret_cells == {"Taux": 1} and "1 empty rows ignored" in result.notes


def test_unknown_scale_argument():
    with pytest.raises(ValueError, match="valid scales: iris, commune, departement, region"):
        load_observatoire(SECURITE, scale="canton")


cells = st.one_of(st.floats(min_value=-1e6, max_value=1e6).map(lambda x: round(x, 6)),
                  st.sampled_from(SECRET_MARKERS), st.none())


@settings(max_examples=examples(20), deadline=None)
@given(values=st.lists(cells, min_size=1, max_size=12))
def test_round_trip(tmp_path_factory, values):
    path = tmp_path_factory.mktemp("ot") / "x.xlsx"
    rows = [HEADER] + [[f"{i + 1:05d}", "n", "Commune", v] for i, v in enumerate(values)]
    result = load_observatoire(workbook(path, rows))
    read = result.table["Taux"].tolist()
    for got, wrote in zip(read, values, strict=True):
        assert (math.isnan(got) if not isinstance(wrote, float) else got == wrote)
    assert result.secret_cells["Taux"] == sum(isinstance(v, str) for v in values)


FULL = {  # file: (communes, other levels left out)
    "ot_indicateurs/securite.xlsx": (34945, "left out: 101 departement, 18 region"),
    "ot_indicateurs/eloignement.xlsx": (34945, "left out: 101 departement, 18 region"),
    "ot_indicateurs/mixite_generationelle.xlsx": (34945, "left out: 101 departement, 18 region"),
    "ot_indicateurs/suroccupation.xlsx": (34945, "left out: 101 departement, 18 region"),
    "ot_indicateurs/parcelles_bio.xlsx": (34945, "kept 34945 commune rows"),
    "ot_indicateurs/cyclabilite.xlsx": (34836, "kept 34836 commune rows"),
    "ot_indicateurs/couvert_forestier.xlsx": (34813, "left out: 44420 iris, 97 departement, "
                                              "13 region"),
    "ot_indicateurs/surface_impermeable.xlsx": (34813, "left out: 44420 iris, 97 "
                                                "departement, 13 region"),
    "ot_indicateurs/radiance.xlsx": (34809, "left out: 43741 iris, 97 departement, 13 region"),
    "ot_mobilite/insee_rp_hist_part_domtrav_tc.xlsx": (34935, "kept 104805 commune rows"),
}


@needs_data
@pytest.mark.parametrize("name", sorted(FULL))
def test_full_file(name):
    communes, note = FULL[name]
    result = load_observatoire(DATA / "observatoire" / name)
    assert len(result.table) == communes and not result.rejected
    assert any(note in n for n in result.notes)
    assert result.table["code"].is_unique
    assert result.table["code"].str.fullmatch(r"\d{5}|2[AB]\d{3}").all()


@needs_data
def test_full_securite_secrets_and_levels():
    path = DATA / "observatoire" / "ot_indicateurs" / "securite.xlsx"
    result = load_observatoire(path)
    assert result.secret_cells[COUPS] == 22585 and result.secret_cells[STUPS] == 15930
    assert result.notes == ["kept 34945 commune rows; left out: 101 departement, 18 region",
                            "year declared by the column names: 2022"]
    assert result.declared_year == 2022
    deps = load_observatoire(path, scale="departement").table
    assert len(deps) == 101 and {"01", "2A", "2B", "976"} <= set(deps["code"])
    assert sorted(load_observatoire(path, scale="region").table["code"])[:5] == [
        "01", "02", "03", "04", "06"]


def test_levels_constant():
    assert LEVELS == ("iris", "commune", "departement", "region")
