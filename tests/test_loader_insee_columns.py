"""INSEE CSV loader: only the columns used, years, duplicates, size bound, line numbers."""

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

from indicators.loaders.base import LoadError, VintageError
from indicators.loaders.insee_csv import load_insee_csv, parse_numbers

RAW = Path(__file__).parent / "data" / "raw"
FILOSOFI = RAW / "cc_filosofi_2021_COM_extract.csv"


def write(tmp_path: Path, text: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def corsica(tmp_path: Path) -> Path:
    rows = ["CODGEO;LIBGEO;DEP;MED21"]
    rows += [f"01{i:03d};A{i};01;{20000 + i}" for i in range(1, 6)]
    rows += [f"2A{i:03d};C{i};2A;{18000 + i}" for i in range(1, 181)]
    rows += [f"2B{i:03d};H{i};2B;{17000 + i}" for i in range(1, 181)]
    return write(tmp_path, "\n".join(rows) + "\n")


def test_a_dep_column_with_2a_2b_never_loses_corsica(tmp_path):
    path = corsica(tmp_path)
    used = load_insee_csv(path, columns=["MED21"])
    assert len(used.table) == 365 and not used.rejected
    assert list(used.table.columns) == ["code", "arm", "MED21"]
    assert used.table["code"].str.startswith("2").sum() == 360
    everything = load_insee_csv(path)  # DEP is a geographic code: read as text
    assert len(everything.table) == 365 and not everything.rejected
    assert everything.table.set_index("code").loc["2B180", "DEP"] == "2B"


def test_a_non_number_in_a_column_not_kept_rejects_nothing(tmp_path):
    path = write(tmp_path, "CODGEO;X;MED21\n01001;abc;1\n01002;2;3\n")
    assert len(load_insee_csv(path, columns=["MED21"]).table) == 2
    result = load_insee_csv(path, detect_text=False)  # X kept: its row is rejected
    assert [(r.row, r.column) for r in result.rejected] == [(2, "X")]


def test_columns_with_year_placeholders(tmp_path):
    text = FILOSOFI.read_text(encoding="utf-8").replace("21;", "19;").replace("21\n", "19\n")
    path = write(tmp_path, text, "cc_filosofi_2019_COM.csv")
    with pytest.raises(VintageError, match="declares the year 2019") as info:
        load_insee_csv(path, columns=["MED{yy}", "TP60{yy}"], year=2021)
    assert (info.value.declared, info.value.expected) == (2019, 2021)
    assert "MED19" in str(info.value) and "year=2019" in str(info.value)
    result = load_insee_csv(path, columns={"MED21": "MED{yy}", "TP6021": "TP60{yy}"},
                            year=2019)
    assert list(result.table.columns) == ["code", "arm", "MED21", "TP6021"]
    assert result.declared_year == 2019
    reference = load_insee_csv(FILOSOFI, columns=["MED21", "TP6021"])
    pd.testing.assert_frame_equal(result.table, reference.table)
    assert set(result.secret_cells) == {"MED21", "TP6021"}


def test_literal_columns_of_another_year_are_refused(tmp_path):
    with pytest.raises(VintageError, match="2021 .* but 2019 is expected"):
        load_insee_csv(FILOSOFI, columns=["MED21", "D121"], year=2019)
    assert load_insee_csv(FILOSOFI, columns=["MED21"], year=2021).declared_year == 2021
    assert load_insee_csv(FILOSOFI).declared_year == 2021


def test_duplicates_that_agree_are_kept_once(tmp_path):
    path = write(tmp_path, "CODGEO;CP;X;Y\n01001;01400;1,5;2\n01001;01401;1,5;2\n"
                           "01002;01000;3;4\n")
    result = load_insee_csv(path, columns=["X", "Y"])
    assert result.table["code"].tolist() == ["01001", "01002"]
    assert result.table["X"].tolist() == [1.5, 3.0] and not result.conflicts
    assert [(r.row, r.reason) for r in result.rejected] == [
        (3, "duplicate code (first at row 2)")]


def test_duplicates_that_disagree_are_left_missing_and_listed(tmp_path):
    path = write(tmp_path, "CODGEO;LIBGEO;X;Y\n01001;A;1;2\n01002;B;3;4\n01001;A;1;5\n"
                           "01001;Z;1;s\n")
    result = load_insee_csv(path)
    t = result.table.set_index("code")
    assert t.loc["01001", "X"] == 1.0 and math.isnan(t.loc["01001", "Y"])
    assert pd.isna(t.loc["01001", "LIBGEO"]) and t.loc["01002", "Y"] == 4.0
    got = {(c.code, c.column): (c.rows, c.values) for c in result.conflicts}
    assert got == {("01001", "LIBGEO"): ((2, 4, 5), ("A", "A", "Z")),
                   ("01001", "Y"): ((2, 4, 5), ("2", "5", "s"))}
    assert any("disagree" in n for n in result.notes)
    assert not result.withheld.set_index(result.table["code"]).loc["01001", "Y"]


def test_plm_note_only_when_both_commune_and_arrondissements(tmp_path):
    both = load_insee_csv(FILOSOFI)
    assert any("also have their own commune row" in n for n in both.notes)
    alone = write(tmp_path, "CODGEO;X\n75101;1\n75102;2\n01001;3\n")
    notes = load_insee_csv(alone).notes
    assert not any("also have their own commune row" in n for n in notes)
    assert any("without a row for their commune (Paris)" in n for n in notes)
    none = write(tmp_path, "CODGEO;X\n01001;1\n", "none.csv")
    assert not any("arrondissement" in n for n in load_insee_csv(none).notes)


def test_size_bound(tmp_path):
    path = corsica(tmp_path)
    with pytest.raises(LoadError, match="above the size bound") as info:
        load_insee_csv(path, max_bytes=1000)
    assert "max_bytes" in str(info.value)
    assert len(load_insee_csv(path, max_bytes=100_000).table) == 365
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("data.csv", "CODGEO;X\n" + "01001;1\n" + "\n" * 5000)
    assert archive.stat().st_size < 1000
    with pytest.raises(LoadError, match="zip member of"):
        load_insee_csv(archive, max_bytes=1000)


# --- hypothesis: number parsing and line numbers ----------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@given(values=st.lists(finite, min_size=1, max_size=30), comma=st.booleans(),
       exponent=st.booleans())
def test_parse_numbers_agrees_with_python(values, comma, exponent):
    texts = [f"{v:.6e}" if exponent else repr(v) for v in values]
    texts = [t.replace(".", ",") if comma else t for t in texts]
    parsed = parse_numbers(pd.Series(texts))
    expected = [float(t.replace(",", ".")) for t in texts]
    assert parsed.values.tolist() == expected
    assert not parsed.bad.any() and not parsed.missing.any()


@given(st.lists(st.text(max_size=6), min_size=1, max_size=30))
def test_parse_numbers_flags_every_cell_exactly_once(texts):
    parsed = parse_numbers(pd.Series(texts))
    number = ~(parsed.missing | parsed.bad)
    assert (number.astype(int) + parsed.missing + parsed.bad == 1).all()
    assert parsed.values[number].notna().all() and parsed.values[~number].isna().all()


kinds = st.lists(st.sampled_from(["good", "good", "good", "blank", "short", "long"]),
                 min_size=1, max_size=40)


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=kinds, crlf=st.booleans(), final_newline=st.booleans())
def test_every_row_keeps_the_line_number_an_editor_shows(tmp_path, rows, crlf, final_newline):
    lines, good, bad = ["CODGEO;X;Y"], [], []
    for i, kind in enumerate(rows):
        number = len(lines) + 1
        code = f"{1001 + i:05d}"
        if kind == "good":
            lines.append(f"{code};{i};1")
            good.append((code, number))
        elif kind == "blank":
            lines.append("")
        elif kind == "short":
            lines.append(f"{code};{i}")
            bad.append(number)
        else:
            lines.append(f"{code};{i};1;9")
            bad.append(number)
    eol = "\r\n" if crlf else "\n"
    text = eol.join(lines) + (eol if final_newline else "")
    path = tmp_path / "rows.csv"
    path.write_bytes(text.encode())
    if bad and len(bad) >= len(good):
        with pytest.raises(LoadError, match="wrong separator"):
            load_insee_csv(path)
        return
    result = load_insee_csv(path)
    assert result.table["code"].tolist() == [c for c, _ in good]
    assert [r.row for r in result.rejected] == bad
    # a non-number in row k is reported at line k
    if good:
        code, number = good[-1]
        broken = path.read_bytes().replace(f"{code};".encode(), f"{code}x;".encode())
        path.write_bytes(broken)
        result = load_insee_csv(path)
        assert (number, "invalid commune code") in [(r.row, r.reason) for r in result.rejected]


# --- real files -------------------------------------------------------------------------

@needs_data
def test_columns_used_give_the_same_values_as_a_full_read():
    path = DATA / "insee/comparateur_2018/base_cc_comparateur_csv.zip"
    columns = {"P18_POP": "P{yy}_POP", "P13_POP": "P{yy-5}_POP", "ETTOT18": "ETTOT{yy}"}
    used = load_insee_csv(path, columns=columns, year=2018)
    full = load_insee_csv(path)
    assert used.declared_year == 2018 and len(used.table) == len(full.table) == 35_010
    np.testing.assert_array_equal(used.table[list(columns)].to_numpy(),
                                  full.table[list(columns)].to_numpy())
    with pytest.raises(VintageError, match="declares the year 2018"):
        load_insee_csv(path, columns=columns, year=2019)


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=kinds, names=st.lists(st.text(alphabet="aéèçÀ€ 'x", min_size=1, max_size=5),
                                  min_size=40, max_size=40),
       crlf=st.booleans(), chunk=st.integers(1, 17), encoding=st.sampled_from(
           ["utf-8", "utf-8-sig", "cp1252"]))
def test_reading_in_small_chunks_changes_nothing(tmp_path, monkeypatch, rows, names, crlf,
                                                 chunk, encoding):
    from indicators.loaders import csv_columns

    eol = "\r\n" if crlf else "\n"
    lines = ["CODGEO;LIBGEO;X"]
    for i, kind in enumerate(rows):
        code = f"{1001 + i:05d}"
        lines.append({"good": f"{code};{names[i]};{i},5", "blank": "",
                      "short": f"{code};{names[i]}", "long": f"{code};a;1;2"}[kind])
    path = tmp_path / "chunks.csv"
    path.write_bytes((eol.join(lines) + eol).encode(encoding))
    try:
        whole = load_insee_csv(path)
    except LoadError as error:
        whole = str(error)
    monkeypatch.setattr(csv_columns, "CHUNK", chunk)
    try:
        pieces = load_insee_csv(path)
    except LoadError as error:
        pieces = str(error)
    if isinstance(whole, str):
        assert pieces == whole
        return
    pd.testing.assert_frame_equal(pieces.table, whole.table)
    assert pieces.rejected == whole.rejected and pieces.notes == whole.notes


def test_a_bom_is_found_even_in_one_byte_reads(tmp_path, monkeypatch):
    from indicators.loaders import csv_columns

    path = tmp_path / "bom.csv"
    path.write_bytes("CODGEO;LIBGEO;X\r\n01001;é;1\r\n".encode("utf-8-sig"))
    monkeypatch.setattr(csv_columns, "CHUNK", 1)
    result = load_insee_csv(path)
    assert "encoding: UTF-8 with BOM" in result.notes
    assert result.table.to_dict("records") == [{"code": "01001", "arm": False,
                                                "LIBGEO": "é", "X": 1.0}]
