"""Fragility indices of every territorial level, from the indicator snapshot.

Each level (communes, EPCI, départements, régions) is scored from its *own* indicator
values, recomputed from counts in the snapshot: never by averaging its communes' scores.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from atlas.index.composite import IndexResult, Method, compute_indices
from geodata.hierarchy import parent_of
from geodata.levels import territory_level
from indicators import snapshot
from indicators.catalogue import Catalogue
from indicators.snapshot import snapshot_catalogue


def indicator_meta(catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Indicator id → ``domain``, ``dimension``, ``direction``, ``comparison`` (``meta``)."""
    catalogue = catalogue or snapshot_catalogue()
    return pd.DataFrame(
        {"domain": [i.domain for i in catalogue.indicators],
         "dimension": [i.dimension for i in catalogue.indicators],
         "direction": [i.direction for i in catalogue.indicators],
         "comparison": [i.comparison for i in catalogue.indicators]},
        index=pd.Index([i.id for i in catalogue.indicators], name="indicator"))


def level_indices(level: str, method: Method | None = None,
                  directory: Path | None = None) -> IndexResult:
    """Compute the indices of every territory of ``level`` with ``method``.

    The ``distance`` normalisation measures each value against the national value of
    the indicator, recomputed from counts for France as a whole.
    """
    return _level_indices(territory_level(level).id, method or Method(), directory)


@lru_cache(maxsize=8)  # 4 levels x 2 methods; a communes result holds about 60 MB
def _level_indices(level: str, method: Method, directory: Path | None) -> IndexResult:
    values, meta, region, national = level_inputs(level, directory)
    return compute_indices(values, meta, method, region=region, reference=national)


def level_inputs(level: str, directory: Path | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """What the index of ``level`` is computed from: values, meta, région, national values.

    An indicator comparable only within a région (a score relative to its région's mean)
    is not part of the index of the régions: it has no value there by construction, and
    is not counted as missing in its domain (the domain's recipe at that level is made of
    the other indicators).
    """
    catalogue = snapshot_catalogue()
    values = snapshot.values(level, directory, catalogue)
    national = snapshot.values("france", directory, catalogue).iloc[0]
    meta = indicator_meta(catalogue)
    if level == "regions":
        meta = meta[meta["comparison"] != "region"]
        values = values[list(meta.index)]
    return values, meta, parent_of(level, "regions"), national
