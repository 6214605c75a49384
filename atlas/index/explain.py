"""Why a territory scores as it does: its most and least fragile domains, and their drivers.

For one territory, the domains are ordered by its standing within its frame: the
percentile rank of its domain score (share of the territories of the frame with a lower
score; see :func:`atlas.index.normalize.percentile_rank`). Standing rather than the score itself,
because domain scores are not comparable across domains (a mean of four indicators
spreads less than a single one). The most fragile domains come with the indicators of
highest score, the least fragile with those of lowest score, each with its raw value.
Everything is computed from an :class:`atlas.index.composite.IndexResult`; nothing is written:
the app phrases it in French.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atlas.index.composite import IndexResult
from indicators.domains import DOMAIN_BY_ID


@dataclass(frozen=True)
class Driver:
    """One indicator behind a domain's score: its id, score (higher = more fragile), value."""

    indicator: str
    score: float
    value: float


@dataclass(frozen=True)
class DomainExplanation:
    """One domain of the territory, with its standing in the frame and its drivers.

    Attributes
    ----------
    domain, label, dimension
        Domain id, French label, dimension id.
    fragile
        True for one of the most fragile domains, False for one of the least fragile.
    score
        The domain score.
    rank, frame_size
        Rank in the frame (1 = most fragile) out of ``frame_size`` territories with a
        score.
    percentile
        Share of the territories of the frame with a lower score (1 = most fragile).
    drivers
        The indicators of highest score (fragile domains) or lowest (the others), with
        their values.
    """

    domain: str
    label: str
    dimension: str
    fragile: bool
    score: float
    rank: int
    frame_size: int
    percentile: float
    drivers: tuple[Driver, ...]


def explain(result: IndexResult, territory: str, n_domains: int = 3,
            n_drivers: int = 2) -> list[DomainExplanation]:
    """The ``n_domains`` most fragile domains of ``territory``, then the least fragile.

    A domain is listed once: with fewer than ``2 * n_domains`` domains scored, the least
    fragile are taken among those not already listed. Domains without a score are left
    out.

    Parameters
    ----------
    result
        The index of every territory (:func:`atlas.index.composite.compute_indices`).
    territory
        Its code, as in the index of ``result.values``.
    n_domains, n_drivers
        How many domains of each kind, and how many indicators per domain.

    Returns
    -------
    list of DomainExplanation
        Most fragile first (decreasing standing), then least fragile (increasing).
    """
    if territory not in result.domain_scores.index:
        raise ValueError(f"unknown territory {territory!r}")
    scores = result.domain_scores
    in_frame = _frame_mask(result, territory)
    own = scores.loc[territory]
    standing = []
    for domain, score in own.dropna().items():
        column = scores[domain].to_numpy()[in_frame]
        present = column[~np.isnan(column)]
        percentile = (present < score).sum() / (present.size - 1) if present.size > 1 else 0.0
        standing.append((domain, float(score), float(percentile), present.size))
    # most fragile first; ties by score, then in the order of the domains
    standing.sort(key=lambda s: (-s[2], -s[1]))
    top = standing[:n_domains]
    rest = standing[len(top):]
    bottom = sorted(rest, key=lambda s: (s[2], s[1]))[:n_domains]
    return ([_explanation(result, territory, s, True, n_drivers) for s in top]
            + [_explanation(result, territory, s, False, n_drivers) for s in bottom])


def _frame_mask(result: IndexResult, territory: str) -> np.ndarray:
    if result.groups is None:
        return np.ones(len(result.domain_scores), dtype=bool)
    return (result.groups == result.groups.loc[territory]).to_numpy()


def _explanation(result: IndexResult, territory: str, standing: tuple[str, float, float, int],
                 fragile: bool, n_drivers: int) -> DomainExplanation:
    domain, score, percentile, size = standing
    members = list(result.meta.index[result.meta["domain"] == domain])
    indicator_scores = result.indicator_scores.loc[territory, members].dropna()
    chosen = indicator_scores.sort_values(ascending=not fragile, kind="stable")[:n_drivers]
    drivers = tuple(Driver(str(i), float(s), float(result.values.loc[territory, i]))
                    for i, s in chosen.items())
    info = DOMAIN_BY_ID[domain]
    return DomainExplanation(domain, info.label, info.dimension, fragile, score,
                             int(result.ranks.loc[territory, domain]), size, percentile,
                             drivers)
