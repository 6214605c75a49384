"""Coordinate reference systems fit for measuring areas, by zone.

Metropolitan France uses the equal-area ETRS89-LAEA (EPSG:3035, within 0.002 % of the
geodesic area); each overseas département uses its local projected CRS.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

WEB_CRS = "EPSG:4326"
METROPOLE = "metropole"
METROPOLE_CRS = "EPSG:3035"
OVERSEAS_CRS = {
    "971": "EPSG:5490",  # Guadeloupe: RGAF09 / UTM 20N
    "972": "EPSG:5490",  # Martinique: RGAF09 / UTM 20N
    "973": "EPSG:2972",  # Guyane: RGFG95 / UTM 22N
    "974": "EPSG:2975",  # La Réunion: RGR92 / UTM 40S
    "976": "EPSG:4471",  # Mayotte: RGM04 / UTM 38S
}


def zone_of(departement: pd.Series) -> pd.Series:
    """Return the zone of each département code: ``"metropole"`` or the overseas code.

    >>> zone_of(pd.Series(["75", "2A", "974"])).tolist()
    ['metropole', 'metropole', '974']
    """
    return departement.where(departement.isin(list(OVERSEAS_CRS)), METROPOLE)


def area_crs(zone: str) -> str:
    """Return the CRS in which areas of ``zone`` are measured."""
    return METROPOLE_CRS if zone == METROPOLE else OVERSEAS_CRS[zone]


def areas_km2(gdf: gpd.GeoDataFrame, zone: pd.Series) -> pd.Series:
    """Area of each geometry in km², measured in the CRS of its zone.

    Missing geometries give a missing area, never 0.
    """
    out = pd.Series(float("nan"), index=gdf.index, dtype="float64")
    for name, idx in zone.groupby(zone).groups.items():
        part = gdf.geometry.loc[idx]
        part = part[part.notna()]
        if len(part):
            out.loc[part.index] = part.to_crs(area_crs(name)).area.to_numpy() / 1e6
    return out
