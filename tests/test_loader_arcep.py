"""ARCEP FttH loader: real extract with its title lines, broken files, full file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from raw_data import RAW as SHARED
from tiers import examples, needs_data

from indicators.loaders.arcep import load_arcep_ftth, quarter_name
from indicators.loaders.base import LoadError

RAW = Path(__file__).parent / "data" / "raw"
EXTRACT = RAW / "ftthCommunes_T3-2017_T1-2018_extract.csv"
DATA = SHARED / "numerique" / "arcep_ftth_2018"
TITLE = ("Réseaux en fibre optique jusqu'à l'abonné (FttH),,,,\nDéploiement par Commune,,,,\n"
         ",,,,\n,,,,\n")
HEADER = "Code commune,Champ,T3 2017,T4 2017,T1 2018\n"


def test_extract():
    result = load_arcep_ftth(EXTRACT)
    t = result.table.set_index("code")
    assert list(result.table.columns) == [
        "code", "locaux_raccordables_2018T1", "locaux_raccordables_2017T4",
        "locaux_raccordables_2017T3", "categorie_2018T1", "categorie_2017T4",
        "categorie_2017T3"]
    assert len(t) == 16 and not result.rejected
    assert t.loc["01004"].tolist() == [2248, 1793, 1460, 25, 10, 10]
    assert t.loc["75056", "locaux_raccordables_2018T1"] == 1484108
    assert t.loc["97801", "locaux_raccordables_2018T1"] == 143
    assert result.notes[0] == "header on line 5 (as distributed)"
    assert any("latest: 2018T1" in n for n in result.notes)
    assert any(n.startswith("OLD DATA") for n in result.notes)
    # Marseille fell from 246,383 to 244,708 in 2017T4, then rose to 248,140
    assert t.loc["13055"].tolist()[:3] == [248140, 244708, 246383]
    assert ("0 communes with fewer premises connectable in 2018T1 than in 2017T3 "
            "(as published)") in result.notes


def write(tmp_path: Path, body: str, title: str = TITLE, header: str = HEADER) -> Path:
    path = tmp_path / "ftth.csv"
    path.write_text(title + header + body, encoding="utf-8")
    return path


def test_header_elsewhere_is_found_and_said(tmp_path):
    result = load_arcep_ftth(write(tmp_path, "01001,Locaux Raccordables,0,0,1\n", title=""))
    assert result.notes[0] == "header on line 1, not 5"
    assert result.table["locaux_raccordables_2018T1"].tolist() == [1]


def test_no_header(tmp_path):
    with pytest.raises(LoadError, match="no header line starting with 'Code commune'"):
        load_arcep_ftth(write(tmp_path, "", header="Commune,Champ,T1 2018\n"))


def test_unknown_quarter_column(tmp_path):
    with pytest.raises(LoadError, match="not a quarter label") as info:
        load_arcep_ftth(write(tmp_path, "", header="Code commune,Champ,T1 2018,Total\n"))
    assert info.value.row == 5 and info.value.column == "Total"


def test_wrong_number_of_fields(tmp_path):
    path = write(tmp_path, "01001,Locaux Raccordables,0,0,1\n01001,Catégorie,0,0\n")
    with pytest.raises(LoadError, match="4 fields, the header has 5") as info:
        load_arcep_ftth(path)
    assert info.value.row == 7


def test_negative_or_text_count(tmp_path):
    with pytest.raises(LoadError, match="not a whole number >= 0: '-3'") as info:
        load_arcep_ftth(write(tmp_path, "01001,Locaux Raccordables,0,-3,1\n"))
    assert (info.value.row, info.value.column) == (6, "T4 2017")


def test_bad_rows_are_rejected(tmp_path):
    body = ("100,Locaux Raccordables,0,0,1\n01001,Prises,0,0,1\n"
            "01001,Locaux Raccordables,0,0,1\n01001,Locaux Raccordables,5,5,5\n")
    result = load_arcep_ftth(write(tmp_path, body))
    assert [(r.row, r.reason.split(" (")[0]) for r in result.rejected] == [
        (6, "not a commune code"), (7, "unknown field"),
        (9, "second locaux_raccordables row for this commune")]
    # rows 8 and 9 disagree on every quarter: missing, not the first one picked
    assert result.table["locaux_raccordables_2018T1"].isna().all()
    assert [(c.code, c.rows, c.column, c.values) for c in result.conflicts][-1] == (
        "01001", (8, 9), "locaux_raccordables_2018T1", ("1", "5"))
    agree = load_arcep_ftth(write(tmp_path, "01001,Locaux Raccordables,0,0,1\n"
                                            "01001,Locaux Raccordables,0,0,1\n"))
    assert agree.table["locaux_raccordables_2018T1"].tolist() == [1] and not agree.conflicts


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6),
                          st.integers(0, 10**6)), min_size=1, max_size=15))
def test_round_trip(tmp_path_factory, rows):
    body = "".join(f"{i + 1:05d},Locaux Raccordables,{a},{b},{c}\n"
                   for i, (a, b, c) in enumerate(rows))
    table = load_arcep_ftth(write(tmp_path_factory.mktemp("arcep"), body)).table
    assert table[["locaux_raccordables_2017T3", "locaux_raccordables_2017T4",
                  "locaux_raccordables_2018T1"]].values.tolist() == [list(r) for r in rows]


def test_quarter_name():
    assert quarter_name("T4 2017") == "2017T4"
    with pytest.raises(ValueError, match="expected like 'T1 2018'"):
        quarter_name("2018-Q1")


@needs_data
def test_full_file():
    result = load_arcep_ftth(DATA / "ftthCommunes_T3-2017_T1-2018.csv")
    t = result.table
    assert len(t) == 35361 and not result.rejected
    assert t["locaux_raccordables_2018T1"].sum() == 10965667
    assert t["locaux_raccordables_2017T3"].sum() == 9557404
    assert (t["categorie_2018T1"] == 80).sum() == 1499
    assert ("127 communes with fewer premises connectable in 2018T1 than in 2017T3 "
            "(as published)") in result.notes
