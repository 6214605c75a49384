"""Composite indices: indicator scores → domain → dimension → overall.

The tree is fixed by :mod:`indicators.domains` (16 domains in 4 dimensions); each
indicator of ``meta`` belongs to one domain. At every level the score is a weighted mean of
the scores one level down (OECD/JRC, *Handbook on Constructing Composite Indicators*, 2008,
section 6: linear or geometric aggregation), with equal weights unless the method gives
others. Each level is computed from its own values: an EPCI's index comes from the EPCI's
indicators, never from averaging its communes' scores.

Missing data (Handbook, section 3): a component that is missing is left out of the mean
and its weight shared among the components present (the mean over what is there), but
only if enough of them are there: a domain needs at least ``min_share`` of its
indicators (default half, rounded up: 3 out of 5), a dimension the same share of its
domains, the overall index of its dimensions. Below that, the score is NaN and a reason
in French says why, e.g. ``"2 indicateurs sur 5 disponibles (minimum 3)"``.

Geometric mean and zeros: the geometric mean is only defined here on scores in [0, 1]
(``rank`` or ``minmax`` normalisation). A score of 0 (the least fragile territory of the
frame on that indicator) would make the plain geometric mean 0 whatever the other
indicators say, so it is taken on shifted scores: ``exp(sum w log(s + e)) - e`` with
``e = GEOMETRIC_OFFSET`` (0.01). A zero still weighs heavily (that is the point of
limited compensability) but does not erase the rest; equal scores give that score back.

A territory alone in its frame (an overseas département, or any région, when each is
compared within its own région) has missing scores, with a reason, rather than the 0 its
normalisation gives it: being the only one compared says nothing of its fragility.

Zero weight means left out: an indicator (domain, dimension) of weight 0 is not a member
of its group, and a domain without any indicator in ``meta`` is left out of its dimension
(its score is NaN, with a reason).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from atlas.index.normalize import BOUNDED, NORMALISERS, fragility_rank, normalise
from indicators.domains import DIMENSIONS, DOMAIN_BY_ID, DOMAINS

AGGREGATIONS = ("arithmetic", "geometric")
FRAMES = ("france", "region")
OVERALL = "overall"
"""Column name of the overall index in :attr:`IndexResult.ranks`."""
ALONE_REASON = "seul territoire de son cadre de comparaison (sa région)"
"""Reason of the missing scores of a territory alone in its frame (see :func:`alone_in_frame`)."""
GEOMETRIC_OFFSET = 0.01
"""Shift ``e`` of the geometric mean ``exp(sum w log(s + e)) - e`` (see module docstring)."""

DOMAIN_IDS = tuple(d.id for d in DOMAINS)
DIMENSION_IDS = tuple(d.id for d in DIMENSIONS)


@dataclass(frozen=True)
class Method:
    """How to compute an index: normalisation, frame, aggregation, weights, availability.

    Parameters
    ----------
    normalisation
        A key of :data:`atlas.index.normalize.NORMALISERS`.
    frame
        ``"france"`` (compare with all of France) or ``"region"`` (within each région).
    aggregation
        ``"arithmetic"`` or ``"geometric"`` (the latter needs ``rank`` or ``minmax``).
    weights
        Optional weight of any indicator, domain or dimension id (others weigh 1);
        non-negative, normalised to sum to 1 within each group. Stored as sorted pairs so
        that a method is hashable.
    min_share
        Minimum share of a group's components needed for its score, either one share
        for all levels or ``(domain, dimension, overall)``; stored as the 3-tuple.
    """

    normalisation: str = "rank"
    frame: str = "france"
    aggregation: str = "arithmetic"
    weights: Mapping[str, float] | tuple[tuple[str, float], ...] | None = None
    min_share: float | tuple[float, float, float] = 0.5

    def __post_init__(self) -> None:
        _check_choice("normalisation", self.normalisation, sorted(NORMALISERS))
        _check_choice("frame", self.frame, FRAMES)
        _check_choice("aggregation", self.aggregation, AGGREGATIONS)
        if self.aggregation == "geometric" and self.normalisation not in BOUNDED:
            raise ValueError(f"geometric aggregation needs scores in [0, 1]: use one of "
                             f"{sorted(BOUNDED)}, not {self.normalisation!r}")
        if self.weights is not None:
            pairs = dict(self.weights).items()
            object.__setattr__(self, "weights",
                               tuple(sorted((str(k), float(v)) for k, v in pairs)))
        shares = self.min_share
        if isinstance(shares, int | float):
            shares = (shares,) * 3
        shares = tuple(float(s) for s in shares)
        if len(shares) != 3 or not all(0 <= s <= 1 for s in shares):
            raise ValueError(f"min_share must be a share in [0, 1] or three of them "
                             f"(domain, dimension, overall); got {self.min_share!r}")
        object.__setattr__(self, "min_share", shares)

    @property
    def geometric(self) -> bool:
        """Whether the aggregation is geometric."""
        return self.aggregation == "geometric"


def _check_choice(what: str, value: str, valid: Sequence[str]) -> None:
    if value not in valid:
        raise ValueError(f"unknown {what} {value!r}; valid: {list(valid)}")


# --- the tree and its weights ----------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """One node of the tree: its member ids (positive weight) and their weights (sum 1)."""

    id: str
    members: tuple[str, ...]
    weights: np.ndarray = field(repr=False)

    def needed(self, min_share: float) -> int:
        """Members needed for a score: ``ceil(min_share * n)``, at least 1."""
        return max(1, math.ceil(min_share * len(self.members) - 1e-9))


@dataclass(frozen=True)
class Tree:
    """Domains (16, canonical order), dimensions (4) and the overall index, weighted."""

    domains: tuple[Group, ...]
    dimensions: tuple[Group, ...]
    overall: Group
    indicators: tuple[str, ...] = ()
    """Every indicator id of ``meta``, in its order (the columns of the values)."""


def check_meta(meta: pd.DataFrame) -> pd.DataFrame:
    """Validate the indicator table (index: indicator id; domain, dimension, direction)."""
    missing = {"domain", "dimension", "direction"} - set(meta.columns)
    if missing:
        raise ValueError(f"meta lacks columns {sorted(missing)}")
    if not meta.index.is_unique:
        raise ValueError(f"duplicate indicator ids: {list(meta.index[meta.index.duplicated()])}")
    ids, domains = meta.index.tolist(), meta["domain"].tolist()
    unknown = sorted(set(domains) - set(DOMAIN_BY_ID))
    if unknown:
        raise ValueError(f"unknown domains {unknown}; valid domains: {sorted(DOMAIN_BY_ID)}")
    wrong = [i for i, d, dim in zip(ids, domains, meta["dimension"].tolist(), strict=True)
             if DOMAIN_BY_ID[d].dimension != dim]
    if wrong:
        raise ValueError(f"indicators {list(wrong)} are in a domain of another dimension "
                         f"than their 'dimension' column says")
    bad = meta.index[~meta["direction"].isin([1, -1])]
    if len(bad):
        raise ValueError(f"direction must be +1 or -1 for indicators {list(bad)}")
    clash = set(meta.index) & (set(DOMAIN_IDS) | set(DIMENSION_IDS) | {OVERALL})
    if clash:
        raise ValueError(f"indicator ids {sorted(clash)} clash with domain/dimension ids")
    return meta


def resolve_weights(meta: pd.DataFrame,
                    weights: Mapping[str, float] | Sequence[tuple[str, float]] | None = None,
                    ) -> Tree:
    """Build the weighted tree: each group's positive weights normalised to sum to 1.

    Parameters
    ----------
    meta
        Indicator table (see :func:`check_meta`).
    weights
        Weight of any indicator, domain or dimension id; ids not given weigh 1. Must be
        finite and non-negative; unknown ids are refused.

    Examples
    --------
    >>> meta = pd.DataFrame({"domain": ["poverty", "poverty", "housing"],
    ...                      "dimension": ["social"] * 3, "direction": [1, 1, -1]},
    ...                     index=["pauvrete", "rsa", "surpeuplement"])
    >>> tree = resolve_weights(meta, {"rsa": 3, "housing": 0})
    >>> poverty = tree.domains[9]
    >>> poverty.members, poverty.weights.tolist()
    (('pauvrete', 'rsa'), [0.25, 0.75])
    >>> tree.dimensions[2].members
    ('poverty',)
    """
    check_meta(meta)
    given = dict(weights or {})
    known = set(meta.index) | set(DOMAIN_IDS) | set(DIMENSION_IDS)
    unknown = sorted(set(given) - known)
    if unknown:
        raise ValueError(f"weights for unknown ids {unknown}; weights apply to indicator, "
                         f"domain or dimension ids")
    for key, w in given.items():
        if not (isinstance(w, int | float | np.number) and math.isfinite(w) and w >= 0):
            raise ValueError(f"weight of {key!r} must be a finite non-negative number, "
                             f"got {w!r}")
    domain_of = dict(zip(meta.index.tolist(), meta["domain"].tolist(), strict=True))
    domains = tuple(_group(d, [i for i, of in domain_of.items() if of == d], given)
                    for d in DOMAIN_IDS)
    covered = {g.id for g in domains if g.members}
    dimensions = tuple(
        _group(dim, [d.id for d in DOMAINS if d.dimension == dim and d.id in covered], given)
        for dim in DIMENSION_IDS)
    overall = _group(OVERALL, [g.id for g in dimensions if g.members], given)
    return Tree(domains, dimensions, overall, tuple(meta.index))


def _group(group_id: str, candidates: list[str], given: dict[str, float]) -> Group:
    raw = np.array([float(given.get(c, 1.0)) for c in candidates])
    if raw.size and raw.max() > 0:
        raw = raw / raw.max()  # no overflow when summing huge weights
        raw = raw / raw.sum()  # a weight too small to survive this is a zero weight
    keep = raw > 0
    members = tuple(c for c, k in zip(candidates, keep, strict=True) if k)
    w = raw[keep]
    return Group(group_id, members, w / w.sum() if w.size else w)


# --- aggregation arithmetic, shared with the Monte Carlo ------------------------------
# The Monte Carlo runs these same functions on float32 blocks of variants, so that one
# variant gives bit for bit the index that compute_indices gives (at the same dtype).

def add_term(num: np.ndarray, part: np.ndarray, weight: np.ndarray, present: np.ndarray,
             geometric: bool, offset: float = GEOMETRIC_OFFSET) -> None:
    """Add ``weight * part`` (or ``weight * log(part + offset)``) to ``num``, in place.

    ``part`` is one component's scores, ``(n,)`` or ``(variants, n)``; ``present``
    ``(n,)`` says which territories have it (elsewhere ``part`` is NaN and adds nothing);
    ``weight`` is its weight in each variant, ``(variants,)``.
    """
    f = np.log(part + np.asarray(offset, dtype=part.dtype)) if geometric else part
    term = np.where(present, f, np.asarray(0, dtype=f.dtype))
    term = term * weight[:, None] if term.ndim == 1 else np.multiply(term, weight[:, None],
                                                                      out=term)
    num += term


@dataclass(frozen=True)
class Presence:
    """Which of ``k`` components each of ``n`` territories has, by pattern.

    Territories share a few patterns of presence (at most ``2**k``): weight sums are
    computed once per pattern. Build it once with :meth:`of` and reuse it.
    """

    present: np.ndarray
    patterns: np.ndarray
    which: np.ndarray
    count: np.ndarray

    @classmethod
    def of(cls, present: np.ndarray) -> Presence:
        """Patterns of an ``(n, k)`` boolean array."""
        present = np.asarray(present, dtype=bool)
        k = present.shape[1]
        if k < 63:  # each pattern as the bits of one integer
            bits = present.astype(np.int64) << np.arange(k, dtype=np.int64)
            codes, which = np.unique(bits.sum(axis=1), return_inverse=True)
            patterns = ((codes[:, None] >> np.arange(k)) & 1).astype(bool)
        else:
            patterns, which = np.unique(present, axis=0, return_inverse=True)
        return cls(present, patterns, which.reshape(-1), present.sum(axis=1))


def weight_sums(weights: np.ndarray, present: np.ndarray | Presence) -> np.ndarray:
    """Sum of the weights of the components present: ``(variants, k), (n, k) -> (variants, n)``.

    Summed in component order once per pattern of presence, then spread.
    """
    presence = present if isinstance(present, Presence) else Presence.of(present)
    patterns = presence.patterns
    sums = np.zeros((weights.shape[0], patterns.shape[0]), dtype=weights.dtype)
    for i in range(weights.shape[1]):
        sums += weights[:, i, None] * patterns[None, :, i].astype(weights.dtype)
    return sums[:, presence.which]


def finish(num: np.ndarray, den: np.ndarray, geometric: bool, valid: np.ndarray,
           offset: float = GEOMETRIC_OFFSET) -> np.ndarray:
    """Weighted mean from its sums; NaN for territories not ``valid`` (too little data)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = num / den
    if geometric:  # clipped at 0: exp(log(e)) - e may round to -1e-18
        mean = np.maximum(np.exp(mean) - np.asarray(offset, dtype=mean.dtype), 0)
    mean[:, ~valid] = np.nan
    return mean


def combine(parts: Sequence[np.ndarray], weights: np.ndarray,
            present: np.ndarray | Presence, geometric: bool, needed: int,
            offset: float = GEOMETRIC_OFFSET) -> np.ndarray:
    """Weighted mean of ``parts`` in each variant, NaN where fewer than ``needed`` present.

    Parameters
    ----------
    parts
        ``k`` arrays of scores, each ``(n,)`` or ``(variants, n)``, NaN where missing.
    weights
        ``(variants, k)``, positive.
    present
        ``(n, k)`` boolean: which components each territory has (or its
        :class:`Presence`).
    geometric
        Geometric (shifted by ``offset``) instead of arithmetic mean.
    needed
        Minimum number of components present.

    Examples
    --------
    >>> parts = [np.array([0.2, 0.4, np.nan]), np.array([0.6, np.nan, np.nan])]
    >>> present = np.array([[True, True], [True, False], [False, False]])
    >>> combine(parts, np.array([[0.5, 0.5]]), present, False, needed=1)
    array([[0.4, 0.4, nan]])
    """
    presence = present if isinstance(present, Presence) else Presence.of(present)
    num = np.zeros((weights.shape[0], presence.which.size), dtype=weights.dtype)
    for i, part in enumerate(parts):
        add_term(num, part, weights[:, i], presence.present[:, i], geometric, offset)
    den = weight_sums(weights, presence)
    return finish(num, den, geometric, presence.count >= needed, offset)


# --- the index -------------------------------------------------------------------------

@dataclass(frozen=True)
class IndexResult:
    """Scores, reasons and ranks of every territory at every level of the tree.

    Attributes
    ----------
    method, meta, values, groups
        What was computed, from what, and the frame (région of each territory, or None).
    indicator_scores
        Normalised scores (higher = more fragile), territory × indicator.
    domain_scores, domain_reasons
        Territory × 16 domains; the reason (French) where the score is NaN, else NA.
    dimension_scores, dimension_reasons
        Territory × 4 dimensions, likewise.
    overall, overall_reason
        The overall index and its reason where it is NaN.
    ranks
        Rank within the frame, 1 = most fragile (ties share the best rank), for each
        domain, dimension and ``"overall"``; nullable integers, NA where the score is NaN.
    tree
        The weighted tree used.
    """

    method: Method
    meta: pd.DataFrame
    values: pd.DataFrame
    groups: pd.Series | None
    indicator_scores: pd.DataFrame
    domain_scores: pd.DataFrame
    domain_reasons: pd.DataFrame
    dimension_scores: pd.DataFrame
    dimension_reasons: pd.DataFrame
    overall: pd.Series
    overall_reason: pd.Series
    ranks: pd.DataFrame
    tree: Tree = field(repr=False)

    @property
    def domains_count(self) -> pd.Series:
        """Number of domains each territory's overall index is made of (0 without one)."""
        return self.domain_scores.notna().sum(axis=1).where(self.overall.notna(), 0)

    @property
    def domains_total(self) -> int:
        """Number of domains of a complete index (those with indicators and weight)."""
        return sum(1 for g in self.tree.domains if g.members)

    @property
    def partial(self) -> pd.Series:
        """Whether a territory's overall index is made of fewer than all the domains."""
        return self.overall.notna() & (self.domains_count < self.domains_total)


def frame_groups(values: pd.DataFrame, frame: str,
                 region: pd.Series | None) -> pd.Series | None:
    """The group of each territory for ``frame``: None for France, its région otherwise."""
    _check_choice("frame", frame, FRAMES)
    if frame == "france":
        return None
    if region is None:
        raise ValueError("frame 'region' needs the région code of every territory (region=)")
    aligned = region.reindex(values.index)
    if aligned.isna().any():
        raise ValueError(f"no région for {int(aligned.isna().sum())} territories, e.g. "
                         f"{list(values.index[aligned.isna().to_numpy()][:5])}")
    return aligned


def check_values(values: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """The indicator columns of ``values`` in ``meta`` order; refuses unknown or absent ones."""
    check_meta(meta)
    if not values.index.is_unique:
        raise ValueError("territory codes (the index of values) must be unique")
    absent = list(meta.index.difference(values.columns))
    extra = list(values.columns.difference(meta.index))
    if absent or extra:
        raise ValueError(f"values and meta disagree: indicators without values {absent}, "
                         f"columns without meta {extra}")
    return values[list(meta.index)].astype(np.float64)


def compute_indices(values: pd.DataFrame, meta: pd.DataFrame, method: Method | None = None,
                    region: pd.Series | None = None,
                    reference: pd.Series | pd.DataFrame | None = None) -> IndexResult:
    """Compute the fragility index of every territory at every level.

    Parameters
    ----------
    values
        One row per territory (index: code, as str), one column per indicator of ``meta``.
    meta
        Indexed by indicator id, with columns ``domain``, ``dimension``, ``direction``.
    method
        How to compute (default: rank normalisation in France, arithmetic, equal weights).
    region
        Région code of each territory (needed for ``frame="region"``).
    reference
        Reference values for the ``distance`` normalisation.

    Returns
    -------
    IndexResult

    Examples
    --------
    >>> meta = pd.DataFrame({"domain": ["poverty", "poverty", "housing"],
    ...                      "dimension": ["social"] * 3, "direction": [1, 1, 1]},
    ...                     index=["pauvrete", "rsa", "surpeuplement"])
    >>> values = pd.DataFrame({"pauvrete": [10.0, 20.0, 30.0], "rsa": [1.0, 3.0, 2.0],
    ...                        "surpeuplement": [5.0, np.nan, 1.0]},
    ...                       index=["01001", "01002", "01003"])
    >>> result = compute_indices(values, meta)
    >>> result.domain_scores["poverty"].tolist()
    [0.0, 0.75, 0.75]
    >>> result.overall.tolist()
    [0.5, 0.75, 0.375]
    >>> result.ranks["overall"].tolist()
    [2, 1, 3]
    """
    method = method or Method()
    values = check_values(values, meta)
    groups = frame_groups(values, method.frame, region)
    tree = resolve_weights(meta, method.weights)
    scores = normalise_indicators(values, meta, method.normalisation, groups, reference,
                                  region)
    share_domain, share_dimension, share_overall = method.min_share

    domain_scores, domain_reasons = _level(
        tree.domains, scores, share_domain, method.geometric, ("indicateur", "indicateurs"),
        "aucun indicateur pour ce domaine")
    dimension_scores, dimension_reasons = _level(
        tree.dimensions, domain_scores, share_dimension, method.geometric,
        ("domaine", "domaines"), "aucun domaine renseigné pour cette dimension")
    overall, overall_reason = _level(
        (tree.overall,), dimension_scores, share_overall, method.geometric,
        ("dimension", "dimensions"), "aucune dimension renseignée")
    # one rule decides who is scored, here and in the Monte Carlo (atlas.index.uncertainty)
    ok = availability(tree, values.notna().to_numpy(), method.min_share, groups)
    alone = alone_in_frame(groups)
    for table, reasons in ((domain_scores, domain_reasons),
                           (dimension_scores, dimension_reasons), (overall, overall_reason)):
        for column in table.columns:
            mask = ok.get(column, np.zeros(len(table), dtype=bool))
            table.loc[~mask, column] = np.nan
        table.loc[alone] = np.nan
        reasons.loc[alone] = ALONE_REASON
    ranks = fragility_rank(
        pd.concat([domain_scores, dimension_scores, overall], axis=1), groups)
    return IndexResult(method, meta, values, groups, scores, domain_scores, domain_reasons,
                       dimension_scores, dimension_reasons, overall[OVERALL],
                       overall_reason[OVERALL], ranks, tree)


def availability(tree: Tree, present: np.ndarray, min_share: tuple[float, float, float],
                 groups: pd.Series | None = None) -> dict[str, np.ndarray]:
    """Which territories get a score at each node of the tree: the one rule of the atlas.

    A domain needs ``needed(min_share[0])`` of its indicators, a dimension the same share
    of its *scored* domains, the overall index of its scored dimensions; a territory alone
    in its frame (:func:`alone_in_frame`) gets no score anywhere. Both
    :func:`compute_indices` and the Monte Carlo (:mod:`atlas.index.uncertainty`) use it.

    Parameters
    ----------
    tree
        The weighted tree (:func:`resolve_weights`); its indicators index ``present``'s
        columns in the order of ``meta`` (the order of the tree's first appearance is not
        used: columns are looked up by the position of each indicator in ``meta``).
    present
        ``(n, k)`` boolean: which of the ``k`` indicators (in ``meta`` order) each
        territory has.
    min_share
        ``(domain, dimension, overall)`` shares.
    groups
        Frame of each territory (None: France).

    Returns
    -------
    dict
        Node id (domain, dimension, ``"overall"``) → ``(n,)`` boolean mask; only nodes with
        members appear.
    """
    column = {ident: j for j, ident in enumerate(tree.indicators)}
    n = present.shape[0]
    scored_anywhere = np.ones(n, dtype=bool)
    if groups is not None:
        scored_anywhere[groups.index.get_indexer(alone_in_frame(groups))] = False
    ok: dict[str, np.ndarray] = {}
    for g in tree.domains:
        if g.members:
            count = present[:, [column[i] for i in g.members]].sum(axis=1)
            ok[g.id] = (count >= g.needed(min_share[0])) & scored_anywhere
    for g in tree.dimensions:
        if g.members:
            count = np.column_stack([ok[d] for d in g.members]).sum(axis=1)
            ok[g.id] = count >= g.needed(min_share[1])
    if tree.overall.members:
        count = np.column_stack([ok[d] for d in tree.overall.members]).sum(axis=1)
        ok[OVERALL] = count >= tree.overall.needed(min_share[2])
    return ok


def normalise_indicators(values: pd.DataFrame, meta: pd.DataFrame, method: str,
                         groups: pd.Series | None, reference: pd.Series | pd.DataFrame | None,
                         region: pd.Series | None = None) -> pd.DataFrame:
    """Normalise every indicator in its frame; regional-only indicators within their région.

    An indicator whose ``meta["comparison"]`` is ``"region"`` (a score relative to its
    région's mean, such as the MedNum's digital fragility index, base 100 = regional mean)
    is compared only within each région, whatever the frame; for ``distance`` its reference
    is its région's mean (the base of the score). Without ``region`` (or without such
    indicators) this is :func:`atlas.index.normalize.normalise` in the frame.
    """
    regional = (meta.index[meta["comparison"] == "region"] if "comparison" in meta.columns
                else pd.Index([]))
    if region is None or regional.empty:
        return normalise(values, meta["direction"], method, groups, reference)
    others = meta.index.difference(regional, sort=False)
    by_region = region.reindex(values.index)
    out = [normalise(values[others], meta.loc[others, "direction"], method, groups,
                     _subset(reference, others))]
    own_reference = None
    if method == "distance":
        own_reference = values[regional].groupby(by_region).mean()
    out.append(normalise(values[regional], meta.loc[regional, "direction"], method,
                         by_region, own_reference))
    return pd.concat(out, axis=1)[list(meta.index)]


def _subset(reference: pd.Series | pd.DataFrame | None,
            columns: pd.Index) -> pd.Series | pd.DataFrame | None:
    if reference is None:
        return None
    return reference.reindex(columns) if isinstance(reference, pd.Series) else reference[columns]


def alone_in_frame(groups: pd.Series | None) -> pd.Index:
    """Territories that are the only member of their frame (none for the France frame).

    With nobody to be compared with, a rank, a min-max or a z-score says nothing: their
    scores are left missing (:data:`ALONE_REASON`), not set to "least fragile".

    >>> alone_in_frame(pd.Series(["84", "84", "01"], index=["01001", "01002", "97101"])).tolist()
    ['97101']
    """
    if groups is None:
        return pd.Index([])
    sizes = groups.map(groups.value_counts())
    return groups.index[sizes.to_numpy() == 1]


def _level(groups: Sequence[Group], parts: pd.DataFrame, min_share: float, geometric: bool,
           nouns: tuple[str, str], empty_reason: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores and reasons of one level of the tree from the scores one level down."""
    n = len(parts)
    ids = [g.id for g in groups]
    out = np.full((n, len(groups)), np.nan)
    reasons = np.full((n, len(groups)), None, dtype=object)
    for j, group in enumerate(groups):
        if not group.members:
            reasons[:, j] = empty_reason
            continue
        block = parts[list(group.members)].to_numpy(dtype=np.float64)
        present = ~np.isnan(block)
        needed = group.needed(min_share)
        out[:, j] = combine(list(block.T), group.weights[None, :], present, geometric,
                            needed)[0]
        count = present.sum(axis=1)
        for c in np.unique(count[count < needed]):
            reasons[count == c, j] = _reason(int(c), len(group.members), needed, nouns)
    index = parts.index
    return (pd.DataFrame(out, index=index, columns=ids),
            pd.DataFrame(reasons, index=index, columns=ids))


def _reason(count: int, total: int, needed: int, nouns: tuple[str, str]) -> str:
    """E.g. ``"2 indicateurs sur 5 disponibles (minimum 3)"`` (0 and 1 take the singular)."""
    noun, plural = (nouns[0], "") if count <= 1 else (nouns[1], "s")
    return f"{count} {noun} sur {total} disponible{plural} (minimum {needed})"
