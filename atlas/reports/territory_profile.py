"""What the « Territoire » page shows of one territory, computed without Streamlit.

- :func:`peers`: the reference groups of a territory (the communes of its département,
  of its région and of France for a commune; the EPCI of its région and of France for an
  EPCI; and so on);
- :func:`domain_profile`: its 16 domain scores next to the median score of each group;
- :func:`score_table`: its dimension and overall scores, ranks and 90 % rank intervals;
- :func:`flag_table`, :func:`flagged_domains`: the domains where it is among the most
  fragile tenth;
- :func:`indicator_table`: its indicators with the values of its région and of France;
- :func:`rank_intervals`: the Monte Carlo over method variants on the real data.

Every function takes the :class:`atlas.index.composite.IndexResult` of the method chosen, so
that the page shows the figures of that method.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from atlas.index.composite import OVERALL, IndexResult, Method
from atlas.index.flags import flag_scores
from atlas.index.level_indices import level_inputs
from atlas.index.uncertainty import Uncertainty, Variation, simulate
from atlas.maps.subjects import source_line
from atlas.reports.indicator_table import indicator_rows
from atlas.reports.territory import Territory
from geodata.levels import territory_level
from indicators import snapshot
from indicators.domains import DIMENSIONS, DOMAIN_BY_ID, DOMAINS
from indicators.snapshot import snapshot_catalogue

N_VARIANTS = 200
"""Method variants of the page's Monte Carlo (the full analysis draws 1,000)."""


def peers(territory: Territory, region: pd.Series,
          departement: pd.Series | None = None) -> list[tuple[str, pd.Index]]:
    """Reference groups of ``territory``: (French label, codes of the same level).

    Parameters
    ----------
    territory
        From :func:`atlas.reports.territory.describe`.
    region
        Région of every territory of the level (:func:`atlas.index.level_indices.region_of`).
    departement
        Département of every territory, for communes only.

    Returns
    -------
    list of (str, pandas.Index)
        Its département (communes only), its région (all but régions), then France.
    """
    plural = territory_level(territory.level).plural
    groups = []
    if territory.level == "communes" and departement is not None:
        codes = departement.index[departement == territory.departement]
        groups.append((f"Médiane des {plural} du département ({territory.departement_name})",
                       codes))
    if territory.level != "regions" and territory.region:
        codes = region.index[region == territory.region]
        groups.append((f"Médiane des {plural} de la région ({territory.region_name})", codes))
    groups.append((f"Médiane des {plural} de France", region.index))
    return groups


def short_peer_labels(territory: Territory, groups: list[tuple[str, pd.Index]]) -> list[str]:
    """Short names of :func:`peers`' groups, for a legend titled « Médianes des … ».

    « Département : Cantal », « Région : Auvergne-Rhône-Alpes », « France », in the order
    of ``groups``.
    """
    names = []
    if len(groups) == 3:
        names.append(f"Département : {territory.departement_name}")
    if len(groups) >= 2:
        names.append(f"Région : {territory.region_name}")
    return [*names, "France"]


def domain_profile(result: IndexResult, territory: Territory,
                   groups: list[tuple[str, pd.Index]]) -> pd.DataFrame:
    """The 16 domain scores of the territory and the median score of each group.

    Returns
    -------
    pandas.DataFrame
        One row per domain (canonical order, index: domain id): ``label``, ``dimension``
        (French label), ``score`` (the territory's), then one column per group, named by
        its label. A median is taken over the territories of the group that have a score.
    """
    scores = result.domain_scores
    dimension_label = {d.id: d.label for d in DIMENSIONS}
    ids = [d.id for d in DOMAINS]
    out = pd.DataFrame({
        "label": [DOMAIN_BY_ID[d].label for d in ids],
        "dimension": [dimension_label[DOMAIN_BY_ID[d].dimension] for d in ids],
        "score": scores.loc[territory.code].reindex(ids).to_numpy(dtype="float64"),
    }, index=pd.Index(ids, name="domain"))
    for label, codes in groups:
        members = scores.index.intersection(codes)
        out[label] = scores.loc[members].median().reindex(ids).to_numpy(dtype="float64")
    return out


def long_profile(profile: pd.DataFrame) -> pd.DataFrame:
    """:func:`domain_profile` in long form for a chart: ``label``, ``series``, ``score``.

    The territory's own series is called ``"Ce territoire"``; missing scores are dropped.
    """
    wide = profile.drop(columns="dimension").rename(columns={"score": "Ce territoire"})
    long = wide.melt(id_vars="label", var_name="series", value_name="score")
    return long.dropna(subset=["score"]).reset_index(drop=True)


def frame_size(result: IndexResult, code: str, column: pd.Series) -> int:
    """Number of territories with a score in the frame of ``code`` (France or its région)."""
    present = column.notna()
    if result.groups is not None:
        present &= (result.groups == result.groups.loc[code]).to_numpy()
    return int(present.sum())


def score_table(result: IndexResult, code: str,
                uncertainty: Uncertainty | None = None) -> pd.DataFrame:
    """Scores, ranks and 90 % rank intervals of the 4 dimensions and the overall index.

    Returns
    -------
    pandas.DataFrame
        Index: dimension ids then ``"overall"``; columns ``label``, ``score``, ``rank``
        (1 = most fragile of the frame), ``frame_size``, ``rank_low`` and ``rank_high``
        (5th and 95th percentiles of the rank over the method variants; NaN without
        ``uncertainty`` or without a score).
    """
    rows = []
    entries = [(d.id, d.label, result.dimension_scores[d.id]) for d in DIMENSIONS]
    entries.append((OVERALL, "Indice global", result.overall))
    for ident, label, column in entries:
        score = float(column.loc[code])
        rank = result.ranks.loc[code, ident]
        low = high = np.nan
        if uncertainty is not None and ident in uncertainty.rank_low.columns:
            low, high = rank_interval(uncertainty, code, ident, rank)
        rows.append({"id": ident, "label": label, "score": score,
                     "rank": np.nan if pd.isna(rank) else float(rank),
                     "frame_size": frame_size(result, code, column),
                     "rank_low": low, "rank_high": high})
    return pd.DataFrame(rows).set_index("id")


def rank_interval(uncertainty: Uncertainty, code: str, ident: str,
                  rank: object) -> tuple[float, float]:
    """The rank interval shown: the 5th-95th percentiles, widened to the rank shown.

    The rank of the chosen method is one method among the variants; where it falls
    outside the central 90 % of the variants' ranks (0.6 % of communes at 1,000 variants),
    the interval is widened to include it, so that a rank is never outside its own
    interval. The pages say so.

    >>> u = Uncertainty(*(pd.DataFrame({"overall": [v]}, index=["x"]) for v in
    ...                  (5.0, 3.0, 9.0, 0.0)), variants=pd.DataFrame())
    >>> rank_interval(u, "x", "overall", 12)
    (3.0, 12.0)
    """
    low = float(uncertainty.rank_low.loc[code, ident])
    high = float(uncertainty.rank_high.loc[code, ident])
    if not pd.isna(rank) and not (np.isnan(low) or np.isnan(high)):
        low, high = min(low, float(rank)), max(high, float(rank))
    return low, high


def flag_table(result: IndexResult) -> pd.DataFrame:
    """Flags of every territory × domain (:func:`atlas.index.flags.flag_scores` in its frame)."""
    return flag_scores(result.domain_scores, result.groups)


def flagged_domains(flags: pd.DataFrame, code: str) -> list[str]:
    """French labels of the domains where ``code`` is among the most fragile tenth.

    ``flags`` is :func:`flag_table` (score at or above the 90th percentile of its frame,
    see :mod:`atlas.index.flags`); a missing flag (no score) is not a flag.

    >>> flags = pd.DataFrame({"health": [True], "housing": [pd.NA]}, index=["x"])
    >>> flagged_domains(flags.astype("boolean"), "x")
    ['Santé']
    """
    row = flags.loc[code]
    return [DOMAIN_BY_ID[d].label for d in row.index[row.fillna(False).astype(bool)]]


def indicator_table(level: str, code: str, region: str | None) -> pd.DataFrame:
    """The territory's indicators with the values of its région and of France.

    :func:`atlas.reports.indicator_table.indicator_rows` plus ``domain_label``,
    ``region_value`` (the value of the région, recomputed at the régional level; NaN for a
    région itself) and
    ``source`` (« producteur, jeu de données (millésime) » with caveats).
    """
    rows = indicator_rows(level, code)
    catalogue = snapshot_catalogue()
    regional = np.nan
    if level != "regions" and region is not None:
        regions = snapshot.values("regions")
        if region in regions.index:
            regional = regions.loc[region, rows["id"]].to_numpy(dtype="float64")
    rows["region_value"] = regional
    rows["domain_label"] = rows["domain"].map(lambda d: DOMAIN_BY_ID[d].label)
    rows["source"] = rows["id"].map(lambda i: source_line(catalogue.by_id(i)))
    return rows


def rank_intervals(level: str, method: Method | None = None,
                   n_variants: int = N_VARIANTS, seed: int = 0) -> Uncertainty:
    """Ranks of every territory of ``level`` over ``n_variants`` variants of ``method``.

    The variants keep the method's frame and centre their weights on its weights; they
    draw their normalisation (rang, min-max, z) and aggregation (see
    :mod:`atlas.index.uncertainty`). Dimensions are ranked too. The default method's
    are computed once per machine and kept on disk (:mod:`atlas.reports.stored_intervals`).
    """
    level = territory_level(level).id
    method = method or Method()

    def compute() -> Uncertainty:
        values, meta, region, national = level_inputs(level)
        return simulate(values, meta, method, Variation(n_variants=n_variants, seed=seed),
                        region=region, reference=national, dimensions=True)

    if method == Method():  # the default method's intervals are kept on disk
        from atlas.reports.stored_intervals import stored

        return stored(level, n_variants, seed, compute)
    return compute()
