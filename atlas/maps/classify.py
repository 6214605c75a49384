"""Classes of a mapped variable, with mapclassify, and their French legend."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

import french

SCHEMES = {"quantiles": mapclassify.Quantiles, "fisher_jenks": mapclassify.FisherJenks,
           "equal_interval": mapclassify.EqualInterval}
SCHEME_LABELS = {"quantiles": "Quantiles (effectifs égaux)",
                 "fisher_jenks": "Seuils naturels (Fisher-Jenks)",
                 "equal_interval": "Intervalles égaux"}
JENKS_SAMPLE = 500
"""Above this many values, Fisher-Jenks breaks come from a quantile sample (see _model)."""


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
             decimals: int = 2, space: str = french.NNBSP) -> Classes:
    """Put ``values`` into ``k`` classes with a mapclassify ``scheme``.

    Missing values get a missing class (shown as :data:`french.MISSING`), never
    class 0. Labels write ``decimals`` decimals, thousands separated by ``space``
    (:func:`french.number`).

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
    if present.nunique() == 1:  # one value, one class (mapclassify refuses it)
        out[present.index] = 0
        label = french.number(float(present.iloc[0]), decimals, space)
        return Classes(out, (float(present.iloc[0]),), (f"{label} à {label}",),
                       (len(present),))
    model = _checked(_model(scheme, present.to_numpy(), k), present.to_numpy())
    out[present.index] = model.yb.astype("int64")
    bins = tuple(float(b) for b in model.bins)
    lows = (float(present.min()), *bins[:-1])
    labels = tuple(f"{french.number(lo, decimals, space)} à {french.number(hi, decimals, space)}"
                   for lo, hi in zip(lows, bins, strict=True))
    counts = tuple(int(c) for c in np.bincount(model.yb, minlength=len(bins)))
    return Classes(out, bins, labels, counts)


def _checked(model, values: np.ndarray):
    """``model``, or its bins made increasing and closed at the maximum.

    Fisher-Jenks can return disordered bins on values near the smallest floats (e.g.
    ``[0, 1.7e-86, 5e-324, -1]``); the classes are then rebuilt from the bins inside the
    values' range, so that labels, counts and bins always agree.
    """
    bins = np.asarray(model.bins, dtype="float64")
    if np.all(np.diff(bins) > 0) and bins[-1] >= values.max():
        return model
    inside = bins[(bins >= values.min()) & (bins < values.max())]
    return mapclassify.UserDefined(values, bins=np.unique(np.append(inside, values.max())))


def _model(scheme: str, values: np.ndarray, k: int):
    """The mapclassify classifier; Fisher-Jenks on a quantile sample above :data:`JENKS_SAMPLE`.

    Exact Fisher-Jenks costs O(k n²): 35,000 communes take minutes without numba. Above
    :data:`JENKS_SAMPLE` values the breaks are those of the distribution's
    :data:`JENKS_SAMPLE` evenly spaced quantiles (deterministic, unlike mapclassify's
    random ``FisherJenksSampled``), then every value is classed with these breaks.
    """
    if scheme != "fisher_jenks" or len(values) <= JENKS_SAMPLE:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return SCHEMES[scheme](values, k=k)
    sample = np.quantile(values, np.linspace(0.0, 1.0, JENKS_SAMPLE))
    with warnings.catch_warnings():  # "Numba not installed": the sample keeps it fast
        warnings.simplefilter("ignore", UserWarning)
        bins = SCHEMES[scheme](sample, k=k).bins
    ordered = np.sort(values)
    breaks = [_widest_gap(ordered, b, sample[min(np.searchsorted(sample, b, "right"),
                                                 len(sample) - 1)]) for b in bins[:-1]]
    return mapclassify.UserDefined(values, bins=[*breaks, ordered[-1]])


def _widest_gap(ordered: np.ndarray, low: float, high: float) -> float:
    """The value before the widest gap among the sorted values in ``[low, high]``.

    A break from the sample lies somewhere between two consecutive sample points; among
    the actual values there, the natural place for it is the widest gap.
    """
    inside = ordered[np.searchsorted(ordered, low, "left"):
                     np.searchsorted(ordered, high, "right")]
    if len(inside) < 2:
        return float(low)
    return float(inside[int(np.argmax(np.diff(inside)))])
