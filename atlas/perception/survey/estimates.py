"""Weighted shares of respondents putting each dimension and domain first (or in the top 2).

From a respondent table (:data:`~atlas.perception.survey.model.RESPONDENT_COLUMNS`), by
territory at a chosen level and by actor type, :func:`rank_shares` estimates

- ``first``: the weighted share of respondents ranking the item first,
- ``first_or_second``: the weighted share ranking it first or second,

with a 95 % confidence interval that accounts for unequal weights, the unweighted n and the
effective n, in the aggregated form (:data:`atlas.perception.survey.model.AGGREGATE_COLUMNS` plus
``ci_low``, ``ci_high``, ``status``, ``reason``). :func:`priority_scores` gives a
perceived-priority score per item; :func:`estimates_from_aggregate` adds intervals and
statuses to a table that is already aggregated (e.g. published national figures) and gives
its shares back unchanged.

Who counts where
    A respondent counts in every territory that contains theirs: a commune respondent in
    its commune, département, région and France (``"FR"``), a département respondent in
    its département, région and France, a région respondent in its région and France. A
    respondent whose territory is coarser than the chosen level is left out of that level.
    Codes are rolled up with the commune and département tables of :mod:`geodata.store`.

Denominators (missing stays missing)
    The denominator of a dimension share is the respondents who ranked at least one
    dimension (those who skipped the question are not counted as "not first"); likewise for
    domains. A respondent who answered but did not rank an item counts as not ranking it
    first. Territories without any respondent do not appear.

Weights and intervals
    Shares are ratio estimates ``sum(w y) / sum(w)``: multiplying every weight by a constant
    leaves them unchanged. The precision lost to unequal weights is measured by Kish's
    effective sample size ``n_eff = (sum w)^2 / sum w^2`` (Kish, *Survey Sampling*, 1965,
    section 11.7; Kish, "Weighting for unequal Pi", *Journal of Official Statistics* 8(2),
    1992), i.e. the sample size divided by the design effect of weighting
    ``1 + cv(w)^2``. The interval is a binomial interval computed on ``n_eff`` in place of
    ``n``: Wilson's score interval by default (Wilson, *JASA* 22, 1927), or the logit
    interval; substituting the effective sample size into these intervals is the approach
    of Korn and Graubard (*Survey Methodology* 24(2), 1998) and is evaluated for survey data
    by Dean and Pagano (*Journal of Survey Statistics and Methodology* 3(4), 2015).

Small samples
    ``n_eff`` below :data:`SUPPRESSED_N_EFF` (10): status ``"supprimé"``, share and interval
    NaN, with a reason; below :data:`FRAGILE_N_EFF` (30): status ``"fragile"`` (shown
    greyed); otherwise ``"ok"``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
from scipy import stats

import french
from atlas.perception.survey.model import (
    ACTORS,
    AGGREGATE_COLUMNS,
    DIMENSION_COLUMNS,
    DIMENSION_RANK,
    DOMAIN_COLUMNS,
    DOMAIN_RANK,
    TERRITORY_LEVELS,
    Survey,
)

MEASURES = {"first": 1, "first_or_second": 2}
"""Measure → the worst rank that counts (``rank <= value``)."""
ALL_ACTORS = "tous"
NATIONAL_CODE = "FR"
LEVELS = ("france", "region", "departement", "commune")
"""Levels at which shares are estimated, coarsest first."""

CONFIDENCE = 0.95
FRAGILE_N_EFF = 30.0
"""Below this effective sample size an estimate is ``"fragile"`` (shown greyed)."""
SUPPRESSED_N_EFF = 10.0
"""Below this effective sample size an estimate is ``"supprimé"`` (value NaN)."""
STATUSES = ("ok", "fragile", "supprimé")

ESTIMATE_COLUMNS = (*AGGREGATE_COLUMNS, "ci_low", "ci_high", "status", "reason")
PRIORITY_COLUMNS = ("territory_code", "territory_level", "actor", "item", "score",
                    "n_unweighted", "n_effective", "ci_low", "ci_high", "status", "reason")

KINDS = {"dimension": DIMENSION_COLUMNS, "domain": DOMAIN_COLUMNS}
_PREFIX = {"dimension": DIMENSION_RANK, "domain": DOMAIN_RANK}
_MAX_RANK = {"dimension": len(DIMENSION_COLUMNS), "domain": len(DOMAIN_COLUMNS)}


def kish_effective_n(weights: np.ndarray | pd.Series) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (NaN for no weights).

    >>> kish_effective_n([1.0, 1.0, 2.0])
    2.6666666666666665
    """
    w = np.asarray(weights, dtype=float)
    if w.size == 0:
        return float("nan")
    return float(w.sum() ** 2 / np.square(w).sum())


def wilson_interval(share: np.ndarray, n: np.ndarray,
                    confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion, on ``n`` (pass the effective n).

    >>> low, high = wilson_interval(np.array([0.5]), np.array([100.0]))
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.4038, 0.5962)
    """
    p, n = np.asarray(share, dtype=float), np.asarray(n, dtype=float)
    z2 = stats.norm.ppf(0.5 + confidence / 2) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = np.sqrt(z2) / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def logit_interval(share: np.ndarray, n: np.ndarray,
                   confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Logit interval ``expit(logit p -/+ z / sqrt(n p (1 - p)))`` (pass the effective n).

    Undefined at ``p = 0`` or ``1``, where the Wilson interval is returned instead.
    """
    p, n = np.asarray(share, dtype=float), np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    inside = (p > 0) & (p < 1)
    q = np.where(inside, p, 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z / np.sqrt(n * q * (1 - q))
    centre = np.log(q / (1 - q))
    low, high = wilson_interval(p, n, confidence)
    return (np.where(inside, 1 / (1 + np.exp(half - centre)), low),
            np.where(inside, 1 / (1 + np.exp(-centre - half)), high))


INTERVALS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "wilson": wilson_interval, "logit": logit_interval}
"""Interval methods for a proportion on the effective sample size."""


def proportion_interval(share: np.ndarray, n_effective: np.ndarray, method: str = "wilson",
                        confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval of weighted shares with ``method`` (a key of :data:`INTERVALS`)."""
    if method not in INTERVALS:
        raise ValueError(f"unknown interval method {method!r}; valid methods: {sorted(INTERVALS)}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return INTERVALS[method](share, n_effective, confidence)


def sample_status(n_effective: np.ndarray | pd.Series, fragile_below: float = FRAGILE_N_EFF,
                  suppress_below: float = SUPPRESSED_N_EFF) -> tuple[np.ndarray, np.ndarray]:
    """Status (``"ok"``, ``"fragile"``, ``"supprimé"``) and French reason of each ``n_eff``.

    A missing ``n_eff`` (sample size not published) is ``"ok"``: nothing says it is small,
    but the reason says that no interval can be given. ``n_eff = 0`` means no respondent.

    >>> sample_status(np.array([120.0, 23.14, 7.0]))[0].tolist()
    ['ok', 'fragile', 'supprimé']
    """
    n = np.asarray(n_effective, dtype=float)
    # Rounded down, so that 9.99 reads "9,9 < 10", not "10,0 < 10".
    label = np.array([french.number(v, 1) for v in np.floor(n * 10) / 10], dtype=object)
    missing, empty = np.isnan(n), n == 0
    suppressed = ~missing & ((n < suppress_below) | empty)
    fragile = ~missing & ~suppressed & (n < fragile_below)
    status = np.select([suppressed, fragile], ["supprimé", "fragile"], "ok").astype(object)
    reason = np.select(
        [missing, empty, suppressed, fragile],
        ["taille d'échantillon non publiée : pas d'intervalle de confiance",
         "aucun répondant",
         "taille effective d'échantillon " + label + f" < {french.compact(suppress_below)} : "
         "valeur supprimée",
         "taille effective d'échantillon " + label + f" < {french.compact(fragile_below)} : "
         "estimation fragile"],
        "").astype(object)
    return status, reason


def territory_codes(respondents: pd.DataFrame, level: str) -> pd.Series:
    """Code of each respondent's territory at ``level`` (missing if theirs is coarser).

    ``level`` is one of :data:`LEVELS`; ``"france"`` gives ``"FR"`` for everyone. A
    respondent located only in France (level ``"france"``, code ``"FR"``) counts only there.

    Raises
    ------
    ValueError
        On an unknown level, or a respondent's code unknown at its own level.
    """
    _check_choice("level", level, LEVELS)
    own_level = respondents["territory_level"]
    unknown_levels = sorted(set(own_level.dropna()) - set(LEVELS))
    if unknown_levels or own_level.isna().any():
        raise ValueError(f"unknown territory levels {unknown_levels}; valid levels: "
                         f"{list(LEVELS)}")
    code = respondents["territory_code"].astype("str")
    national = (own_level == "france").to_numpy()
    if (code[national] != NATIONAL_CODE).any():
        raise ValueError(f"territory level 'france' takes the code {NATIONAL_CODE!r}")
    if level == "france":
        return pd.Series(NATIONAL_CODE, index=respondents.index, dtype="str")
    out = pd.Series(pd.NA, index=respondents.index, dtype="str")
    for own in TERRITORY_LEVELS:
        mask = (own_level == own).to_numpy()
        if not mask.any():
            continue
        table = _geography(own)
        positions = table.index.get_indexer(code[mask])
        if (positions < 0).any():
            bad = sorted(set(code[mask][positions < 0]))
            raise ValueError(f"{len(bad)} unknown {own} codes, e.g. {bad[:5]}")
        if level in table.columns:
            out[mask] = table[level].to_numpy()[positions]
    return out


@cache
def _geography(own: str) -> pd.DataFrame:
    """Codes of level ``own`` (index) → the codes of the levels containing them."""
    from geodata import store

    if own == "commune":
        table = store.attributes("communes")[["code", "departement", "region"]]
        return table.assign(commune=table["code"]).set_index("code")
    if own == "departement":
        table = store.attributes("departements")[["code", "region"]]
        return table.assign(departement=table["code"]).set_index("code")
    codes = store.attributes("regions")["code"]
    return pd.DataFrame({"region": codes.to_numpy()}, index=pd.Index(codes.to_numpy()))


def rank_shares(respondents: pd.DataFrame, level: str = "france", *, by_actor: bool = True,
                all_actors: bool = True, method: str = "wilson",
                confidence: float = CONFIDENCE, fragile_below: float = FRAGILE_N_EFF,
                suppress_below: float = SUPPRESSED_N_EFF) -> pd.DataFrame:
    """Weighted shares ranking each dimension and domain first, and first or second.

    Parameters
    ----------
    respondents
        Respondent table with the columns of
        :data:`~atlas.perception.survey.model.RESPONDENT_COLUMNS`.
    level
        One of :data:`LEVELS`: each respondent counts in the territory containing theirs.
    by_actor, all_actors
        Give one group per actor type, and/or one for all actors together (``"tous"``).
    method, confidence
        Interval method (a key of :data:`INTERVALS`) and confidence level.
    fragile_below, suppress_below
        Effective-n thresholds of the ``"fragile"`` and ``"supprimé"`` statuses.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`ESTIMATE_COLUMNS`, one row per territory, actor, item
        (``"dimension:<id>"`` or ``"domain:<id>"``) and measure.
    """
    frame, code, actor = _groups(respondents, level, by_actor, all_actors)
    parts = []
    for kind in KINDS:
        ranks, w = _kind_ranks(frame, kind)
        blocks = [w[:, None] * (np.nan_to_num(ranks, nan=np.inf) <= worst)
                  for worst in MEASURES.values()]
        groups, n, n_eff, sums = _group_sums(code, actor, w, np.hstack(blocks))
        total = np.where(n[:, None] > 0, sums[:, :1], np.nan)
        for measure, block in zip(MEASURES, np.hsplit(sums[:, 1:], len(MEASURES)),
                                  strict=True):
            parts.append(_long(groups, kind, n, n_eff, measure=measure,
                               share=block / total))
    table = _order(pd.concat(parts, ignore_index=True), level)
    table = _finish(table, "share", method, confidence, fragile_below, suppress_below)
    return _finalise(table[list(ESTIMATE_COLUMNS)], respondents)


def priority_scores(respondents: pd.DataFrame, level: str = "france", *, by_actor: bool = True,
                    all_actors: bool = True, confidence: float = CONFIDENCE,
                    fragile_below: float = FRAGILE_N_EFF,
                    suppress_below: float = SUPPRESSED_N_EFF) -> pd.DataFrame:
    """Perceived-priority score of each dimension and domain, by territory and actor.

    A respondent who ranked ``k`` items of a kind (dimensions or domains) gives the item of
    rank ``r`` the score ``(k + 1 - r) / k`` (1 for their first priority, ``1 / k`` for their
    last) and 0 to the items they did not rank; the territory's score is the weighted mean
    over the respondents who ranked at least one item of that kind, in [0, 1]. This is a
    Borda count rescaled per respondent, so that a respondent ranking 3 domains and one
    ranking 16 both give 1 to their first. The interval is the normal one on Kish's
    effective n, ``mean -/+ z s / sqrt(n_eff)`` with ``s`` the weighted standard deviation,
    clipped to [0, 1]; statuses as for :func:`rank_shares`.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`PRIORITY_COLUMNS`.
    """
    frame, code, actor = _groups(respondents, level, by_actor, all_actors)
    z = stats.norm.ppf(0.5 + confidence / 2)
    parts = []
    for kind in KINDS:
        ranks, w = _kind_ranks(frame, kind)
        k = (~np.isnan(ranks)).sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.nan_to_num((k + 1 - ranks) / k, nan=0.0)
        groups, n, n_eff, sums = _group_sums(code, actor, w,
                                             np.hstack([w[:, None] * score,
                                                        w[:, None] * score ** 2]))
        total, (first, second) = sums[:, :1], np.hsplit(sums[:, 1:], 2)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n[:, None] > 0, first / total, np.nan)
            half = z * np.sqrt(np.clip(second / total - mean ** 2, 0, None) / n_eff[:, None])
        parts.append(_long(groups, kind, n, n_eff, score=mean,
                           ci_low=np.clip(mean - half, 0, 1),
                           ci_high=np.clip(mean + half, 0, 1)))
    table = _order(pd.concat(parts, ignore_index=True), level)
    status, reason = sample_status(table["n_effective"], fragile_below, suppress_below)
    gone = status == "supprimé"
    table.loc[gone, ["score", "ci_low", "ci_high"]] = np.nan
    table["status"], table["reason"] = status, reason
    return _finalise(table[list(PRIORITY_COLUMNS)], respondents)


def estimates_from_aggregate(table: pd.DataFrame, *, method: str = "wilson",
                             confidence: float = CONFIDENCE,
                             fragile_below: float = FRAGILE_N_EFF,
                             suppress_below: float = SUPPRESSED_N_EFF) -> pd.DataFrame:
    """Add intervals and statuses to an aggregated table; its shares come back unchanged.

    The interval uses ``n_effective`` (missing when the sample size is not published: then
    no interval, status ``"ok"`` and a reason saying so). Only a share whose ``n_effective``
    is below ``suppress_below`` is replaced by NaN.

    >>> published = pd.DataFrame({
    ...     "territory_code": "FR", "territory_level": "france", "actor": "citoyen",
    ...     "item": ["dimension:economic"], "measure": "first", "share": [0.35],
    ...     "n_unweighted": pd.array([pd.NA], dtype="Int64"), "n_effective": [np.nan]})
    >>> estimates_from_aggregate(published)[["share", "status"]].to_dict("records")
    [{'share': 0.35, 'status': 'ok'}]
    """
    missing = [c for c in AGGREGATE_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"aggregated table lacks columns {missing}; expected "
                         f"{list(AGGREGATE_COLUMNS)}")
    bad = sorted(set(table["measure"].dropna()) - set(MEASURES))
    if bad or table["measure"].isna().any():
        raise ValueError(f"unknown measures {bad}; valid measures: {list(MEASURES)}")
    share = pd.to_numeric(table["share"]).astype(float)
    if ((share < 0) | (share > 1)).any():
        raise ValueError("shares must be in [0, 1] (give 0.28, not 28)")
    out = table[list(AGGREGATE_COLUMNS)].copy()
    out["share"] = share
    out["n_effective"] = pd.to_numeric(out["n_effective"]).astype(float)
    out = _finish(out.reset_index(drop=True), "share", method, confidence, fragile_below,
                  suppress_below)
    out = out.astype({"status": "str", "reason": "str"})
    out.attrs.update(table.attrs)
    return out[list(ESTIMATE_COLUMNS)]


def ranking_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Sum of the shares over the items of a kind, by territory, actor, kind and measure.

    For respondents who all ranked every item, ``first`` sums to 1 and ``first_or_second``
    to 2; a total over a missing share is missing.
    """
    kind = table["item"].str.partition(":")[0].rename("kind")
    keys = [table["territory_code"], table["territory_level"], table["actor"], kind,
            table["measure"]]
    grouped = table["share"].groupby(keys, sort=False)
    totals = grouped.sum().where(~table["share"].isna().groupby(keys, sort=False).any())
    return totals.rename("total").reset_index()


def survey_shares(survey: Survey, level: str = "france", **options) -> pd.DataFrame:
    """:func:`rank_shares` of a :class:`~atlas.perception.survey.model.Survey`, with its source.

    The result's ``attrs`` carry ``simulated`` and ``source``.
    """
    table = rank_shares(survey.respondents, level, **options)
    table.attrs.update(simulated=survey.simulated, source=survey.source)
    return table


def _groups(respondents: pd.DataFrame, level: str, by_actor: bool,
            all_actors: bool) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Respondents repeated once per group they count in, with the group keys."""
    _check_respondents(respondents)
    if not (by_actor or all_actors):
        raise ValueError("by_actor and all_actors cannot both be False")
    code = territory_codes(respondents, level)
    placed = code.notna().to_numpy()
    frame = respondents.loc[placed]
    code = code.to_numpy()[placed].astype(object)
    actor = frame["actor"].to_numpy().astype(object)
    codes, actors, rows = [], [], []
    if by_actor:
        codes.append(code)
        actors.append(actor)
        rows.append(np.arange(len(frame)))
    if all_actors:
        codes.append(code)
        actors.append(np.full(len(frame), ALL_ACTORS, dtype=object))
        rows.append(np.arange(len(frame)))
    return frame.iloc[np.concatenate(rows)], np.concatenate(codes), np.concatenate(actors)


def _check_respondents(respondents: pd.DataFrame) -> None:
    """Reject a respondent table that lacks columns or has invalid weights or ranks."""
    needed = ("actor", "territory_code", "territory_level", "weight", *DIMENSION_COLUMNS,
              *DOMAIN_COLUMNS)
    missing = [c for c in needed if c not in respondents.columns]
    if missing:
        raise ValueError(f"respondent table lacks columns {missing}")
    bad_actors = sorted(set(respondents["actor"].dropna()) - set(ACTORS))
    if bad_actors or respondents["actor"].isna().any():
        raise ValueError(f"unknown actors {bad_actors}; valid actors: {list(ACTORS)}")
    weight = pd.to_numeric(respondents["weight"]).to_numpy(dtype=float, na_value=np.nan)
    if not (np.isfinite(weight) & (weight > 0)).all():
        raise ValueError("weights must be finite and > 0 (a missing weight is an error)")
    for kind, columns in KINDS.items():
        ranks = respondents[list(columns)].to_numpy(dtype=float, na_value=np.nan)
        top = _MAX_RANK[kind]
        valid = np.isnan(ranks) | ((ranks >= 1) & (ranks <= top) & (ranks == np.round(ranks)))
        if not valid.all():
            raise ValueError(f"{kind} ranks must be integers in 1..{top} or missing")
        ordered = np.sort(ranks, axis=1)
        if (np.diff(ordered, axis=1) == 0).any():
            raise ValueError(f"a respondent gives the same rank to two {kind}s")


def _kind_ranks(frame: pd.DataFrame, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Ranks of one kind as floats (NaN = not ranked) and weights (0 = question skipped)."""
    ranks = frame[list(KINDS[kind])].to_numpy(dtype=float, na_value=np.nan)
    answered = ~np.isnan(ranks).all(axis=1)
    return ranks, np.where(answered, frame["weight"].to_numpy(dtype=float), 0.0)


def _group_sums(code: np.ndarray, actor: np.ndarray, w: np.ndarray,
                values: np.ndarray) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray]:
    """Groups, respondents ``n``, Kish ``n_eff`` and sums of ``[w, values]`` by group.

    Respondents of weight 0 (who skipped the question) are not counted in ``n``; a group
    without respondents has ``n_eff = 0``.
    """
    data = np.column_stack([w, values, w * w, w > 0])
    sums = pd.DataFrame(data).groupby([code, actor], sort=False).sum()
    array = sums.to_numpy()
    n, w2 = array[:, -1], array[:, -2]
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where(n > 0, array[:, 0] ** 2 / w2, 0.0)
    return sums.index, n, n_eff, array[:, :-2]


def _long(groups: pd.Index, kind: str, n: np.ndarray, n_eff: np.ndarray,
          **blocks: np.ndarray | str) -> pd.DataFrame:
    """One row per group and item of ``kind``; ``blocks`` are ``(groups, items)`` arrays."""
    items = [f"{kind}:{c.removeprefix(_PREFIX[kind])}" for c in KINDS[kind]]
    size = len(items)
    columns = {"territory_code": np.repeat(groups.get_level_values(0).to_numpy(), size),
               "actor": np.repeat(groups.get_level_values(1).to_numpy(), size),
               "item": np.tile(items, len(groups))}
    for name, block in blocks.items():
        columns[name] = block if isinstance(block, str) else np.asarray(block).ravel()
    columns["n_unweighted"] = pd.array(np.repeat(n, size).round().astype(int), dtype="Int64")
    columns["n_effective"] = np.repeat(n_eff, size)
    return pd.DataFrame(columns)


def _order(table: pd.DataFrame, level: str) -> pd.DataFrame:
    """Sort rows by territory, actor (in :data:`ACTORS` order, ``"tous"`` last)."""
    actor_order = {a: i for i, a in enumerate((*ACTORS, ALL_ACTORS))}
    table = table.assign(territory_level=level, _actor=table["actor"].map(actor_order))
    table = table.sort_values(["territory_code", "_actor"], kind="stable")
    return table.drop(columns="_actor").reset_index(drop=True)


def _finish(table: pd.DataFrame, value: str, method: str, confidence: float,
            fragile_below: float, suppress_below: float) -> pd.DataFrame:
    """Add the interval, status and reason; blank suppressed values."""
    n_eff = table["n_effective"].to_numpy(dtype=float)
    low, high = proportion_interval(table[value].to_numpy(dtype=float), n_eff, method,
                                    confidence)
    status, reason = sample_status(n_eff, fragile_below, suppress_below)
    gone = status == "supprimé"
    table[value] = table[value].mask(gone)
    table["ci_low"] = np.where(gone, np.nan, low)
    table["ci_high"] = np.where(gone, np.nan, high)
    table["status"], table["reason"] = status, reason
    return table


def _finalise(table: pd.DataFrame, respondents: pd.DataFrame) -> pd.DataFrame:
    """Text columns as strings; the respondents' ``simulated`` mark carried to the table.

    The mark is ``attrs["simulated"]`` or a ``simulated`` column of the respondents.
    """
    table = table.astype({c: "str" for c in table.columns if table[c].dtype == object})
    simulated = bool(respondents.attrs.get("simulated", False))
    if "simulated" in respondents.columns:
        simulated = simulated or bool(respondents["simulated"].fillna(False).any())
    table.attrs.update({k: v for k, v in respondents.attrs.items() if k != "simulated"})
    table.attrs["simulated"] = simulated
    return table


def _check_choice(name: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise ValueError(f"unknown {name} {value!r}; valid values: {list(valid)}")
