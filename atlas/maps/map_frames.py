"""The territories a static map draws, in their drawing CRS, kept between maps.

A map covers France (metropole in Lambert-93, overseas départements moved into insets by
:func:`geodata.insets.apply_insets`), one région or one département (Lambert-93, or the
overseas département's local CRS). Its *scope* is ``None`` for France, else the level and
code of the territory it covers, ``("regions", "84")`` or ``("departements", "15")``.

Reading, reprojecting and moving the geometries, then turning them into matplotlib paths,
is done once per level and scope (:func:`territories`, cached until the artifacts are
rebuilt): the next map of the same territories only classifies its values and draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from atlas.maps.map_paths import FeaturePaths, polygon_paths
from geodata import build, insets, store
from geodata.crs import OVERSEAS_CRS
from geodata.hierarchy import departement_of, members, parent_of
from geodata.levels import level as level_of
from geodata.levels import parse_territory, territory_level
from geodata.paths import geodata_dir

Scope = tuple[str, str] | None
"""``None`` (France) or the (level, code) of the région or département a map covers."""
SCOPE_LEVELS = ("regions", "departements")
"""Levels of the territories a map can cover."""
VIEWS = {None: "france", "regions": "region", "departements": "departement"}
"""Simplified geometries (:data:`geodata.simplify.VIEW_TOLERANCES`) of each kind of scope."""


@dataclass(frozen=True)
class Territories:
    """Territories of one level in one scope, ready to draw.

    Attributes
    ----------
    frame
        ``code``, ``name`` and ``geometry`` in the drawing CRS (do not modify: shared).
    paths
        The same geometries as matplotlib path arrays, row for row.
    """

    frame: gpd.GeoDataFrame
    paths: FeaturePaths


def read_scope(region: str | None = None, within: str | tuple[str, str] | None = None
               ) -> Scope:
    """The scope of a map from a région code or a ``LEVEL:CODE`` (or a pair).

    >>> read_scope("84"), read_scope(within="departement:15"), read_scope()
    (('regions', '84'), ('departements', '15'), None)

    Raises
    ------
    ValueError
        Both given and different, or a level other than régions and départements.
    """
    if isinstance(within, str):
        within = parse_territory(within)
    scope = None
    if within is not None:
        kind = level_of(within[0]).id
        if kind not in SCOPE_LEVELS:
            raise ValueError(f"a map covers France, a région or a département, not "
                             f"{within[0]!r}; valid levels: {', '.join(SCOPE_LEVELS)}")
        scope = (kind, within[1])
    if region is not None:
        if scope not in (None, ("regions", region)):
            raise ValueError(f"région {region!r} and map frame {within!r} disagree: "
                             "give only one")
        scope = ("regions", region)
    return scope


def territories(level: str, scope: Scope = None, root: Path | None = None) -> Territories:
    """Territories of ``level`` in ``scope`` (all of France when ``None``), cached.

    Raises
    ------
    ValueError
        Unknown level or code, or a level that does not lie inside the scope's level.
    """
    level = territory_level(level).id
    return _territories(level, scope, None if root is None else Path(root), _stamp(root))


def scope_name(scope: Scope, root: Path | None = None) -> str:
    """How a subtitle names the scope (« France entière », « région Bretagne »…).

    Raises
    ------
    ValueError
        Unknown code (the message lists the valid ones).
    """
    if scope is None:
        return "France entière"
    kind, code = scope
    table = store.attributes(kind, root)
    names = table.loc[table["code"] == code, "name"]
    if names.empty:
        raise ValueError(f"unknown {level_of(kind).label} {code!r}; valid codes: "
                         f"{sorted(table['code'])}")
    return f"{level_of(kind).label} {names.iloc[0]}"


def home_scopes(level: str, code: str, root: Path | None = None) -> list[tuple[str, str]]:
    """The région, then the département, a territory lies in (by :mod:`geodata.hierarchy`).

    A département's own scope is itself; a région has only its own; an EPCI's is where
    most of its inhabitants live. Unknown codes have none.
    """
    level = territory_level(level).id
    return [(kind, str(parents[code])) for kind in SCOPE_LEVELS
            if (parents := _parents(level, kind, root)) is not None
            and code in parents.index and not pd.isna(parents[code])]


def lies_in(level: str, code: str, scope: Scope, root: Path | None = None) -> bool:
    """Whether a map of ``scope`` shows the territory ``level``/``code`` whole."""
    if scope is None:
        return True
    return tuple(scope) in home_scopes(level, code, root)


def _parents(level: str, kind: str, root: Path | None) -> pd.Series | None:
    try:
        return parent_of(level, kind, root)
    except ValueError:  # a région has no département
        return None


def _stamp(root: Path | None) -> int:
    """Modification time of the artifacts' build report: a rebuild empties the cache."""
    report = geodata_dir(root) / build.REPORT
    return report.stat().st_mtime_ns if report.exists() else 0


@lru_cache(maxsize=24)
def _territories(level: str, scope: Scope, root: Path | None, stamp: int) -> Territories:
    frame = _frame(level, scope, root)
    return Territories(frame, polygon_paths(frame.geometry.to_numpy()))


def _frame(level: str, scope: Scope, root: Path | None) -> gpd.GeoDataFrame:
    table = store.attributes(level, root)
    shapes = store.web_geometries(level, VIEWS[None if scope is None else scope[0]], root)
    if scope is not None:
        scope_name(scope, root)  # an unknown code: ValueError naming the valid ones
        shapes = shapes[shapes["code"].isin(members(level, scope[0], scope[1], root))]
    frame = gpd.GeoDataFrame(shapes.merge(table[["code", "name"]], on="code", how="left"),
                             geometry="geometry", crs=shapes.crs)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty].reset_index(drop=True)
    deps = frame["code"].map(departement_of(level, root)).fillna("")
    if scope is None:
        return insets.apply_insets(frame, deps, target="static")
    return frame.to_crs(_local_crs(deps))


def _local_crs(deps: pd.Series) -> str:
    """Lambert-93, or the local CRS of the overseas département of the territories."""
    overseas = deps[deps.isin(list(OVERSEAS_CRS))]
    return OVERSEAS_CRS[overseas.iloc[0]] if len(overseas) else insets.STATIC_TARGET_CRS
