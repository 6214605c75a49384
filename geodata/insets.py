"""Overseas insets: draw the five overseas départements in boxes beside the metropole.

One layout serves the web map and static figures. Each box is given in longitude/latitude
west of Brittany; :func:`apply_insets` projects a département to its local CRS, then scales
and moves it into its box expressed in the target CRS (``EPSG:3857`` for Leaflet, whose
display is Web Mercator, or a projected CRS such as ``EPSG:2154`` for static maps), so that
shapes keep their true proportions. Each inset has its own scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geodata.crs import OVERSEAS_CRS, WEB_CRS

WEB_TARGET_CRS = "EPSG:3857"
STATIC_TARGET_CRS = "EPSG:2154"


@dataclass(frozen=True)
class Inset:
    """A box in which one overseas département is drawn."""

    departement: str
    name: str
    box: tuple[float, float, float, float]
    """(west, south, east, north) in degrees, beside the metropole."""


INSETS = (
    Inset("971", "Guadeloupe", (-9.8, 49.4, -6.6, 50.9)),
    Inset("972", "Martinique", (-9.8, 47.6, -6.6, 49.1)),
    Inset("973", "Guyane", (-9.8, 45.8, -6.6, 47.3)),
    Inset("974", "La Réunion", (-9.8, 44.0, -6.6, 45.5)),
    Inset("976", "Mayotte", (-9.8, 42.2, -6.6, 43.7)),
)
"""The inset layout, north to south."""

MARGIN = 0.06
"""Share of each box left empty around its département."""


def box_in(inset: Inset, crs: str) -> shapely.Polygon:
    """Return the inset's box as a rectangle in ``crs``.

    Its top and bottom are the projected south and north of the box on the column's central
    meridian; its sides are shared by every inset (the column's widest projected extent), so
    that the boxes stay aligned and apart in any projection.
    """
    to_crs = Transformer.from_crs(WEB_CRS, crs, always_xy=True)
    west = min(i.box[0] for i in INSETS)
    east = max(i.box[2] for i in INSETS)
    south = min(i.box[1] for i in INSETS)
    north = max(i.box[3] for i in INSETS)
    corners_x, _ = to_crs.transform([west, west, east, east], [south, north, south, north])
    _, (y0, y1) = to_crs.transform([(west + east) / 2] * 2, [inset.box[1], inset.box[3]])
    return shapely.box(min(corners_x), y0, max(corners_x), y1)


def frames(crs: str) -> gpd.GeoDataFrame:
    """Return the inset boxes with their names, in ``crs``."""
    return gpd.GeoDataFrame(
        {"departement": [i.departement for i in INSETS], "name": [i.name for i in INSETS]},
        geometry=[box_in(i, crs) for i in INSETS], crs=crs)


def apply_insets(gdf: gpd.GeoDataFrame, departement: pd.Series, target: str = "web"
                 ) -> gpd.GeoDataFrame:
    """Move overseas geometries into their inset boxes.

    Parameters
    ----------
    gdf
        Geometries of any level, in any CRS.
    departement
        Département code of each row (aligned with ``gdf``); rows outside the five
        overseas départements keep their place.
    target
        ``"web"`` returns EPSG:4326 coordinates that Leaflet draws undistorted;
        ``"static"`` returns EPSG:2154 coordinates for matplotlib figures.

    Returns
    -------
    GeoDataFrame
        In EPSG:4326 for ``"web"``, EPSG:2154 for ``"static"``.
    """
    if target not in ("web", "static"):
        raise ValueError(f"unknown target {target!r}; valid targets: ['static', 'web']")
    crs = WEB_TARGET_CRS if target == "web" else STATIC_TARGET_CRS
    out = gdf.to_crs(crs)
    for inset in INSETS:
        rows = (departement == inset.departement).to_numpy() & out.geometry.notna().to_numpy()
        if not rows.any():
            continue
        local = gdf.geometry[rows].to_crs(OVERSEAS_CRS[inset.departement])
        out.loc[rows, "geometry"] = _fit(local, box_in(inset, crs)).to_numpy()
    return out.to_crs(WEB_CRS) if target == "web" else out


def _fit(geometries: gpd.GeoSeries, box: shapely.Polygon) -> gpd.GeoSeries:
    """Scale (uniformly) and translate geometries so that they fit centred in ``box``."""
    x0, y0, x1, y1 = geometries.total_bounds
    bx0, by0, bx1, by1 = box.bounds
    scale = (1 - 2 * MARGIN) * min((bx1 - bx0) / (x1 - x0), (by1 - by0) / (y1 - y0))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    bcx, bcy = (bx0 + bx1) / 2, (by0 + by1) / 2

    def move(coords: np.ndarray) -> np.ndarray:
        return np.column_stack([(coords[:, 0] - cx) * scale + bcx,
                                (coords[:, 1] - cy) * scale + bcy])

    return gpd.GeoSeries(shapely.transform(geometries.to_numpy(), move),
                         index=geometries.index)
