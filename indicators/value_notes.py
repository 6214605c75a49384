"""What a value rests on, in a few French words, wherever the value is shown.

Maps (tooltips, tables, legends), the Territoire page, the PDF sheet and the exports say the
same thing of a value: published as is, the official value of its level, recomputed (with
the share of the population it rests on), estimated (with its interval), small numbers; and
of a missing value, why it is missing (:func:`indicators.status.label`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import french
from indicators.snapshot import Details
from indicators.status import Status, label  # noqa: F401 (label re-exported)


def qualifier(status: int, coverage: float = float("nan"), low: float = float("nan"),
              high: float = float("nan"), small: bool = False, decimals: int = 1) -> str:
    """A short note on a value that is there (empty for a plain published value).

    >>> qualifier(Status.COMPUTED, 0.86).replace(french.NNBSP, " ")
    'recalculé à partir des communes (couverture 86 %)'
    >>> qualifier(Status.ESTIMATED, low=12.04, high=18.5)
    'estimé (entre 12,0 et 18,5)'
    >>> qualifier(Status.PUBLISHED, small=True)
    'faible effectif'
    >>> qualifier(Status.PUBLISHED, 0.91).replace(french.NNBSP, " ")
    'couverture 91 %'
    """
    status = Status(int(status))
    if status.missing:
        return ""
    parts = []
    if status is Status.OFFICIAL:
        parts.append("valeur officielle")
    elif status in (Status.COMPUTED, Status.FROM_OFFICIAL):
        basis = ("des valeurs officielles de ses départements ou EPCI"
                 if status is Status.FROM_OFFICIAL else "des communes")
        share = "" if np.isnan(coverage) else f" (couverture {french.percent(coverage)})"
        parts.append(f"recalculé à partir {basis}{share}")
    elif status is Status.PUBLISHED and not np.isnan(coverage) and coverage < 1:
        parts.append(f"couverture {french.percent(coverage)}")  # summed over part of the commune
    elif status is Status.ESTIMATED:
        interval = ("" if np.isnan(low) or np.isnan(high) else
                    f" (entre {french.number(low, decimals)} et {french.number(high, decimals)})")
        parts.append(f"estimé{interval}")
    if small:
        parts.append("faible effectif")
    return ", ".join(parts)


def notes(details: Details, indicator: str, decimals: int = 1) -> pd.Series:
    """:func:`qualifier` of one indicator for every territory (empty where missing)."""
    status, coverage = details.status[indicator], details.coverage[indicator]
    low, high, small = details.low[indicator], details.high[indicator], details.small[indicator]
    return pd.Series([qualifier(s, c, lo, hi, sm, decimals) for s, c, lo, hi, sm in zip(
        status, coverage, low, high, small, strict=True)], index=status.index, dtype="object")


def reasons(details: Details, indicator: str) -> pd.Series:
    """Why each missing value is missing (NA where the value is there)."""
    status, coverage = details.status[indicator], details.coverage[indicator]
    out = pd.Series([label(s, c) if Status(int(s)).missing else None
                     for s, c in zip(status, coverage, strict=True)],
                    index=status.index, dtype="object")
    return out.where(out.notna(), pd.NA)


def partial_note(count: int, total: int) -> str:
    """« indice partiel : 15 domaines sur 16 » (empty for a complete index).

    >>> partial_note(15, 16)
    'indice partiel : 15 domaines sur 16'
    >>> partial_note(16, 16)
    ''
    """
    if count >= total or count <= 0:
        return ""
    return f"indice partiel : {count} domaine{'s' if count > 1 else ''} sur {total}"


SHORT = {Status.OFFICIAL: "officiel", Status.FROM_OFFICIAL: "recalc. officiel",
         Status.COMPUTED: "recalculé", Status.ESTIMATED: "estimé",
         Status.WITHHELD: "non publié", Status.LOW_COVERAGE: "couv. faible",
         Status.ABSENT: "absent", Status.NOT_COMPARABLE: "sans objet"}
"""A few letters per status, for the narrow column of the PDF sheet."""


def short(status: int, coverage: float = float("nan"), small: bool = False,
          smoothed: bool = False) -> str:
    """What a value rests on in a few letters (PDF sheet, so ``NBSP``): « recalculé 86 % ».

    >>> short(Status.COMPUTED, 0.857).replace(french.NBSP, " ")
    'recalculé 86 %'
    >>> short(Status.PUBLISHED, small=True, smoothed=True)
    'lissé, faible eff.'
    """
    status = Status(int(status))
    text = SHORT.get(status, "")
    if status in (Status.COMPUTED, Status.FROM_OFFICIAL, Status.LOW_COVERAGE) \
            and not np.isnan(coverage) and coverage < 1:
        text = f"{text} {french.percent(coverage, space=french.NBSP)}"
    extra = [w for w, on in (("lissé", smoothed), ("faible eff.", small)) if on]
    return ", ".join(filter(None, [text, *extra]))
