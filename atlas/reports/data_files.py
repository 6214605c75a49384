"""Write a level's data (:func:`~atlas.reports.territory_record.level_rows`) to a file.

Formats: CSV, XLSX, Parquet or GPKG.

Every file comes with the sources of its columns: a ``sources`` sheet (XLSX), a ``sources``
table in the same GeoPackage (GPKG), or a sidecar ``<name>.sources.csv`` (CSV, Parquet),
and with a short note on how to read the status and coverage columns. In the CSV files, text
cells that a spreadsheet would run as a formula are escaped
(:func:`french.spreadsheet_cells.escape_formulas`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import french
from atlas.index.composite import Method
from atlas.reports.territory_record import level_rows, sources_table
from french.spreadsheet_cells import LINE_TERMINATOR, escape_formulas
from geodata import store
from indicators.status import COVERAGE_MIN, KEYS, LABELS

FORMATS = ("csv", "xlsx", "parquet", "gpkg")
README_ROWS = (
    ("valeur", "Chaque colonne portant l'identifiant d'un indicateur donne la valeur utilisée "
               "par les indices (vide si elle manque : jamais 0 à la place d'une valeur "
               "manquante)."),
    ("statut", "<id>__status : ce sur quoi repose la valeur : "
               + " ; ".join(f"{KEYS[s]} = {LABELS[s]}" for s in LABELS) + "."),
    ("couverture", f"<id>__coverage : part de la population du territoire sur laquelle repose "
                   f"la valeur (une valeur recalculée sur moins de "
                   f"{french.percent(COVERAGE_MIN)} de la population n'est pas donnée)."),
    ("indices", "domain:<id>, dimension:<id>, overall : scores de 0 à 1 (plus élevé = plus "
                "fragile) ; overall_domains_count : nombre de domaines dont l'indice est fait "
                "(un indice fait de moins de 16 domaines est partiel) ; overall_rank : rang, "
                "1 = le plus fragile ; overall_rank_low/high : intervalle de rang à 90 % sur "
                "les variantes de la méthode, élargi pour contenir le rang."),
)


def write_level(level: str, fmt: str, out: Path, method: Method | None = None,
                intervals: bool = True) -> list[Path]:
    """Write every territory of ``level`` to ``out`` in format ``fmt``; return the files.

    Raises
    ------
    ValueError
        Unknown format (the message lists the valid ones).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; valid formats: {list(FORMATS)}")
    out = Path(out)
    rows = level_rows(level, method, intervals)
    sources = sources_table()
    readme = pd.DataFrame(README_ROWS, columns=["sujet", "lecture"])
    if fmt == "xlsx":
        with pd.ExcelWriter(out, engine="openpyxl") as writer:
            rows.to_excel(writer, sheet_name="donnees", index=False)
            sources.to_excel(writer, sheet_name="sources", index=False)
            readme.to_excel(writer, sheet_name="lire", index=False)
        return [out]
    if fmt == "gpkg":
        import geopandas as gpd

        shapes = store.territories(level)[["code", "geometry"]]
        layer = gpd.GeoDataFrame(rows.merge(shapes, on="code", how="left"),
                                 geometry="geometry", crs=shapes.crs)
        layer.to_file(out, layer="territoires", driver="GPKG")
        for name, table in (("sources", sources), ("lire", readme)):
            gpd.GeoDataFrame(table).to_file(out, layer=name, driver="GPKG")
        return [out]
    sidecar = out.with_name(f"{out.stem}.sources.csv")
    if fmt == "csv":
        escape_formulas(rows).to_csv(out, index=False, lineterminator=LINE_TERMINATOR)
    else:
        rows.to_parquet(out, index=False)
    escape_formulas(pd.concat([sources, readme.rename(columns={"sujet": "id",
                                                               "lecture": "label"})])
                    ).to_csv(sidecar, index=False, lineterminator=LINE_TERMINATOR)
    return [out, sidecar]
