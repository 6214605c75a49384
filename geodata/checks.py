"""Quality checks of the geometry artifacts: validity, coverage defects, populations."""

from __future__ import annotations

import geopandas as gpd
import shapely

from geodata import coverage_defects
from geodata.crs import METROPOLE, METROPOLE_CRS, zone_of
from geodata.repair import FOREIGN_ENCLAVES


def coverage_quality(communes: gpd.GeoDataFrame) -> dict:
    """Measure the metropolitan coverage of ``communes``.

    Returns
    -------
    dict
        ``holes`` (count) and ``holes_km2`` without foreign enclaves, ``enclaves_km2``,
        ``overlap_pairs`` and ``overlap_km2``.
    """
    metro = communes[(zone_of(communes["departement"]) == METROPOLE)
                     & communes.geometry.notna()]
    holes = coverage_defects.holes(metro.geometry)
    points = [shapely.Point(xy) for xy in FOREIGN_ENCLAVES.values()]
    enclave = holes.apply(lambda h: any(h.contains(p) for p in points)).astype(bool)
    km2 = holes.to_crs(METROPOLE_CRS).area / 1e6 if len(holes) else holes.area
    _, overlap = coverage_defects.overlaps(metro.geometry)
    return {
        "holes": int((~enclave).sum()),
        "holes_km2": round(float(km2[~enclave].sum()), 3),
        "enclaves_km2": round(float(km2[enclave].sum()), 3),
        "overlap_pairs": int(len(overlap)),
        "overlap_km2": round(float(overlap.sum()), 3),
    }


def invalid_count(*tables: gpd.GeoDataFrame) -> int:
    """Number of invalid (present) geometries over several tables."""
    return int(sum((~t.geometry.dropna().is_valid).sum() for t in tables))
