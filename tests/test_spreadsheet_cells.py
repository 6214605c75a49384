"""No text cell of a CSV written for users can start a spreadsheet formula."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiers import examples

from atlas.perception import autodiagnostic as auto
from atlas.reports import data_files
from french.spreadsheet_cells import (
    ESCAPE,
    FORMULA_STARTS,
    LINE_TERMINATOR,
    escape_formulas,
    escape_text,
)

RISKY = st.sampled_from(FORMULA_STARTS).flatmap(lambda c: st.text(max_size=8).map(
    lambda t: c + t))
TEXT = st.one_of(RISKY, st.text(max_size=12))


def read_back(frame: pd.DataFrame, sep: str = ",", decimal: str = ".") -> list[list[str]]:
    """``frame`` written as users get it, then read with Python's csv module."""
    text = escape_formulas(frame).to_csv(sep=sep, decimal=decimal, index=False,
                                         lineterminator=LINE_TERMINATOR)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))


def test_a_carriage_return_inside_a_cell_is_quoted_not_a_new_row():
    rows = read_back(pd.DataFrame({"nom": ["a\r=1+1", "b\n@x"], "n": [1, -2]}))
    assert rows == [["nom", "n"], ["a\r=1+1", "1"], ["b\n@x", "-2"]]


def check_text_cells(cells: list[str]) -> None:
    for cell in cells:
        assert not cell.startswith(FORMULA_STARTS), cell


@settings(max_examples=examples(200))
@given(texts=st.lists(TEXT, min_size=1, max_size=8), data=st.data(),
       format_=st.sampled_from([(",", "."), (";", ",")]), name=TEXT)
def test_text_cells_read_back_never_start_a_formula_and_numbers_are_unchanged(
        texts, data, format_, name):
    n = len(texts)
    floats = data.draw(st.lists(st.floats(allow_nan=False, allow_infinity=False,
                                          width=32), min_size=n, max_size=n))
    integers = data.draw(st.lists(st.integers(-10**6, 10**6), min_size=n, max_size=n))
    mixed = data.draw(st.lists(st.one_of(TEXT, st.integers(-99, 99)), min_size=n, max_size=n))
    frame = pd.DataFrame({"texte": texts, "nombre": floats, "entier": integers,
                          "mixte": pd.Series(mixed, dtype=object), name: texts})
    sep, decimal = format_
    header, *rows = read_back(frame, sep, decimal)
    assert len(rows) == n
    check_text_cells(header)
    for row, text, number, integer, value in zip(rows, texts, floats, integers, mixed,
                                                 strict=True):
        check_text_cells([row[0], row[4]])
        assert row[0] == escape_text(text) and row[0] in (text, ESCAPE + text)
        assert float(row[1].replace(decimal, ".")) == number
        assert int(row[2]) == integer
        assert row[3] == (str(value) if isinstance(value, int) else escape_text(value))


def test_escape_formulas_leaves_numbers_dates_and_the_input_alone():
    frame = pd.DataFrame({"code": ["01001", "-3", "@x", "\tA", "\rB", "+33", None],
                          "valeur": [-1.5, 2.0, np.nan, -3.0, 0.0, 1.0, -2.5],
                          "rang": pd.array([1, -2, None, 4, 5, 6, 7], dtype="Int64"),
                          "jour": pd.to_datetime(["2024-01-01"] * 7),
                          "catégorie": pd.Categorical(["=a", "b", "=a", "b", "b", "b", "b"])})
    before = frame.copy()
    out = escape_formulas(frame)
    pd.testing.assert_frame_equal(frame, before)  # not modified
    assert list(out["code"][:6]) == ["01001", "'-3", "'@x", "'\tA", "'\rB", "'+33"]
    assert pd.isna(out["code"].iloc[6])
    for column in ("valeur", "rang", "jour"):
        pd.testing.assert_series_equal(out[column], frame[column])
    assert list(out["catégorie"]) == ["'=a", "b", "'=a", "b", "b", "b", "b"]
    assert escape_formulas(frame[["valeur"]]) is not frame  # always a copy


def test_column_names_are_escaped_too():
    out = escape_formulas(pd.DataFrame({"=SUM(A1)": ["x"], "-écart": [1.0], 3: [2]}))
    assert list(out.columns) == ["'=SUM(A1)", "'-écart", 3]


def test_autodiagnostic_csv_escapes_text_cells():
    table = pd.DataFrame({"domain": ["health", "housing"], "official_position": [1.0, 2.0],
                          "standing": [0.9, -0.1], "objective_rank": pd.array([1, 2], "Int64"),
                          "score": [0.5, 0.25], "ci_low": [0.4, 0.2], "ci_high": [0.6, 0.3],
                          "perceived_rank": pd.array([2, 1], "Int64"),
                          "n_effective": [10.0, 10.0], "finding": ["", auto.BLIND_SPOT]})
    diagnosis = auto.Diagnosis(table, (), ())
    content = auto.to_csv(diagnosis, "=HYPERLINK(\"http://x\")", simulated=False,
                          source="@SUM(1+1)").decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=";"))
    assert rows[0][0] == "'=HYPERLINK(\"http://x\")"
    assert rows[0][-1] == "'@SUM(1+1)"
    assert rows[1][header.index(auto.COLUMNS["standing"])] == "-0,100"  # a number


def test_data_files_csv_and_its_sources_are_escaped(tmp_path, monkeypatch):
    rows = pd.DataFrame({"code": ["01001", "01002"], "name": ["=1+1", "Ambérieu"],
                         "overall": [0.5, -0.25]})
    sources = pd.DataFrame({"id": ["x"], "label": ["+33 1 23"]})
    monkeypatch.setattr(data_files, "level_rows", lambda level, method, intervals: rows)
    monkeypatch.setattr(data_files, "sources_table", lambda: sources)
    out, sidecar = data_files.write_level("communes", "csv", tmp_path / "c.csv")
    table = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert table[1] == ["01001", "'=1+1", "0.5"] and table[2][2] == "-0.25"
    assert ["x", "'+33 1 23"] in list(csv.reader(sidecar.open(encoding="utf-8", newline="")))


@pytest.mark.parametrize("value", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_escaped(value):
    assert escape_text(value + "1") == ESCAPE + value + "1"
