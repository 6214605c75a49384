"""Repairs on a tiny hand-made coverage whose answer is known."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geodata.repair import repair_communes


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
