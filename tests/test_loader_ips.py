"""DEPP IPS loader: real extracts, broken files, aggregation invariants, full files."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw_data import RAW as DATA
from tiers import examples, needs_data

from indicators.loaders.base import LoadError
from indicators.loaders.ips import load_ips

RAW = Path(__file__).parent / "data" / "raw"
HEADER = ("Rentrée scolaire;Académie;Code du département;Département;UAI;Nom de l'établissment;"
          "Code INSEE de la commune;Nom de la commune;Secteur;IPS\r\n")


def line(dep, uai, commune, ips, sector="public"):
    return f"2021-2022;X;{dep};X;{uai};COLLEGE X;{commune};X;{sector};{ips}\r\n"


def write(tmp_path, lines, name="fr-en-ips_colleges_2022.csv"):
    path = tmp_path / name
    path.write_bytes((HEADER + "".join(lines)).encode("utf-8"))
    return path


def test_colleges_extract():
    result = load_ips(RAW / "fr-en-ips_colleges_2022_extract.csv")
    t = result.table.set_index("code")
    assert list(result.table.columns) == ["code", "ips_colleges", "n_colleges"]
    assert result.level == "commune" and not result.rejected
    assert t.loc["01004", "ips_colleges"] == pytest.approx((121.9 + 92.6) / 2)
    assert t.loc["01004", "n_colleges"] == 2
    # Paris: 1 collège in the 1st, 11 in the 12th arrondissement, counted in 75056
    assert "75101" not in t.index and t.loc["75056", "n_colleges"] == 12
    # a commune whose only collège has no IPS: counted, mean missing
    assert t.loc["73164", "n_colleges"] == 1 and math.isnan(t.loc["73164", "ips_colleges"])
    assert result.secret_cells == {"ips_colleges": 2}
    assert t.loc["2B033", "n_colleges"] == 5  # département "02B"
    notes = " | ".join(result.notes)
    assert "unweighted mean" in notes and "no enrolment" in notes
    assert "2 colleges without IPS" in notes and "0731372V" in notes


def test_arrondissements_can_be_kept():
    t = load_ips(RAW / "fr-en-ips_colleges_2022_extract.csv", arrondissements=True).table
    counts = t.set_index("code")["n_colleges"]
    assert counts["75101"] == 1 and counts["75112"] == 11 and "75056" not in counts


def test_ecoles_extract():
    result = load_ips(RAW / "fr-en-ips_ecoles_2022_extract.csv")
    t = result.table.set_index("code")
    assert result.table.columns.tolist() == ["code", "ips_ecoles", "n_ecoles"]
    assert t["n_ecoles"].sum() == 50 and not result.rejected
    assert t.loc["35085", "n_ecoles"] == 2  # département "035"
    assert "13055" in t.index and "2A004" in t.index
    notes = " | ".join(result.notes)
    assert "'971→97801': 8" in notes and "Saint-Martin" in notes


def test_invalid_commune_code_is_rejected(tmp_path):
    path = write(tmp_path, [line("001", "0010001A", "01004", "100.0"),
                            line("001", "0010003C", "", "90.0"),
                            line("001", "0010004D", "0100A", "95.0")])
    result = load_ips(path)
    assert [(r.row, r.column, r.value, r.reason) for r in result.rejected] == [
        (3, "Code INSEE de la commune", "", "empty code"),
        (4, "Code INSEE de la commune", "0100A", "invalid commune code")]
    assert result.table["n_colleges"].tolist() == [1.0]


def test_lost_zeros(tmp_path):
    lines = [line("001", "0010001A", "1004", "100.0"), line("001", "0010002B", "1004", "90.0")]
    result = load_ips(write(tmp_path, lines))
    assert result.table.to_dict("records") == [
        {"code": "01004", "ips_colleges": 95.0, "n_colleges": 2.0}]
    assert any("leading zeros restored in 2 rows" in n for n in result.notes)
    lines.append(line("001", "0010003C", "01005", "90.0"))
    with pytest.raises(LoadError, match="ambiguous") as info:
        load_ips(write(tmp_path, lines))
    assert info.value.column == "Code INSEE de la commune"


def test_non_numeric_ips_and_duplicate_uai(tmp_path):
    path = write(tmp_path, [line("001", "0010001A", "01004", "100.0"),
                            line("001", "0010002B", "01004", "cent"),
                            line("001", "0010001A", "01004", "80.0")])
    result = load_ips(path)
    assert [(r.row, r.column, r.value, r.reason) for r in result.rejected] == [
        (3, "IPS", "cent", "not a number"), (4, "UAI", "0010001A", "duplicate UAI")]
    # the two rows of 0010001A disagree (100 and 80): its IPS is missing, not one at random
    assert result.table[["code", "n_colleges"]].to_dict("records") == [
        {"code": "01004", "n_colleges": 1.0}]
    assert math.isnan(result.table.loc[0, "ips_colleges"])
    assert [(c.code, c.rows, c.column, c.values) for c in result.conflicts] == [
        ("0010001A", (2, 4), "IPS", ("100.0", "80.0"))]


def test_duplicate_uai_that_agree_count_once(tmp_path):
    path = write(tmp_path, [line("001", "0010001A", "01004", "100.0"),
                            line("001", "0010001A", "01004", "100.0")])
    result = load_ips(path)
    assert not result.conflicts and result.table.loc[0, "ips_colleges"] == 100.0
    assert [r.reason for r in result.rejected] == ["duplicate UAI"]


def test_column_of_garbage_is_rejected_row_by_row(tmp_path):
    path = write(tmp_path, [line("001", f"001000{i}A", "01004", "n.c.") for i in range(3)])
    result = load_ips(path)
    assert [r.reason for r in result.rejected] == ["not a number"] * 3 and result.table.empty


def test_missing_column_and_unknown_kind(tmp_path):
    path = tmp_path / "fr-en-ips_colleges_2022.csv"
    path.write_text(HEADER.replace(";IPS", ";IPS_2022") + line("001", "A", "01004", "1"),
                    encoding="utf-8")
    with pytest.raises(LoadError, match="column not found") as info:
        load_ips(path)
    assert info.value.column == "IPS"
    with pytest.raises(LoadError, match="kind"):
        load_ips(write(tmp_path, [], name="ips.csv"))
    with pytest.raises(ValueError, match="valid"):
        load_ips(write(tmp_path, [], name="ips.csv"), kind="creches")


def test_wrong_encoding(tmp_path):
    path = tmp_path / "fr-en-ips_ecoles_2022.csv"
    path.write_bytes(HEADER.encode("utf-16"))
    with pytest.raises(LoadError, match="UTF-16"):
        load_ips(path)


schools = st.lists(st.tuples(st.sampled_from(["01004", "01173", "38185", "75101", "75112"]),
                             st.one_of(st.none(), st.decimals(40, 160, places=1).map(float))),
                   min_size=1, max_size=40)


@settings(max_examples=examples(50), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=schools)
def test_mean_and_count_by_commune(tmp_path, rows):
    path = write(tmp_path, [line(c[:2].rjust(3, "0"), f"{i:07d}X", c, "" if v is None else v)
                            for i, (c, v) in enumerate(rows)])
    t = load_ips(path).table.set_index("code")
    frame = pd.DataFrame(rows, columns=["code", "ips"]).astype({"ips": float})
    frame["code"] = frame["code"].replace({"75101": "75056", "75112": "75056"})
    expected = frame.groupby("code")["ips"].agg(["mean", "size"])
    pd.testing.assert_series_equal(t["ips_colleges"], expected["mean"], check_names=False)
    assert t["n_colleges"].tolist() == expected["size"].astype(float).tolist()


@needs_data
def test_full_files():
    ecoles = load_ips(DATA / "education/ips_2022/fr-en-ips_ecoles_2022.csv")
    colleges = load_ips(DATA / "education/ips_2022/fr-en-ips_colleges_2022.csv")
    assert ecoles.table["n_ecoles"].sum() == 32_091 and not ecoles.rejected
    assert colleges.table["n_colleges"].sum() == 6_967 and not colleges.rejected
    assert len(ecoles.table) == 17_690 and len(colleges.table) == 3_765
    assert ecoles.secret_cells == {"ips_ecoles": 0} and colleges.secret_cells == {"ips_colleges": 2}
    assert any("5 colleges without IPS" in n for n in colleges.notes)
    paris = ecoles.table.set_index("code").loc["75056"]
    assert paris["n_ecoles"] == 457 and 115 < paris["ips_ecoles"] < 125
    assert 95 < ecoles.table["ips_ecoles"].median() < 110
