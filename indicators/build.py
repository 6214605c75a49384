"""Build the indicator snapshot from the raw official files.

``atlas indicators build --raw DIR`` reads every source of the catalogue with its loader,
harmonises commune codes to the geometry's vintage, validates the values, recomputes the
higher levels from counts and writes a compact snapshot (Parquet) with a provenance record:
sources, vintages, input checksums, build date, row counts, rejected rows and unmatched
codes. The snapshot is committed as the atlas's embedded default data.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from geodata import legal_populations, store
from indicators.aggregation import LEVEL_KEYS, aggregate, parts, value_from_parts
from indicators.catalogue import Catalogue, Indicator, Source, load_catalogue
from indicators.crosswalk import crosswalk
from indicators.harmonise import HarmoniseReport, PartWeight, Rule, harmonise
from indicators.level_values import BELOW, from_official_below, resolve
from indicators.loaders.base import LoadResult
from indicators.official import load_source, official_values
from indicators.precheck import require_sources
from indicators.smoothing import small_numbers_marks, smoothed_values
from indicators.status import COVERAGE_MIN, KEYS, Status

POPULATION = "commune_population"
"""Special column name: the commune's latest legal population (that of the geometry)."""
POPULATION_OF_YEAR = {f"{POPULATION}_{year}": year for year in legal_populations.YEARS}
"""Special column names: the commune's legal population of one year (``commune_population_2021``
…), the denominator of the vintage closest to a numerator's."""
AREA = "commune_area"
"""Special column name: the commune area (km²), to weight shares of surface."""
SPECIAL = (POPULATION, *POPULATION_OF_YEAR, AREA)
STATUS_SUFFIX = "__status"
COVERAGE_SUFFIX = "__coverage"
"""A commune column ``<id>__coverage``: the share of the commune's population its value
rests on, when a source sums only part of it (published IRIS)."""
SNAPSHOT_LEVELS = ("communes", "epci", "departements", "regions", "france")
PROVENANCE = "provenance.json"
MAX_LISTED = 200
"""At most this many rejected rows are listed per source (all are counted)."""


def snapshot_dir() -> Path:
    """Folder of the committed snapshot (``indicators/snapshot``)."""
    return Path(str(files("indicators") / "snapshot"))


def build_snapshot(raw: Path, out: Path | None = None, catalogue: Catalogue | None = None,
                   progress: Callable[[str], None] | None = None) -> dict:
    """Build the snapshot from the raw folder ``raw`` into ``out``; return the provenance.

    Raises
    ------
    FileNotFoundError
        When a source file named by the catalogue is absent from ``raw``.
    """
    say = progress or (lambda line: print(line, file=sys.stderr, flush=True))
    # earlier vintages (history indicators) are built as the others, for the series
    catalogue = (catalogue or load_catalogue()).with_history()
    require_sources(raw, catalogue)  # every file, column and year, before loading any
    out = Path(out) if out is not None else snapshot_dir()
    raw = Path(raw)
    start = time.perf_counter()
    communes = store.attributes("communes", store.ensure_built())
    base = communes[["code", "departement", "region", "epci", "population", "area_km2"]].copy()
    base["population"] = base["population"].astype("float64")
    legal = legal_populations.read_populations().set_index("code")
    for name, year in POPULATION_OF_YEAR.items():
        base[name] = base["code"].map(legal[f"population_{year}"]).astype("float64")

    used = {i.source.id: i.source for i in catalogue.indicators}
    provenance_sources = []
    columns: dict[str, pd.Series] = {}
    withheld: dict[str, pd.Series] = {}
    weights: dict[str, pd.Series] = {}
    for number, source in enumerate(used.values(), 1):
        t0 = time.perf_counter()
        indicators = tuple(i for i in catalogue.indicators if i.source.id == source.id)
        result = _load(raw, source)
        if source.raw_level == "epci":
            table, report = _from_epci(result, indicators, source, base)
        else:
            table, report = _harmonised(result, indicators, source)
        table = base[["code", "population", "area_km2", *POPULATION_OF_YEAR]].rename(
            columns={"population": POPULATION, "area_km2": AREA}).merge(table, on="code",
                                                                         how="left")
        if source.absent_means_zero:
            counts = [c for c in _count_columns(indicators) if c in table.columns]
            table[counts] = table[counts].fillna(0.0)
        secret = _withheld_cells(result, source, table["code"])
        for indicator in indicators:
            columns.update(_commune_parts(indicator, table))
            withheld[indicator.id] = _indicator_withheld(indicator, secret)
            weights[indicator.id] = _weight(indicator, table)
        provenance_sources.append(_source_record(raw, source, result, report))
        say(f"[{number}/{len(used)}] {source.id}: {len(result.table)} rows, "
            f"{len(report.unmatched)} unmatched codes ({time.perf_counter() - t0:.1f} s)")

    base = base.drop(columns=["area_km2", *POPULATION_OF_YEAR])
    commune_table = pd.concat([base, pd.DataFrame(columns, index=base.index)], axis=1)
    validation = _validate(commune_table, catalogue.indicators)
    # the commune table keeps only the additive parts, in float32 (values are recomputed on
    # reading); higher levels are computed from those very parts, so they match exactly
    numeric = commune_table.columns.drop(["code", "departement", "region", "epci"])
    commune_table[numeric] = commune_table[numeric].astype("float32").astype("float64")
    statuses = commune_statuses(commune_table, catalogue.indicators, withheld)
    commune_table = pd.concat([commune_table, statuses,
                               small_numbers(commune_table, catalogue)], axis=1)
    say("Small-area estimates of the values Filosofi withholds…")
    estimated, estimation = filosofi_estimates(raw, commune_table, catalogue, communes)
    commune_table = pd.concat([commune_table.drop(columns=estimated.columns, errors="ignore"),
                               estimated], axis=1)

    computed = {level: aggregate(commune_table, catalogue.indicators, level)
                for level in SNAPSHOT_LEVELS[1:]}
    say("Official values of higher levels…")
    official, official_records = official_values(
        raw, catalogue, {level: pd.Index(t["code"]) for level, t in computed.items()})
    tables = {"communes": commune_table}
    for level in SNAPSHOT_LEVELS[1:]:
        below = _from_below(level, commune_table, computed, official, weights,
                            catalogue.indicators)
        tables[level] = resolve(level, computed[level], catalogue.indicators,
                                official.get(level), below)
    out.mkdir(parents=True, exist_ok=True)
    for level, table in tables.items():
        table = compact_communes(table, catalogue) if level == "communes" else table.copy()
        number_columns = [c for c in table.select_dtypes("number").columns
                          if not c.endswith(STATUS_SUFFIX)]
        table[number_columns] = table[number_columns].astype("float32")
        table.to_parquet(out / f"{level}.parquet", index=False, compression="zstd",
                         compression_level=19)
    provenance = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - start, 1),
        "geometry_vintage": store.report()["sources"]["geometry"],
        "rows": {level: int(len(t)) for level, t in tables.items()},
        "indicators": len(catalogue.indicators) - len(catalogue.history),
        "history_indicators": len(catalogue.history),
        "series": {s.indicator: {"vintages": {str(y): i for y, i in s.vintages},
                                 "change": list(s.change), "comparability": s.comparability}
                   for s in catalogue.series},
        "sources": provenance_sources,
        "official_sources": official_records,
        "estimation": estimation,
        "coverage_min": COVERAGE_MIN,
        "statuses": _status_counts(tables, catalogue.indicators),
        "validation": validation,
    }
    (out / PROVENANCE).write_text(json.dumps(provenance, ensure_ascii=False, indent=1),
                                  encoding="utf-8")
    say(f"Snapshot written to {out} in {provenance['build_seconds']} s")
    return provenance


def _load(raw: Path, source: Source) -> LoadResult:
    return load_source(raw, source)


def _withheld_cells(result: LoadResult, source: Source, codes: pd.Series) -> pd.DataFrame:
    """The loader's withheld cells, brought to the current communes (any part withheld)."""
    if result.withheld is None or result.withheld.empty or source.raw_level == "epci":
        return pd.DataFrame(index=codes.index)
    mask = result.withheld.astype("float64")
    mask.insert(0, "code", result.table["code"].to_numpy())
    harmonised, _ = harmonise(mask, {c: Rule("sum") for c in mask.columns[1:]}, source.file)
    out = harmonised.set_index("code").reindex(codes.to_numpy()) > 0
    out.index = codes.index
    return out


def _indicator_withheld(indicator: Indicator, secret: pd.DataFrame) -> pd.Series:
    """Whether the publisher withholds one of the columns the indicator is computed from."""
    agg = indicator.aggregation
    names = [agg.numerator, agg.denominator] if agg.method == "ratio" else [agg.value]
    present = [n for n in names if n in secret.columns]
    if not present:
        return pd.Series(False, index=secret.index)
    return secret[present].any(axis=1)


def _weight(indicator: Indicator, table: pd.DataFrame) -> pd.Series:
    """The indicator's denominator (or weight) for every commune, published value or not.

    It weighs the départements' official values when a région's value is recomputed.
    """
    agg = indicator.aggregation
    return table[agg.denominator if agg.method == "ratio" else agg.weight].astype("float64")


def commune_statuses(table: pd.DataFrame, indicators: tuple[Indicator, ...],
                     withheld: dict[str, pd.Series]) -> pd.DataFrame:
    """``<id>__status`` of every commune: published, withheld by the publisher, or absent."""
    out = {}
    for indicator in indicators:
        first, second = parts(indicator)
        present = table[first].notna() & (table[second] > 0)
        secret = withheld.get(indicator.id, pd.Series(False, index=table.index))
        status = np.where(present, Status.PUBLISHED,
                          np.where(secret.reindex(table.index, fill_value=False),
                                   Status.WITHHELD, Status.ABSENT))
        out[f"{indicator.id}{STATUS_SUFFIX}"] = pd.Series(status, index=table.index,
                                                          dtype="int8")
    return pd.DataFrame(out)


def small_numbers(communes: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Smoothed values (``<id>__used``) and « faible effectif » marks (``<id>__small``).

    Count-based rates declared ``empirical_bayes`` are smoothed towards their département
    (:mod:`indicators.smoothing`); the index uses the smoothed value, the published one
    stays in the parts. Marks follow each indicator's ``small_numbers`` rule.
    """
    smoothed = smoothed_values(communes, catalogue)
    marks = small_numbers_marks(communes, catalogue)
    out = {f"{i}__used": significant(smoothed[i]).to_numpy() for i in smoothed.columns}
    out.update({f"{i}__small": marks[i].to_numpy() for i in marks.columns})
    return pd.DataFrame(out, index=communes.index)


def compact_communes(table: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The commune table as stored: a weighted mean's value ``<id>__v`` beside its weight.

    The value itself (a published share, a score) compresses far better than the product
    ``value * weight``; :mod:`indicators.snapshot` multiplies them back on reading.
    """
    table = table.copy()
    for indicator in catalogue.indicators:
        if indicator.aggregation.method == "weighted_mean":
            first, second = parts(indicator)
            table[first] = table[first] / table[second].where(table[second] != 0)
    return table.rename(columns={f"{i.id}__vw": f"{i.id}__v" for i in catalogue.indicators
                                 if i.aggregation.method == "weighted_mean"})


def significant(values: pd.Series, digits: int = 4) -> pd.Series:
    """``values`` rounded to ``digits`` significant digits (estimates, smoothed rates).

    A smoothed rate or an estimate's bound means nothing beyond a few digits; rounding
    them lets the committed snapshot compress.

    >>> significant(pd.Series([12345.678, 0.0012345, float("nan"), 0.0])).tolist()
    [12350.0, 0.001234, nan, 0.0]
    """
    a = values.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.where((a != 0) & np.isfinite(a), np.floor(np.log10(np.abs(a))), 0)
    factor = 10.0 ** (digits - 1 - magnitude)
    return pd.Series(np.round(a * factor) / factor, index=values.index)


def filosofi_estimates(raw: Path, communes: pd.DataFrame, catalogue: Catalogue,
                       attributes: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Estimates of the withheld Filosofi values, as commune columns, and their record.

    A commune whose value INSEE withholds (or does not publish) gets the small-area
    estimate of :mod:`indicators.estimation` as its value used (``<id>__used``), its 90 %
    interval (``<id>__low``, ``<id>__high``) and the status ``ESTIMATED``; a published
    value is never replaced. Higher levels are recomputed from published values only.
    """
    from indicators.estimation import estimate_filosofi, indicator_columns
    from indicators.estimation.covariates import FILES

    est = estimate_filosofi(raw, attributes)
    codes = communes["code"]
    out: dict[str, pd.Series] = {}
    counts = {}
    for ident, column in indicator_columns(catalogue).items():
        status = communes[f"{ident}{STATUS_SUFFIX}"]
        value = est.values[column].reindex(codes).to_numpy()
        use = (status.isin([Status.WITHHELD, Status.ABSENT]).to_numpy()
               & est.estimated[column].reindex(codes).fillna(False).to_numpy(bool)
               & ~np.isnan(value))
        out[f"{ident}__used"] = significant(pd.Series(np.where(use, value, np.nan),
                                                      index=codes.index))
        out[f"{ident}__low"] = significant(pd.Series(
            np.where(use, est.low[column].reindex(codes).to_numpy(), np.nan),
            index=codes.index), 3)
        out[f"{ident}__high"] = significant(pd.Series(
            np.where(use, est.high[column].reindex(codes).to_numpy(), np.nan),
            index=codes.index), 3)
        out[f"{ident}{STATUS_SUFFIX}"] = status.where(~use, Status.ESTIMATED).astype("int8")
        counts[ident] = int(use.sum())
    validation = est.validation.round(4)
    record = {
        "method": est.method, "level": est.level, "estimated_communes": counts,
        "validation": [{k: (None if pd.isna(v) else v) for k, v in row.items()}
                       for row in validation.to_dict("records")],
        "inputs": [str(f) for f in FILES], "notes": est.notes[:20],
    }
    return pd.DataFrame(out, index=communes.index), record


def _from_below(level: str, communes: pd.DataFrame, computed: dict[str, pd.DataFrame],
                official: dict[str, pd.DataFrame], weights: dict[str, pd.Series],
                indicators: tuple[Indicator, ...]):
    """Values of ``level`` recomputed from official values of finer levels, if any.

    Each commune takes the official value of its département (or EPCI); the level's value
    is the mean of those weighted by the communes' weights of the indicator (persons,
    households, population…), exact where the finer territories lie wholly inside, and its
    coverage the share of the population with such a value. The départements' values are
    preferred; the EPCI's serve where the départements' do not reach
    :data:`COVERAGE_MIN`.
    """
    options = [b for b in BELOW.get(level, ()) if official.get(b) is not None
               and not official[b].empty]
    if not options:
        return None
    ids = [i.id for i in indicators]
    commune_weights = pd.DataFrame({i: weights[i] for i in ids}, index=communes.index)
    group = (pd.Series("FR", index=communes.index) if level == "france"
             else communes[LEVEL_KEYS[level]])
    group_population = computed[level].set_index("code")["population"]
    best = None
    for below in options:
        spread = official[below].reindex(columns=ids).reindex(
            communes[LEVEL_KEYS[below]].to_numpy()).set_axis(communes.index)
        found = from_official_below(spread, commune_weights, communes["population"], group,
                                    group_population)
        if best is None:
            best = found
            continue
        take = (~(best[1] >= COVERAGE_MIN) | best[0].isna()) & (found[1] >= COVERAGE_MIN)
        best = (best[0].mask(take, found[0]), best[1].mask(take, found[1]))
    return best


def _status_counts(tables: dict[str, pd.DataFrame],
                   indicators: tuple[Indicator, ...]) -> dict:
    """Number of territories of each status, per level and indicator (for provenance)."""
    out = {}
    for level, table in tables.items():
        out[level] = {}
        for indicator in indicators:
            counts = table[f"{indicator.id}{STATUS_SUFFIX}"].value_counts()
            out[level][indicator.id] = {KEYS[Status(int(k))]: int(v) for k, v in counts.items()}
    return out


def _harmonised(result: LoadResult, indicators: tuple[Indicator, ...], source: Source):
    table = result.table.copy()
    rules: dict[str, Rule] = {}
    for indicator in indicators:
        agg = indicator.aggregation
        for column in (agg.numerator, agg.denominator, agg.weight):
            if column and column not in SPECIAL:
                rules[column] = Rule("sum")
        if agg.value:
            # merged communes: weight by the source's own weight, else by each part's own
            # population of the weight's year, or its own area (see indicators.harmonise)
            rules.setdefault(agg.value, Rule("weighted", _part_weight(agg.weight)))
    missing = [c for c in rules if c not in table.columns]
    if missing:
        raise KeyError(f"source {source.id!r} ({source.file}): columns {missing} not in the "
                       f"loaded table (columns: {list(table.columns)})")
    return harmonise(table, rules, source.file)


def _part_weight(weight: str) -> str | PartWeight:
    """The weight of the parts of a merged commune for a weighted mean's ``weight``."""
    if weight == AREA:
        return PartWeight("area")
    if weight == POPULATION or weight in POPULATION_OF_YEAR:
        return PartWeight("population",
                          POPULATION_OF_YEAR.get(weight, legal_populations.LATEST_YEAR))
    return weight


def _count_columns(indicators: tuple[Indicator, ...]) -> list[str]:
    """Numerator columns of the ratio indicators (counts)."""
    return [i.aggregation.numerator for i in indicators
            if i.aggregation.method == "ratio" and i.aggregation.numerator not in SPECIAL]


def _from_epci(result: LoadResult, indicators: tuple[Indicator, ...], source: Source,
               base: pd.DataFrame):
    """Spread an EPCI-level table over its communes.

    Counts are shared out in proportion to the communes' populations (so that every EPCI
    gets its own total back); values of weighted means are given to each commune. The
    communes of an EPCI are those of the geometry, or, when the loader gives the
    membership of the table's own EPCI vintage (``result.members``), those that made up
    the EPCI then, mapped to current codes: a current EPCI then sums the old ones it
    is made of.
    """
    table = result.table.set_index("code")
    report = HarmoniseReport(file=source.file, rows_in=len(table))
    members = getattr(result, "members", None)
    if members is None:
        pairs = base[["code", "epci"]].dropna()
    else:
        pairs, unmapped = _current_members(members)
        lost = base.loc[~base["code"].isin(pairs["code"]), "population"]
        report.notes.append(f"membership of the table's EPCI vintage: {len(unmapped)} commune "
                            f"codes not in the crosswalk {unmapped}; {len(lost)} current "
                            f"communes ({lost.sum():,.0f} inhabitants) in no EPCI of the "
                            "table: missing")
    known = set(pairs["epci"])
    report.unmatched = sorted(set(table.index) - known)
    report.notes.append(f"EPCI-level data spread over communes ({len(known & set(table.index))}"
                        f" of {len(known)} EPCI found)")
    weight = pairs["code"].map(base.set_index("code")["population"])
    weight = weight / pairs.groupby("code")["code"].transform("size")  # split communes
    share = weight / weight.groupby(pairs["epci"]).transform("sum")
    out = pd.DataFrame({"code": base["code"]})
    for column in _count_columns(indicators):
        spread = (pairs["epci"].map(table[column]) * share).groupby(pairs["code"])
        out[column] = out["code"].map(spread.sum(min_count=1))
    for indicator in indicators:
        value = indicator.aggregation.value
        if value:  # a commune split between EPCI gets the mean of their values
            mean = pairs["epci"].map(table[value]).groupby(pairs["code"]).mean()
            out[value] = out["code"].map(mean)
    report.communes_out = int(out.iloc[:, 1:].notna().any(axis=1).sum())
    return out, report


def _current_members(members: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Commune → EPCI pairs of another vintage, with current commune codes."""
    target = crosswalk().target
    current = members["code"].map(target)
    pairs = pd.DataFrame({"code": current, "epci": members["epci"]}).dropna()
    return (pairs.drop_duplicates(ignore_index=True),
            sorted(members.loc[current.isna(), "code"]))


def _commune_parts(indicator: Indicator, table: pd.DataFrame) -> dict[str, pd.Series]:
    """The two additive parts of one indicator for every commune (and its coverage, if any)."""
    agg = indicator.aggregation
    first, second = parts(indicator)

    def column(name: str) -> pd.Series:
        return table[name]

    if agg.method == "ratio":
        out = {first: column(agg.numerator), second: column(agg.denominator)}
        share = f"coverage_{agg.numerator}"
        if share in table.columns:  # summed over part of the commune (CAF's IRIS)
            out[f"{indicator.id}{COVERAGE_SUFFIX}"] = table[share].where(
                out[first].notna() & out[second].notna())
        return out
    weight = column(agg.weight)
    value = table[agg.value]
    ok = value.notna() & weight.notna()
    return {first: (value * weight).where(ok), second: weight.where(ok)}


def _validate(table: pd.DataFrame, indicators: tuple[Indicator, ...]) -> dict:
    """Reject impossible values (set missing, listed) and report outliers."""
    report = {}
    for indicator in indicators:
        first, second = parts(indicator)
        scale = indicator.aggregation.scale if indicator.aggregation.method == "ratio" else 1
        value = value_from_parts(table[first], table[second], scale)
        bad = (table[first] < 0) | (table[second] < 0)
        if indicator.unit == "%":
            bad |= (value < 0) | (value > 100 + 1e-9)
        entry = {"rejected": table.loc[bad, "code"].tolist()}
        table.loc[bad, [first, second]] = np.nan
        present = value[~bad].dropna()
        if len(present) > 10:
            median = present.median()
            spread = (present - median).abs().median() * 1.4826
            if spread > 0:
                robust_z = (present - median).abs() / spread
                far = robust_z[robust_z > 8].sort_values(ascending=False)
                entry["outliers"] = int(len(far))
                entry["outlier_examples"] = table.loc[far.index[:5], "code"].tolist()
        report[indicator.id] = entry
    return report


def _source_record(raw: Path, source: Source, result: LoadResult, report) -> dict:
    return {
        "id": source.id, "file": source.file, "producer": source.producer,
        "dataset": source.dataset, "vintage": source.vintage, "licence": source.licence,
        "retrieved_from": source.retrieved_from, "third_party": source.third_party,
        "sha256": checksum(raw / source.file),
        "rows_read": int(len(result.table)), "level": result.level,
        "rejected_rows": len(result.rejected),
        "rejected": [{"row": r.row, "column": r.column, "value": r.value, "reason": r.reason}
                     for r in result.rejected[:MAX_LISTED]],
        "secret_cells": result.secret_cells, "notes": result.notes,
        "year": source.year, "declared_year": result.declared_year,
        "conflicts": [{"code": c.code, "rows": list(c.rows), "column": c.column,
                       "values": list(c.values)} for c in result.conflicts[:MAX_LISTED]],
        "harmonisation": report.to_dict(),
    }


def checksum(path: Path) -> str:
    """SHA-256 of a file, or of every file of a folder (names and contents, sorted)."""
    digest = hashlib.sha256()
    paths = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for item in paths:
        if path.is_dir():
            digest.update(str(item.relative_to(path)).encode())
        digest.update(item.read_bytes())
    return digest.hexdigest()
