"""EPCI of an older vintage: membership from the IFN rows, spread over today's communes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiers import examples, needs_data

from indicators.build import _from_epci
from indicators.catalogue import load_catalogue
from indicators.loaders.base import LoadError
from indicators.loaders.epci_members import read_ifn_members
from indicators.loaders.ntd import EpciResult, load_ntd

RAW = Path(__file__).parent / "data" / "raw"
PV_HEADER = "code_epci,pv_mwh,pv_sites,pv_kwh_par_hab"


def ifn_folder(root: Path, rows: list[str]) -> Path:
    """An IFN-like folder: a header file and one région file without header row."""
    folder = root / "ifn"
    folder.mkdir()
    (folder / "headers.csv").write_text("\ufeffCode Iris;COM;Epci\n", encoding="utf-8")
    (folder / "84.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def pv_file(root: Path, rows: list[str]) -> Path:
    folder = root / "observatoire" / "ntd"
    folder.mkdir(parents=True)
    path = folder / "photovoltaique_epci.csv"
    path.write_text(PV_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_members_of_the_ifn_extract():
    found = read_ifn_members(RAW / "ifn_iris")
    table = found.table.set_index("code")["epci"]
    assert table["01004"] == "240100883" and table["2A004"] == "242010056"
    assert table["75104"] == "200054781"  # arrondissements as published
    assert not table.index.duplicated().any() and len(found.sha256) == 64
    assert found.notes[0].endswith(f"{len(table)} communes in {table.nunique()} EPCI")


def test_invalid_codes_are_rejected_with_file_row_and_column(tmp_path):
    folder = ifn_folder(tmp_path, ["010010000;1001;200035210", "010020000;1002;ZZZZZZZZZ",
                                   "010040101;1004;2401"])
    found = read_ifn_members(folder)
    assert found.table.values.tolist() == [["01001", "200035210"]]
    assert [(Path(r.file).name, r.row, r.column, r.value, r.reason)
            for r in found.rejected] == [
        ("84.csv", 2, "Epci", "ZZZZZZZZZ", "INSEE pseudo-code: in no EPCI"),
        ("84.csv", 3, "Epci", "2401", "not a valid EPCI code")]


def test_header_file_without_epci_field(tmp_path):
    folder = tmp_path / "ifn"
    folder.mkdir()
    (folder / "headers.csv").write_text("Code Iris;COM\n", encoding="utf-8")
    with pytest.raises(LoadError, match="missing field name") as info:
        read_ifn_members(folder)
    assert info.value.column == "Epci"


def test_load_ntd_with_members_relative_to_the_file(tmp_path):
    ifn_folder(tmp_path, ["010010000;1001;200000001", "010020000;1002;200000001",
                          "010040101;1004;200000002"])
    path = pv_file(tmp_path, ["200000001,40.0,4,", "200000003,5.0,1,", "ZZZZZZZZZ,9.0,2,"])
    result = load_ntd(path, members="../../ifn")
    assert isinstance(result, EpciResult) and result.level == "epci"
    assert result.members.values.tolist() == [["01001", "200000001"],
                                              ["01002", "200000001"]]
    assert ("1 of 2 EPCI codes have their communes in the membership file; not placed: "
            "['200000003']") in result.notes
    assert "1 EPCI of the membership file absent from this table (their communes stay " \
           "missing)" in result.notes
    assert [r.value for r in result.rejected] == ["ZZZZZZZZZ"]
    plain = load_ntd(path)
    assert type(plain).__name__ == "LoadResult"


def test_members_for_a_commune_table_are_refused(tmp_path):
    ifn_folder(tmp_path, ["010010000;1001;200000001"])
    path = tmp_path / "gares.csv"
    path.write_text("CODGEO,gare_nat,gare_reg,gare_loc,points_gare\n01001,0,1,0,4\n",
                    encoding="utf-8")
    with pytest.raises(LoadError, match="members given for a commune table"):
        load_ntd(path, members="ifn")


def photovoltaics():
    catalogue = load_catalogue()
    indicator = catalogue.by_id("photovoltaic_kwh_per_inhabitant")
    return (indicator,), indicator.source


def base_table(populations: dict[str, float], epci: str = "200099999") -> pd.DataFrame:
    return pd.DataFrame({"code": list(populations), "epci": epci,
                         "population": list(populations.values())})


def test_old_epci_spread_over_their_communes_of_then():
    # 01039 is a delegated commune of 01138 today: 01138 was split between A and B
    members = pd.DataFrame({"code": ["01001", "01002", "01138", "01004", "01039", "99999"],
                            "epci": ["A", "A", "A", "B", "B", "B"]})
    table = pd.DataFrame({"code": ["A", "B", "C"], "pv_mwh": [40.0, 100.0, 5.0]})
    result = EpciResult(table=table, file="pv.csv", level="epci", members=members)
    base = base_table({"01001": 100.0, "01002": 300.0, "01004": 600.0, "01138": 400.0,
                       "01005": 50.0})
    out, report = _from_epci(result, *photovoltaics(), base)
    value = out.set_index("code")["pv_mwh"]
    # 01138 counts half its population in each old EPCI: A = 100 + 300 + 200
    assert value["01001"] == pytest.approx(40 * 100 / 600)
    assert value["01138"] == pytest.approx(40 * 200 / 600 + 100 * 200 / 800)
    assert value["01004"] == pytest.approx(100 * 600 / 800)
    assert pd.isna(value["01005"])  # in no EPCI of the table: missing, not 0
    assert value.sum() == pytest.approx(140)
    assert report.unmatched == ["C"]
    assert "1 commune codes not in the crosswalk ['99999']" in report.notes[0]
    assert "1 current communes (50 inhabitants) in no EPCI of the table" in report.notes[0]


def test_without_members_the_current_epci_are_used():
    table = pd.DataFrame({"code": ["200099999", "OLD"], "pv_mwh": [30.0, 7.0]})
    result = EpciResult(table=table, file="pv.csv", level="epci")
    assert result.members is None
    out, report = _from_epci(result, *photovoltaics(), base_table({"01001": 1.0,
                                                                    "01002": 2.0}))
    assert out["pv_mwh"].tolist() == [10.0, 20.0] and report.unmatched == ["OLD"]


@settings(max_examples=examples(40), deadline=None)
@given(populations=st.lists(st.integers(1, 10**6), min_size=4, max_size=4),
       totals=st.lists(st.floats(0, 1e7, allow_nan=False), min_size=3, max_size=3),
       groups=st.lists(st.sampled_from(["A", "B", "C"]), min_size=4, max_size=4))
def test_every_placed_total_is_spread_exactly(populations, totals, groups):
    codes = ["01001", "01002", "01004", "01005"]
    members = pd.DataFrame({"code": codes, "epci": groups})
    table = pd.DataFrame({"code": ["A", "B", "C"], "pv_mwh": totals})
    result = EpciResult(table=table, file="pv.csv", level="epci", members=members)
    base = base_table(dict(zip(codes, map(float, populations), strict=True)))
    out, report = _from_epci(result, *photovoltaics(), base)
    placed = table.set_index("code")["pv_mwh"].drop(report.unmatched)
    assert out["pv_mwh"].sum() == pytest.approx(placed.sum(), rel=1e-9, abs=1e-6)
    assert sorted(report.unmatched) == sorted({"A", "B", "C"} - set(groups))


@needs_data
def test_photovoltaics_reach_today_s_communes(raw_data):
    from geodata import store
    from indicators.build import _count_columns

    indicators, source = photovoltaics()
    result = load_ntd(raw_data / source.file, **source.options)
    assert len(result.table) == 1967 and len(result.members) > 33000
    communes = store.attributes("communes", store.ensure_built())
    base = communes[["code", "epci", "population"]].astype({"population": "float64"})
    out, report = _from_epci(result, indicators, source, base)
    column = _count_columns(indicators)[0]
    has = out[column].notna()
    assert report.unmatched == ["240500447"]  # 1 site: the only code not placed
    assert has.sum() == 33667  # of 34,875; 17,335 with today's EPCI only
    share = base.loc[has.to_numpy(), "population"].sum() / base["population"].sum()
    assert round(share, 3) == 0.941  # 0.663 with today's EPCI only
    total = result.table.set_index("code")[column].drop(report.unmatched).sum()
    assert out[column].sum() == pytest.approx(total)
