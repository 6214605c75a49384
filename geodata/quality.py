"""The quality summary printed by ``atlas geodata check``."""

from __future__ import annotations

from pathlib import Path

from geodata import checks, populations, store
from geodata.paths import geodata_dir


def summary(root: Path | None = None) -> dict:
    """Recompute the quality figures from the artifacts in ``root``.

    Returns
    -------
    dict
        Counts per level, ``invalid`` geometries over all levels, metropolitan
        ``holes_km2`` (foreign enclaves excluded) and ``overlap_km2``,
        ``missing_population`` and ``build_seconds``, with details (among them
        ``population_filled``, the communes whose population is not from the main source,
        and ``population_years``, the number of communes per population year).
    """
    root = geodata_dir(root)
    tables = {level: store.territories(level, root)
              for level in ("communes", "epci", "departements", "regions")}
    communes = tables["communes"]
    report = store.report(root)
    quality = checks.coverage_quality(communes)
    return {
        **{level: int(len(t)) for level, t in tables.items()},
        "invalid": checks.invalid_count(*tables.values()),
        "holes_km2": quality["holes_km2"],
        "overlap_km2": quality["overlap_km2"],
        "missing_population": int(communes["population"].isna().sum()),
        "build_seconds": report["build_seconds"],
        "holes": quality["holes"],
        "overlap_pairs": quality["overlap_pairs"],
        "foreign_enclaves_km2": quality["enclaves_km2"],
        "communes_without_geometry": communes.loc[communes.geometry.isna(), "code"].tolist(),
        "population_filled": int((communes["population_source"].notna()
                                  & (communes["population_source"]
                                     != populations.PRIMARY_SOURCE)).sum()),
        "population_years": {str(year): int(n) for year, n in
                             communes["population_year"].value_counts().sort_index().items()},
        "repairs": len(report["repair"]["repairs"]),
        "source": report["sources"]["geometry"],
        "directory": str(root),
    }
