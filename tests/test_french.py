"""French writing of figures (french): properties that hold for any value."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import french

FINITE = st.floats(allow_nan=False, allow_infinity=False)
SPACES = st.sampled_from([french.NNBSP, french.NBSP])
MISSING_VALUES = [None, float("nan"), np.nan, np.float64("nan"), pd.NA, pd.NaT]


def parse(text: str) -> float:
    """The float written in ``text`` (separators removed, comma made a point)."""
    return float(text.replace(french.NNBSP, "").replace(french.NBSP, "").replace(",", "."))


@given(value=FINITE, decimals=st.integers(0, 4), space=SPACES)
def test_number_parses_back_within_rounding(value, decimals, space):
    text = french.number(value, decimals, space)
    assert "." not in text and " " not in text
    assert (french.NBSP if space == french.NNBSP else french.NNBSP) not in text
    assert abs(parse(text) - value) <= 0.5 * 10 ** -decimals + abs(value) * 1e-15
    if decimals:
        assert re.fullmatch(rf"-?\d{{1,3}}({space}\d{{3}})*,\d{{{decimals}}}", text)


@given(value=FINITE, space=SPACES)
def test_integer_has_no_decimal_part(value, space):
    text = french.integer(value, space)
    assert re.fullmatch(rf"-?\d{{1,3}}({space}\d{{3}})*", text)
    assert abs(parse(text) - value) <= 0.5 + abs(value) * 1e-15


@given(day=st.dates())
def test_date_says_1er_on_the_first_of_the_month_only(day):
    text = french.date(day)
    assert text.startswith("1er ") == (day.day == 1)
    assert text.endswith(f" {french.MONTHS[day.month - 1]} {day.year}")
    assert french.date(day.isoformat()) == text


@pytest.mark.parametrize("year", [2025, 2028])  # a common and a leap year
def test_every_day_of_a_year(year):
    day, firsts = dt.date(year, 1, 1), 0
    while day.year == year:
        text = french.date(day)
        first = text.startswith("1er ")
        assert first == (day.day == 1)
        if not first:
            assert text.startswith(f"{day.day} ")
        firsts += first
        day += dt.timedelta(days=1)
    assert firsts == 12


WRITERS = {
    "number": lambda v, **kw: french.number(v, 2, **kw),
    "integer": french.integer,
    "compact": french.compact,
    "indicator_value": french.indicator_value,
    "quantity": lambda v, **kw: french.quantity(v, "%", **kw),
    "percent": french.percent,
    "population": french.population,
    "area": french.area,
    "rank": lambda v, **kw: french.rank(v, 100, **kw),
    "rank_size": lambda v, **kw: french.rank(3, v, **kw),
    "rank_interval": lambda v, **kw: french.rank_interval(v, 12, **kw),
    "signed": french.signed,
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("value", MISSING_VALUES, ids=repr)
def test_a_missing_value_gives_the_missing_wording(writer, value):
    text = WRITERS[writer](value)
    assert text == french.MISSING
    assert WRITERS[writer](value, missing=french.MISSING_SHORT) == french.MISSING_SHORT
    assert "0" not in text and "nan" not in text.lower()
    assert french.is_missing(value)


@given(value=st.one_of(FINITE, st.integers(-10**12, 10**12)))
def test_a_present_value_is_never_the_missing_wording(value):
    assert not french.is_missing(value)
    for writer in WRITERS.values():
        assert writer(value) not in (french.MISSING, french.MISSING_SHORT)


@given(share=st.floats(0, 1), decimals=st.integers(0, 2))
def test_percent_is_the_share_in_hundredths(share, decimals):
    text = french.percent(share, decimals)
    assert text.endswith(f"{french.NNBSP}%")
    assert abs(parse(text.removesuffix(f"{french.NNBSP}%")) - 100 * share) <= 0.5 * 10 ** -decimals


@given(value=FINITE, decimals=st.integers(0, 3))
def test_signed_change_carries_its_sign(value, decimals):
    text = french.signed(value, decimals)
    sign = -1 if text.startswith(french.MINUS) else 1
    assert text[0] in ("+", french.MINUS) and "-" not in text
    assert abs(sign * parse(text[1:]) - value) <= 0.5 * 10 ** -decimals + abs(value) * 1e-15


def test_the_writings_of_the_app_and_the_sheet():
    nnbsp = french.NNBSP
    assert french.population(6124653) == f"6{nnbsp}124{nnbsp}653{nnbsp}hab."
    assert french.area(0.04) == f"0,0{nnbsp}km²"
    assert french.area(83201.21796, space=french.NBSP) == "83\xa0201,2\xa0km²"
    assert french.rank(12, 34875) == f"12 sur 34{nnbsp}875"
    assert french.rank_interval(254.6, 12066.4) == f"255 à 12{nnbsp}066"
    assert french.indicator_value(123.44) == "123,4"
    assert french.compact(0.5) == "0,5" and french.compact(3.0) == "3"
    assert french.signed(-12.0, unit="points") == f"\u221212{nnbsp}points"


@given(st.integers(1, 40_000), st.integers(1, 40_000))
def test_rank_reading_names_the_smallest_share_holding_the_rank(position, size):
    position = min(position, size)
    text = french.rank_reading(position, size, "communes", space=" ")
    if size == 1 or text.startswith("au milieu"):
        assert text == "" if size == 1 else position / size > 0.5 > (size - position) / size
        return
    step = int(re.match(r"parmi les (\d+) % de communes les (plus|moins) fragiles", text)[1])
    most = "plus fragiles" in text
    share = position / size if most else (size - position + 1) / size
    assert most == (position / size <= 0.5)
    assert share <= step / 100 + 1e-12
    smaller = [s for s in french.SHARE_STEPS if s < step]
    assert not smaller or share > smaller[-1] / 100
