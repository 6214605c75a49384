"""The « Évolution » map of an indicator: classes of change centred on 0, legend, tooltips.

Five classes, symmetric around 0 (:func:`change_classes`): a middle class of small changes
either way, then moderate and strong ones on each side, with the same bounds. The classes
are ordered by fragility (0: strongly towards less fragility … 4: strongly towards more),
so that a diverging palette reads the same whatever the indicator's direction; the labels
say the change of the value itself (« hausse de 1 à 3 points »).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

import french
from indicators.change import rank_change_label
from indicators.history import comparable_values, history_catalogue, level_change
from indicators.series import series_label
from indicators.status import LABELS, Status


@dataclass(frozen=True)
class ChangeClasses:
    """Classes of change of one map."""

    cls: pd.Series
    """Class 0-4 of each territory (Int64, NA where the change is missing)."""
    labels: tuple[str, ...]
    """French label of each class, from towards less fragility to towards more."""
    bounds: tuple[float, float]
    """The two bounds ``(b1, b2)``: |change| under b1, from b1 to b2, from b2."""


def change_unit(unit: str) -> str:
    """The unit of a change: « points » for a percentage, else the value's unit.

    >>> change_unit("%"), change_unit("pour 1 000 hab.")
    ('points', 'pour 1 000 hab.')
    """
    return "points" if unit.strip() == "%" else unit


def nice(value: float) -> float:
    """``value`` rounded to 1, 2 or 5 times a power of ten (at least the smallest above 0).

    >>> nice(0.37), nice(2.6), nice(740.0), nice(0.0)
    (0.5, 2.0, 500.0, 0.0)
    """
    if not value > 0 or not math.isfinite(value):
        return 0.0
    power = 10.0 ** math.floor(math.log10(value))
    step = min((1.0, 2.0, 5.0, 10.0), key=lambda s: abs(s * power - value))
    return step * power


def change_classes(changes: pd.Series, direction: int, unit: str) -> ChangeClasses:
    """Five classes of change centred on 0, bounds from the size of the changes.

    ``b1`` is the rounded median of |change|, ``b2`` its rounded 90th percentile (at least
    twice ``b1``): about half the territories fall in the middle class. ``direction`` is +1
    when a higher value is more fragile, -1 otherwise (the classes then run the other way).

    >>> out = change_classes(pd.Series([-3.0, -0.2, 0.1, 0.4, 2.0, None]), 1, "%")
    >>> out.cls.tolist(), out.bounds
    ([0, 2, 2, 2, 4, <NA>], (0.5, 2.0))
    """
    values = changes.astype("float64")
    size = values.abs().dropna()
    b1 = nice(float(size.median())) if len(size) else 0.0
    b2 = max(nice(float(size.quantile(0.9))) if len(size) else 0.0, 2 * b1)
    if b1 == 0.0:
        b1, b2 = (b2 / 2, b2) if b2 > 0 else (1.0, 2.0)
    oriented = direction * values.to_numpy()
    cls = np.digitize(oriented, [-b2, -b1, b1, b2], right=False)
    cls = np.where(np.abs(oriented) == b1, 2, cls)  # exactly b1 stays in the middle class
    out = pd.Series(cls, index=values.index, dtype="Int64").mask(values.isna())
    return ChangeClasses(out, class_labels(b1, b2, direction, unit), (b1, b2))


def class_labels(b1: float, b2: float, direction: int, unit: str) -> tuple[str, ...]:
    """French labels of the five classes, from towards less fragility to towards more."""
    decimals = max(0, -math.floor(math.log10(b1))) if b1 > 0 else 0
    one, two = (french.number(b, decimals) for b in (b1, b2))
    u = change_unit(unit)
    up, down = "hausse", "baisse"
    less, more = (down, up) if direction > 0 else (up, down)
    return (f"{less} de {two} {u} ou plus",
            f"{less} de {one} à {two} {u}",
            f"variation de moins de {one} {u}",
            f"{more} de {one} à {two} {u}",
            f"{more} de {two} {u} ou plus")


def legend_title(indicator_id: str) -> str:
    """Title of the legend: the indicator, the two years and how to read the colours."""
    catalogue = history_catalogue()
    series = catalogue.series_of(indicator_id)
    label = series_label(catalogue.by_id(indicator_id).label)
    return (f"{label} — évolution {series.change[0]}-{series.change[1]} "
            f"(orangé = vers plus de fragilité, violet = vers moins)")


def tooltips(level: str, indicator_id: str, names: pd.Series) -> pd.Series:
    """« Nom — 2016 : 12,3 % → 2022 : 10,1 % (−2,2 points) ; position relative : … ».

    The position is the territory's rank among those of its level with a value both
    years; its change is « significative » only when the two rank intervals do not
    overlap (:mod:`indicators.change`).
    """
    catalogue = history_catalogue()
    series = catalogue.series_of(indicator_id)
    unit = catalogue.by_id(indicator_id).unit
    rows = level_change(level, indicator_id).reindex(names.index)
    first, last = series.change
    out = []
    for name, before, after, change, low, high, small, moved in zip(
            names, rows["before"], rows["after"], rows["change"], rows["low"], rows["high"],
            rows["small"], rows["moved"], strict=True):
        if pd.isna(change):
            out.append(f"{name} — évolution {first}-{last} {french.MISSING}")
            continue
        digits = _decimals(change)
        text = (f"{name} — {first} : {french.quantity(before, unit)} → {last} : "
                f"{french.quantity(after, unit)} ({_signed(change, unit, digits)})")
        if pd.notna(low):
            text += (f", intervalle {_signed(low, unit, digits)} à "
                     f"{_signed(high, unit, digits)}")
        if small is True:
            text += ", faible effectif"
        out.append(text + " ; position relative : " + rank_change_label(moved))
    return pd.Series(out, index=names.index, dtype="object")


def _decimals(value: float) -> int:
    """Decimals of a change: 0 from 100, 1 from 1, else 2."""
    size = abs(float(value))
    return 0 if size >= 100 else 1 if size >= 1 else 2


def _signed(value: float, unit: str, decimals: int | None = None) -> str:
    """A signed change with its unit (« −1,0 point », « +2,5 points »)."""
    size = abs(float(value))
    decimals = _decimals(value) if decimals is None else decimals
    words = change_unit(unit)
    if words == "points" and round(size, decimals) < 2:
        words = "point"
    return french.signed(value, decimals, unit=words)


def missing_note(level: str, indicator_id: str, codes: pd.Index) -> str:
    """The legend's line of territories without a change: how many, and why.

    The reason is that of the first year without a value, by the status of that value
    (« absent de la source », « non publié », couverture insuffisante…).
    """
    series = history_catalogue().series_of(indicator_id)
    rows = level_change(level, indicator_id).reindex(codes)
    missing = rows.index[rows["change"].isna()]
    first = comparable_values(level, series.before).reindex(missing)
    last = comparable_values(level, series.after).reindex(missing)
    status = first["status"].where(first["value"].isna(), last["status"])
    reasons = status.dropna().astype(int).map(lambda s: LABELS[Status(s)]).value_counts()
    detail = " ; ".join(f"{reason} ({french.integer(n)})" for reason, n in reasons.items())
    return (f"{french.MISSING} en {series.change[0]} ou en {series.change[1]} "
            f"({french.integer(len(missing))})" + (f" : {detail}" if detail else ""))
