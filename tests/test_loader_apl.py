"""DREES APL loader: real extract, broken files, round trip, and the full file."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw_data import RAW as DATA
from tiers import examples, needs_data

from indicators.loaders.apl import load_apl
from indicators.loaders.base import LoadError

RAW = Path(__file__).parent / "data" / "raw"
EXTRACT = RAW / "Accessibilite_potentielle_localisee_mg_2023_extract.txt"
HEADER = "codgeo\tlibgeo\tan\tapl_mg_hmep\n"


def test_extract():
    result = load_apl(EXTRACT)
    t = result.table.set_index("code")
    assert list(result.table.columns) == ["code", "libgeo", "apl_mg_hmep"]
    assert len(t) == 22 and not result.rejected  # the trailing blank line is no row
    assert t.loc["75056", "apl_mg_hmep"] == 5.0 and t.loc["01001", "apl_mg_hmep"] == 1.9
    assert t.loc["01004", "libgeo"] == "Ambérieu-en-Bugey"
    assert math.isnan(t.loc["55039", "apl_mg_hmep"]) and math.isnan(t.loc["60694", "apl_mg_hmep"])
    assert result.secret_cells == {"apl_mg_hmep": 4}
    assert "4 communes without value (NaN): ['55039', '55050', '60694', '85165']" in result.notes
    assert any(n.startswith("year 2023") for n in result.notes)
    assert "decimal mark: comma" in result.notes


def test_missing_column(tmp_path):
    path = tmp_path / "apl.txt"
    path.write_text("codgeo\tlibgeo\tan\tapl\n01001\tX\t2023\t1,9\n", encoding="utf-8")
    with pytest.raises(LoadError, match="column not found") as info:
        load_apl(path)
    assert info.value.column == "apl_mg_hmep" and str(path) in str(info.value)


def test_semicolon_file_is_refused(tmp_path):
    path = tmp_path / "apl.csv"
    path.write_text("codgeo;libgeo;an;apl_mg_hmep\n01001;X;2023;1,9\n", encoding="utf-8")
    with pytest.raises(LoadError, match="single column"):
        load_apl(path)


def test_two_years_are_refused(tmp_path):
    path = tmp_path / "apl.txt"
    path.write_text(HEADER + "01001\tA\t2022\t1,9\n01002\tB\t2023\t2,4\n", encoding="utf-8")
    with pytest.raises(LoadError, match="several years") as info:
        load_apl(path)
    assert info.value.column == "an"


def test_bad_value_and_code_are_rejected(tmp_path):
    path = tmp_path / "apl.txt"
    path.write_text(HEADER + "01001\tA\t2023\t1,9\n01002\tB\t2023\tn/a\n0100X\tC\t2023\t2\n",
                    encoding="latin-1")
    result = load_apl(path)
    assert [(r.row, r.column, r.value, r.reason) for r in result.rejected] == [
        (3, "apl_mg_hmep", "n/a", "not a number"),
        (4, "codgeo", "0100X", "invalid commune code")]
    assert result.table["code"].tolist() == ["01001"]


def test_mixed_lost_zeros_are_refused(tmp_path):
    path = tmp_path / "apl.txt"
    path.write_text(HEADER + "01001\tA\t2023\t1,9\n1002\tB\t2023\t2\n", encoding="utf-8")
    with pytest.raises(LoadError, match="ambiguous") as info:
        load_apl(path)
    assert info.value.column == "codgeo"


@settings(max_examples=examples(50), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.one_of(st.none(), st.decimals(0, 10, places=2).map(float)),
                       min_size=1, max_size=30),
       trailing=st.integers(0, 2))
def test_round_trip(tmp_path, values, trailing):
    lines = [f"{1001 + i:05d}\tCommune {i}\t2023\t"
             + ("" if v is None else f"{v:.2f}".replace(".", ",")) for i, v in enumerate(values)]
    path = tmp_path / "apl.txt"
    path.write_text(HEADER + "\n".join(lines) + "\n" * (1 + trailing), encoding="utf-8")
    result = load_apl(path)
    expected = pd.Series([float("nan") if v is None else v for v in values], name="apl_mg_hmep")
    pd.testing.assert_series_equal(result.table["apl_mg_hmep"], expected)
    assert result.secret_cells == {"apl_mg_hmep": values.count(None)} and not result.rejected


@needs_data
def test_full_file():
    result = load_apl(DATA / "sante/apl_mg_2023/Accessibilite_potentielle_localisee_mg_2023.txt")
    t = result.table.set_index("code")
    assert len(t) == 34_858 and t.index.is_unique and not result.rejected
    assert result.secret_cells == {"apl_mg_hmep": 9}
    missing = sorted(t.index[t["apl_mg_hmep"].isna()])
    assert missing == ["55039", "55050", "55139", "55189", "55239", "55307",
                       "60694", "85165", "85212"]
    assert t.loc["75056", "apl_mg_hmep"] == pytest.approx(5.0)
    assert t["apl_mg_hmep"].median() == pytest.approx(2.9)
    assert not t.index.str.startswith("976").any()  # Mayotte is not covered
