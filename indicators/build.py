"""Build the indicator snapshot from the raw official files.

``atlas indicators build --raw DIR`` reads every source of the catalogue with its loader,
harmonises commune codes to the geometry's vintage, validates the values, recomputes the
higher levels from counts and writes a compact snapshot (Parquet) with a provenance record:
sources, vintages, input checksums, build date, row counts, rejected rows and unmatched
codes. The snapshot is committed as the atlas's embedded default data.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from geodata import store
from indicators.catalogue import Catalogue, Indicator, Source, load_catalogue
from indicators.harmonise import HarmoniseReport, Rule, harmonise
from indicators.levels import aggregate, parts, value_from_parts
from indicators.loaders.base import LoadResult
from indicators.precheck import require_sources

POPULATION = "commune_population"
"""Special column name: the commune population of the geometry's vintage."""
AREA = "commune_area"
"""Special column name: the commune area (km²), to weight shares of surface."""
SPECIAL = (POPULATION, AREA)
ONE = "__one"
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
    catalogue = catalogue or load_catalogue()
    require_sources(raw, catalogue)  # every file, column and year, before loading any
    out = Path(out) if out is not None else snapshot_dir()
    raw = Path(raw)
    start = time.perf_counter()
    communes = store.attributes("communes", store.ensure_built())
    base = communes[["code", "departement", "region", "epci", "population", "area_km2"]].copy()
    base["population"] = base["population"].astype("float64")

    used = {i.source.id: i.source for i in catalogue.indicators}
    provenance_sources = []
    columns: dict[str, pd.Series] = {}
    for number, source in enumerate(used.values(), 1):
        t0 = time.perf_counter()
        indicators = tuple(i for i in catalogue.indicators if i.source.id == source.id)
        result = _load(raw, source)
        if source.raw_level == "epci":
            table, report = _from_epci(result, indicators, source, base)
        else:
            table, report = _harmonised(result, indicators, source)
        table = base[["code", "population", "area_km2"]].rename(
            columns={"population": POPULATION, "area_km2": AREA}).merge(table, on="code",
                                                                         how="left")
        if source.absent_means_zero:
            counts = [c for c in _count_columns(indicators) if c in table.columns]
            table[counts] = table[counts].fillna(0.0)
        for indicator in indicators:
            columns.update(_commune_parts(indicator, table))
        provenance_sources.append(_source_record(raw, source, result, report))
        say(f"[{number}/{len(used)}] {source.id}: {len(result.table)} rows, "
            f"{len(report.unmatched)} unmatched codes ({time.perf_counter() - t0:.1f} s)")

    base = base.drop(columns="area_km2")
    commune_table = pd.concat([base, pd.DataFrame(columns, index=base.index)], axis=1)
    validation = _validate(commune_table, catalogue.indicators)
    # the commune table keeps only the additive parts, in float32 (values are recomputed on
    # reading); higher levels are computed from those very parts, so they match exactly
    numeric = commune_table.columns.drop(["code", "departement", "region", "epci"])
    commune_table[numeric] = commune_table[numeric].astype("float32").astype("float64")

    tables = {"communes": commune_table}
    for level in SNAPSHOT_LEVELS[1:]:
        tables[level] = aggregate(commune_table, catalogue.indicators, level)
    out.mkdir(parents=True, exist_ok=True)
    for level, table in tables.items():
        table = table.copy()
        number_columns = table.select_dtypes("number").columns
        table[number_columns] = table[number_columns].astype("float32")
        table.to_parquet(out / f"{level}.parquet", index=False, compression="zstd",
                         compression_level=19)
    provenance = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - start, 1),
        "geometry_vintage": store.report()["sources"]["geometry"],
        "rows": {level: int(len(t)) for level, t in tables.items()},
        "indicators": len(catalogue.indicators),
        "sources": provenance_sources,
        "validation": validation,
    }
    (out / PROVENANCE).write_text(json.dumps(provenance, ensure_ascii=False, indent=1),
                                  encoding="utf-8")
    say(f"Snapshot written to {out} in {provenance['build_seconds']} s")
    return provenance


def _load(raw: Path, source: Source) -> LoadResult:
    path = raw / source.file
    if not path.exists():
        raise FileNotFoundError(f"source {source.id!r}: {path} not found (catalogue file "
                                f"{source.file!r})")
    module_name, function_name = source.loader.split(".")
    module = importlib.import_module(f"indicators.loaders.{module_name}")
    return getattr(module, function_name)(path, **source.options)


def _harmonised(result: LoadResult, indicators: tuple[Indicator, ...], source: Source):
    table = result.table.copy()
    rules: dict[str, Rule] = {}
    for indicator in indicators:
        agg = indicator.aggregation
        for column in (agg.numerator, agg.denominator, agg.weight):
            if column and column not in SPECIAL:
                rules[column] = Rule("sum")
        if agg.value:
            # merged communes: weight by the source's own weight, else count parts equally
            weight = ONE if agg.weight in SPECIAL else agg.weight
            rules.setdefault(agg.value, Rule("weighted", weight))
    missing = [c for c in rules if c not in table.columns]
    if missing:
        raise KeyError(f"source {source.id!r} ({source.file}): columns {missing} not in the "
                       f"loaded table (columns: {list(table.columns)})")
    table[ONE] = 1.0
    if ONE not in rules:
        rules[ONE] = Rule("sum")
    return harmonise(table, rules, source.file)


def _count_columns(indicators: tuple[Indicator, ...]) -> list[str]:
    """Numerator columns of the ratio indicators (counts)."""
    return [i.aggregation.numerator for i in indicators
            if i.aggregation.method == "ratio" and i.aggregation.numerator not in SPECIAL]


def _from_epci(result: LoadResult, indicators: tuple[Indicator, ...], source: Source,
               base: pd.DataFrame):
    """Spread an EPCI-level table over its communes.

    Counts are shared out in proportion to the communes' populations (so that every EPCI
    gets its own total back); values of weighted means are given to each commune.
    """
    table = result.table.set_index("code")
    known = set(base["epci"].dropna())
    report = HarmoniseReport(file=source.file, rows_in=len(table))
    report.unmatched = sorted(set(table.index) - known)
    report.notes.append(f"EPCI-level data spread over communes ({len(known & set(table.index))}"
                        f" of {len(known)} current EPCI found)")
    epci_population = base.groupby("epci")["population"].sum()
    share = base["population"] / base["epci"].map(epci_population)
    out = pd.DataFrame({"code": base["code"]})
    for column in _count_columns(indicators):
        out[column] = base["epci"].map(table[column]) * share
    for indicator in indicators:
        if indicator.aggregation.value:
            out[indicator.aggregation.value] = base["epci"].map(table[indicator.aggregation.value])
    report.communes_out = int(out.iloc[:, 1:].notna().any(axis=1).sum())
    return out, report


def _commune_parts(indicator: Indicator, table: pd.DataFrame) -> dict[str, pd.Series]:
    """The two additive parts of one indicator for every commune."""
    agg = indicator.aggregation
    first, second = parts(indicator)

    def column(name: str) -> pd.Series:
        return table[name]

    if agg.method == "ratio":
        return {first: column(agg.numerator), second: column(agg.denominator)}
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
