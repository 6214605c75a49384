"""What a change of method did: each territory's move in its frame, in percentile points.

A rank only means something within its frame (France, or the territory's région), whose
size differs between frames; so a territory's standing is expressed as the share of its
frame that is *less* fragile than it, ``1 - (rank - 1) / (n - 1)`` (1 = the most fragile,
0 = the least), and the change is the difference of standings in percentile points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import french

CUTS = (-20.0, -5.0, 5.0, 20.0)
"""Bounds (percentile points) of the five classes of change: a move under 5 points is stable."""
LABELS = ("nettement moins fragile (recul de 20 points ou plus)",
          "moins fragile (recul de 5 à 20 points)",
          "stable (moins de 5 points)",
          "plus fragile (hausse de 5 à 20 points)",
          "nettement plus fragile (hausse de 20 points ou plus)")


def standing(ranks: pd.Series, groups: pd.Series | None = None) -> pd.Series:
    """Share of the frame less fragile than each territory (1 = most fragile), NaN if no rank.

    >>> standing(pd.Series([1, 2, 3], index=list("abc"), dtype="Int64")).tolist()
    [1.0, 0.5, 0.0]
    """
    ranks = ranks.astype("Float64")
    if groups is None:
        size = pd.Series(float(ranks.notna().sum()), index=ranks.index)
    else:
        frame = groups.reindex(ranks.index)
        size = ranks.notna().groupby(frame).transform("sum").astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = 1.0 - (ranks.astype("float64") - 1.0) / (size - 1.0)
    return out.where(size > 1, np.nan)


def change(before: pd.Series, after: pd.Series) -> pd.Series:
    """Move in percentile points from standing ``before`` to ``after`` (positive = more fragile).

    >>> change(pd.Series([1.0, 0.2]), pd.Series([0.5, 0.2])).tolist()
    [-50.0, 0.0]
    """
    return (after.astype("float64") - before.astype("float64").reindex(after.index)) * 100.0


def change_class(points: pd.Series) -> pd.Series:
    """Class 0-4 of each change (see :data:`LABELS`), missing where the change is missing.

    >>> change_class(pd.Series([-30.0, -6.0, 0.0, 5.0, 40.0, None])).tolist()
    [0, 1, 2, 3, 4, <NA>]
    """
    values = points.astype("float64")
    cls = np.digitize(values.to_numpy(), CUTS, right=False)
    return pd.Series(cls, index=points.index, dtype="Int64").mask(values.isna())


def compare_ranks(before: pd.DataFrame, after: pd.DataFrame,
                  regional: bool) -> pd.DataFrame:
    """Standing of each territory before and after a change of method, and the move.

    ``before`` and ``after`` are :class:`atlas.maps.map_table.MapView` tables (``name``,
    ``region``, ``rank``), the first computed with the default method (France frame);
    ``regional`` says whether ``after`` ranks within each région.

    Returns
    -------
    DataFrame
        ``name``, ``region``, ``before``, ``after`` (standings), ``rank_before``,
        ``rank_after``, ``change`` (percentile points), ``cls`` (:func:`change_class`)
        and ``tip`` (« Nom — +12 points (rang 340 → 120) »).
    """
    out = pd.DataFrame({
        "name": after["name"], "region": after["region"],
        "before": standing(before["rank"]),
        "after": standing(after["rank"], after["region"] if regional else None),
        "rank_before": before["rank"], "rank_after": after["rank"]})
    out["change"] = change(out["before"], out["after"])
    out["cls"] = change_class(out["change"])
    moved = out["change"].map(lambda c: french.signed(c, unit="points"))
    both = out["rank_before"].notna() & out["rank_after"].notna()
    ranks = (" (rang " + out["rank_before"].map(french.integer) + " → "
             + out["rank_after"].map(french.integer) + ")")
    out["tip"] = out["name"] + " — " + moved + ranks.where(both, "")
    return out

