"""Objective against perceived fragility, région by région, with the Grand Débat's answers.

For each declared pair of a closed question and a domain
(:func:`~atlas.perception.grand_debat.questions.pairs`) and each région:

- **perceived**: the share of the question's fragile answer
  (:func:`~atlas.perception.grand_debat.shares.closed_shares`) and its interval; the
  région perceives the domain as fragile when the interval's lower bound is above the
  median share of the régions, as not fragile when its upper bound is below it;
- **objective**: the région's domain score, its rank among the régions and its standing
  (1 = the most fragile) with the Monte Carlo interval of the index
  (:func:`atlas.perception.compare.objective_profile`), and the values of the indicators
  closest to the question;
- the **category** follows the rules of :func:`atlas.perception.compare.categories`: a
  finding clears both uncertainties or is « non significatif ».

Across régions, the Spearman correlation of the perceived share with the domain's standing
(and with each closest indicator, oriented so that higher is more fragile) is given for the
13 metropolitan régions and for every région with both values, with a 95 % interval
(Fisher's z with the variance 1.06 / (n − 3) of Fieller, Hartley and Pearson, 1957). With 13
régions, only a strong correlation clears zero; a weak one says that contributors' answers
and the indicators do not rank the régions alike, not that either is wrong: contributors
chose to take part, and the atlas measures residents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from atlas.index.composite import Method
from atlas.index.level_indices import indicator_meta, level_indices
from atlas.perception import compare
from atlas.perception.gap import N_VARIANTS, level_uncertainty
from atlas.perception.grand_debat import snapshot
from atlas.perception.grand_debat.questions import pairs
from atlas.perception.grand_debat.reading import CAVEAT, SOURCE_ID, Contributions
from atlas.perception.grand_debat.shares import closed_shares
from atlas.perception.survey.estimates import ALL_ACTORS, CONFIDENCE
from geodata.hierarchy import overseas_codes
from indicators import snapshot as indicator_snapshot

SCOPES = {"metropole": "13 régions métropolitaines", "all": "toutes les régions renseignées"}
TABLE_COLUMNS = ("region", "region_name", "question", "domain", "share", "ci_low", "ci_high",
                 "answered", "contributors", "blank_share", "status", "perceived_standing",
                 "score", "rank", "standing", "standing_low", "standing_high", "category",
                 "disagreement")
CORRELATION_COLUMNS = ("question", "domain", "against", "scope", "n", "spearman", "ci_low",
                       "ci_high")
SPEARMAN_VARIANCE = 1.06
"""Variance factor of Fisher's z for Spearman's rho (Fieller, Hartley and Pearson, 1957)."""


@dataclass(frozen=True)
class RealComparison:
    """Objective and perceived fragility of the régions, on the Grand Débat's answers.

    Attributes
    ----------
    actor
        ``"tous"`` or one author type.
    table
        One row per région × (question, domain): :data:`TABLE_COLUMNS`.
    indicators
        ``region``, ``question``, ``indicator``, ``value``, ``direction``: the closest
        indicators' values of each région.
    correlations
        :data:`CORRELATION_COLUMNS`, ``against`` being ``"domain"`` or an indicator id.
    source, caveat
        Where the answers come from, and what they are not.
    """

    actor: str
    table: pd.DataFrame
    indicators: pd.DataFrame
    correlations: pd.DataFrame
    source: str = SOURCE_ID
    caveat: str = CAVEAT


def compare_regions(actor: str = ALL_ACTORS, method: Method | None = None,
                    n_variants: int = N_VARIANTS,
                    contributions: Contributions | None = None) -> RealComparison:
    """Set the Grand Débat's perceived shares beside the régions' objective fragility.

    Parameters
    ----------
    actor
        ``"tous"`` or an author type (``citoyen``, ``elu``, ``entreprise``,
        ``association``, ``non_precise``).
    method
        The index method (default: the atlas's).
    n_variants
        Monte Carlo variants for the objective rank intervals.
    contributions
        The answers (default: the committed snapshot).

    Raises
    ------
    ValueError
        An unknown author type.
    """
    contributions = contributions if contributions is not None else snapshot.load()
    result = level_indices("regions", method)
    profile = compare.objective_profile(result, level_uncertainty("regions", n_variants,
                                                                  method))
    profile = profile.rename(columns={"territory_code": "region"})
    scores = result.domain_scores.rename_axis("region").reset_index().melt(
        id_vars="region", var_name="domain", value_name="score")
    ranks = result.ranks[result.domain_scores.columns].astype("float64")
    ranks = ranks.rename_axis("region").reset_index().melt(
        id_vars="region", var_name="domain", value_name="rank")
    objective = profile.merge(scores, on=["region", "domain"]).merge(
        ranks, on=["region", "domain"])
    rows, indicator_rows = [], []
    values = indicator_snapshot.values("regions")
    direction = indicator_meta()["direction"]
    for question, domain in pairs():
        shares = closed_shares(contributions, question, actor)
        shares = shares.assign(question=question.id, domain=domain,
                               perceived_standing=_standing(shares["share"]))
        rows.append(shares.merge(objective[objective["domain"] == domain],
                                 on=["region", "domain"], how="left"))
    for question in {q.id: q for q, _ in pairs()}.values():
        for indicator in question.indicators:
            column = values[indicator] if indicator in values else pd.Series(dtype=float)
            indicator_rows.append(pd.DataFrame({
                "region": column.index, "question": question.id, "indicator": indicator,
                "value": column.to_numpy(dtype="float64"),
                "direction": int(direction.get(indicator, 1))}))
    table = pd.concat(rows, ignore_index=True)
    table = _classify(table)
    indicators = (pd.concat(indicator_rows, ignore_index=True) if indicator_rows
                  else pd.DataFrame(columns=["region", "question", "indicator", "value",
                                             "direction"]))
    return RealComparison(actor, table[list(TABLE_COLUMNS)], indicators,
                          correlations(table, indicators))


def correlations(table: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Spearman correlation of perceived share and objective standing, per pair and scope.

    Also against each closest indicator (oriented: higher = more fragile).
    """
    overseas = overseas_codes()
    out = []
    for (question, domain), rows in table.groupby(["question", "domain"], sort=False):
        against = {"domain": rows.set_index("region")["standing"]}
        for indicator, one in indicators[indicators["question"] == question].groupby(
                "indicator", sort=False):
            against[indicator] = one.set_index("region")["value"] * one["direction"].iloc[0]
        share = rows.set_index("region")["share"]
        for name, objective in against.items():
            for scope in SCOPES:
                both = pd.concat([share, objective.reindex(share.index)], axis=1).dropna()
                if scope == "metropole":
                    both = both[~both.index.isin(overseas)]
                rho, low, high = spearman_interval(both.iloc[:, 0], both.iloc[:, 1])
                out.append((question, domain, name, scope, len(both), rho, low, high))
    return pd.DataFrame(out, columns=list(CORRELATION_COLUMNS))


def spearman_interval(x: pd.Series, y: pd.Series, confidence: float = CONFIDENCE
                      ) -> tuple[float, float, float]:
    """Spearman's rho and its interval (Fisher's z, variance 1.06 / (n − 3)).

    Missing (NaN) with fewer than 4 pairs or a constant series.

    >>> rho, low, high = spearman_interval(pd.Series(range(13)), pd.Series(range(13)))
    >>> rho, round(low, 3)
    (1.0, 1.0)
    >>> rho, low, high = spearman_interval(pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ...                                    pd.Series([2, 1, 4, 3, 6, 5, 8, 7, 10, 9]))
    >>> round(rho, 3), round(low, 3), round(high, 3)
    (0.939, 0.749, 0.986)
    """
    n = len(x)
    if n < 4 or x.nunique() < 2 or y.nunique() < 2:
        return np.nan, np.nan, np.nan
    rho = float(stats.spearmanr(x, y).statistic)
    if abs(rho) >= 1:
        return rho, rho, rho
    z = np.arctanh(rho)
    half = stats.norm.ppf(0.5 + confidence / 2) * np.sqrt(SPEARMAN_VARIANCE / (n - 3))
    return rho, float(np.tanh(z - half)), float(np.tanh(z + half))


def _standing(share: pd.Series) -> pd.Series:
    """1 for the highest share of the régions, 0 for the lowest (missing stays missing)."""
    known = share.notna().sum()
    rank = share.rank(ascending=False, method="min")
    return (1 - (rank - 1) / (known - 1)) if known > 1 else rank * np.nan


def _classify(table: pd.DataFrame) -> pd.DataFrame:
    """Category and disagreement of each région × pair."""
    median = table.groupby(["question", "domain"])["share"].transform("median")
    perceived = table["share"].notna()
    table["category"] = compare.categories(
        table, perceived & (table["ci_low"] > median), perceived & (table["ci_high"] < median),
        ~perceived | table["score"].isna())
    table["disagreement"] = table["perceived_standing"] - table["standing"]
    return table
