"""Tests of atlas.webmap on the real geometry artifacts."""

import json
import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from atlas import webmap
from geodata import insets, store

CANTAL_WITHOUT_GEOMETRY = {"15031", "15035", "15047", "15171"}


@pytest.fixture(scope="module", autouse=True)
def built():
    store.ensure_built()


@pytest.fixture(scope="module")
def national():
    return webmap.national_regions()


@pytest.fixture(scope="module")
def occitanie():
    return webmap.region_communes("76")


def features(payload: str) -> list[dict]:
    collection = json.loads(payload)
    assert collection["type"] == "FeatureCollection"
    return collection["features"]


def coordinates(payload: str) -> list[str]:
    """Every number written inside the geometries, as text."""
    return [n for f in re.findall(r'"coordinates":(\[[^a-z]*\])', payload)
            for n in re.findall(r"-?\d+(?:\.\d+)?", f)]


def test_national_map_has_the_18_regions_and_lean_features(national):
    feats = features(national)
    assert sorted(f["properties"]["code"] for f in feats) == sorted(
        store.attributes("regions")["code"])
    for feature in feats:
        assert set(feature) == {"type", "properties", "geometry"}  # no id, no bbox
        assert set(feature["properties"]) == {"code", "name", "cls"}
    assert '"bbox"' not in national and ": " not in national and ", " not in national


def test_overseas_regions_are_moved_into_their_insets(national):
    by_code = {f["properties"]["code"]: shape(f["geometry"]) for f in features(national)}
    departement = webmap.overseas_departement_of_region()
    assert departement == {"01": "971", "02": "972", "03": "973", "04": "974", "06": "976"}
    for inset in insets.INSETS:
        region = next(r for r, d in departement.items() if d == inset.departement)
        west, south, east, north = by_code[region].bounds
        box_west, box_south, box_east, box_north = inset.box
        assert box_west < west < east < box_east
        assert box_south < south < north < box_north
    # The metropole stays where it is: Île-de-France around Paris.
    assert by_code["11"].contains(shapely.Point(2.35, 48.85))


def test_coordinates_are_rounded_to_four_decimals(national, occitanie):
    for payload in (national, occitanie):
        numbers = coordinates(payload)
        assert len(numbers) > 10_000
        assert max(len(n.split(".")[1]) if "." in n else 0 for n in numbers) <= 4


def test_occitanie_communes_payload(occitanie):
    feats = features(occitanie)
    communes = store.attributes("communes")
    assert len(feats) == (communes["region"] == "76").sum() == 4446
    classes = {f["properties"]["cls"] for f in feats}
    assert classes <= set(range(len(webmap.DENSITY_BREAKS) + 1))
    assert len(occitanie.encode()) < 3_000_000
    toulouse = next(f for f in feats if f["properties"]["code"] == "31555")
    # 479,553 inhabitants on 118.2 km²: 4,056 per km², in [1,000, 5,000): class 5.
    assert toulouse["properties"] == {"code": "31555", "name": "Toulouse", "cls": 5}


def test_lean_payload_is_at_most_half_of_geopandas_to_json(occitanie):
    communes = store.attributes("communes")
    members = communes[communes["region"] == "76"][["code", "name"]]
    shapes = store.web_geometries("communes", "region")
    naive = shapes.merge(members, on="code").to_json()
    assert len(occitanie) < 0.55 * len(naive)


def test_communes_without_geometry_are_left_out_not_broken():
    payload = webmap.region_communes("84")
    codes = {f["properties"]["code"] for f in features(payload)}
    communes = store.attributes("communes")
    members = set(communes.loc[communes["region"] == "84", "code"])
    assert members >= CANTAL_WITHOUT_GEOMETRY
    assert codes == members - CANTAL_WITHOUT_GEOMETRY


def test_region_departements_outlines():
    feats = features(webmap.region_departements("76"))
    assert sorted(f["properties"]["code"] for f in feats) == [
        "09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]
    assert set(feats[0]["properties"]) == {"code", "name"}


def test_inset_frames():
    feats = features(webmap.inset_frames())
    assert [f["properties"]["name"] for f in feats] == [i.name for i in insets.INSETS]


def test_unknown_region_is_rejected_with_the_valid_codes():
    with pytest.raises(ValueError, match=r"unknown région '99'.*'76'"):
        webmap.region_communes("99")


def test_geojson_drops_missing_geometries_and_writes_null_properties():
    gdf = gpd.GeoDataFrame(
        {"code": ["a", "b", "c"], "cls": pd.array([1, pd.NA, 2], dtype="Int64")},
        geometry=[shapely.box(0.123456, 1, 2, 3), shapely.box(0, 0, 1, 1), None],
        crs="EPSG:4326")
    payload = webmap.geojson(gdf, ("code", "cls"))
    feats = features(payload)
    assert [f["properties"] for f in feats] == [{"code": "a", "cls": 1},
                                                {"code": "b", "cls": None}]
    assert "0.1235" in payload and "0.123456" not in payload


def test_geojson_refuses_other_crs_and_unknown_columns():
    gdf = gpd.GeoDataFrame({"code": ["a"]}, geometry=[shapely.box(0, 0, 1, 1)],
                           crs="EPSG:2154")
    with pytest.raises(ValueError, match="EPSG:4326"):
        webmap.geojson(gdf, ("code",))
    with pytest.raises(ValueError, match="name"):
        webmap.geojson(gdf.set_crs("EPSG:4326", allow_override=True), ("code", "name"))


def test_density_classes_by_hand():
    population = pd.Series([10, 20, 49, 6000, 5000, None, 100], dtype="Int64")
    area = pd.Series([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0])
    # 10 → <20: 0; 20 → [20, 50): 1; 49 → 1; 6000 → ≥5000: 6; 5000 → 6; missing → NA;
    # zero area → NA (never class 0).
    assert webmap.density_class(population, area).tolist() == [0, 1, 1, 6, 6, pd.NA, pd.NA]


def test_density_legend_has_one_label_per_class():
    labels = webmap.density_legend()
    assert len(labels) == len(webmap.DENSITY_BREAKS) + 1
    assert labels[0] == "moins de 20" and labels[-1] == "5\u202f000 et plus"
