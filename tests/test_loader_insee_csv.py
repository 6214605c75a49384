"""INSEE CSV loader: real extracts, broken files, round trips, and the full files."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw_data import RAW as DATA
from tiers import examples, needs_data

from indicators.loaders.base import LoadError
from indicators.loaders.insee_csv import arm_parent, load_insee_csv, parse_numbers

RAW = Path(__file__).parent / "data" / "raw"


def by_code(result):
    return result.table.set_index("code")


# --- real extracts ---------------------------------------------------------------------

def test_filosofi_2021_decimal_comma_and_secrets():
    result = load_insee_csv(RAW / "cc_filosofi_2021_COM_extract.csv")
    t = by_code(result)
    assert result.level == "commune" and len(t) == 24 and not result.rejected
    assert t.loc["01004", "MED21"] == 21660 and t.loc["01004", "PIMP21"] == 50.0
    assert t.loc["01004", "PIMPOT21"] == -14.8
    assert math.isnan(t.loc["01001", "TP6021"])  # "s"
    assert t.loc["09304"].drop("arm").isna().all()  # "nd" everywhere
    assert result.secret_cells["MED21"] == 4  # 09304, 55039, 60694, 85165 ("nd")
    assert "decimal mark: comma" in result.notes
    assert (t.dtypes.drop("arm") == "float64").all()
    assert "2A004" in t.index and "2B033" in t.index


def test_arrondissements_are_kept_and_flagged():
    t = by_code(load_insee_csv(RAW / "cc_filosofi_2021_COM_extract.csv"))
    assert t.loc[["75101", "75120", "13201", "69381"], "arm"].all()
    assert not t.loc[["75056", "13055", "69123", "01001"], "arm"].any()
    assert list(t.columns[:1]) == ["arm"]
    assert arm_parent("13216") == "13055" and arm_parent("69389") == "69123"
    assert arm_parent("75121") is None and arm_parent("69390") is None


def test_filosofi_2019_bom_crlf_and_text_column():
    result = load_insee_csv(RAW / "FILO2019_DISP_COM_extract.csv")
    t = by_code(result)
    assert "encoding: UTF-8 with BOM" in result.notes
    assert t.loc["01001", "LIBGEO"] == "L'Abergement-Clémenciat"
    assert t["LIBGEO"].dtype != "float64"
    assert t.loc["01001", "NBUC19"] == 542.7 and math.isnan(t.loc["01001", "Q119"])
    assert t.loc["97424", "GI19"] == 0.288  # last line, no line ending


@pytest.mark.parametrize(("name", "level", "codes"), [
    ("FILO2019_DISP_DEP_extract.csv", "departement", {"01", "2A", "2B", "972", "974"}),
    ("FILO2019_DISP_REG.csv", "region", {"84", "11", "94", "02"}),
])
def test_departement_and_region_files(name, level, codes):
    result = load_insee_csv(RAW / name)
    assert result.level == level and not result.rejected
    assert codes <= set(result.table["code"])
    assert "arm" not in result.table.columns


def test_region_file_has_15_regions():
    t = by_code(load_insee_csv(RAW / "FILO2019_DISP_REG.csv"))
    assert len(t) == 15 and t.loc["84", "LIBGEO"] == "Auvergne-Rhône-Alpes"


def test_lost_leading_zeros_are_repaired_with_a_note():
    result = load_insee_csv(RAW / "base-cc-logement-2021_subset_extract.CSV")
    t = by_code(result)
    assert {"01001", "01004", "06088", "09304", "2A004", "97424"} <= set(t.index)
    assert ("codes repaired: leading zeros restored in 6 rows (column 'CODGEO', e.g. '1001' "
            "at row 2)") in result.notes
    assert t.loc["01001", "P21_LOG"] == pytest.approx(372.387493855914)
    assert t.loc["60694"].drop("arm").isna().all()


def test_overseas_only_columns_in_the_extract():
    result = load_insee_csv(RAW / "base-cc-logement-2021_subset_extract.CSV")
    t = result.table
    # the P10_RP_* variables (habitations de fortune, cases…) exist only overseas
    assert t.loc[t["P10_RP_CASE"].notna(), "code"].tolist() == [
        "97101", "97209", "97302", "97411", "97424"]
    assert result.secret_cells["P10_RP_CASE"] == 21


def test_nearly_empty_columns_are_reported(tmp_path):
    lines = ["CODGEO;FULL;RARE;EMPTY"] + [f"{1000 + i:05d};{i};{'7' if i == 3 else ''};"
                                         for i in range(1, 201)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    result = load_insee_csv(path)
    assert ("nearly empty columns (values in fewer than 1% of 200 rows): RARE (1), EMPTY (0)"
            in result.notes)
    assert result.secret_cells == {"FULL": 0, "RARE": 199, "EMPTY": 200}


def test_repair_can_be_refused():
    with pytest.raises(LoadError, match="lost their leading zero") as info:
        load_insee_csv(RAW / "base-cc-logement-2021_subset_extract.CSV", repair_codes=False)
    assert info.value.column == "CODGEO" and "subset_extract.CSV" in str(info.value)


def test_ambiguous_repair_is_refused(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("CODGEO;X\n1001;1\n01002;2\n", encoding="utf-8")
    with pytest.raises(LoadError, match="ambiguous") as info:
        load_insee_csv(path)
    assert info.value.column == "CODGEO"
    path.write_text("CODGEO;X\n1001;1\n01001;2\n", encoding="utf-8")
    with pytest.raises(LoadError, match="collide"):
        load_insee_csv(path)


def test_zip_is_read_in_memory():
    result = load_insee_csv(RAW / "base_cc_comparateur_extract.zip")
    t = by_code(result)
    assert result.file.endswith("base_cc_comparateur_extract.zip::base_cc_comparateur.CSV")
    assert t.loc["01001", "P18_POP"] == 771 and t.loc["01001", "SUPERF"] == 15.95
    assert math.isnan(t.loc["01001", "TP6019"])
    assert "decimal mark: point" in result.notes
    assert not (RAW / "base_cc_comparateur.CSV").exists()


def test_zip_member_can_be_named_and_must_exist(tmp_path):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "CODGEO;X\n01001;1\n")
        archive.writestr("b.csv", "CODGEO;X\n01002;2\n")
    with pytest.raises(LoadError, match="member="):
        load_insee_csv(path)
    assert load_insee_csv(path, member="b.csv").table["code"].tolist() == ["01002"]
    with pytest.raises(LoadError, match="no member 'c.csv'"):
        load_insee_csv(path, member="c.csv")


def test_truncated_zip(tmp_path):
    data = (RAW / "base_cc_comparateur_extract.zip").read_bytes()
    for cut in (len(data) // 2, len(data) - 30):
        path = tmp_path / f"cut{cut}.zip"
        path.write_bytes(data[:cut])
        with pytest.raises(LoadError, match="truncated or damaged") as info:
            load_insee_csv(path)
        assert str(path) in str(info.value)


def test_damaged_zip_member(tmp_path):
    data = bytearray((RAW / "base_cc_comparateur_extract.zip").read_bytes())
    data[200:260] = bytes(60)  # inside the compressed data of the first member
    path = tmp_path / "damaged.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(LoadError, match="truncated or damaged"):
        load_insee_csv(path)


# --- broken files ----------------------------------------------------------------------

def write(tmp_path, text, encoding="utf-8", name="f.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_latin1_file_is_detected(tmp_path):
    path = write(tmp_path, "CODGEO;LIBGEO;X\n01004;Ambérieu-en-Bugey;1,5\n", "latin-1")
    result = load_insee_csv(path)
    assert "encoding: latin-1" in result.notes
    assert result.table.loc[0, "LIBGEO"] == "Ambérieu-en-Bugey"


def test_windows_1252_file_is_detected(tmp_path):
    path = write(tmp_path, "CODGEO;LIBGEO;X\n01004;L’Œuvre;1,5\n", "cp1252")
    result = load_insee_csv(path)
    assert "encoding: Windows-1252" in result.notes and result.table.loc[0, "LIBGEO"] == "L’Œuvre"


@pytest.mark.parametrize(("data", "message"), [
    ("CODGEO;X\n01001;1\n".encode("utf-16"), "UTF-16"),
    (b"CODGEO;X\n01001;\x81\x8d\x90\n", "neither UTF-8 nor latin-1"),
    (b"\xef\xbb\xbfCODGEO;X\n01001;\xe9\n", "BOM"),
    (b"CODGEO;X\n01001;1\x00\n", "NUL"),
    (b"CODGEO;X\n01001;\x07\n", "control character"),
])
def test_wrong_encoding(tmp_path, data, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(LoadError, match=message) as info:
        load_insee_csv(path)
    assert str(path) in str(info.value)


def test_utf8_file_with_a_latin1_byte_is_refused(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("CODGEO;LIBGEO\n01004;Ambérieu\n".encode() + b"01005;Ambl\xe9on\n")
    with pytest.raises(LoadError, match="mixes UTF-8") as info:
        load_insee_csv(path)
    assert info.value.row == 3


def test_text_columns_are_detected_or_refused(tmp_path):
    path = write(tmp_path, "CODGEO;NOM;X\n01001;Abergement;1\n01002;Varey;2\n01004;12;3\n")
    result = load_insee_csv(path)
    assert result.table["NOM"].tolist() == ["Abergement", "Varey", "12"]
    assert "column 'NOM' read as text (its values are mostly not numbers)" in result.notes
    strict = load_insee_csv(path, detect_text=False)
    assert strict.table["code"].tolist() == ["01004"] and len(strict.rejected) == 2


def test_header_only(tmp_path):
    result = load_insee_csv(write(tmp_path, "CODGEO;X\n"))
    assert result.table.empty and "no data rows" in result.notes
    with pytest.raises(LoadError, match="single column"):
        load_insee_csv(write(tmp_path, ""))


def test_wrong_separator(tmp_path):
    path = write(tmp_path, "CODGEO|X\n01001|1\n")
    with pytest.raises(LoadError, match="single column") as info:
        load_insee_csv(path)
    assert info.value.row == 1
    path = write(tmp_path, "CODGEO,X\n01001,1\n")
    with pytest.raises(LoadError, match=r"found \[','\]"):
        load_insee_csv(path, sep=";")


def test_comma_separated_file_with_decimal_commas(tmp_path):
    path = write(tmp_path, "CODGEO,X,Y\n01001,1,5,2\n01002,3,5,4\n")
    with pytest.raises(LoadError, match="wrong separator") as info:
        load_insee_csv(path)
    assert info.value.row == 2


def test_missing_code_column(tmp_path):
    path = write(tmp_path, "DEPCOM;X\n01001;1\n")
    with pytest.raises(LoadError, match="code column not found") as info:
        load_insee_csv(path)
    assert info.value.column == "CODGEO" and info.value.row == 1
    assert load_insee_csv(path, code_column="DEPCOM").table["code"].tolist() == ["01001"]


def test_invalid_codes_are_rejected_with_row_and_value(tmp_path):
    path = write(tmp_path, "CODGEO;X\n01001;1\n2C001;2\n;3\n123456;4\n01001;5\n01002;6\n")
    result = load_insee_csv(path)
    got = [(r.row, r.column, r.value, r.reason) for r in result.rejected]
    assert got == [(3, "CODGEO", "2C001", "invalid commune code"),
                   (4, "CODGEO", "", "empty code"),
                   (5, "CODGEO", "123456", "invalid commune code"),
                   (6, "CODGEO", "01001", "duplicate code (first at row 2)")]
    assert result.table["code"].tolist() == ["01001", "01002"]


def test_non_numeric_value_is_rejected_with_row_and_column(tmp_path):
    path = write(tmp_path, "CODGEO;LIBGEO;X;Y\n01001;A;1,5;2\n01002;B;abc;3\n01004;C;2;1.2.3\n")
    result = load_insee_csv(path)
    assert result.table["code"].tolist() == ["01001"]
    got = [(r.row, r.column, r.value, r.reason) for r in result.rejected]
    assert got == [(3, "X", "abc", "not a number"), (4, "Y", "1.2.3", "not a number")]


def test_row_with_wrong_field_count_is_rejected(tmp_path):
    path = write(tmp_path, "CODGEO;X;Y\n01001;1;2\n01002;3\n01004;4;5\n")
    result = load_insee_csv(path)
    assert result.table["code"].tolist() == ["01001", "01004"]
    assert result.rejected[0].row == 3 and "2 fields, header has 3" in result.rejected[0].reason


def test_selected_columns(tmp_path):
    result = load_insee_csv(RAW / "cc_filosofi_2021_COM_extract.csv", columns=["MED21", "TP6021"])
    assert list(result.table.columns) == ["code", "arm", "MED21", "TP6021"]
    assert set(result.secret_cells) == {"MED21", "TP6021"}
    with pytest.raises(LoadError, match="close") as info:
        load_insee_csv(RAW / "cc_filosofi_2021_COM_extract.csv", columns=["MED2021"])
    assert info.value.column == "MED2021"


def test_unknown_level():
    with pytest.raises(ValueError, match="valid"):
        load_insee_csv(RAW / "FILO2019_DISP_REG.csv", level="canton")


def test_parse_numbers_forms():
    parsed = parse_numbers(pd.Series(["1,5", "-2.25", "3e2", "1,5E-3", ".5", "N/A - résultat "
                                      "non disponible", "S", " ", "1 000", "0x10", "inf"]))
    assert parsed.values.tolist()[:5] == [1.5, -2.25, 300.0, 0.0015, 0.5]
    assert parsed.missing.tolist()[5:8] == [True, True, True]
    assert parsed.bad.tolist()[8:] == [True, True, True]


# --- round trip ------------------------------------------------------------------------

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèêàçôîÉÎ -'", min_size=1, max_size=12)
values = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=64))
communes = st.from_regex(r"(0[1-9]|[1-8][0-9]|9[0-5])[0-9]{3}|2[AB][0-9]{3}|97[1-4][0-9]{2}",
                          fullmatch=True)


@st.composite
def tables(draw):
    codes = draw(st.lists(communes, min_size=1, max_size=15, unique=True))
    n_columns = draw(st.integers(1, 4))
    rows = [(code, draw(names), [draw(values) for _ in range(n_columns)]) for code in codes]
    return rows, n_columns


@settings(max_examples=examples(80), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=tables(), comma=st.booleans(), bom=st.booleans(),
       encoding=st.sampled_from(["utf-8", "latin-1"]),
       marker=st.sampled_from(["s", "", "nd", "N/A - résultat non disponible"]),
       crlf=st.booleans())
def test_round_trip(tmp_path, data, comma, bom, encoding, marker, crlf):
    rows, n = data
    header = ["CODGEO", "LIBGEO", *[f"V{i}" for i in range(n)]]
    eol = "\r\n" if crlf else "\n"

    def cell(v):
        if v is None:
            return marker
        text = repr(v)
        return text.replace(".", ",") if comma else text

    text = eol.join([";".join(header)] + [";".join([c, name, *map(cell, vs)])
                                          for c, name, vs in rows]) + eol
    raw = text.encode(encoding)
    if bom:
        raw = (b"\xef\xbb\xbf" + text.encode("utf-8")) if encoding == "utf-8" else raw
    path = tmp_path / "round.csv"
    path.write_bytes(raw)
    result = load_insee_csv(path)
    t = result.table
    assert not result.rejected
    assert t["code"].tolist() == [r[0] for r in rows]
    assert t["LIBGEO"].tolist() == [r[1] for r in rows]
    expected = np.array([[np.nan if v is None else v for v in r[2]] for r in rows], dtype=float)
    np.testing.assert_array_equal(t[header[2:]].to_numpy(dtype=float), expected)
    assert result.secret_cells == {h: sum(r[2][i] is None for r in rows)
                                   for i, h in enumerate(header[2:])}
    assert t["arm"].tolist() == [arm_parent(r[0]) is not None for r in rows]


# --- full files ------------------------------------------------------------------------

@needs_data
def test_full_filosofi_2021():
    result = load_insee_csv(DATA / "insee/filosofi_2021/cc_filosofi_2021_COM.csv")
    t = result.table
    assert len(t) == 34_909 and not result.rejected and t["code"].is_unique
    published = t["TP6021"].notna().sum()
    assert 4_300 <= published <= 4_500  # secret below 1,000 households
    assert result.secret_cells["TP6021"] == 34_909 - published
    assert t["arm"].sum() == 45
    assert by_code(result).loc["75056", "MED21"] == 29_730


@needs_data
def test_full_filosofi_2019_files():
    com = load_insee_csv(DATA / "insee/filosofi_disp_2019/FILO2019_DISP_COM.csv")
    dep = load_insee_csv(DATA / "insee/filosofi_disp_2019/FILO2019_DISP_DEP.csv")
    reg = load_insee_csv(DATA / "insee/filosofi_disp_2019/FILO2019_DISP_REG.csv")
    assert len(com.table) == 31_361 and com.table["LIBGEO"].notna().all()
    # 98 départements and 15 régions: Guadeloupe, Guyane and Mayotte are not covered
    assert (dep.level, len(dep.table), reg.level, len(reg.table)) == (
        "departement", 98, "region", 15)
    assert not {"971", "973", "976"} & set(dep.table["code"])
    assert not (com.rejected or dep.rejected or reg.rejected)


@needs_data
def test_full_comparateur_zip():
    result = load_insee_csv(DATA / "insee/comparateur_2018/base_cc_comparateur_csv.zip")
    t = result.table
    assert len(t) == 35_010 and t["arm"].sum() == 45 and not result.rejected
    assert result.secret_cells["P18_POP"] == 17
    assert t.loc[~t["arm"], "P18_POP"].sum() == pytest.approx(66_732_538, rel=0.01)


@needs_data
def test_full_logement_subset_is_repaired():
    result = load_insee_csv(DATA / "insee/rp2021_logement_subset/base-cc-logement-2021_subset.CSV")
    t = result.table
    assert len(t) == 34_963 and t["code"].is_unique and not result.rejected
    assert any("leading zeros restored in 3139 rows" in n for n in result.notes)
    note = next(n for n in result.notes if n.startswith("nearly empty"))
    assert all(f"P10_RP_{v} (112)" in note for v in ("HABFOR", "CASE", "MIBOIS", "MIDUR"))
    # the 112 values are the overseas communes: these variables exist only there
    assert t.loc[t["P10_RP_CASE"].notna(), "code"].str[:3].isin(["971", "972", "973", "974"]).all()
