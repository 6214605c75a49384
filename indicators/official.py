"""Read the official values of higher levels that the catalogue declares (``official:``).

Each declared value names a file (an official source, or a commune source whose file also
holds rows of that level) and a column; the file is read with its loader once per set of
options, its codes matched to the atlas's territories of that level. Every code of the
file that matches no territory is reported, as for commune files.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd

from indicators.catalogue import Catalogue, Source
from indicators.loaders.base import LoadResult


def load_source(raw: Path, source: Source, extra: dict | None = None) -> LoadResult:
    """Read ``source``'s file under ``raw`` with its loader and options (plus ``extra``).

    Raises
    ------
    FileNotFoundError
        When the file is absent.
    """
    path = Path(raw) / source.file
    if not path.exists():
        raise FileNotFoundError(f"source {source.id!r}: {path} not found (catalogue file "
                                f"{source.file!r})")
    module_name, function_name = source.loader.split(".")
    module = importlib.import_module(f"indicators.loaders.{module_name}")
    return getattr(module, function_name)(path, **{**source.options, **(extra or {})})


def official_values(raw: Path, catalogue: Catalogue,
                    codes: dict[str, pd.Index]) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """Official values of every higher level, and a provenance record per file read.

    Parameters
    ----------
    raw
        The raw data folder.
    catalogue
        The catalogue (its indicators' ``official`` declarations).
    codes
        The territories of each higher level (``epci``, ``departements``, ``regions``,
        ``france``).

    Returns
    -------
    (values, records)
        ``values[level]``: territory code × indicator id, NaN where the file has no value;
        ``records``: for each file and options read, what was used and which codes
        matched no territory.
    """
    loaded: dict[tuple[str, str], LoadResult] = {}
    columns: dict[str, dict[str, pd.Series]] = {level: {} for level in codes}
    records: dict[tuple[str, str], dict] = {}
    for indicator in catalogue.indicators:
        for declared in indicator.official:
            key = (declared.source.id, repr(sorted(declared.options.items())))
            if key not in loaded:
                loaded[key] = load_source(raw, declared.source, declared.options)
            result = loaded[key]
            table = result.table.set_index(result.table["code"].astype(str))
            if declared.column not in table.columns:
                raise KeyError(f"official value of {indicator.id!r} ({declared.level}): "
                               f"column {declared.column!r} not in {result.file} (columns: "
                               f"{list(table.columns)})")
            level_codes = codes[declared.level]
            values = pd.to_numeric(table[declared.column], errors="coerce")
            columns[declared.level][indicator.id] = values.reindex(level_codes)
            record = records.setdefault(key, {
                "source": declared.source.id, "file": declared.source.file,
                "options": declared.options, "vintage": declared.source.vintage,
                "level": declared.level, "rows_read": int(len(table)),
                "unmatched_codes": sorted(set(table.index) - set(level_codes)),
                "rejected_rows": len(result.rejected), "notes": result.notes[:5],
                "indicators": []})
            record["indicators"].append(
                {"id": indicator.id, "column": declared.column,
                 "territories": int(values.reindex(level_codes).notna().sum())})
    frames = {level: pd.DataFrame(cols, index=codes[level]) for level, cols in columns.items()}
    return frames, list(records.values())
