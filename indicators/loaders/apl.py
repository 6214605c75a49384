"""Load DREES's *accessibilité potentielle localisée* (APL) to general practitioners.

The commune file is tab-separated, header ``codgeo libgeo an apl_mg_hmep``, with a decimal
comma and a trailing blank line. ``apl_mg_hmep`` is the number of consultations per year
and standardised inhabitant with a GP under 65 (below 2.5 is the usual under-served
threshold). Rows without a value (dead villages of the Meuse, communes created since) are
kept with NaN.
"""

from __future__ import annotations

from pathlib import Path

from indicators.loaders.base import LoadError, LoadResult, VintageError
from indicators.loaders.insee_csv import load_insee_csv

COLUMNS = ("codgeo", "libgeo", "an", "apl_mg_hmep")


def load_apl(path: str | Path, *, year: int | None = None,
             max_bytes: int | None = None) -> LoadResult:
    """Load the APL commune file.

    Parameters
    ----------
    path
        The tab-separated commune file.
    year
        The year expected (column ``an``); a file of another year is refused.
    max_bytes
        Size bound (default :data:`~indicators.loaders.base.MAX_FILE_BYTES`).

    Returns
    -------
    LoadResult
        ``code``, ``libgeo`` (str), ``apl_mg_hmep`` (float, NaN where not published); the
        year is checked (one vintage per file), given in ``notes`` and ``declared_year``.

    Raises
    ------
    LoadError
        When a column is missing or the file mixes several years;
        :class:`~indicators.loaders.base.VintageError` when its year is not ``year``.
    """
    result = load_insee_csv(path, code_column="codgeo", columns=COLUMNS[1:],
                            text_columns=("libgeo",), level="commune", sep="\t",
                            detect_text=False, max_bytes=max_bytes)
    table = result.table.drop(columns="arm")
    years = sorted(table["an"].dropna().unique())
    if len(years) > 1:
        raise LoadError(result.file, f"several years in one file: {years}", column="an")
    if years:
        result.declared_year = int(years[0])
        if year is not None and result.declared_year != year:
            raise VintageError(result.file, result.declared_year, year, "column an",
                               column="an")
    result.table = table.drop(columns="an")
    result.secret_cells.pop("an", None)
    missing = result.table.loc[result.table["apl_mg_hmep"].isna(), "code"].tolist()
    result.notes.append(f"year {int(years[0]) if years else 'unknown'}; unit: consultations "
                        "per standardised inhabitant per year")
    if missing:
        result.notes.append(f"{len(missing)} communes without value (NaN): {missing[:12]}")
    return result
