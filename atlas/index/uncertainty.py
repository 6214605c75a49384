"""How much a territory's rank depends on the method: Monte Carlo over method choices.

Uncertainty analysis as the OECD/JRC *Handbook on Constructing Composite Indicators*
(2008, section 7) recommends: many variants of the index are computed, each with a
normalisation drawn from a list (rank, minmax, z-score), an aggregation drawn from a
list (arithmetic, geometric) and weights drawn from a Dirichlet distribution centred on
the method's weights; every territory gets, for every domain and the overall index (and
the dimensions on request), the median of its ranks over the variants, a 90 % interval
(5th and 95th percentiles) and the share of variants in which it is flagged (see
:mod:`atlas.index.flags`).

Details:

- the draws come from ``numpy.random.default_rng(seed)``: same seed, same result (also
  whatever the number of threads);
- a geometric mean needs scores in [0, 1], so the pairs (z-score, geometric) are not
  drawn: the pair of each variant is drawn uniformly among the valid pairs;
- the weights of every group (a domain's indicators, a dimension's domains, the
  dimensions) follow ``Dirichlet(concentration * w)`` where ``w`` are the method's
  weights: mean ``w``, variance ``w (1 - w) / (concentration + 1)``; ``concentration``
  None gives the method's weights to every variant;
- one variant computes exactly what :func:`atlas.index.composite.compute_indices` computes with
  that normalisation, aggregation and those weights (same functions, at ``dtype``);
- percentiles use numpy's default (linear) definition over the ranks of the variants.

Cost: 1,000 variants × 34,875 communes × 16 domains is 17,000 rankings of 34,875 scores,
most of the time. Variants are processed in chunks of a few (in threads), domain by domain
inside each dimension, in float32; each ranking is an exact radix sort of the scores' bit
patterns (:func:`atlas.index.normalize.sort_rows`); ranks are kept as uint16 only until the
percentiles of the dimension's domains are taken; the overall index is accumulated
across dimensions (a variant's overall depends on all its domains).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from atlas.index.composite import (
    AGGREGATIONS,
    OVERALL,
    Group,
    Method,
    Presence,
    Tree,
    add_term,
    availability,
    check_values,
    combine,
    finish,
    frame_groups,
    normalise_indicators,
    resolve_weights,
    weight_sums,
)
from atlas.index.flags import THRESHOLD
from atlas.index.normalize import (
    BOUNDED,
    NORMALISERS,
    group_codes,
    radix_keys,
    sort_row,
)

QUANTILES = (0.05, 0.5, 0.95)
"""Lower bound, median and upper bound of the rank interval."""


@dataclass(frozen=True)
class Variation:
    """The method choices the Monte Carlo draws from.

    Parameters
    ----------
    normalisations, aggregations
        Candidate methods; pairs (unbounded normalisation, geometric) are left out.
    concentration
        Total Dirichlet concentration of the weights of each group (larger: closer to the
        method's weights); None: no weight noise.
    n_variants, seed
        Number of variants and seed of ``numpy.random.default_rng``.
    """

    normalisations: tuple[str, ...] = ("rank", "minmax", "zscore")
    aggregations: tuple[str, ...] = ("arithmetic", "geometric")
    concentration: float | None = 20.0
    n_variants: int = 1000
    seed: int = 0

    def __post_init__(self) -> None:
        for what, names, valid in (("normalisation", self.normalisations, NORMALISERS),
                                   ("aggregation", self.aggregations, AGGREGATIONS)):
            unknown = [n for n in names if n not in valid]
            if unknown or not names:
                raise ValueError(f"unknown or no {what}s {unknown}; valid: {sorted(valid)}")
        if not self.pairs:
            raise ValueError("no valid (normalisation, aggregation) pair: a geometric mean "
                             f"needs one of {sorted(BOUNDED)}")
        if self.concentration is not None and not self.concentration > 0:
            raise ValueError(f"concentration must be positive or None, got "
                             f"{self.concentration}")
        if self.n_variants < 1:
            raise ValueError(f"n_variants must be at least 1, got {self.n_variants}")

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The (normalisation, aggregation) pairs drawn from, arithmetic first."""
        return [(n, a) for a in self.aggregations for n in self.normalisations
                if a == "arithmetic" or n in BOUNDED]


@dataclass(frozen=True)
class Uncertainty:
    """Rank distribution of every territory over the variants.

    Attributes
    ----------
    rank_median, rank_low, rank_high
        Territory × level (16 domains, the 4 dimensions if asked, ``"overall"``): median,
        5th and 95th percentile of the rank (1 = most fragile) over the variants; NaN
        where the score is missing (it is missing in every variant alike).
    flag_share
        Share of the variants in which the territory is flagged at that level.
    variants
        One row per variant, in the order they were computed: ``normalisation``,
        ``aggregation`` and the weight of every indicator, domain and dimension.
    """

    rank_median: pd.DataFrame
    rank_low: pd.DataFrame
    rank_high: pd.DataFrame
    flag_share: pd.DataFrame
    variants: pd.DataFrame


def simulate(values: pd.DataFrame, meta: pd.DataFrame, method: Method | None = None,
             variation: Variation | None = None, region: pd.Series | None = None,
             reference: pd.Series | pd.DataFrame | None = None, *,
             dimensions: bool = False, threshold: float = THRESHOLD,
             dtype: type = np.float32, chunk_size: int | None = None,
             n_jobs: int | None = None) -> Uncertainty:
    """Run the Monte Carlo over method choices.

    Parameters
    ----------
    values, meta, region, reference
        As for :func:`atlas.index.composite.compute_indices`.
    method
        Its frame, weights (the centre of the Dirichlet draws) and ``min_share`` apply to
        every variant; its normalisation and aggregation are not used (``variation``'s
        are).
    variation
        What the variants draw from (default :class:`Variation`).
    dimensions
        Also rank the four dimensions (about a fifth more time); by default the
        result covers the 16 domains and the overall index.
    threshold
        Percentile rank from which a territory is flagged.
    dtype
        Floating type of the computation: float32 (default, half the memory) or float64
        (then a variant equals ``compute_indices`` bit for bit).
    chunk_size, n_jobs
        Variants per chunk (default: about 300,000 cells, so that each thread's
        temporaries stay in its cache) and threads (default: the CPUs available).

    Returns
    -------
    Uncertainty
    """
    method = method or Method()
    variation = variation or Variation()
    run = _Run(values, meta, method, variation, region, reference, dimensions, threshold,
               dtype, chunk_size)
    jobs = n_jobs or len(os.sched_getaffinity(0))
    with ThreadPoolExecutor(max_workers=jobs) as executor:
        pool = executor if jobs > 1 else _Serial()
        for dim in run.tree.dimensions:
            if dim.members:
                run.dimension(pool, dim)
        if run.tree.overall.members:
            run.overall(pool)
    return run.result()


class _Run:
    """State shared by the chunks of one Monte Carlo run."""

    def __init__(self, values: pd.DataFrame, meta: pd.DataFrame, method: Method,
                 variation: Variation, region: pd.Series | None,
                 reference: pd.Series | pd.DataFrame | None, dimensions: bool,
                 threshold: float, dtype: type, chunk_size: int | None) -> None:
        self.values = values = check_values(values, meta)
        groups = frame_groups(values, method.frame, region)
        self.tree = tree = resolve_weights(meta, method.weights)
        self.shares, self.threshold = method.min_share, threshold
        n, self.v_count = len(values), variation.n_variants

        pair_of, weights = _draw(tree, variation)
        order = np.argsort(pair_of, kind="stable")  # variants of one pair run together
        pair_of = pair_of[order]
        self.pairs = variation.pairs
        self.variants = _variant_table(pair_of, self.pairs, tree,
                                       {k: w[order] for k, w in weights.items()})
        self.weights = {k: np.ascontiguousarray(w[order], dtype=dtype)
                        for k, w in weights.items()}
        self.chunks = _chunks(pair_of, chunk_size or max(1, 300_000 // max(n, 1)))

        present = values.notna().to_numpy()
        self.column = {ind: j for j, ind in enumerate(values.columns)}
        self.scores = {}  # normalisation -> one row of scores per indicator
        for name in sorted({self.pairs[p][0] for p in np.unique(pair_of)}):
            table = normalise_indicators(values, meta, name, groups, reference,
                                         region).to_numpy()
            if not (np.isnan(table) == ~present).all():
                raise ValueError(f"normalisation {name!r} leaves values missing (a NaN "
                                 "reference?); the Monte Carlo needs the same data in "
                                 "every variant")
            self.scores[name] = np.ascontiguousarray(table.T, dtype=dtype)

        ok = availability(tree, present, self.shares, groups)
        self.presence = {g.id: Presence.of(present[:, [self.column[i] for i in g.members]])
                         for g in tree.domains if g.members}
        self.presence.update({g.id: Presence.of(np.column_stack([ok[d] for d in g.members]))
                              for g in (*tree.dimensions, tree.overall) if g.members})
        frames = _frame_codes(values.index, groups)
        self.layouts = {level: _Layout.build(frames, mask) for level, mask in ok.items()}
        self.levels = [g.id for g in tree.domains]
        self.levels += [g.id for g in tree.dimensions] if dimensions else []
        self.levels.append(OVERALL)
        self.dimensions = dimensions
        self.stats = {name: np.full((n, len(self.levels)), np.nan)
                      for name in ("median", "low", "high", "flags")}
        self.overall_num = np.zeros((self.v_count, n), dtype=dtype)
        self.domain_by_id = {g.id: g for g in tree.domains}

    def dimension(self, pool: ThreadPoolExecutor | _Serial, dim: Group) -> None:
        """Domains of ``dim`` (and ``dim`` itself if asked) in every variant; their stats."""
        levels = [*dim.members, dim.id] if self.dimensions else list(dim.members)
        ranks = {level: self.layouts[level].empty(self.v_count) for level in levels}
        overall = self.tree.overall.members

        def run(chunk: _Chunk) -> dict[str, np.ndarray]:
            rows, (norm, agg) = chunk.rows, self.pairs[chunk.pair]
            geometric = agg == "geometric"
            counts, parts = {}, []
            for d in dim.members:
                domain = self.domain_by_id[d]
                s = combine([self.scores[norm][self.column[i]] for i in domain.members],
                            self.weights[d][rows], self.presence[d], geometric,
                            domain.needed(self.shares[0]))
                counts[d] = self.layouts[d].rank(s, ranks[d], rows, self.threshold)
                parts.append(s)
            s = combine(parts, self.weights[dim.id][rows], self.presence[dim.id], geometric,
                        dim.needed(self.shares[1]))
            if dim.id in ranks:
                counts[dim.id] = self.layouts[dim.id].rank(s, ranks[dim.id], rows,
                                                            self.threshold)
            if dim.id in overall:  # a variant's overall index needs all its dimensions
                j = overall.index(dim.id)
                add_term(self.overall_num[rows], s, self.weights[OVERALL][rows, j],
                         self.presence[OVERALL].present[:, j], geometric)
            return counts

        flag_counts = _sum_counts(pool.map(run, self.chunks))
        for level in levels:
            self._summarise(pool, level, ranks.pop(level), flag_counts[level])

    def overall(self, pool: ThreadPoolExecutor | _Serial) -> None:
        """The overall index of every variant, from the accumulated dimensions; its stats."""
        ranks = self.layouts[OVERALL].empty(self.v_count)
        presence = self.presence[OVERALL]
        valid = presence.count >= self.tree.overall.needed(self.shares[2])

        def run(chunk: _Chunk) -> dict[str, np.ndarray]:
            rows, geometric = chunk.rows, self.pairs[chunk.pair][1] == "geometric"
            den = weight_sums(self.weights[OVERALL][rows], presence)
            s = finish(self.overall_num[rows], den, geometric, valid)
            return {OVERALL: self.layouts[OVERALL].rank(s, ranks, rows, self.threshold)}

        flag_counts = _sum_counts(pool.map(run, self.chunks))
        self._summarise(pool, OVERALL, ranks, flag_counts[OVERALL])

    def _summarise(self, pool: ThreadPoolExecutor | _Serial, level: str, ranks: np.ndarray,
                   flag_counts: np.ndarray) -> None:
        _summarise(pool, self.layouts[level], ranks, flag_counts, self.stats,
                   self.levels.index(level))

    def result(self) -> Uncertainty:
        """The statistics as data frames (territory × level)."""
        def frame(name: str) -> pd.DataFrame:
            return pd.DataFrame(self.stats[name], index=self.values.index,
                                columns=self.levels)

        return Uncertainty(frame("median"), frame("low"), frame("high"),
                           frame("flags") / self.v_count, self.variants)


# --- drawing the variants ----------------------------------------------------------------

def _draw(tree: Tree, variation: Variation) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The pair of each variant and the weights of every group in every variant."""
    rng = np.random.default_rng(variation.seed)
    v_count = variation.n_variants
    pair_of = rng.integers(len(variation.pairs), size=v_count)
    weights = {}
    for group in (*tree.domains, *tree.dimensions, tree.overall):
        if not group.members:
            continue
        base = np.broadcast_to(group.weights, (v_count, len(group.members)))
        if variation.concentration is None or len(group.members) == 1:
            weights[group.id] = base.copy()
        else:
            w = rng.dirichlet(variation.concentration * group.weights, size=v_count)
            w = np.maximum(w, 1e-12)  # a weight that underflows to 0 would drop a member
            weights[group.id] = w / w.sum(axis=1, keepdims=True)
    return pair_of, weights


def _variant_table(pair_of: np.ndarray, pairs: list[tuple[str, str]], tree: Tree,
                   weights: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per variant: its pair and the weight of every member of every group."""
    columns: dict[str, object] = {"normalisation": [pairs[p][0] for p in pair_of],
                                  "aggregation": [pairs[p][1] for p in pair_of]}
    for group in (*tree.domains, *tree.dimensions, tree.overall):
        for k, member in enumerate(group.members):
            columns[member] = weights[group.id][:, k]
    return pd.DataFrame(columns)


# --- where each level is ranked ----------------------------------------------------------

def _frame_codes(index: pd.Index, groups: pd.Series | None) -> np.ndarray | None:
    return None if groups is None else group_codes(index, groups)


@dataclass(frozen=True)
class _Layout:
    """The territories ranked at one level (those with a score) and their frames."""

    columns: np.ndarray
    frames: np.ndarray | None
    all_columns: bool

    @classmethod
    def build(cls, frames: np.ndarray | None, mask: np.ndarray) -> _Layout:
        columns = np.flatnonzero(mask)
        own = None if frames is None else frames[columns]
        return cls(columns, own, len(columns) == len(mask))

    def empty(self, v_count: int) -> np.ndarray:
        widest = len(self.columns) if self.frames is None else int(
            np.bincount(self.frames).max(initial=0))
        return np.empty((v_count, len(self.columns)),
                        dtype=np.uint16 if widest < 2**16 else np.uint32)

    def rank(self, scores: np.ndarray, ranks: np.ndarray, rows: slice,
             threshold: float) -> np.ndarray:
        """Rank ``scores`` (variants × territories) within each frame into ``ranks[rows]``.

        Rank 1 = most fragile, ties at the best rank. Returns how many of these variants
        flag each ranked territory (percentile rank ``>= threshold``).
        """
        block = scores if self.all_columns else scores[:, self.columns]
        return rank_block(block, ranks[rows], threshold, self.frames)


def rank_block(block: np.ndarray, out: np.ndarray, threshold: float,
               frames: np.ndarray | None = None) -> np.ndarray:
    """Rank each row of ``block`` into ``out`` (1 = highest score) and count the flags.

    Same ranks as :func:`atlas.index.normalize.fragility_rank` and same flags as
    :func:`atlas.index.flags.flag_scores`, within each frame (``frames``: a small integer per
    column; None: one frame). Each row is sorted once by (frame, score): an exact sort by
    score, then a stable radix sort by frame; the frames then occupy fixed runs of
    positions, the same in every row, so that a position's rank and flag are known in
    advance, except for ties (rare among float scores), which are fixed sparsely.

    Returns
    -------
    numpy.ndarray
        For each column, the number of rows in which it is flagged.
    """
    rows, width = block.shape
    flags = np.zeros(width, dtype=np.int64)
    if width == 0:
        return flags
    frame_of, start, end = _runs(frames, width)
    position = np.arange(width)
    rank_of_position = (end - position).astype(out.dtype)  # 1 + number above, in frame
    size = end - start
    with np.errstate(divide="ignore", invalid="ignore"):
        share_lower = (position - start) / (size - 1)  # percentile rank, as percentile_rank
    flag_at = np.where(size > 1, share_lower >= threshold, threshold <= 0)
    flag_positions = np.flatnonzero(flag_at)
    same_frame = None if frames is None else frame_of[1:] == frame_of[:-1]

    keys = radix_keys(block)
    frame_keys = None if frames is None else frames.astype(np.uint16)
    order = np.empty(width, dtype=np.intp)
    ordered = np.empty(width, dtype=block.dtype)
    for r in range(rows):
        sort_row(block[r], keys[r], order, ordered, frame_keys)
        equal = ordered[1:] == ordered[:-1]
        if same_frame is not None:
            equal &= same_frame
        tied = np.flatnonzero(equal)
        values, unflagged = rank_of_position, None
        if tied.size:
            # runs of tied positions s..e: positions s..e+1 are one block, ranked as its
            # last position e+1 and flagged as its first s (ties share the best rank and
            # the lowest percentile rank); flags being a suffix of each frame, ties can
            # only unflag the end of a block that straddles the threshold
            starts = np.flatnonzero(np.diff(tied) != 1) + 1
            run = np.zeros(tied.size, dtype=np.intp)
            run[starts] = 1
            run = np.cumsum(run)
            block_end = tied[np.r_[starts - 1, tied.size - 1]][run] + 1
            block_start = tied[np.r_[0, starts]][run]
            values = rank_of_position.copy()
            values[tied] = rank_of_position[block_end]
            inside = tied + 1  # the positions after a block's first
            unflagged = inside[flag_at[inside] & ~flag_at[block_start]]
        row = out[r]  # a view: a 1-D scatter is faster than out[r, order]
        row[order] = values
        flags[order[flag_positions]] += 1
        if unflagged is not None and unflagged.size:
            flags[order[unflagged]] -= 1
    return flags


def _runs(frames: np.ndarray | None, width: int) -> tuple[np.ndarray, ...]:
    """Frame of each position of a row sorted by frame, and that frame's run of positions.

    Returns the frame, the first position and the last position + 1.
    """
    if frames is None:
        zeros = np.zeros(width, dtype=np.intp)
        return zeros, zeros, np.full(width, width)
    frame_of = np.sort(frames)
    cuts = np.flatnonzero(np.diff(frame_of)) + 1
    edges = np.r_[0, cuts, width]
    run = np.repeat(np.arange(len(edges) - 1), np.diff(edges))
    return frame_of, edges[:-1][run], edges[1:][run]


@dataclass(frozen=True)
class _Chunk:
    rows: slice
    pair: int


def _chunks(pair_of: np.ndarray, size: int) -> list[_Chunk]:
    """Consecutive variants of the same pair, at most ``size`` at a time."""
    out = []
    starts = [0, *(np.flatnonzero(np.diff(pair_of)) + 1).tolist(), len(pair_of)]
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        for s in range(a, b, size):
            out.append(_Chunk(slice(s, min(s + size, b)), int(pair_of[a])))
    return out


def _sum_counts(results: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    total: dict[str, np.ndarray] = {}
    for result in results:
        for level, counts in result.items():
            total[level] = total[level] + counts if level in total else counts
    return total


class _Serial:
    """Runs the chunks in the calling thread (``n_jobs=1``)."""

    @staticmethod
    def map(fn, items):  # noqa: D102
        return [fn(item) for item in items]


def _summarise(pool: ThreadPoolExecutor | _Serial, layout: _Layout, ranks: np.ndarray,
               flag_counts: np.ndarray, stats: dict[str, np.ndarray], j: int) -> None:
    """Percentiles of the ranks of each territory over the variants, and flag counts."""
    v_count = ranks.shape[0]
    step = max(1, 4_000_000 // max(v_count, 1))

    def block(a: int) -> None:
        b = min(a + step, ranks.shape[1])
        kind = "stable" if ranks.dtype == np.uint16 else "quicksort"  # radix on 16 bits
        ordered = np.sort(ranks[:, a:b].T, axis=1, kind=kind)  # territories × variants
        territories = layout.columns[a:b]
        for name, q in zip(("low", "median", "high"), QUANTILES, strict=True):
            stats[name][territories, j] = _quantile_sorted(ordered, q)

    list(pool.map(block, range(0, ranks.shape[1], step)))
    stats["flags"][layout.columns, j] = flag_counts


def _quantile_sorted(ordered: np.ndarray, q: float) -> np.ndarray:
    """Linear percentile (numpy's default) of each row of an already sorted array."""
    h = q * (ordered.shape[1] - 1)
    lo = int(np.floor(h))
    hi = min(lo + 1, ordered.shape[1] - 1)
    low = ordered[:, lo].astype(np.float64)
    return low + (h - lo) * (ordered[:, hi].astype(np.float64) - low)

