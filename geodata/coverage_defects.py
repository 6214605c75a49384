"""Measure the defects of a polygon coverage: holes between polygons and overlaps."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geodata.crs import METROPOLE_CRS


def holes(geometries: gpd.GeoSeries) -> gpd.GeoSeries:
    """Return the holes of a coverage: the interior rings of the union of its polygons.

    Gaps that open onto the sea are coastline, not holes, and are not returned.
    """
    union = shapely.union_all(shapely.make_valid(geometries.dropna().to_numpy()))
    parts = shapely.get_parts(union)
    rings = [shapely.Polygon(ring) for part in parts
             if isinstance(part, shapely.Polygon) for ring in part.interiors]
    return gpd.GeoSeries(rings, crs=geometries.crs)


def overlaps(geometries: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Return, for every pair of polygons whose interiors overlap, their positions and area.

    Returns
    -------
    pairs : ndarray of shape (2, n)
        Positional indices of each overlapping pair (each pair once).
    km2 : ndarray of shape (n,)
        Area of each overlap in km², measured in EPSG:3035.
    """
    geoms = geometries.to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="overlaps")
    keep = left < right
    pairs = np.vstack([left[keep], right[keep]])
    inter = shapely.intersection(geoms[pairs[0]], geoms[pairs[1]])
    km2 = gpd.GeoSeries(inter, crs=geometries.crs).to_crs(METROPOLE_CRS).area.to_numpy() / 1e6
    return pairs, km2


def area_km2(geometries: gpd.GeoSeries) -> float:
    """Total area of metropolitan geometries in km² (EPSG:3035)."""
    if geometries.empty:
        return 0.0
    return float(geometries.to_crs(METROPOLE_CRS).area.sum() / 1e6)
