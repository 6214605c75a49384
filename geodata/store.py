"""Read the geometry artifacts written by :mod:`geodata.build`."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata import build, simplify
from geodata.levels import LEVELS
from geodata.paths import geodata_dir


class NotBuiltError(RuntimeError):
    """Raised when the artifacts are missing; the message gives the command to build them."""


def _root(root: Path | None) -> Path:
    path = geodata_dir(root)
    if not (path / build.REPORT).exists():
        raise NotBuiltError(f"No geometry artifacts in {path}: run `atlas geodata build`.")
    return path


def ensure_built(root: Path | None = None) -> Path:
    """Build the artifacts if they are missing or stale, and return their folder."""
    build.build(root)
    return geodata_dir(root)


def territories(level: str, root: Path | None = None) -> gpd.GeoDataFrame:
    """Territories of ``level`` with their original (reference) geometry.

    Parameters
    ----------
    level
        ``"communes"``, ``"epci"``, ``"departements"`` or ``"regions"``
        (``"arrondissements"`` for the municipal arrondissements).
    """
    if level not in (*LEVELS, "arrondissements"):
        raise ValueError(f"unknown level {level!r}; valid levels: "
                         f"{sorted([*LEVELS, 'arrondissements'])}")
    return gpd.read_parquet(_root(root) / f"{level}.parquet")


def attributes(level: str, root: Path | None = None) -> pd.DataFrame:
    """Territories of ``level`` without geometry (fast, for tables and search)."""
    columns = [c for c in _columns(level, root) if c != "geometry"]
    return pd.read_parquet(_root(root) / f"{level}.parquet", columns=columns)


def web_geometries(level: str, view: str, root: Path | None = None) -> gpd.GeoDataFrame:
    """Simplified geometries (``code``, ``geometry``) of ``level`` for a map ``view``.

    ``view`` is one of :data:`geodata.simplify.VIEW_TOLERANCES` (``"france"``,
    ``"region"``, ``"departement"``).
    """
    if view not in simplify.VIEW_TOLERANCES:
        raise ValueError(f"unknown view {view!r}; valid views: "
                         f"{sorted(simplify.VIEW_TOLERANCES)}")
    return gpd.read_parquet(build.artifact_path(_root(root), level, view))


def report(root: Path | None = None) -> dict:
    """The build report: repairs, residual holes, communes without geometry, sources."""
    return _report(_root(root))


@cache
def _report(path: Path) -> dict:
    return json.loads((path / build.REPORT).read_text(encoding="utf-8"))


def _columns(level: str, root: Path | None) -> list[str]:
    import pyarrow.parquet as pq

    return pq.read_schema(_root(root) / f"{level}.parquet").names
