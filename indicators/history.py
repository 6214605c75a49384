"""The vintages of an indicator's series in the snapshot, and their change, at any level.

Every vintage is read on the same basis, so that two of them compare:

* communes (of 2025: a commune merged since a vintage got the sum of its parts' counts at
  the build): the source's own value (« publié »), or the atlas's estimate with its
  interval where the publisher withholds it; never a smoothed value;
* higher levels: the value recomputed from the communes' counts of that vintage, when
  those communes hold at least :data:`~indicators.status.COVERAGE_MIN` of the population;
  never an official value of the level, whose vintage and definition may differ from the
  communes' (the SSMSI's 2023 départements beside its 2024 communes).

The change (:mod:`indicators.change`) is that of the series' two change years, with its
interval, the « faible effectif » mark of either value, the rank interval of each year
(France; among the level's territories that have a value both years) and whether the rank
moved significantly. A rank interval rests on the widest of the value's own interval (an
estimate's, or half the step the source rounds it to) and the theoretical sampling margin
its series declares (:func:`indicators.change.sampling_margin`); a value resting on small
numbers spans the whole ranking; a value with no interval at all (a recomputed median or
index) has no rank change assessed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from geodata import legal_populations
from indicators import change as maths
from indicators import snapshot
from indicators.aggregation import LEVEL_KEYS, aggregate, parts
from indicators.catalogue import Catalogue, Indicator
from indicators.series import Series
from indicators.status import COVERAGE_MIN, Status


def history_catalogue(directory: Path | None = None) -> Catalogue:
    """The snapshot's catalogue with its history indicators (earlier vintages)."""
    return _history_catalogue(directory)


@cache
def _history_catalogue(directory: Path | None) -> Catalogue:
    return snapshot.snapshot_catalogue(directory).with_history()


def series_of(indicator_id: str, directory: Path | None = None) -> Series | None:
    """The series whose latest vintage is ``indicator_id``, if any."""
    return history_catalogue(directory).series_of(indicator_id)


def comparable_values(level: str, indicator_id: str,
                      directory: Path | None = None) -> pd.DataFrame:
    """One vintage's values on the comparable basis (see the module), by territory code.

    Returns
    -------
    DataFrame
        ``value`` (NaN when missing), ``low``/``high`` (an estimate's interval, or a
        published value ± half the step the source rounds its values to, else NaN),
        ``small`` (« faible effectif »), ``status`` (:class:`Status`: published, estimated
        or computed; else why it is missing) and ``base``, the count the value rests on
        (its denominator or weight).
    """
    return _comparable_values(level, indicator_id, directory).copy()


@cache
def _comparable_values(level: str, indicator_id: str,
                       directory: Path | None) -> pd.DataFrame:
    indicator = history_catalogue(directory).by_id(indicator_id)
    details = snapshot.indicator_details(level, (indicator,), directory)
    status = details.status[indicator_id].astype("int64")
    base = parts(indicator)[1]
    communes = _commune_parts(indicator, directory)
    if level == "communes":
        published = details.published[indicator_id].where(status == Status.PUBLISHED)
        estimated = status == Status.ESTIMATED
        value = published.fillna(details.value[indicator_id].where(estimated))
        # a published value is known to half the step the source rounds it to (not a value
        # recombined from the parts of a merged commune: it is off the step)
        step = maths.publication_step(published.round(6))
        exact = maths.on_step(published, step) if step else pd.Series(False, published.index)
        half = pd.Series(step / 2 if step else np.nan, index=published.index).where(exact)
        return pd.DataFrame({
            "value": value,
            "low": details.low[indicator_id].where(estimated).fillna(published - half),
            "high": details.high[indicator_id].where(estimated).fillna(published + half),
            "small": details.small[indicator_id] & value.notna(),
            "status": status.astype("int8"),
            "base": pd.Series(communes[base].to_numpy(), index=value.index)})  # same rows
    computed = aggregate(communes, (indicator,), level).set_index("code")
    computed = computed.reindex(details.value.index)
    covered = computed[f"{indicator_id}__coverage"] >= COVERAGE_MIN
    value = computed[indicator_id].where(covered)
    kept = status.where(status == Status.NOT_COMPARABLE,
                        np.where(covered & value.notna(), int(Status.COMPUTED),
                                 np.where(computed[indicator_id].notna(),
                                          int(Status.LOW_COVERAGE), int(Status.ABSENT))))
    nan = pd.Series(np.nan, index=value.index)
    return pd.DataFrame({"value": value.where(kept != Status.NOT_COMPARABLE), "low": nan,
                         "high": nan, "small": details.small[indicator_id] & value.notna(),
                         "status": kept.astype("int8"), "base": computed[base]})


def _commune_parts(indicator: Indicator, directory: Path | None) -> pd.DataFrame:
    """The commune columns one indicator's aggregation needs, and no more.

    Its parts, coverage, population and grouping codes
    (:func:`~indicators.aggregation.aggregate`).
    """
    wanted = ["code", "population", *LEVEL_KEYS.values(), *parts(indicator),
              f"{indicator.id}__coverage"]
    return snapshot.level_columns("communes", wanted, directory)


def level_change(level: str, indicator_id: str,
                 directory: Path | None = None) -> pd.DataFrame:
    """The change of ``indicator_id``'s series at ``level``, one row per territory.

    Returns
    -------
    DataFrame
        ``before``, ``after`` (values of the two change years), ``change``, ``low``,
        ``high`` (its interval, where a value has one), ``small`` (either value rests on
        small numbers), ``rank_before``, ``rank_after``, ``size_before``, ``size_after``
        and ``moved`` (+1 significantly more fragile, -1 less, 0 not significant, NA not
        assessed: whether the rank intervals of the two years, as shares of each ranking,
        do not overlap).

    Raises
    ------
    ValueError
        When ``indicator_id`` has no series.
    """
    return _level_change(level, indicator_id, directory).copy()


@cache
def _level_change(level: str, indicator_id: str, directory: Path | None) -> pd.DataFrame:
    series = series_of(indicator_id, directory)
    if series is None:
        raise ValueError(f"indicator {indicator_id!r} has no series; with one: "
                         f"{[s.indicator for s in history_catalogue(directory).series]}")
    indicator = history_catalogue(directory).by_id(indicator_id)
    first = _comparable_values(level, series.before, directory)  # read only
    last = _comparable_values(level, series.after, directory)
    out = maths.value_change(first["value"], last["value"], first["low"], first["high"],
                             last["low"], last["high"])
    out.insert(0, "before", first["value"])
    out.insert(1, "after", last["value"])
    out["small"] = first["small"] | last["small"]
    both = out["change"].notna()  # one ranking per year, of the same territories
    assessed = both.copy()
    shares = {}
    for name, year in (("before", first), ("after", last)):
        # the widest of the source's own interval (estimate, rounding) and the sampling one
        margin = maths.sampling_margin(year["value"], year["base"], series.margin,
                                       indicator.unit)
        low = pd.concat([year["low"], year["value"] - margin], axis=1).min(axis=1)
        high = pd.concat([year["high"], year["value"] + margin], axis=1).max(axis=1)
        assessed &= (low.notna() & high.notna()) | year["small"]
        ranks = maths.rank_intervals(year["value"].where(both), indicator.direction, low,
                                     high, unknown=year["small"])
        out[f"rank_{name}"] = ranks["rank"]
        out[f"size_{name}"] = ranks["size"]
        shares[name] = ranks["best_share"], ranks["worst_share"]
    out["moved"] = maths.significant_rank_change(*shares["before"],
                                                 *shares["after"]).where(assessed)
    return out


def territory_history(level: str, code: str,
                      directory: Path | None = None) -> dict[str, dict]:
    """Every series of one territory: its vintages and its change (plain JSON values).

    Returns
    -------
    dict
        Indicator id (of the indices) → ``history`` (``[{"vintage", "value", "status"}]``,
        oldest first, ``value`` None when missing), ``change`` (``from``, ``to``,
        ``value``, ``low``, ``high``, ``small_numbers``, ``rank_from``, ``rank_to``,
        ``ranked_from``, ``ranked_to``, ``rank_change``: ``"more_fragile"``,
        ``"less_fragile"``, ``"not_significant"`` or ``"not_assessed"``),
        ``comparability`` and ``note``.
    """
    out = {}
    for series in history_catalogue(directory).series:
        vintages = []
        for year, ident in series.vintages:
            row = _comparable_values(level, ident, directory)  # read only
            known = code in row.index
            vintages.append({"vintage": year,
                             "value": _plain(row.at[code, "value"]) if known else None,
                             "status": (Status(int(row.at[code, "status"])).name.lower()
                                        if known else "absent")})
        moves = _level_change(level, series.indicator, directory)  # read only
        row = moves.loc[code] if code in moves.index else None
        out[series.indicator] = {
            "history": vintages,
            "change": _change_record(series, row),
            "comparability": series.comparability,
            "note": series.note,
        }
    return out


def population_history(level: str, code: str,
                       directory: Path | None = None) -> list[dict]:
    """The territory's legal populations (2021, 2022, 2023) on the communes of 2025.

    A higher level's population of a year is the sum of its communes', only when every one
    of them has that year's census: Mayotte, whose communes carry their 2017 census in
    every release, and communes split back since a year, have none (``value`` None).

    Returns
    -------
    list of dict
        ``{"vintage", "value"}``, oldest first.
    """
    table = _populations(directory)
    key = {"communes": "code", "epci": "epci", "departements": "departement",
           "regions": "region", "france": None}[level]
    rows = table if key is None else table[table[key] == code]
    out = []
    for year in legal_populations.YEARS:
        values = rows[f"population_{year}"].where(rows["population_year"] >= 2021)
        known = len(rows) > 0 and values.notna().all()
        out.append({"vintage": year, "value": int(values.sum()) if known else None})
    return out


@cache
def _populations(directory: Path | None) -> pd.DataFrame:
    communes = snapshot.level_columns("communes", ["code", "epci", "departement", "region"],
                                      directory)
    populations = legal_populations.read_populations()
    return communes.merge(populations, on="code", how="left")


MOVES = {1: "more_fragile", -1: "less_fragile", 0: "not_significant"}


def _change_record(series: Series, row: pd.Series | None) -> dict:
    record = {"from": series.change[0], "to": series.change[1]}
    if row is None:
        return {**record, "value": None, "rank_change": "not_assessed"}
    moved = row["moved"]
    return {**record, "value": _plain(row["change"]), "low": _plain(row["low"]),
            "high": _plain(row["high"]), "small_numbers": bool(row["small"]),
            "rank_from": _plain(row["rank_before"]), "rank_to": _plain(row["rank_after"]),
            "ranked_from": _plain(row["size_before"]), "ranked_to": _plain(row["size_after"]),
            "rank_change": "not_assessed" if pd.isna(moved) else MOVES[int(moved)]}


def _plain(value: object) -> float | int | None:
    """A JSON number (rounded to 4 significant digits' worth of float32), or None."""
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return int(number) if number.is_integer() and abs(number) >= 1 else round(number, 4)
