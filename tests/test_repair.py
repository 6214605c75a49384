"""Repairs on a tiny hand-made coverage whose answer is known."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geodata import legal_populations
from geodata.repair import absorbed_since, repair_communes


def _raw(rows):
    df = pd.DataFrame(rows, columns=["code", "kind", "name", "parent", "geometry"])
    df["departement"] = "01"
    df["population"] = pd.array([1] * len(df), dtype="Int64")
    return gpd.GeoDataFrame(df, geometry="geometry", crs="EPSG:4326")


def _box(x0, y0, x1, y1):
    return shapely.box(x0 * 0.01, y0 * 0.01, x1 * 0.01, y1 * 0.01)


def test_hole_goes_to_the_commune_nouvelle_whose_delegated_commune_lacks_geometry():
    # a 3x3 block; the middle cell is a hole, the ring of cells around it are communes.
    ring = [(0, 0, 1, 3), (1, 0, 3, 1), (2, 1, 3, 3), (1, 2, 2, 3)]
    rows = [(f"0100{i}", "COM", f"C{i}", None, _box(*b)) for i, b in enumerate(ring)]
    rows.append(("01099", "COMD", "Déléguée", "01002", None))  # parent 01002, no geometry
    communes, report = repair_communes(_raw(rows))
    assert [r.code for r in report.repairs] == ["01002"]
    filled = communes.set_index("code").geometry["01002"]
    assert filled.area == pytest.approx(_box(2, 1, 3, 3).area + _box(1, 1, 2, 2).area)
    assert filled.equals(shapely.MultiPolygon([shapely.union(_box(2, 1, 3, 3), _box(1, 1, 2, 2))]))
    assert report.holes_left == []


def test_ambiguous_hole_is_left_and_reported():
    ring = [(0, 0, 1, 3), (1, 0, 3, 1), (2, 1, 3, 3), (1, 2, 2, 3)]
    rows = [(f"0100{i}", "COM", f"C{i}", None, _box(*b)) for i, b in enumerate(ring)]
    rows += [("01098", "COMD", "D1", "01001", None), ("01099", "COMD", "D2", "01002", None)]
    communes, report = repair_communes(_raw(rows))
    assert report.repairs == []
    assert len(report.holes_left) == 1
    assert report.holes_left[0].neighbours == ("01000", "01001", "01002", "01003")
    assert "ambiguous" in report.holes_left[0].reason


def test_commune_without_geometry_is_rebuilt_from_its_delegated_communes():
    rows = [
        ("01001", "COM", "Nouvelle", None, None),
        ("01001", "COMD", "Ancienne", "01001", _box(0, 0, 1, 1)),
        ("01002", "COMD", "Autre", "01001", _box(1, 0, 2, 1)),
        ("01003", "COM", "Sans", None, None),
    ]
    communes, report = repair_communes(_raw(rows))
    geoms = communes.set_index("code").geometry
    assert geoms["01001"].equals(shapely.MultiPolygon([_box(0, 0, 2, 1)]))
    assert report.repairs[0].action == "rebuilt from its delegated communes"
    assert report.without_geometry == [{"code": "01003", "name": "Sans", "departement": "01"}]
    assert geoms["01003"] is None


def test_invalid_polygon_is_made_valid():
    bowtie = shapely.Polygon([(0, 0), (0.01, 0.01), (0.01, 0), (0, 0.01)])
    communes, report = repair_communes(_raw([("01001", "COM", "Noeud", None, bowtie)]))
    assert report.invalid_before == 1
    assert communes.geometry.is_valid.all()


RING = [(0, 0, 1, 3), (1, 0, 3, 1), (2, 1, 3, 3), (1, 2, 2, 3)]
"""Four communes around a one-cell hole (1, 1, 2, 2)."""


def test_hole_goes_to_the_one_neighbour_that_absorbed_a_commune_without_geometry():
    rows = [(f"0100{i}", "COM", f"C{i}", None, _box(*b)) for i, b in enumerate(RING)]
    absorbed = pd.DataFrame({"old_code": ["01099"], "code": ["01003"], "name": ["Absorbée"]})
    communes, report = repair_communes(_raw(rows), absorbed)
    assert [(r.code, r.action) for r in report.repairs] == [
        ("01003", "hole of the coverage added")]
    assert report.repairs[0].evidence == (
        "adjacent to one commune that absorbed since COG 2019 a commune without geometry "
        "(01003 ← 01099 Absorbée)")
    filled = communes.set_index("code").geometry["01003"]
    assert filled.area == pytest.approx(_box(1, 2, 2, 3).area + _box(1, 1, 2, 2).area)
    assert report.holes_left == []


def test_hole_next_to_two_communes_that_absorbed_one_is_left_and_reported():
    rows = [(f"0100{i}", "COM", f"C{i}", None, _box(*b)) for i, b in enumerate(RING)]
    absorbed = pd.DataFrame({"old_code": ["01098", "01099"], "code": ["01001", "01003"],
                             "name": ["A", "B"]})
    _, report = repair_communes(_raw(rows), absorbed)
    assert report.repairs == []
    assert report.holes_left[0].reason == (
        "ambiguous: several adjacent communes absorbed since COG 2019 a commune without "
        "geometry (01001, 01003)")


def test_absorbed_since_keeps_recent_absorptions_without_geometry():
    walk = pd.DataFrame({
        "old_code": ["01098", "01099", "01097", "01001", "75101", "01096"],
        "code": ["01001", "01001", "01002", "01001", "75056", "01002"],
        "link": ["ancien code", "déléguée", "ancien code", "même code", "arrondissement",
                 "ancien code"],
        "name": ["Old", "Recent", "Drawn", "Self", "Arr", "Older"],
        "last_cog": pd.array([None, 2024, 2019, 2025, None, 2016], dtype="Int64")})
    raw = _raw([("01097", "COMD", "Drawn", "01002", _box(0, 0, 1, 1))])
    out = absorbed_since(walk, raw)
    assert out.to_dict("records") == [{"old_code": "01099", "code": "01001", "name": "Recent"}]


def test_holes_left_by_absorbed_communes_match_their_insee_area(report):
    """Each hole given to a commune that absorbed one has the absorbed commune's area."""
    walk = legal_populations.read_crosswalk().set_index("old_code")
    given_back = [r for r in report["repair"]["repairs"] if "absorbed since" in r["evidence"]]
    assert len(given_back) == 7
    for repair in given_back:
        absorbed = repair["evidence"].split("← ")[1].split(" ")[0]
        assert repair["km2"] == pytest.approx(walk.at[absorbed, "area_km2_2021"], rel=0.08)
    assert report["quality"]["holes_km2"] < 10
