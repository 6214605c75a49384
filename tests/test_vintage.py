"""Year placeholders and the year a header declares (indicators.vintage)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.vintage import (
    declared_year,
    full_year,
    has_placeholder,
    offsets,
    resolve,
    resolve_columns,
    shift_years,
    suffix_years,
    years_matching,
)

years = st.integers(1970, 2050)  # two-digit years read 1960-2059 (TWO_DIGIT_PIVOT)
prefixes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ_", min_size=1, max_size=8)
shifts = st.integers(-9, 9)


def test_resolve_forms():
    assert resolve("MED{yy}", 2021) == "MED21"
    assert resolve("P{yy-5}_POP", 2018) == "P13_POP"
    assert resolve("FILO{year}_DISP_COM.csv", 2019) == "FILO2019_DISP_COM.csv"
    assert resolve("rentrée {year}-{year+1}", 2021) == "rentrée 2021-2022"
    assert resolve("{yyyy}/{yy+1}", 1999) == "1999/00"
    assert resolve("no year", 2021) == "no year"


@given(prefix=prefixes, suffix=prefixes, year=years, shift=shifts)
def test_a_resolved_name_is_matched_back_to_its_year(prefix, suffix, year, shift):
    sign = "+" if shift >= 0 else "-"
    pattern = f"{prefix}{{yy{sign}{abs(shift)}}}{suffix}"
    name = resolve(pattern, year)
    assert has_placeholder(pattern) and not has_placeholder(name)
    assert year in years_matching(pattern, [name, "OTHER"])
    found = declared_year([pattern], [name], expected=year)
    assert (found.year, found.complete, found.evidence) == (year, True, [name])


@given(year=years, other=years)
def test_the_declared_year_is_the_one_every_pattern_names(year, other):
    patterns = ["MED{yy}", "D1{yy}", "P{yy-5}_POP"]
    header = ["CODGEO", *(resolve(p, year) for p in patterns)]
    found = declared_year(patterns, header, expected=other)
    assert found.year == year and found.complete
    assert found.years == [year]


def test_a_series_declares_several_years_and_the_expected_one_wins():
    header = ["code", "part_2010", "part_2015", "part_2021"]
    assert declared_year(["part_{yyyy}"], header, expected=2015).year == 2015
    found = declared_year(["part_{yyyy}"], header, expected=2022)
    assert found.year == 2021 and found.years == [2010, 2015, 2021]


def test_partial_and_absent_years():
    found = declared_year(["MED{yy}", "GI{yy}"], ["MED19", "X"], expected=2021)
    assert (found.year, found.complete) == (2019, False)
    assert declared_year(["MED{yy}"], ["X", "Y"]).year is None
    assert declared_year(["MED"], ["MED"]).year is None


@given(old=years, new=years)
def test_shift_years_moves_only_the_source_years(old, new):
    text = f"Emplois {old - 5}-{old}, population 1950, code 12345"
    shifted = shift_years(text, old, new, {0, -5})
    assert shifted == f"Emplois {new - 5}-{new}, population 1950, code 12345"
    assert shift_years(shifted, new, old, {0, -5}) == text


def test_offsets_and_full_year():
    assert offsets(["P{yy-5}_POP", "{year+3}", "X"]) == {0, -5, 3}
    assert (full_year(21), full_year(99), full_year(62)) == (2021, 1999, 1962)


def test_suffix_years_is_a_clue_from_insee_names():
    found = suffix_years(["CODGEO", "P18_POP", "P13_POP", "P18_LOG", "MED19", "TP6019"])
    assert found.year == 2018 and found.years == [2013, 2018, 2019]
    assert suffix_years(["CODGEO", "LIBGEO", "TP6021"]).year is None


def test_resolve_columns():
    assert resolve_columns(["MED{yy}", "X"], 2019) == {"MED19": "MED19", "X": "X"}
    assert resolve_columns({"MED21": "MED{yy}"}, 2019) == {"MED21": "MED19"}
    with pytest.raises(ValueError, match="need a year"):
        resolve_columns(["MED{yy}"], None)
