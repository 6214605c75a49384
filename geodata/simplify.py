"""Topology-preserving simplification of the web geometries.

``shapely.coverage_simplify`` simplifies each shared edge once, so neighbours stay joined:
per-polygon ``simplify`` opens thousands of gaps. The original geometry remains the
reference for areas and statistics; simplified ones are only drawn.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

VIEW_TOLERANCES = {"france": 0.02, "region": 0.005, "departement": 0.002}
"""Simplification tolerance (degrees, EPSG:4326) for each map view."""


def simplify_coverage(geometries: gpd.GeoSeries, view: str) -> gpd.GeoSeries:
    """Simplify a coverage of polygons for one map view.

    Parameters
    ----------
    geometries
        Polygons forming a coverage, in EPSG:4326; missing geometries stay missing.
    view
        A key of :data:`VIEW_TOLERANCES`.
    """
    if view not in VIEW_TOLERANCES:
        raise ValueError(f"unknown view {view!r}; valid views: {sorted(VIEW_TOLERANCES)}")
    present = geometries.notna() & ~geometries.is_empty
    out = geometries.copy()
    simplified = shapely.coverage_simplify(geometries[present].to_numpy(),
                                           VIEW_TOLERANCES[view])
    out[present] = shapely.make_valid(simplified)
    return out


def vertex_count(geometries: gpd.GeoSeries) -> int:
    """Total number of vertices of a series of geometries."""
    return int(shapely.get_num_coordinates(geometries.dropna().to_numpy()).sum())
