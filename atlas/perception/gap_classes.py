"""Classes, colours and legends of the « Objectif vs perçu » maps, declared together.

Each map's cut points, colours and legend labels live here side by side, and the labels
are written from the cut points, so that changing one cannot make the legend lie.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import french

GAP_CUTS = (-5.5, -1.5, 1.5, 5.5)
"""Gap (perceived rank − objective rank, an integer) cut into 5 classes."""
GAP_COLOURS = ("#0571b0", "#92c5de", "#f7f7f7", "#f4a582", "#ca0020", "#e0e0e0", "#8c8c8c")
"""Five gap classes (over-perceived blue to blind-spot red), then the two grey categories."""
GAP_GREY = {"non significatif": 5, "données insuffisantes": 6}
"""Class index of the categories greyed on the gap map."""
CATEGORY_COLOURS = ("#ca0020", "#0571b0", "#1a9641", "#bdbdbd", "#636363")
"""Colour of each category of :data:`atlas.perception.compare.CATEGORIES`, in its order
(angle mort, surestimé, aligné, non significatif, données insuffisantes)."""
SPEARMAN_CUTS = (0.0, 0.25, 0.5, 0.75)
SPEARMAN_COLOURS = ("#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641")
CLUSTER_LABELS = {
    "HH": "groupe d'angles morts (écarts forts entourés d'écarts forts)",
    "LL": "groupe de priorités surestimées (écarts faibles entourés d'écarts faibles)",
    "HL": "angle mort isolé parmi des voisins alignés ou surestimés",
    "LH": "priorité surestimée isolée parmi des angles morts",
}
"""French reading of the local Moran's I quadrants of :func:`perception_gap.gap_clusters`."""


def gap_labels(cuts: tuple[float, ...] = GAP_CUTS) -> tuple[str, ...]:
    """Legend of the gap map, written from its cut points (integer gaps between them).

    >>> gap_labels()[1:3]
    ('−5 à −2', '−1 à +1 : rangs proches')
    >>> gap_labels()[0]
    '−6 ou moins : priorité bien plus perçue que la fragilité'
    """
    low = [int(np.floor(cuts[0]))]
    inner = [(int(np.ceil(a)), int(np.floor(b))) for a, b in zip(cuts, cuts[1:], strict=False)]
    high = int(np.ceil(cuts[-1]))
    labels = [f"{french.signed(low[0])} ou moins : priorité bien plus perçue que la fragilité"]
    middle = len(inner) // 2
    for i, (a, b) in enumerate(inner):
        text = f"{french.signed(a)} à {french.signed(b)}"
        labels.append(text + (" : rangs proches" if i == middle else ""))
    labels.append(f"{french.signed(high)} ou plus : fragilité bien moins perçue (angle mort)")
    return (*labels, "gris clair : non significatif", "gris foncé : données insuffisantes")


def spearman_labels(cuts: tuple[float, ...] = SPEARMAN_CUTS) -> tuple[str, ...]:
    """Legend of the profile-correlation map, written from its cut points.

    >>> spearman_labels()[0], spearman_labels()[-1]
    ('moins de 0 : profils opposés', '0,75 à 1 : profils concordants')
    """
    labels = [f"moins de {french.compact(cuts[0])} : profils opposés"]
    labels += [f"{french.compact(a)} à {french.compact(b)}"
               for a, b in zip(cuts, cuts[1:], strict=False)]
    labels.append(f"{french.compact(cuts[-1])} à 1 : profils concordants")
    return tuple(labels)


def gap_classes(table: pd.DataFrame, domain: str) -> pd.DataFrame:
    """Class index and tooltip text of each territory on the gap map of ``domain``.

    ``table`` is a comparison table (:data:`atlas.perception.compare.COMPARISON_COLUMNS`). Gaps fall
    into the classes of :data:`GAP_CUTS`; the categories of :data:`GAP_GREY` override them.

    >>> rows = pd.DataFrame({"territory_code": ["a", "b", "c"], "domain": "health",
    ...                      "gap": [-7.0, 3.0, 1.0],
    ...                      "category": ["surestimé", "angle mort", "non significatif"]})
    >>> gap_classes(rows, "health")["cls"].tolist()
    [0, 3, 5]
    """
    rows = table[table["domain"] == domain].set_index("territory_code")
    gap = rows["gap"].to_numpy(dtype="float64")
    cls = pd.Series(np.digitize(gap, GAP_CUTS), index=rows.index).where(rows["gap"].notna())
    cls = rows["category"].map(GAP_GREY).fillna(cls).astype("Int64")
    text = "écart " + rows["gap"].map(french.signed) + ", " + rows["category"]
    return pd.DataFrame({"cls": cls, "text": text})


def spearman_classes(summary: pd.DataFrame) -> pd.DataFrame:
    """Class index and tooltip text of each territory on the profile-correlation map.

    >>> summary = pd.DataFrame({"spearman": [-0.2, 0.8, None], "n_effective": [40, 90, 3]},
    ...                        index=["a", "b", "c"])
    >>> spearman_classes(summary)["cls"].tolist()
    [0, 4, <NA>]
    """
    rho = summary["spearman"].astype("float64")
    cls = pd.Series(np.digitize(rho.to_numpy(), SPEARMAN_CUTS), index=rho.index).where(
        rho.notna()).astype("Int64")
    text = [("corrélation non calculable" if pd.isna(r) else f"ρ = {french.number(r, 2)}")
            + f", n effectif {french.integer(n)}"
            for r, n in zip(rho, summary["n_effective"], strict=True)]
    return pd.DataFrame({"cls": cls, "text": text}, index=summary.index)
