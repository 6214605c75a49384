"""Objective versus perceived fragility, territory by territory and domain by domain.

For each territory, its 16 domains are ordered twice:

- **objectively**, by the territory's *standing* in each domain: the share of the
  territories of its frame that are less fragile in that domain (1 = the most fragile of
  France), from the index; its uncertainty comes from the Monte Carlo rank interval;
- **as perceived**, by the perceived-priority score of the domain among the respondents
  of the territory (:func:`atlas.perception.survey.estimates.priority_scores`), with its interval.

The *gap* is ``perceived rank - objective rank`` among the 16 domains: positive when a
domain is less of a priority for respondents than its objective fragility would suggest.
A finding must clear both uncertainties, otherwise it is "non significatif":

- objectively fragile: standing at least :data:`FRAGILE_STANDING` and, at the favourable end
  of its interval, still above the median; objectively not fragile: the mirror image;
- perceived as a priority: the lower bound of the score's interval above the territory's
  median score over its domains; not a priority: the upper bound below it.

Categories: ``angle mort`` (blind spot: objectively fragile, not perceived as a priority),
``surestimé`` (over-perceived: a priority, objectively not fragile), ``aligné``
(both fragile and a priority, or neither), ``non significatif``, and ``données
insuffisantes`` when the survey estimate is suppressed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from atlas.index.composite import IndexResult
from atlas.index.uncertainty import Uncertainty

FRAGILE_STANDING = 0.75
SOLID_STANDING = 0.25
BLIND_SPOT, OVER_PERCEIVED, ALIGNED = "angle mort", "surestimé", "aligné"
NOT_SIGNIFICANT, NO_DATA = "non significatif", "données insuffisantes"
CATEGORIES = (BLIND_SPOT, OVER_PERCEIVED, ALIGNED, NOT_SIGNIFICANT, NO_DATA)
COMPARISON_COLUMNS = ("territory_code", "domain", "standing", "standing_low",
                      "standing_high", "objective_rank", "score", "ci_low", "ci_high",
                      "perceived_rank", "gap", "n_effective", "status", "category")


def objective_profile(result: IndexResult, uncertainty: Uncertainty | None = None
                      ) -> pd.DataFrame:
    """Standing of every territory in every domain, with its interval, in long form.

    Returns
    -------
    DataFrame
        ``territory_code``, ``domain``, ``standing`` (1 = most fragile of the frame),
        ``standing_low``, ``standing_high`` and ``objective_rank`` (1..16 within the
        territory, 1 = its relatively most fragile domain).
    """
    ranks = result.ranks[result.domain_scores.columns].astype("float64")
    sizes = _frame_sizes(ranks, result.groups)
    standing = _standing(ranks, sizes)
    if uncertainty is not None:
        low = _standing(uncertainty.rank_high.reindex(index=ranks.index,
                                                      columns=ranks.columns), sizes)
        high = _standing(uncertainty.rank_low.reindex(index=ranks.index,
                                                      columns=ranks.columns), sizes)
    else:
        low, high = standing, standing
    long = pd.DataFrame({
        "standing": standing.stack(future_stack=True),
        "standing_low": low.stack(future_stack=True),
        "standing_high": high.stack(future_stack=True)})
    long.index.names = ["territory_code", "domain"]
    long = long.reset_index()
    long["objective_rank"] = long.groupby("territory_code")["standing"].rank(
        ascending=False, method="min")
    return long


def perceived_profile(priorities: pd.DataFrame, actor: str) -> pd.DataFrame:
    """Perceived-priority score of each domain by territory, for one actor, in long form.

    ``priorities`` is the output of :func:`atlas.perception.survey.estimates.priority_scores`.
    Adds ``perceived_rank`` (1..16 within the territory, 1 = first priority) and
    ``median_score`` (the territory's median score over its domains).
    """
    rows = priorities[(priorities["actor"] == actor)
                      & priorities["item"].str.startswith("domain:")].copy()
    rows["domain"] = rows["item"].str.removeprefix("domain:")
    rows = rows[["territory_code", "domain", "score", "ci_low", "ci_high", "n_effective",
                 "status"]]
    rows["perceived_rank"] = rows.groupby("territory_code")["score"].rank(
        ascending=False, method="min")
    rows["median_score"] = rows.groupby("territory_code")["score"].transform("median")
    return rows


def compare(objective: pd.DataFrame, perceived: pd.DataFrame) -> pd.DataFrame:
    """Join both profiles, compute the gap and classify every territory × domain.

    Only territories present in both profiles are kept.
    """
    table = objective.merge(perceived, on=["territory_code", "domain"], how="inner")
    table["gap"] = table["perceived_rank"] - table["objective_rank"]
    table["category"] = categories(table, table["ci_low"] > table["median_score"],
                                   table["ci_high"] < table["median_score"],
                                   table["score"].isna())
    return table[list(COMPARISON_COLUMNS)].sort_values(["territory_code", "objective_rank"],
                                                        ignore_index=True)


def categories(objective: pd.DataFrame, priority: pd.Series, not_priority: pd.Series,
               no_perception: pd.Series) -> np.ndarray:
    """The category of each row, from its objective standing and its perceived side.

    Parameters
    ----------
    objective
        ``standing``, ``standing_low`` and ``standing_high`` of each row.
    priority, not_priority
        Whether the perceived side clears its uncertainty upwards (a priority, or
        perceived as fragile) or downwards.
    no_perception
        Rows whose perceived value is missing or suppressed.

    >>> rows = pd.DataFrame({"standing": [0.9, 0.1, 0.9], "standing_low": [0.8, 0.0, 0.4],
    ...                      "standing_high": [1.0, 0.2, 1.0]})
    >>> categories(rows, pd.Series([False, True, True]), pd.Series([True, False, False]),
    ...            pd.Series([False] * 3)).tolist()
    ['angle mort', 'surestimé', 'non significatif']
    """
    fragile = (objective["standing"] >= FRAGILE_STANDING) & (objective["standing_low"] > 0.5)
    solid = (objective["standing"] <= SOLID_STANDING) & (objective["standing_high"] < 0.5)
    return np.select(
        [no_perception | objective["standing"].isna(),
         fragile & not_priority, solid & priority,
         (fragile & priority) | (solid & not_priority)],
        [NO_DATA, BLIND_SPOT, OVER_PERCEIVED, ALIGNED], default=NOT_SIGNIFICANT)


def territory_summary(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per territory: Spearman correlation of the two profiles and counts of findings.

    ``spearman`` is the rank correlation between standing and perceived score over the
    domains where both exist (missing with fewer than 3 such domains).
    """
    def one(group: pd.DataFrame) -> pd.Series:
        both = group.dropna(subset=["standing", "score"])
        rho = (stats.spearmanr(both["standing"], both["score"]).statistic
               if len(both) >= 3 and both["score"].nunique() > 1
               and both["standing"].nunique() > 1 else np.nan)
        return pd.Series({
            "spearman": float(rho),
            "blind_spots": int((group["category"] == BLIND_SPOT).sum()),
            "over_perceived": int((group["category"] == OVER_PERCEIVED).sum()),
            "aligned": int((group["category"] == ALIGNED).sum()),
            "n_effective": float(group["n_effective"].max()),
        })
    return comparison.groupby("territory_code").apply(one, include_groups=False)


def actor_agreement(priorities: pd.DataFrame, territory: str) -> pd.DataFrame:
    """Spearman correlation between the domain profiles of every pair of actor types."""
    rows = priorities[(priorities["territory_code"] == territory)
                      & priorities["item"].str.startswith("domain:")]
    wide = rows.pivot_table(index="item", columns="actor", values="score")
    return wide.corr(method="spearman")


def _frame_sizes(ranks: pd.DataFrame, groups: pd.Series | None) -> pd.DataFrame:
    """Number of ranked territories in each territory's frame, per domain."""
    present = ranks.notna()
    if groups is None:
        return pd.DataFrame(np.broadcast_to(present.sum().to_numpy(), ranks.shape),
                            index=ranks.index, columns=ranks.columns)
    return present.groupby(groups.reindex(ranks.index)).transform("sum")


def _standing(ranks: pd.DataFrame, sizes: pd.DataFrame) -> pd.DataFrame:
    """1 for the most fragile of the frame, 0 for the least (rank 1 = most fragile)."""
    spread = (sizes - 1).where(sizes > 1)
    return (1 - (ranks - 1) / spread).clip(0, 1)
