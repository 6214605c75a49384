"""Compare the values the atlas shows for higher levels with every official value found.

``atlas indicators validate [--raw DIR] --json``. For each indicator and level (EPCI,
départements, régions, France) with an official value, of the same vintage or another,
it reports the number of territories compared, Spearman's rank correlation, and the median
and maximum absolute difference between the official value and

- the value the atlas **shows** (the official value itself where one exists, so the
  difference measures only storage rounding; else what it was recomputed from), and
- the value **recomputed from the communes' counts** (what the atlas would show without
  the official file, and what it shows where none exists), with the median share of each
  territory's population living in a commune whose value is published (not withheld,
  estimated or absent): what that recomputation rests on.

Without ``--raw``, the official values stored in the snapshot are used; with it, the
publishers' files are read again (so that the snapshot's copies are checked too), and
references of other vintages are added (Filosofi 2019 medians, deciles and income shares
of départements and régions, beside the 2021 commune values), marked
``same_vintage: false``: they show how far a value of another year is, never used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from indicators import snapshot
from indicators.catalogue import Catalogue, Source
from indicators.official import load_source
from indicators.snapshot import snapshot_catalogue
from indicators.status import Status

MEMBER_COLUMN = {"departements": "departement", "regions": "region", "epci": "epci"}
"""Column of the commune table naming the territory of each level a commune belongs to."""
OTHER_VINTAGES: tuple[tuple[str, str, str], ...] = (
    ("median_income_2021", "Q219", "filosofi_disp_2019"),
    ("first_decile_income_2021", "D119", "filosofi_disp_2019"),
    ("interdecile_ratio_2021", "RD", "filosofi_disp_2019"),
    ("minimum_benefits_income_share", "PPMINI19", "filosofi_disp_2019"),
    ("social_benefits_income_share", "PPSOC19", "filosofi_disp_2019"),
    ("unemployment_benefits_income_share", "PCHO19", "filosofi_disp_2019"),
)
"""(indicator, column, official source prefix): references of another vintage."""


@dataclass(frozen=True)
class Reference:
    """One official value to compare an indicator with, at one level."""

    indicator: str
    level: str
    source: Source
    column: str
    options: dict
    same_vintage: bool


def references(catalogue: Catalogue) -> list[Reference]:
    """The declared official values, then the references of other vintages."""
    out = [Reference(i.id, o.level, o.source, o.column, o.options, True)
           for i in catalogue.indicators for o in i.official]
    for indicator, column, prefix in OTHER_VINTAGES:
        for level, suffix in (("departements", "dep"), ("regions", "reg")):
            source = catalogue.official_sources[f"{prefix}_{suffix}"]
            out.append(Reference(indicator, level, source, column, {}, False))
    return out


def validate(directory: Path | None = None, raw: Path | None = None,
             catalogue: Catalogue | None = None) -> dict:
    """The comparison table (see the module docstring), as a JSON-ready dict."""
    catalogue = catalogue or snapshot_catalogue()
    rows = []
    communes = snapshot.level_table("communes", directory, catalogue).set_index("code")
    commune_status = snapshot.details("communes", directory, catalogue).status
    loaded: dict[tuple[str, str], pd.DataFrame] = {}
    for ref in references(catalogue):
        if raw is None and not ref.same_vintage:
            continue
        found = snapshot.details(ref.level, directory, catalogue)
        if raw is None:
            official = found.published[ref.indicator]
        else:
            key = (ref.source.id, repr(sorted(ref.options.items())))
            if key not in loaded:
                table = load_source(Path(raw), ref.source, ref.options).table
                loaded[key] = table.set_index(table["code"].astype(str))
            column = pd.to_numeric(loaded[key][ref.column], errors="coerce")
            official = column.reindex(found.value.index)
        rows.append({
            "indicator": ref.indicator, "level": ref.level,
            "reference": {"source": ref.source.id, "file": ref.source.file,
                          "column": ref.column, "vintage": ref.source.vintage,
                          "same_vintage": ref.same_vintage},
            "shown": compare(found.value[ref.indicator], official),
            "computed_from_communes": {
                **compare(found.computed[ref.indicator], official),
                "median_coverage": _median(published_share(
                    communes, commune_status[ref.indicator], ref.level))},
        })
    return {"comparisons": rows,
            "raw_files_read": raw is not None,
            "levels": sorted({r["level"] for r in rows})}


def compare(values: pd.Series, official: pd.Series) -> dict:
    """Territories with both values, Spearman correlation, median and max absolute gap.

    >>> compare(pd.Series([1.0, 2.0, 4.0]), pd.Series([1.0, 2.5, 4.0]))
    {'n': 3, 'spearman': 1.0, 'median_abs_diff': 0.0, 'max_abs_diff': 0.5}
    """
    both = pd.concat([values.rename("a"), official.rename("b")], axis=1).dropna()
    if both.empty:
        return {"n": 0, "spearman": None, "median_abs_diff": None, "max_abs_diff": None}
    gap = (both["a"] - both["b"]).abs()
    rho = both["a"].corr(both["b"], method="spearman") if len(both) > 2 else np.nan
    return {"n": int(len(both)),
            "spearman": None if pd.isna(rho) else round(float(rho), 4),
            "median_abs_diff": round(float(gap.median()), 4),
            "max_abs_diff": round(float(gap.max()), 4)}


def published_share(communes: pd.DataFrame, status: pd.Series, level: str) -> pd.Series:
    """Share of each territory's population in communes whose value is published or counted.

    >>> communes = pd.DataFrame({"population": [100, 300, 600],
    ...                          "departement": ["01", "01", "02"]}, index=["a", "b", "c"])
    >>> published_share(communes, pd.Series([0, 5, 4], index=communes.index), "departements")
    departement
    01    0.25
    02    0.00
    Name: population, dtype: float64
    """
    counted = status.reindex(communes.index).isin([int(Status.PUBLISHED), int(Status.COMPUTED)])
    population = communes["population"].astype("float64")
    if level == "france":
        return pd.Series([population[counted].sum() / population.sum()], index=["FR"])
    key = MEMBER_COLUMN[level]
    total = population.groupby(communes[key]).sum()
    return population.where(counted, 0.0).groupby(communes[key]).sum() / total


def _median(column: pd.Series | None) -> float | None:
    if column is None or column.dropna().empty:
        return None
    return round(float(column.median()), 4)
