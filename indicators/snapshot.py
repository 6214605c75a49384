"""Read the indicator snapshot (the embedded default data) built by :mod:`indicators.build`."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

from indicators.build import PROVENANCE, SNAPSHOT_LEVELS, snapshot_dir
from indicators.catalogue import Catalogue, load_catalogue
from indicators.levels import parts, value_from_parts


class SnapshotMissingError(FileNotFoundError):
    """The snapshot folder lacks a file; the message says how to build it."""


def _path(level: str, directory: Path | None) -> Path:
    if level not in SNAPSHOT_LEVELS:
        raise ValueError(f"unknown level {level!r}; valid levels: {list(SNAPSHOT_LEVELS)}")
    path = (Path(directory) if directory else snapshot_dir()) / f"{level}.parquet"
    if not path.exists():
        raise SnapshotMissingError(f"{path} not found: run `atlas indicators build --raw DIR`")
    return path


def level_table(level: str, directory: Path | None = None,
                catalogue: Catalogue | None = None) -> pd.DataFrame:
    """The snapshot table of ``level`` with every indicator's value.

    Commune values are recomputed from the stored parts (numerator and denominator, or
    weighted value and weight), exactly as higher levels were.
    """
    return _level_table(level, directory, catalogue or load_catalogue()).copy()


@cache
def _level_table(level: str, directory: Path | None, catalogue: Catalogue) -> pd.DataFrame:
    table = pd.read_parquet(_path(level, directory))
    numeric = table.select_dtypes("number").columns
    table[numeric] = table[numeric].astype("float64")
    if level == "communes":
        values = {}
        for indicator in catalogue.indicators:
            first, second = parts(indicator)
            scale = (indicator.aggregation.scale if indicator.aggregation.method == "ratio"
                     else 1)
            values[indicator.id] = value_from_parts(table[first], table[second], scale)
        table = pd.concat([table, pd.DataFrame(values, index=table.index)], axis=1)
    return table


def values(level: str, directory: Path | None = None,
           catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Indicator values of ``level``: territories (by code) × indicator ids."""
    catalogue = catalogue or load_catalogue()
    table = level_table(level, directory, catalogue)
    return table.set_index("code")[[i.id for i in catalogue.indicators]]


def provenance(directory: Path | None = None) -> dict:
    """The provenance record of the snapshot."""
    path = (Path(directory) if directory else snapshot_dir()) / PROVENANCE
    if not path.exists():
        raise SnapshotMissingError(f"{path} not found: run `atlas indicators build --raw DIR`")
    return json.loads(path.read_text(encoding="utf-8"))
