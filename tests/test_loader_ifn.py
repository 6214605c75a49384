"""MedNum IFN loader: headerless real extracts, broken rows, weighting by hand, full files."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from raw_data import RAW as DATA
from tiers import examples, needs_data

from indicators.loaders.base import LoadError
from indicators.loaders.ifn import load_ifn, load_ifn_iris, read_headers, score_name

RAW = Path(__file__).parent / "data" / "raw"
FOLDER = RAW / "ifn_iris"
GLOBAL = "ifn_score_global_departement"
NAMES = read_headers(FOLDER / "headers.csv")


def test_headers_and_score_names():
    assert len(NAMES) == 40 and NAMES[0] == "Libcom"  # the BOM is not part of the name
    scores = [score_name(n) for n in NAMES if n.endswith(" 1")]
    assert len(scores) == 21 and len(set(scores)) == 21
    assert "ifn_global_competences_departement" in scores  # double space in the header


def test_extract_iris():
    result = load_ifn_iris(FOLDER)
    t = result.table.set_index("code")
    assert result.notes[0] == "4 région files, 15 IRIS rows" and not result.rejected
    assert "15 IRIS in 9 communes" in result.notes
    assert t.loc["010040101", "commune"] == "01004"  # 10040101 in the file
    assert t.loc["751041699", "commune"] == "75104" and t.loc["2A0040101", "commune"] == "2A004"
    assert t.loc["262740000"].drop("commune").isna().all()  # every score 0: missing
    assert "1 IRIS with every score 0 (no inhabitants) read as missing" in result.notes
    assert t.loc["912860107", GLOBAL] == pytest.approx(102.870513880)
    assert result.level == "iris"


def test_extract_communes_unweighted():
    result = load_ifn(FOLDER)
    t = result.table.set_index("code")
    iris = load_ifn_iris(FOLDER).table
    ambérieu = iris[iris["commune"] == "01004"][GLOBAL]
    assert t.loc["01004", GLOBAL] == pytest.approx(ambérieu.mean())
    assert t.loc["01004", "n_iris"] == 4 and t["ifn_weighted"].sum() == 0
    assert "75056" in t.index and t.loc["75056", "n_iris"] == 3
    assert math.isnan(t.loc["26274", GLOBAL])
    assert len(t) == 9


def test_extract_communes_weighted_by_iris_population():
    result = load_ifn(FOLDER, population=RAW / "ptod_iris")
    t = result.table.set_index("code")
    iris = load_ifn_iris(FOLDER).table.set_index("code")
    pops = {"010040101": 2058, "010040102": 3987, "010040201": 4521, "010040202": 4988}
    expected = sum(iris.loc[c, GLOBAL] * p for c, p in pops.items()) / sum(pops.values())
    assert t.loc["01004", GLOBAL] == pytest.approx(expected)
    assert t.loc["01004", "ifn_weighted"] == 1
    # Paris: one of its three IRIS (2020 geography) has no 2022 population: unweighted
    assert t.loc["75056", "ifn_weighted"] == 0
    paris = iris[iris["commune"] == "75104"][GLOBAL]
    assert t.loc["75056", GLOBAL] == pytest.approx(paris.mean())
    assert ("IRIS with a population: 8 of 15 (53.3%); communes weighted by population: 3 of 9,"
            " the others unweighted mean of their IRIS") in result.notes


def test_arrondissements_kept():
    t = load_ifn(FOLDER, arrondissements=True).table
    assert "75104" in set(t["code"]) and "75056" not in set(t["code"])


def copy_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "ifn"
    shutil.copytree(FOLDER, folder)
    return folder


def test_row_with_wrong_number_of_fields(tmp_path):
    folder = copy_folder(tmp_path)
    lines = (folder / "84.csv").read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b";", b"", 1)  # 39 fields
    (folder / "84.csv").write_bytes(b"".join(lines))
    with pytest.raises(LoadError, match="39 fields, but headers.csv names 40") as info:
        load_ifn_iris(folder)
    assert info.value.row == 3 and info.value.file.endswith("84.csv")


def test_header_file_without_commune_column(tmp_path):
    folder = copy_folder(tmp_path)
    text = (folder / "headers.csv").read_text(encoding="utf-8-sig")
    (folder / "headers.csv").write_text(text.replace(";COM;", ";COMMUNE;"), encoding="utf-8")
    with pytest.raises(LoadError, match="missing field name") as info:
        load_ifn_iris(folder)
    assert info.value.column == "COM"


def test_missing_header_file(tmp_path):
    folder = copy_folder(tmp_path)
    (folder / "headers.csv").unlink()
    with pytest.raises(LoadError, match="no header file"):
        load_ifn_iris(folder)


def test_score_that_is_not_a_number(tmp_path):
    folder = copy_folder(tmp_path)
    text = (folder / "94.csv").read_text(encoding="utf-8")
    (folder / "94.csv").write_text(text.replace("112.224075800", "112,224075800", 1),
                                   encoding="utf-8")
    with pytest.raises(LoadError, match="not a number: '112,224075800'") as info:
        load_ifn_iris(folder)
    assert info.value.row == 2 and info.value.column == "SCORE GLOBAL departement 1"


def test_iris_code_of_wrong_length_is_rejected(tmp_path):
    folder = copy_folder(tmp_path)
    text = (folder / "94.csv").read_text(encoding="utf-8")
    (folder / "94.csv").write_text(text.replace(";2A0040101;", ";2A00401;"), encoding="utf-8")
    result = load_ifn_iris(folder)
    [bad] = result.rejected
    assert (bad.row, bad.column, bad.value) == (2, "Code Iris", "2A00401")
    assert bad.reason == "not a 9-character IRIS code" and bad.file.endswith("94.csv")
    assert len(result.table) == 14


def test_not_utf8(tmp_path):
    folder = copy_folder(tmp_path)
    text = (folder / "94.csv").read_text(encoding="utf-8")
    (folder / "94.csv").write_bytes(text.encode("latin-1"))
    with pytest.raises(LoadError, match="not UTF-8"):
        load_ifn_iris(folder)


def headerless(folder: Path, scores: list[float]) -> None:
    """One file of IRIS of commune 01004 with the given global score, other scores 50."""
    rows = []
    for i, score in enumerate(scores):
        fields = dict.fromkeys(NAMES, "x")
        fields.update({n: "50" for n in NAMES if n.endswith(" 1")})
        fields["SCORE GLOBAL departement 1"] = repr(score)
        fields["Code Iris"] = f"1004{i + 1:04d}"
        fields["COM"] = "1004"
        rows.append(";".join(fields[n] for n in NAMES))
    (folder / "84.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")


@settings(max_examples=examples(30), deadline=None)
@given(st.lists(st.tuples(st.floats(min_value=1, max_value=300),
                          st.integers(min_value=1, max_value=5000)), min_size=1, max_size=8))
def test_weighted_score_is_the_hand_formula(tmp_path_factory, iris):
    folder = tmp_path_factory.mktemp("ifn")
    shutil.copy(FOLDER / "headers.csv", folder / "headers.csv")
    headerless(folder, [s for s, _ in iris])
    population = pd.Series({f"01004{i + 1:04d}": float(p) for i, (_, p) in enumerate(iris)})
    t = load_ifn(folder, population=population).table.set_index("code")
    expected = sum(s * p for s, p in iris) / sum(p for _, p in iris)
    assert t.loc["01004", GLOBAL] == pytest.approx(expected)
    assert t.loc["01004", "ifn_weighted"] == 1 and t.loc["01004", "n_iris"] == len(iris)


@needs_data
def test_full_files():
    folder = DATA / "numerique" / "ifn_iris_2020"
    result = load_ifn(folder, population=DATA / "observatoire" / "ptod_rp2022" / "iris",
                      arrondissements=True)
    assert result.notes[:2] == ["14 région files, 48914 IRIS rows",
                                "8 IRIS with every score 0 (no inhabitants) read as missing"]
    # a single score of 0 is the build's "no data" (3,489 IRIS for interface access)
    assert "'ifn_acces_aux_interfaces_numeriques_region': 3489" in result.notes[2]
    assert result.notes[3] == "48914 IRIS in 34902 communes"
    assert not result.rejected and len(result.table) == 34902
    assert result.notes[4].startswith("IRIS with a population: 48274 of 48914 (98.7%)")
    interface = result.table["ifn_acces_aux_interfaces_numeriques_region"]
    assert interface.min() > 50 and not (interface == 0).any()
    assert result.table["code"].str.fullmatch(r"\d{5}|2[AB]\d{3}").all()
    merged = load_ifn(folder).table
    assert len(merged) == 34860 and merged.set_index("code").loc["75056", "n_iris"] == 992
