"""CNAF IRIS loader: exact sums on the real extract, broken files, invariants, full file."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from raw_data import RAW as SHARED
from tiers import examples, needs_data

from indicators.loaders.base import LoadError
from indicators.loaders.caf import COUNTS, load_caf_iris

RAW = Path(__file__).parent / "data" / "raw"
EXTRACT = RAW / "data_CAF_2020_IRIS_extract.csv"
DATA = SHARED / "caf" / "iris_2020"
HEADER = "CODGEO;NOTE;A;AAAH;ARSAS\r\n"


def test_extract_exact_sums():
    result = load_caf_iris(EXTRACT)
    t = result.table.set_index("code")
    assert list(t.index) == ["01004", "01033", "13055", "2A004", "75056"]
    assert t.loc["01004", "A"] == 501 + 1109 + 1015 + 907
    assert t.loc["01004", "ARSAS"] == 83 + 150 + 98 + 63
    assert t.loc["01004", "n_iris"] == 4 and t.loc["01004", "n_iris_withheld"] == 0
    assert list(result.table.columns) == ["code", "n_iris", "n_iris_withheld", *COUNTS]
    assert result.secret_cells["A"] == 3 and result.secret_cells["AAPL"] == 4


def test_extract_withheld_and_secret_iris_make_the_sum_missing():
    t = load_caf_iris(EXTRACT).table.set_index("code")
    assert t.loc["01033"].drop(["n_iris", "n_iris_withheld"]).isna().all()
    assert t.loc["01033", "n_iris_withheld"] == 2
    assert math.isnan(t.loc["75056", "A"])  # 751041399 withheld (NOTE 3)
    assert math.isnan(t.loc["13055", "AAPL"])  # one secret cell
    assert t.loc["13055", "A"] == 423


def test_extract_lower_bound():
    result = load_caf_iris(EXTRACT, incomplete="lower_bound")
    t = result.table.set_index("code")
    assert t.loc["75056", "A"] == 284 + 416
    assert math.isnan(t.loc["01033", "A"])  # nothing published: missing, not 0
    assert any("LOWER BOUND" in n for n in result.notes)


def test_extract_notes():
    notes = load_caf_iris(EXTRACT).notes
    assert ("only the 5 communes split into IRIS are present: the others are absent, not zero"
            in notes)
    assert "3 IRIS withheld by CNAF (NOTE != 0, all cells blank)" in notes
    assert "A = AI + AM + ACSSENF + ACAVENF fails in 0 of 8 complete IRIS" in notes


def test_extract_arrondissements_kept():
    t = load_caf_iris(EXTRACT, arrondissements=True).table
    assert {"75104", "13201"} <= set(t["code"]) and "75056" not in set(t["code"])


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "caf.csv"
    path.write_text(header + body, encoding="ascii", newline="")
    return path


def test_negative_count(tmp_path):
    path = write(tmp_path, "010040101;0;501;36;83\r\n010040102;0;12;-3;4\r\n")
    with pytest.raises(LoadError, match="not a count") as info:
        load_caf_iris(path)
    assert (info.value.row, info.value.column) == (3, "AAAH")


def test_fractional_or_text_count(tmp_path):
    with pytest.raises(LoadError, match="'12.5'") as info:
        load_caf_iris(write(tmp_path, "010040101;0;12.5;36;83\r\n"))
    assert (info.value.row, info.value.column) == (2, "A")
    with pytest.raises(LoadError, match="'n.d.'"):
        load_caf_iris(write(tmp_path, "010040101;0;12;n.d.;83\r\n"))


def test_missing_code_column(tmp_path):
    path = write(tmp_path, "010040101;0;501;36;83\r\n", header="IRIS;NOTE;A;AAAH;ARSAS\r\n")
    with pytest.raises(LoadError, match="missing column") as info:
        load_caf_iris(path)
    assert info.value.column == "CODGEO" and info.value.row == 1


def test_bad_iris_codes_are_rejected(tmp_path):
    path = write(tmp_path, "10040101;0;501;36;83\r\n0100401;0;5;1;1\r\n"
                           "010040101;0;7;1;1\r\n010040102;0;9;1;1\r\n")
    result = load_caf_iris(path)
    assert [(r.row, r.value, r.reason) for r in result.rejected] == [
        (3, "0100401", "not a 9-character IRIS code"),
        (4, "010040101", "duplicate IRIS (the first is kept)")]
    assert result.table.set_index("code").loc["01004", "A"] == 501 + 9  # 10040101 restored


def test_unknown_option():
    with pytest.raises(ValueError, match="valid: nan, lower_bound"):
        load_caf_iris(EXTRACT, incomplete="zero")
    with pytest.raises(ValueError, match="only used with incomplete='covered'"):
        load_caf_iris(EXTRACT, population="ptod_iris")
    with pytest.raises(ValueError, match="min_coverage must be a share"):
        load_caf_iris(EXTRACT, incomplete="covered", min_coverage=80)


iris_rows = st.lists(
    st.tuples(st.sampled_from(["01004", "2A004", "75104", "75120"]),
              st.integers(min_value=1, max_value=99),
              st.one_of(st.none(), st.integers(min_value=0, max_value=5000))),
    min_size=1, max_size=25, unique_by=lambda r: (r[0], r[1]))


@settings(max_examples=examples(40), deadline=None)
@given(rows=iris_rows, seed=st.integers(min_value=0, max_value=10**6))
def test_sums_are_exact_and_ignore_row_order(tmp_path_factory, rows, seed):
    def body(frame: pd.DataFrame) -> str:
        return "".join(f"{c}{i:04d};0;{'' if a is None else a};1;1\r\n"
                       for c, i, a in frame.itertuples(index=False))

    frame = pd.DataFrame(rows, columns=["com", "iris", "a"], dtype=object)
    folder = tmp_path_factory.mktemp("caf")
    first = load_caf_iris(write(folder, body(frame)), incomplete="lower_bound").table
    shuffled = frame.sample(frac=1, random_state=seed)
    again = load_caf_iris(write(folder, body(shuffled)), incomplete="lower_bound").table
    pd.testing.assert_frame_equal(first.set_index("code").sort_index(),
                                  again.set_index("code").sort_index())
    communes = frame["com"].where(~frame["com"].str.startswith("751"), "75056")
    for code, part in frame.groupby(communes):
        known = [a for a in part["a"] if a is not None]
        got = first.set_index("code").loc[code, "A"]
        assert (math.isnan(got) if not known else got == sum(known))


@needs_data
def test_full_file():
    path = DATA / "data_CAF_2020_IRIS.csv"
    kept = load_caf_iris(path, arrondissements=True)
    assert len(kept.table) == 1012 and not kept.rejected
    assert kept.table["n_iris"].sum() == 13444
    result = load_caf_iris(path)
    t = result.table
    assert len(t) == 970 and result.secret_cells["A"] == 1079
    assert "1053 IRIS withheld by CNAF (NOTE != 0, all cells blank)" in result.notes
    assert "A = AI + AM + ACSSENF + ACAVENF fails in 0 of 11845 complete IRIS" in result.notes
    assert t["A"].notna().sum() == 559
    bound = load_caf_iris(path, incomplete="lower_bound").table
    assert bound["A"].sum() == 7860363 and bound["A"].notna().sum() == 969


# --- incomplete="covered": sums over the counted IRIS, with their coverage ------------------

def populations(folder: Path, rows: dict[str, float]) -> Path:
    """An IRIS table like PTOD's: one parquet file with ``code`` and ``P22_POP``."""
    folder.mkdir(exist_ok=True)
    pd.DataFrame({"code": list(rows), "P22_POP": list(rows.values())}).to_parquet(
        folder / "agg_iris_01.parquet")
    return folder


def test_extract_covered_sums_and_coverage():
    result = load_caf_iris(EXTRACT, incomplete="covered", population="ptod_iris")
    t = result.table.set_index("code")
    # Paris: 751041399 withheld, but nobody lives there (P22_POP 0): fully covered
    assert t.loc["75056", "A"] == 284 + 416 and t.loc["75056", "coverage_A"] == 1.0
    assert (t.loc["75056", "ARSAS"], t.loc["75056", "A_for_ARSAS"]) == (42 + 60, 700)
    # Marseille: its only IRIS hides AAPL; no population in the extract's IRIS table
    assert t.loc["13055", "coverage_A"] == 1.0 and math.isnan(t.loc["13055", "pop_for_A"])
    assert t.loc["13055", "coverage_AAPL"] == 0.0
    assert math.isnan(t.loc["13055", "AAPL"]) and math.isnan(t.loc["13055", "A_for_AAPL"])
    assert t.loc["01033", "coverage_A"] == 0.0 and math.isnan(t.loc["01033", "A"])
    assert t.loc["01004", "pop_for_AAAH"] == 2058 + 3987 + 4988 + 4521
    assert t.loc["01004", "AAAH"] == 36 + 109 + 72 + 69
    assert any(n.startswith("counted IRIS: those where the count and A are published; "
                            "communes kept with a coverage of at least 80%")
               for n in result.notes)


def test_coverage_is_the_share_of_the_population_counted(tmp_path):
    path = write(tmp_path, "010040101;0;100;5;10\r\n010040102;0;300;7;\r\n"
                           "010040103;0;400;9;30\r\n010040104;3;;;\r\n")
    folder = populations(tmp_path / "iris", {"010040101": 100.0, "010040102": 300.0,
                                            "010040103": 500.0, "010040104": 100.0})
    t = load_caf_iris(path, incomplete="covered", population=folder).table.set_index("code")
    assert t.loc["01004", "coverage_A"] == pytest.approx(0.9)
    assert (t.loc["01004", "AAAH"], t.loc["01004", "pop_for_AAAH"]) == (21, 900)
    assert t.loc["01004", "coverage_ARSAS"] == pytest.approx(0.6)  # below 80 %: missing
    assert t.loc[["01004"], ["ARSAS", "A_for_ARSAS", "pop_for_ARSAS"]].isna().all(axis=None)
    low = load_caf_iris(path, incomplete="covered", population="iris",
                        min_coverage=0.5).table.set_index("code")
    assert (low.loc["01004", "ARSAS"], low.loc["01004", "A_for_ARSAS"]) == (40, 500)
    assert low.loc["01004", "pop_for_ARSAS"] == 600


def test_without_a_population_the_coverage_is_the_share_of_iris(tmp_path):
    path = write(tmp_path, "010040101;0;100;5;10\r\n010040102;0;300;7;20\r\n"
                           "010040103;0;400;9;30\r\n010040104;3;;;\r\n")
    folder = populations(tmp_path / "iris", {"010040101": 100.0})  # 04 has none
    for population in (None, folder):
        result = load_caf_iris(path, incomplete="covered", population=population,
                               min_coverage=0.7)
        t = result.table.set_index("code")
        assert t.loc["01004", "coverage_A"] == 0.75 and t.loc["01004", "A"] == 800
        assert math.isnan(t.loc["01004", "pop_for_A"])  # left-out IRIS of unknown size
        given_none = "no IRIS population given: coverage is the share of IRIS counted"
        assert (given_none in result.notes) == (population is None)


caf_iris = st.lists(
    st.tuples(st.integers(min_value=1, max_value=6),
              st.one_of(st.none(), st.integers(min_value=0, max_value=900)),
              st.one_of(st.none(), st.integers(min_value=0, max_value=50)),
              st.floats(min_value=0, max_value=5000, allow_nan=False)),
    min_size=1, max_size=6, unique_by=lambda r: r[0])


@settings(max_examples=examples(60), deadline=None)
@given(rows=caf_iris, minimum=st.sampled_from([0.0, 0.5, 0.8, 1.0]))
def test_covered_invariants(tmp_path_factory, rows, minimum):
    folder = tmp_path_factory.mktemp("covered")
    body = "".join(f"01004{i:04d};0;{'' if a is None else a};{'' if h is None else h};1\r\n"
                   for i, a, h, _ in rows)
    pops = populations(folder / "iris", {f"01004{i:04d}": p for i, _, _, p in rows})
    path = write(folder, body)
    row = load_caf_iris(path, incomplete="covered", population=pops,
                        min_coverage=minimum).table.set_index("code").loc["01004"]
    exact = load_caf_iris(path).table.set_index("code").loc["01004"]
    counted = [r for r in rows if r[1] is not None and r[2] is not None]
    total = sum(p for *_, p in rows)
    share = (sum(p for *_, p in counted) / total if total
             else len(counted) / len(rows))
    assert 0 <= row["coverage_AAAH"] <= 1
    assert row["coverage_AAAH"] == pytest.approx(1.0 if len(counted) == len(rows) else share)
    if row["coverage_AAAH"] >= minimum and counted:
        assert row["AAAH"] == sum(r[2] for r in counted)
        assert row["A_for_AAAH"] == sum(r[1] for r in counted)
        assert row["pop_for_AAAH"] == pytest.approx(sum(r[3] for r in counted))
    else:  # missing, never 0
        assert math.isnan(row["AAAH"]) and math.isnan(row["A_for_AAAH"])
    if not math.isnan(exact["AAAH"]) and not math.isnan(exact["A"]):
        assert row["AAAH"] == exact["AAAH"]  # fully published: the exact sum


@needs_data
def test_full_file_covered(raw_data):
    result = load_caf_iris(DATA / "data_CAF_2020_IRIS.csv", incomplete="covered",
                           population="../../observatoire/ptod_rp2022/iris")
    t = result.table.set_index("code")
    kept = {c: int(t[c].notna().sum()) for c in ("ARSAS", "AAPL", "AAAH")}
    assert kept == {"ARSAS": 939, "AAPL": 820, "AAAH": 930}  # 545, 404, 526 before
    assert int(t["pop_for_AAAH"].notna().sum()) == 916  # no IRIS population: Réunion…
    big = t.loc[["75056", "69123", "13055"]]
    assert big[["ARSAS", "A_for_ARSAS", "AAAH", "pop_for_AAAH", "AAPL"]].notna().all(axis=None)
    assert big["coverage_ARSAS"].round(3).tolist() == [0.991, 0.981, 0.952]
    rsa = 100 * t["ARSAS"] / t["A_for_ARSAS"]
    assert round(rsa["75056"], 1) == 14.2 and rsa.dropna().between(0, 100).all()
    assert t.loc[t.index.str.startswith("97"), "AAPL"].isna().all()  # no APL overseas
