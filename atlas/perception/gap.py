"""Run the objective-versus-perceived comparison for one level, actor and survey.

Glue between the indices (:mod:`atlas.index.level_indices`,
:mod:`atlas.index.uncertainty`), the survey estimates
(:mod:`atlas.perception.survey.estimates`) and :mod:`atlas.perception.compare`, plus the
spatial view: where gaps cluster (local Moran's I with a false-discovery-rate correction).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import esda
import libpysal
import numpy as np
import pandas as pd

from atlas.index.composite import Method
from atlas.index.level_indices import level_indices, level_inputs
from atlas.index.uncertainty import Uncertainty, Variation, simulate
from atlas.perception import compare
from atlas.perception.survey.estimates import priority_scores
from atlas.perception.survey.model import Survey
from geodata import store
from geodata.hierarchy import overseas_codes
from geodata.levels import DEPARTEMENTS, REGIONS, level_id
from geodata.levels import level as get_level

LEVELS = (REGIONS, DEPARTEMENTS)
"""Levels at which perceptions are compared (survey files name them in the singular)."""
FDR_ALPHA = 0.05
N_VARIANTS = 200
"""Monte Carlo variants for the index's rank intervals (cheap at these levels)."""


@dataclass(frozen=True)
class GapComparison:
    """The comparison of one level and actor, with where its survey data come from."""

    level: str
    actor: str
    source: str
    simulated: bool
    table: pd.DataFrame
    """One row per territory × domain (:data:`atlas.perception.compare.COMPARISON_COLUMNS`)."""
    summary: pd.DataFrame
    """One row per territory: spearman, blind_spots, over_perceived, aligned, n_effective."""


def run(survey: Survey, level: str = "region", actor: str = "citoyen",
        n_variants: int = N_VARIANTS, method: Method | None = None) -> GapComparison:
    """Compare the objective and perceived profiles of every territory of ``level``.

    The objective profile is computed with ``method`` (default: the atlas's default),
    and its uncertainty from variants around that method.
    """
    found = get_level(level)
    if found not in LEVELS:
        raise ValueError(f"unknown level {level!r}; valid levels: "
                         f"{[lv.singular for lv in LEVELS]}")
    level, index_level = found.singular, found.id
    profile = compare.objective_profile(level_indices(index_level, method),
                                        level_uncertainty(index_level, n_variants, method))
    perceived = compare.perceived_profile(priority_scores(survey.respondents, level), actor)
    if perceived.empty:
        raise ValueError(f"no respondent of type {actor!r} at level {level!r} in "
                         f"{survey.source}")
    table = compare.compare(profile, perceived)
    return GapComparison(level, actor, survey.source, survey.simulated, table,
                         compare.territory_summary(table))


@lru_cache(maxsize=8)
def level_uncertainty(level: str, n_variants: int = N_VARIANTS,
                      method: Method | None = None) -> Uncertainty:
    """Monte Carlo ranks of every territory of ``level``, around ``method`` (cached)."""
    values, meta, region, national = level_inputs(level)
    return simulate(values, meta, method, variation=Variation(n_variants=n_variants, seed=0),
                    region=region, reference=national)


def gap_clusters(comparison: GapComparison, domain: str, k: int = 5,
                 permutations: int = 999, seed: int = 0) -> pd.DataFrame:
    """Local Moran's I of the gap in one domain, with a false-discovery-rate correction.

    Neighbours are the ``k`` nearest territories (centroids in EPSG:3035; the overseas
    départements, which have no neighbour on land, are left out). ``cluster`` is
    ``"HH"`` where a high gap (under-perceived fragility) is surrounded by high gaps — a
    cluster of blind spots —, ``"LL"``, ``"HL"``, ``"LH"``, or ``"ns"`` when not significant
    after the Benjamini–Hochberg correction at :data:`FDR_ALPHA` (esda.fdr).
    """
    rows = comparison.table[comparison.table["domain"] == domain]
    gaps = rows.set_index("territory_code")["gap"].dropna()
    shapes = store.territories(level_id(comparison.level))
    shapes = shapes[shapes["code"].isin(gaps.index)
                    & ~shapes["code"].isin(list(overseas_codes()))]
    shapes = shapes.set_index("code").to_crs("EPSG:3035")
    if len(shapes) <= k + 1:
        raise ValueError(f"too few territories ({len(shapes)}) for {k} neighbours")
    points = np.column_stack([shapes.centroid.x, shapes.centroid.y])
    weights = libpysal.weights.KNN.from_array(points, k=k, ids=list(shapes.index))
    weights.transform = "r"
    y = gaps.reindex(shapes.index).to_numpy(dtype="float64")
    with warnings.catch_warnings():
        # esda 2.x announces a two-sided default for later; its Moran_Local has no
        # ``alternative`` argument yet: the pseudo p-value stays the directed (folded) one
        warnings.filterwarnings("ignore", "The alternative hypothesis", DeprecationWarning)
        local = esda.Moran_Local(y, weights, permutations=permutations, seed=seed)
    threshold = esda.fdr(local.p_sim, FDR_ALPHA)
    significant = local.p_sim <= threshold
    quadrant = pd.Series(local.q, index=shapes.index).map({1: "HH", 2: "LH", 3: "LL",
                                                           4: "HL"})
    return pd.DataFrame({"gap": y, "local_i": local.Is, "p_sim": local.p_sim,
                         "significant": significant,
                         "cluster": quadrant.where(significant, "ns")}, index=shapes.index)


def summary_json(comparison: GapComparison) -> dict:
    """The object printed by ``atlas compare --json``."""
    names = store.attributes(level_id(comparison.level)).set_index("code")["name"]
    territories = []
    for code, row in comparison.summary.iterrows():
        territories.append({
            "code": code, "name": names.get(code, "?"),
            "spearman": None if pd.isna(row["spearman"]) else round(row["spearman"], 3),
            "blind_spots": int(row["blind_spots"]),
            "over_perceived": int(row["over_perceived"]),
            "n_effective": None if pd.isna(row["n_effective"])
            else round(row["n_effective"], 1)})
    return {"source": "simulated" if comparison.simulated else comparison.source,
            "actor": comparison.actor, "level": comparison.level,
            "territories": territories}
