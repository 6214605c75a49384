"""Classes of a mapped variable, with mapclassify, and their French legend."""

from __future__ import annotations

from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

SCHEMES = {"quantiles": mapclassify.Quantiles, "fisher_jenks": mapclassify.FisherJenks,
           "equal_interval": mapclassify.EqualInterval}
SCHEME_LABELS = {"quantiles": "Quantiles (effectifs égaux)",
                 "fisher_jenks": "Seuils naturels (Fisher-Jenks)",
                 "equal_interval": "Intervalles égaux"}


@dataclass(frozen=True)
class Classes:
    """Class of each territory and the legend of the classes."""

    cls: pd.Series
    """Class index (0 = lowest), nullable; missing where the value is missing."""
    bins: tuple[float, ...]
    """Upper bound of each class."""
    labels: tuple[str, ...]
    counts: tuple[int, ...]


def classify(values: pd.Series, scheme: str = "quantiles", k: int = 5,
             decimals: int = 2) -> Classes:
    """Put ``values`` into ``k`` classes with a mapclassify ``scheme``.

    Missing values get a missing class (shown as "non disponible"), never class 0.

    >>> c = classify(pd.Series([1.0, 2.0, 3.0, 4.0, None]), k=2)
    >>> c.cls.tolist(), c.labels, c.counts
    ([0, 0, 1, 1, <NA>], ('1,00 à 2,50', '2,50 à 4,00'), (2, 2))
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; valid schemes: {sorted(SCHEMES)}")
    present = values.dropna().astype("float64")
    out = pd.Series(pd.NA, index=values.index, dtype="Int64")
    if present.empty:
        return Classes(out, (), (), ())
    k = max(1, min(k, present.nunique()))
    model = SCHEMES[scheme](present.to_numpy(), k=k)
    out[present.index] = model.yb.astype("int64")
    bins = tuple(float(b) for b in model.bins)
    lows = (float(present.min()), *bins[:-1])
    labels = tuple(f"{_fr(lo, decimals)} à {_fr(hi, decimals)}"
                   for lo, hi in zip(lows, bins, strict=True))
    counts = tuple(int(c) for c in np.bincount(model.yb, minlength=len(bins)))
    return Classes(out, bins, labels, counts)


def _fr(value: float, decimals: int) -> str:
    """A number written the French way (comma, narrow no-break thousands space)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")
