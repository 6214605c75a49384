"""Read the indicator snapshot (the embedded default data) built by :mod:`indicators.build`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from indicators.aggregation import parts, value_from_parts
from indicators.build import PROVENANCE, SNAPSHOT_LEVELS, STATUS_SUFFIX, snapshot_dir
from indicators.catalogue import Catalogue, Indicator, catalogue_of_snapshot
from indicators.status import Status


@cache
def snapshot_catalogue(directory: Path | None = None) -> Catalogue:
    """The catalogue at the years the snapshot was built with (see ``--year``).

    What the atlas shows (vintages, labels) follows the snapshot it reads, not only the
    catalogue file: a snapshot built with another year of a source says that year.
    """
    return catalogue_of_snapshot(directory)


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
    return _level_table(level, directory, catalogue or snapshot_catalogue(directory)).copy()


@cache
def _level_table(level: str, directory: Path | None, catalogue: Catalogue) -> pd.DataFrame:
    table = pd.read_parquet(_path(level, directory))
    numeric = [c for c in table.select_dtypes("number").columns
               if not c.endswith(STATUS_SUFFIX)]
    table[numeric] = table[numeric].astype("float64")
    if level == "communes":
        stored = [c for c in table.columns if c.endswith("__v")]  # see build.compact_communes
        for column in stored:
            table[column] = table[column] * table[f"{column[:-3]}__w"]
        table = table.rename(columns={c: f"{c[:-3]}__vw" for c in stored})
        values = _commune_values(table, catalogue.indicators)
        table = pd.concat([table, values], axis=1)
    return table


def _commune_values(table: pd.DataFrame, indicators: tuple[Indicator, ...]) -> pd.DataFrame:
    """Commune values recomputed from their stored parts.

    ``<id>__published`` (the source's) and ``<id>`` (the one used: smoothed or estimated
    where it is).
    """
    values = {}
    for indicator in indicators:
        first, second = parts(indicator)
        scale = (indicator.aggregation.scale if indicator.aggregation.method == "ratio"
                 else 1)
        published = value_from_parts(table[first], table[second], scale)
        values[f"{indicator.id}__published"] = published
        used = table.get(f"{indicator.id}__used")
        values[indicator.id] = published if used is None else used.fillna(published)
    return pd.DataFrame(values, index=table.index)


def level_columns(level: str, columns: list[str],
                  directory: Path | None = None) -> pd.DataFrame:
    """Those of ``columns`` the snapshot table of ``level`` has (a copy of those only).

    Stored columns of any indicator, history ones included, and the values of the
    indicators of the indices; :func:`indicator_details` gives the others' values.
    """
    table = _level_table(level, directory, snapshot_catalogue(directory))
    return table[[c for c in columns if c in table.columns]].copy()


@dataclass(frozen=True)
class Details:
    """Every indicator value of a level and what it rests on (territory code × indicator).

    Attributes
    ----------
    value
        The value used by the indices and shown (NaN when missing).
    published
        Communes: the source's own value (before smoothing or estimation); higher levels:
        the official value of that level, NaN where none.
    computed
        Higher levels: the value recomputed from the communes' counts, whatever its
        coverage (NaN for communes).
    coverage
        Share of the territory's population the value used rests on.
    status
        :class:`indicators.status.Status` codes (int).
    low, high
        Interval of an estimated value (NaN elsewhere).
    small
        True where the value rests on a small number (« faible effectif »).
    """

    value: pd.DataFrame
    published: pd.DataFrame
    computed: pd.DataFrame
    coverage: pd.DataFrame
    status: pd.DataFrame
    low: pd.DataFrame
    high: pd.DataFrame
    small: pd.DataFrame


def details(level: str, directory: Path | None = None,
            catalogue: Catalogue | None = None) -> Details:
    """The :class:`Details` of every territory of ``level``."""
    catalogue = catalogue or snapshot_catalogue(directory)
    return _details(level, directory, catalogue)


@cache
def _details(level: str, directory: Path | None, catalogue: Catalogue) -> Details:
    table = _level_table(level, directory, catalogue)
    return _details_of(table, level, [i.id for i in catalogue.indicators],
                       _codes(level, directory))


@cache
def _codes(level: str, directory: Path | None) -> pd.Index:
    """The territory codes of ``level``, as one index object.

    Every frame indexed by code shares its hash table (an index object builds its own on
    first lookup: 2 MB of strings for the communes).
    """
    table = _level_table(level, directory, snapshot_catalogue(directory))
    return pd.Index(table["code"], name="code")


def indicator_details(level: str, indicators: tuple[Indicator, ...],
                      directory: Path | None = None) -> Details:
    """The :class:`Details` of a few indicators, history ones too (not cached).

    Read from the snapshot table the indices use, without a second copy of it: the
    history indicators' stored columns are in it, and their commune values are recomputed
    from their parts here.
    """
    table = _level_table(level, directory, snapshot_catalogue(directory))
    absent = tuple(i for i in indicators if i.id not in table.columns)
    if absent and level == "communes":
        table = pd.concat([table[["code"]], _commune_values(table, absent),
                           _own_columns(table, [i.id for i in indicators])], axis=1)
    return _details_of(table, level, [i.id for i in indicators], _codes(level, directory))


def _own_columns(table: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """The columns of indicators ``ids`` (``<id>`` and ``<id>__…``)."""
    wanted = set(ids)
    return table[[c for c in table.columns if c.split("__")[0] in wanted]]


def _details_of(table: pd.DataFrame, level: str, ids: list[str],
                codes: pd.Index) -> Details:
    """The :class:`Details` of indicators ``ids`` from a level's table (rows as ``codes``)."""
    table = _own_columns(table, ids).set_axis(codes, axis=0)

    def frame(suffix: str, default: object = float("nan")) -> pd.DataFrame:
        return pd.DataFrame({i: table[f"{i}{suffix}"] if f"{i}{suffix}" in table.columns
                             else pd.Series(default, index=table.index) for i in ids},
                            index=table.index)

    status = frame(STATUS_SUFFIX, int(Status.ABSENT)).astype("int8")
    value = table[ids].astype("float64")
    value = value.mask(status.isin([int(s) for s in Status if s.missing]))
    if level == "communes":
        published, computed = frame("__published"), frame("__none")
        coverage = frame("__coverage").fillna(1.0).where(value.notna())
    else:
        published, computed = frame("__official"), frame("__computed")
        coverage = frame("__coverage")
    small = frame("__small", False).fillna(False).astype(bool)
    return Details(value, published, computed, coverage, status, frame("__low"),
                   frame("__high"), small)


def values(level: str, directory: Path | None = None,
           catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Indicator values used at ``level``: territories (by code) × indicator ids.

    Missing (NaN) wherever the value's status is missing: withheld, resting on too little
    of the population, absent or meaningless at that level (:class:`Details`).
    """
    catalogue = catalogue or snapshot_catalogue(directory)
    return details(level, directory, catalogue).value.copy()


def provenance(directory: Path | None = None) -> dict:
    """The provenance record of the snapshot."""
    path = (Path(directory) if directory else snapshot_dir()) / PROVENANCE
    if not path.exists():
        raise SnapshotMissingError(f"{path} not found: run `atlas indicators build --raw DIR`")
    return json.loads(path.read_text(encoding="utf-8"))
