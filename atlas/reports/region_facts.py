"""What a regional report says of a région, as plain rows of French text.

Every figure comes from the atlas's own computations: the région's record
(:func:`atlas.reports.territory_record.territory_record`, what ``atlas territory`` prints),
the rows of its départements and EPCI (:func:`~atlas.reports.territory_record.level_rows`,
with their stored rank intervals), the indicator snapshot (France's values) and the
geometry artifacts (populations and areas). A missing value is written
:data:`french.MISSING`, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

import french
from atlas.index.composite import OVERALL, Method
from atlas.index.level_indices import level_indices
from atlas.maps.web_layers import DENSITY_BREAKS
from atlas.reports.territory_profile import flag_table, rank_intervals
from atlas.reports.territory_record import level_rows, population_years, territory_record
from geodata import store
from indicators import snapshot
from indicators.domains import DOMAIN_BY_ID, DOMAINS
from indicators.snapshot import snapshot_catalogue

STRUCTURE = (
    ("Population et âge", ("population_change_2013_2018", "over_65_share_2020",
                           "over_75_share", "ageing_index")),
    ("Économie et emploi", ("establishments_per_1000", "jobs_per_100_workers",
                            "employment_change_2013_2018", "employment_rate_2022",
                            "unemployment_rate_2022", "youth_unemployment_rate_2022")),
    ("Revenus", ("median_income_2021", "first_decile_income_2021", "interdecile_ratio_2021",
                 "poverty_rate_2021")),
)
"""Indicators of the structural profile, by theme (ids of the catalogue)."""
ALLIANCES = ("associations_per_1000", "culture_associations_per_1000",
             "sport_associations_per_1000", "france_services_per_10000",
             "digital_advisers_per_10000")
"""Indicators of the capacity for partnerships that the snapshot holds."""
SP = french.NNBSP


@dataclass(frozen=True)
class RegionFacts:
    """Everything computed once for a région's report."""

    code: str
    name: str
    record: dict
    departements: pd.DataFrame
    """:func:`level_rows` of the région's départements (rank among the 101)."""
    epci: pd.DataFrame
    """:func:`level_rows` of the région's EPCI (rank among the 1 253)."""
    method: Method


def facts(code: str, method: Method | None = None) -> RegionFacts:
    """Gather the région's record and the rows of its départements and EPCI.

    Raises
    ------
    ValueError
        Unknown région code (the message lists the valid ones).
    """
    method = method or Method()
    names = region_names()
    if code not in names:
        raise ValueError(f"unknown région {code!r}; valid codes: {', '.join(names)}")
    record = territory_record("regions", code, method)
    deps = _rows("departements", method)
    epci = _rows("epci", method)
    return RegionFacts(code, names[code], record,
                       deps[deps["region"] == code].reset_index(drop=True),
                       epci[epci["region"] == code].reset_index(drop=True), method)


def region_names() -> dict[str, str]:
    """Code → name of the 18 régions, in code order."""
    table = store.attributes("regions").sort_values("code")
    return dict(zip(table["code"], table["name"], strict=True))


def _rows(level: str, method: Method) -> pd.DataFrame:
    rows = level_rows(level, method)
    parents = (store.attributes("departements").set_index("code")["region"]
               if level == "departements" else None)
    if parents is None:
        from geodata.hierarchy import parent_of

        parents = parent_of(level, "regions")
    rows["region"] = rows["code"].map(parents).astype("object")
    area = store.attributes(level).set_index("code")["area_km2"]
    rows["density"] = rows["population"] / rows["code"].map(area).where(lambda a: a > 0)
    return rows


def france_values() -> pd.Series:
    """Every indicator's value for France as a whole (recomputed from counts)."""
    return snapshot.values("france").iloc[0]


def value_text(value: object, unit: str) -> str:
    """An indicator value with its unit, or « non disponible »."""
    return french.quantity(None if french.is_missing(value) else float(value), unit)


def source_text(ident: str) -> str:
    """« producteur (millésime) » of an indicator."""
    source = snapshot_catalogue().by_id(ident).source
    return f"{source.producer} ({source.vintage})"


def indicator_rows(f: RegionFacts, ids: tuple[str, ...]) -> list[list[str]]:
    """Label, région, France, lowest and highest département, source of each indicator.

    The région's value is the record's (``atlas territory``'s); a département range
    names its départements.
    """
    catalogue = snapshot_catalogue()
    france = france_values()
    rows = []
    for ident in ids:
        indicator = catalogue.by_id(ident)
        entry = f.record["indicators"][ident]
        deps = f.departements[["name", ident]].dropna()
        if deps.empty:
            spread = french.MISSING
        else:
            low, high = deps.loc[deps[ident].idxmin()], deps.loc[deps[ident].idxmax()]
            spread = (f"{french.indicator_value(low[ident])} ({low['name']}) à "
                      f"{french.indicator_value(high[ident])} ({high['name']})")
        rows.append([indicator.label, value_text(entry["value"], indicator.unit),
                     value_text(france.get(ident), indicator.unit), spread,
                     source_text(ident)])
    return rows


def identity_rows(f: RegionFacts) -> list[list[str]]:
    """Population, area, density and numbers of départements, EPCI and communes."""
    regions = store.attributes("regions").set_index("code")
    row = regions.loc[f.code]
    france_pop, france_area = regions["population"].sum(), regions["area_km2"].sum()
    population = f.record["population"]["value"]
    return [
        ["Population", french.population(population),
         french.population(france_pop)],
        ["Superficie", french.area(row["area_km2"], 0), french.area(france_area, 0)],
        ["Densité", french.quantity(population / row["area_km2"], "hab./km²", 0),
         french.quantity(france_pop / france_area, "hab./km²", 0)],
        ["Départements", french.integer(len(f.departements)),
         french.integer(len(store.attributes("departements")))],
        ["EPCI (intercommunalités)", french.integer(len(f.epci)),
         french.integer(len(store.attributes("epci")))],
        ["Communes", french.integer(row["n_communes"]),
         french.integer(regions["n_communes"].sum())],
    ]


def population_year(code: str | None = None) -> int:
    """The year of the communes' legal populations (the most frequent), in a région or all."""
    if code is not None:
        return int(population_years("regions")[code])
    return int(store.attributes("communes")["population_year"].mode().iloc[0])


def density_mix(code: str | None) -> list[float]:
    """Share of the population living in a commune of each density class (France: None).

    Classes are the atlas's density classes (:data:`DENSITY_BREAKS`, inhabitants per km²).
    """
    communes = store.attributes("communes")
    if code is not None:
        communes = communes[communes["region"] == code]
    area = communes["area_km2"].where(communes["area_km2"] > 0)
    density = communes["population"] / area
    cls = np.searchsorted(np.asarray(DENSITY_BREAKS), density.to_numpy(dtype="float64"),
                          side="right")
    population = communes["population"].astype("float64")
    known = density.notna().to_numpy()
    total = population[known].sum()
    return [float(population[known & (cls == k)].sum() / total)
            for k in range(len(DENSITY_BREAKS) + 1)]


def density_labels() -> list[str]:
    """« moins de 20 », « 20 à 50 »… « 5 000 et plus » (habitants par km²)."""
    bounds = [french.integer(b) for b in DENSITY_BREAKS]
    return ([f"moins de {bounds[0]}"]
            + [f"{a} à {b}" for a, b in zip(bounds, bounds[1:], strict=False)]
            + [f"{bounds[-1]} et plus"])


def departement_rows(f: RegionFacts) -> list[list[str]]:
    """One row per département: population, density, income, poverty, index and rank."""
    deps = f.departements.sort_values("code")
    size = _frame(f.method, "departements")
    return [[f"{r['name']} ({r['code']})", french.population(r["population"]),
             french.integer(r["density"]),
             value_text(r["median_income_2021"], "€"),
             value_text(r["poverty_rate_2021"], "%"),
             value_text(r["unemployment_rate_2022"], "%"),
             french.number(r["overall"], 2),
             _rank(r, size)] for _, r in deps.iterrows()]


def score_rows(f: RegionFacts) -> list[list[str]]:
    """The overall index and the 4 dimensions: score, rank among the régions and interval."""
    from atlas.reports.territory_profile import score_table

    result = level_indices("regions", f.method)
    table = score_table(result, f.code, rank_intervals("regions", f.method))
    overall = f.record["overall"]
    rows = []
    for ident, row in table.iterrows():
        low, high = row["rank_low"], row["rank_high"]
        if ident == OVERALL:  # the record's, as atlas territory prints them
            low, high = overall["rank_low"], overall["rank_high"]
        rows.append([row["label"], french.number(row["score"], 2),
                     french.rank(row["rank"], row["frame_size"]),
                     french.rank_interval(low, high)])
    return rows


def domain_rows(f: RegionFacts) -> list[list[str]]:
    """The 16 domains: score, rank among the régions, 90 % interval, flag."""
    result = level_indices("regions", f.method)
    uncertainty = rank_intervals("regions", f.method)
    sizes = result.domain_scores.notna().sum()
    rows = []
    for domain in DOMAINS:
        score = f.record["domains"][domain.id]
        rank = result.ranks.loc[f.code, domain.id]
        low, high = _interval(uncertainty, f.code, domain.id, rank)
        rows.append([domain.label, french.number(score, 2),
                     french.rank(None if pd.isna(rank) else rank, sizes[domain.id]),
                     french.rank_interval(low, high),
                     "oui" if domain.id in f.record["flags"] else ""])
    return rows


def most_fragile_domains(f: RegionFacts, n: int = 3) -> list[str]:
    """Ids of the ``n`` domains with the région's highest scores (missing ones last)."""
    scores = pd.Series(f.record["domains"], dtype="float64").dropna()
    return list(scores.sort_values(ascending=False, kind="stable").index[:n])


def flag_rows(f: RegionFacts) -> list[list[str]]:
    """Each département of the région with the domains where it is in France's top tenth."""
    flags = flag_table(level_indices("departements", f.method))
    rows = []
    for _, dep in f.departements.sort_values("code").iterrows():
        row = flags.loc[dep["code"]]
        labels = [DOMAIN_BY_ID[d].label for d in row.index[row.fillna(False).astype(bool)]]
        rows.append([f"{dep['name']} ({dep['code']})",
                     ", ".join(labels) if labels else "aucun"])
    return rows


def extremes(rows: pd.DataFrame, level: str, method: Method, n: int) -> tuple[
        list[list[str]], list[list[str]]]:
    """The ``n`` most and least fragile territories of ``rows`` (overall index)."""
    ranked = rows.dropna(subset=["overall"]).sort_values("overall", ascending=False,
                                                         kind="stable")
    size = _frame(method, level)

    def line(r: pd.Series) -> list[str]:
        return [f"{r['name']} ({r['code']})", french.population(r["population"]),
                french.number(r["overall"], 2), _rank(r, size)]

    return ([line(r) for _, r in ranked.head(n).iterrows()],
            [line(r) for _, r in ranked.tail(n).iloc[::-1].iterrows()])


def _rank(row: pd.Series, size: int) -> str:
    rank = row["overall_rank"]
    text = french.rank(None if pd.isna(rank) else rank, size)
    low, high = row.get("overall_rank_low"), row.get("overall_rank_high")
    if not (french.is_missing(low) or french.is_missing(high)):
        text += f" ({french.rank_interval(low, high)})"
    return text


@cache
def _frame(method: Method, level: str) -> int:
    return int(level_indices(level, method).overall.notna().sum())


def _interval(uncertainty, code: str, ident: str, rank: object) -> tuple[float, float]:
    from atlas.reports.territory_profile import rank_interval

    if ident not in uncertainty.rank_low.columns:
        return np.nan, np.nan
    return rank_interval(uncertainty, code, ident, rank)
