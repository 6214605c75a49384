"""Flags: domains where a territory is among the most fragile tenth of its frame.

As the CDC/ATSDR Social Vulnerability Index flags a tract on a variable when its
percentile rank is at least 0.90 and counts the flags by theme and in total, a territory
is flagged in a domain when its domain score is at or above the 90th percentile of its
frame (France, or its région), i.e. when its percentile rank ``(r - 1) / (n - 1)`` (ties
at the lowest rank, see :func:`atlas.index.normalize.percentile_rank`) is at least
``threshold``. For distinct scores this is exactly ``score >= np.quantile(scores, 0.9)``;
a block of tied scores that straddles the threshold is not flagged, and a frame without
variation flags no one. A missing domain score gives a missing flag (NA), not "no flag":
every count of flags comes with the number of domains that had a score
(:attr:`Flags.scored`), and :func:`count_text` writes both, « 2 signalés sur 14 domaines
renseignés », so that a domain without data never reads as "not flagged".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import french
from atlas.index.composite import DIMENSION_IDS, IndexResult
from atlas.index.normalize import percentile_rank
from indicators.domains import DOMAIN_BY_ID

THRESHOLD = 0.9
"""Percentile rank from which a domain is flagged (the SVI's 90th percentile)."""


@dataclass(frozen=True)
class Flags:
    """Flags of every territory.

    Attributes
    ----------
    domains
        Territory × domain, nullable boolean: True if flagged, NA if the score is missing.
    per_dimension
        Territory × dimension: number of flagged domains.
    total
        Number of flagged domains in all.
    scored_per_dimension
        Territory × dimension: number of domains with a score (flagged or not).
    scored
        Number of domains with a score in all: ``total`` is a count out of these.
    """

    domains: pd.DataFrame
    per_dimension: pd.DataFrame
    total: pd.Series
    scored_per_dimension: pd.DataFrame
    scored: pd.Series


def flag_scores(scores: pd.DataFrame, groups: pd.Series | None = None,
                threshold: float = THRESHOLD) -> pd.DataFrame:
    """Whether each score is at or above the ``threshold`` percentile of its frame.

    >>> flag_scores(pd.DataFrame({"x": [float(v) for v in range(11)] + [None]}))["x"].tolist()
    [False, False, False, False, False, False, False, False, False, True, True, <NA>]
    """
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be a percentile rank in [0, 1], got {threshold}")
    ranks = percentile_rank(scores, groups)
    return (ranks >= threshold).astype("boolean").mask(ranks.isna())


def flags(result: IndexResult, threshold: float = THRESHOLD) -> Flags:
    """Flag the domains of every territory of ``result`` within its frame and count them."""
    domains = flag_scores(result.domain_scores, result.groups, threshold)
    counts = domains.fillna(False).astype(int)
    scored = domains.notna().astype(int)
    dimension_of = [DOMAIN_BY_ID[d].dimension for d in domains.columns]

    def by_dimension(table: pd.DataFrame) -> pd.DataFrame:
        return table.T.groupby(dimension_of).sum().T.reindex(columns=list(DIMENSION_IDS),
                                                              fill_value=0)

    return Flags(domains, by_dimension(counts), counts.sum(axis=1), by_dimension(scored),
                 scored.sum(axis=1))


def count_text(flagged: int, scored: int, domains: int) -> str:
    """How many domains are flagged, out of how many had a score when some had none.

    ``domains`` is the number of domains counted (16, or those of one dimension).

    >>> count_text(2, 16, 16), count_text(0, 16, 16)
    ('2 signalés', 'aucun signalé')
    >>> count_text(2, 14, 16)
    '2 signalés sur 14 domaines renseignés'
    >>> count_text(1, 1, 4), count_text(0, 0, 4)
    ('1 signalé sur 1 domaine renseigné', 'aucun domaine renseigné')
    """
    if scored == 0:
        return "aucun domaine renseigné"
    text = ("aucun signalé" if flagged == 0
            else f"{french.integer(flagged)} signalé{'s' if flagged > 1 else ''}")
    if scored < domains:
        text += (f" sur {french.integer(scored)} domaine{'s' if scored > 1 else ''} "
                 f"renseigné{'s' if scored > 1 else ''}")
    return text
