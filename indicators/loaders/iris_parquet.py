"""Read the third party's merged IRIS table (PTOD, from INSEE RP 2011-2022 and others).

``agg_iris_DD.parquet`` holds one row per IRIS of département ``DD`` (metropolitan France
only): ``code`` (IRIS), ``COM`` (its commune or municipal arrondissement), ``P22_POP`` and
about 250 indicators, mostly percentages published without their denominators. A commune not
split into IRIS is one row ``<COM>0000``.

Communes are rebuilt here by a **population-weighted mean** of their IRIS (weights
``P22_POP``). That is exact only for shares of the population (age groups, foreigners,
immigrants); for any other rate (households, dwellings, the labour force…) it is an
approximation, and for medians and deciles it is not the commune's median: the result's notes
say which columns are concerned. Counts (``*_vol_*``, ``*_stock_*``, transactions,
populations) are summed.

The same producer's commune tables (``agg_commARM_5Khab.parquet``: communes of 5,000
inhabitants or more; ``agg_comm_qlog.parquet``: housing, communes of 3,000 or more) are read by
:func:`load_ptod_communes`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from indicators.loaders.base import LoadError, LoadResult, Rejected
from indicators.loaders.commune_codes import (
    COMMUNE_PATTERN,
    IRIS_PATTERN,
    as_code,
    is_arrondissement,
    matches,
    merge_arrondissements,
)

POPULATION = "P22_POP"
"""The weight: population of the IRIS at the 2022 census."""

SUMMED = re.compile(r"^P\d{2}_POP$|_(vol|stock)_\d{2}$|^logd_(dpe_total|trans(_appt|_mai)?)_\d{2}$")
"""Counts: a commune's value is the sum of its IRIS."""

SHARE_OF_POPULATION = re.compile(r"^dmv?_(\d{4}|\d{2}p)_pct_\d{2}$|^dm_(etr|imm)_pct_\d{2}$")
"""Shares of the whole population, for which the population-weighted mean is exact."""

QUANTILES = re.compile(r"^rev_(disp_)?(med|d1|d9)_\d{2}$")
"""Medians and deciles: their weighted mean is not the commune's median or decile."""

BOUNDED = re.compile(r"_pct_\d{2}$|^(soc|eco)_tx\w+_\d{2}$|^rev_(disp_)?txpauv_\d{2}$")
"""Percentages that must lie in [0, 100]; values outside are read as missing."""

BASES = {
    "P22_POP15P": ("dm_1524_pct_22", "dm_2554_pct_22", "dm_5564_pct_22", "dm_6579_pct_22",
                   "dm_80p_pct_22"),
    "P22_POP1524": ("dm_1524_pct_22",),
    "P22_POP1564": ("dm_1524_pct_22", "dm_2554_pct_22", "dm_5564_pct_22"),
    "P22_POP80P": ("dm_80p_pct_22",),
}
"""Counts derived in each IRIS from ``P22_POP`` and shares of the whole population (exact
shares, see :data:`SHARE_OF_POPULATION`): population aged 15 or more, 15-24, 15-64 and 80
or more. They are the bases (or the closest available bases) of rates of a sub-population,
which the file publishes without their denominators: the youth unemployment rate rests on
the active people aged 15-24, a part of the population aged 15-24, not on the whole
population."""

IDENTIFIERS = ("code", "COM")
NATIONAL_ROW = "00FR"


def iris_files(path: str | Path) -> list[Path]:
    """Return the IRIS parquet files: ``path`` itself, or the ``agg_iris_*.parquet`` in it."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("agg_iris_*.parquet"))
        if not files:
            raise LoadError(path, "no agg_iris_*.parquet file in this folder")
        return files
    if not path.exists():
        raise LoadError(path, "no such file")
    return [path]


def weighted_mean(values: pd.Series, weights: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Mean of ``values`` weighted by ``weights`` in each group, and the weight it covers.

    Rows where the value or the weight is missing are left out of both sums; nothing is
    replaced by zero.

    Parameters
    ----------
    values, weights, groups
        Aligned series: the IRIS values, their populations and their communes.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``mean`` = sum(w x) / sum(w) over the rows with a value (missing
        when that weight is 0), ``share`` = that weight / the group's whole weight.

    Examples
    --------
    >>> out = weighted_mean(pd.Series([10.0, 20.0, None]), pd.Series([1.0, 3.0, 4.0]),
    ...                     pd.Series(["a", "a", "a"]))
    >>> out.round(3).to_dict("records")
    [{'mean': 17.5, 'share': 0.5}]
    """
    known = values.notna() & weights.notna()
    numerator = (values * weights).where(known).groupby(groups).sum(min_count=1)
    covered = weights.where(known, 0.0).groupby(groups).sum()
    total = weights.groupby(groups).sum(min_count=1)
    mean = numerator / covered.where(covered > 0)
    share = covered.reindex(total.index) / total.where(total > 0)
    return pd.DataFrame({"mean": mean.reindex(total.index), "share": share})


def iris_population(path: str | Path) -> pd.Series:
    """Return ``P22_POP`` indexed by IRIS code (strings), from a file or a folder."""
    frames = [pd.read_parquet(f, columns=["code", POPULATION]) for f in iris_files(path)]
    table = pd.concat(frames, ignore_index=True)
    table["code"] = as_code(table["code"], 9)
    return table.drop_duplicates("code").set_index("code")[POPULATION].astype(float)


def load_iris(path: str | Path, columns: Sequence[str] | None = None, *,
              min_pop_share: float = 0.9, arrondissements: bool = False,
              bases: Sequence[str] = (), weights: Mapping[str, str] | None = None
              ) -> LoadResult:
    """Aggregate IRIS indicators to communes.

    Parameters
    ----------
    path
        One ``agg_iris_DD.parquet`` or the folder of them.
    columns
        The indicators to aggregate; by default every numeric column.
    min_pop_share
        A weighted mean is kept only where the IRIS with a value hold at least this share of
        the commune's population (0.9 by default); below, the commune's value is missing.
        Sums need every IRIS.
    arrondissements
        Keep the municipal arrondissements of Paris, Lyon and Marseille as rows (the IRIS
        table's ``COM``). By default they are merged into their commune (75056, 69123,
        13055), the commune geography of the atlas.
    bases
        Derived counts of :data:`BASES` to add (``P22_POP1524``…): computed in each IRIS
        (``P22_POP`` x the shares / 100), summed over the IRIS that have them and rounded
        to whole people, kept where those IRIS hold at least ``min_pop_share`` of the
        population.
    weights
        Column -> weight of its IRIS mean (default ``P22_POP``): a count of the file (summed,
        such as the households ``men_tot_stock_22``, over the IRIS that have it, even when
        another lacks it) or one of ``bases``. A rate is best weighted by its own
        denominator, or the closest count available.

    Returns
    -------
    LoadResult
        ``code``, ``P22_POP`` (sum), ``n_iris``, then the requested columns and ``bases``.
    """
    weights = dict(weights or {})
    unknown = sorted(set(bases) - set(BASES))
    if unknown:
        raise ValueError(f"unknown derived counts {unknown}; known: {sorted(BASES)}")
    undeclared = sorted({w for w in weights.values() if w in BASES} - set(bases))
    if undeclared:
        raise ValueError(f"weights {undeclared} must be listed in bases")
    files = iris_files(path)
    helpers = [c for c in dict.fromkeys([*(s for b in bases for s in BASES[b]),
                                         *(w for w in weights.values() if w not in BASES)])
               if columns is not None and c not in columns and c != POPULATION]
    frames = [_read_iris(f, None if columns is None else [*columns, *helpers])
              for f in files]
    names = [c for c in frames[0].columns if c not in (*IDENTIFIERS, "_file", "_row")]
    table = pd.concat(frames, ignore_index=True)
    rejected: list[Rejected] = []
    notes: list[str] = [f"{len(files)} file(s), {len(table)} IRIS rows"]
    table = _valid_iris(table, rejected)
    _out_of_range(table, names, notes)
    communes = table["COM"]
    if not arrondissements and is_arrondissement(communes).any():
        merged = sorted(set(communes[is_arrondissement(communes)]))
        notes.append(f"{len(merged)} municipal arrondissements merged into their commune")
        communes = merge_arrondissements(communes)
    population = table[POPULATION]
    groups = pd.Index(pd.unique(communes), name="code")
    out = {POPULATION: population.groupby(communes).sum().reindex(groups),
           "n_iris": communes.groupby(communes).size().reindex(groups).astype(float)}
    derived = {b: population * table[list(BASES[b])].sum(axis=1, min_count=len(BASES[b]))
               / 100 for b in bases}
    for base, counts in derived.items():
        covered = population.where(counts.notna(), 0.0).groupby(communes).sum()
        share = (covered / out[POPULATION].where(out[POPULATION] > 0)).reindex(groups)
        sums = counts.groupby(communes).sum(min_count=1).reindex(groups)
        out[base] = sums.where(share >= min_pop_share).round()  # whole people
    thin: dict[str, int] = {}
    for name in names:
        if name == POPULATION or name in helpers:
            continue
        if SUMMED.search(name):
            sums = table[name].groupby(communes).sum(min_count=1)
            complete = table[name].notna().groupby(communes).all()
            # a count weighting a mean is that mean's base: summed where it is known
            out[name] = (sums if name in weights.values() else sums.where(complete)
                         ).reindex(groups)
        else:
            weight = weights.get(name, POPULATION)
            counts = derived[weight] if weight in derived else table[weight]
            agg = weighted_mean(table[name], counts, communes).reindex(groups)
            too_thin = agg["share"] < min_pop_share
            thin[name] = int(too_thin.sum())
            out[name] = agg["mean"].where(~too_thin)
    names = [n for n in names if n not in helpers]
    notes += _method_notes(names, thin, min_pop_share, weights)
    notes.append(f"{len(groups)} communes; metropolitan France only")
    if "93066" in groups and "93059" not in groups:
        notes.append("known defect: no IRIS of Pierrefitte-sur-Seine (93059, merged into "
                     "93066 Saint-Denis on 1 January 2025): 93066 covers the former Saint-Denis"
                     " only")
    table_out = pd.DataFrame(out, index=groups).astype(float).reset_index()
    return LoadResult(table=table_out, file=str(path), rejected=rejected, notes=notes)


def _read_iris(file: Path, columns: Sequence[str] | None) -> pd.DataFrame:
    schema = pq.read_schema(file)
    for required in (*IDENTIFIERS, POPULATION):
        if required not in schema.names:
            raise LoadError(file, "missing column", column=required)
    numeric = _numeric(schema)
    if columns is None:
        wanted = [c for c in numeric if c != POPULATION]
    else:
        wanted = [c for c in columns if c != POPULATION]
        for name in wanted:
            if name not in schema.names:
                raise LoadError(file, "missing column", column=name)
            if name not in numeric:
                raise LoadError(file, f"not numeric ({schema.field(name).type})", column=name)
    table = pd.read_parquet(file, columns=[*IDENTIFIERS, POPULATION, *wanted])
    where = pd.DataFrame({"_file": str(file), "_row": np.arange(1, len(table) + 1)},
                         index=table.index)
    numbers = table[[POPULATION, *wanted]].astype(float)
    return pd.concat([table[list(IDENTIFIERS)], numbers, where], axis=1)


def _numeric(schema: pa.Schema) -> list[str]:
    return [f.name for f in schema if pa.types.is_floating(f.type) or pa.types.is_integer(f.type)]


def _valid_iris(table: pd.DataFrame, rejected: list[Rejected]) -> pd.DataFrame:
    table["code"] = as_code(table["code"], 9)
    table["COM"] = as_code(table["COM"], 5)
    negative = table[POPULATION] < 0
    if negative.any():
        first = table[negative].iloc[0]
        raise LoadError(first["_file"], f"negative population {first[POPULATION]}",
                        row=int(first["_row"]), column=POPULATION)
    checks = [
        (~matches(table["code"], IRIS_PATTERN), "code", "not a 9-character IRIS code"),
        (~matches(table["COM"], COMMUNE_PATTERN), "COM", "not a commune code"),
        (table["code"].str[:5] != table["COM"], "code", "IRIS code does not start with COM"),
        (table[POPULATION].isna(), POPULATION, "no population: cannot be weighted"),
        (table["code"].duplicated(), "code", "duplicate IRIS code (the first is kept)"),
    ]
    bad = pd.Series(False, index=table.index)
    for mask, column, reason in checks:
        for i in table.index[mask & ~bad]:
            rejected.append(Rejected(table.at[i, "_file"], int(table.at[i, "_row"]), column,
                                     None if table.at[i, column] is None
                                     else str(table.at[i, column]), reason))
        bad |= mask
    return table[~bad]


def _out_of_range(table: pd.DataFrame, names: list[str], notes: list[str]) -> None:
    for name in names:
        if BOUNDED.search(name):
            outside = (table[name] < 0) | (table[name] > 100)
            if outside.any():
                notes.append(f"{name}: {int(outside.sum())} IRIS values outside [0, 100] "
                             f"(max {table[name].max():g}) read as missing")
                table.loc[outside, name] = np.nan


def _method_notes(names: list[str], thin: dict[str, int], min_share: float,
                  weights: Mapping[str, str]) -> list[str]:
    averaged = [n for n in names if n != POPULATION and not SUMMED.search(n)]
    approximate = [n for n in averaged
                   if not SHARE_OF_POPULATION.search(n) and n not in weights]
    notes = []
    summed = [n for n in names if n != POPULATION and SUMMED.search(n)]
    if summed:
        notes.append(f"summed over IRIS (exact, missing if any IRIS is): {', '.join(summed)}")
    if averaged:
        notes.append(f"population-weighted mean of IRIS values (weights {POPULATION}); kept "
                     f"where the IRIS with a value hold >= {min_share:.0%} of the population")
    own = {n: w for n, w in weights.items() if n in averaged}
    if own:
        notes.append("weighted by a count closer to the rate's base than the population: "
                     + ", ".join(f"{n} by {w}" for n, w in own.items()))
    if approximate:
        notes.append("APPROXIMATION, the rate's denominator is not the population: "
                     + ", ".join(approximate))
    quantiles = [n for n in names if QUANTILES.search(n)]
    if quantiles:
        notes.append("weighted mean of IRIS medians/deciles, not the commune's: "
                     + ", ".join(quantiles))
    missing = {n: k for n, k in thin.items() if k}
    if missing:
        notes.append(f"communes missing because under {min_share:.0%} of population "
                     f"covered: {missing}")
    return notes


def load_ptod_communes(path: str | Path, columns: Sequence[str] | None = None) -> LoadResult:
    """Read one of the producer's commune tables (``agg_commARM_5Khab``, ``agg_comm_qlog``).

    Parameters
    ----------
    path
        The parquet file.
    columns
        The indicators to keep; by default every numeric column.

    Returns
    -------
    LoadResult
        ``code`` then the columns. The national row ``00FR`` is rejected (its ``P22_POP`` is
        not France's population). Paris, Lyon and Marseille appear both as communes and as
        arrondissements: never sum over all rows.
    """
    path = Path(path)
    if not path.exists():
        raise LoadError(path, "no such file")
    schema = pq.read_schema(path)
    if "code" not in schema.names:
        raise LoadError(path, "missing column", column="code")
    numeric = _numeric(schema)
    wanted = numeric if columns is None else list(columns)
    for name in wanted:
        if name not in numeric:
            raise LoadError(path, "missing or not numeric", column=name)
    raw = pd.read_parquet(path, columns=["code", *wanted])
    raw.index = pd.RangeIndex(1, len(raw) + 1)
    codes = as_code(raw["code"], 5)
    rejected: list[Rejected] = []
    valid = matches(codes, COMMUNE_PATTERN) & ~codes.duplicated()
    for row in raw.index[~valid]:
        reason = ("national aggregate row (not a commune)" if codes[row] == NATIONAL_ROW
                  else "not a commune code, or a duplicate")
        rejected.append(Rejected(str(path), int(row), "code", codes[row], reason))
    table = raw[valid].astype({c: float for c in wanted})
    table["code"] = codes[valid]
    notes = [f"{len(table)} communes and arrondissements"]
    arm = int(is_arrondissement(table["code"]).sum())
    if arm:
        notes.append(f"{arm} municipal arrondissements AND their communes (75056, 69123, 13055)"
                     " are rows: do not sum over rows")
    if POPULATION in table:
        notes.append(f"smallest {POPULATION}: {table[POPULATION].min():,.0f}")
    return LoadResult(table=table.reset_index(drop=True), file=str(path),
                      rejected=rejected, notes=notes)
