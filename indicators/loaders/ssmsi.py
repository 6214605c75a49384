"""Load SSMSI recorded-crime data: commune JSON tables, département and région CSV files.

The commune files (``2019.json``…) are a third party's grouping of the SSMSI *bases
statistiques communales de la délinquance enregistrée*: ``{"year", "columns", "rows"}`` with
three rates per 1,000 inhabitants, the SSMSI population and ``dataCompleteness`` (share of
the three rates published), in 2025 commune codes. The département and région files are
SSMSI's own (``;``, quoted cells, decimal comma, scientific notation, ``NA``): 16
categories × years, with counts ``faits`` and population ``POP``; they serve to check
commune roll-ups.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pandas as pd

from indicators.loaders.base import LoadError, LoadResult, Rejected, VintageError
from indicators.loaders.insee_csv import (
    CODE_PATTERNS,
    check_codes,
    decode,
    numeric_table,
    read_bytes,
    read_rows,
)

COMMUNE_COLUMNS = {
    "insee": "code",
    "population": "population",
    "violencesPersonnesPer1000": "violences_personnes_p1000",
    "securiteBiensPer1000": "securite_biens_p1000",
    "tranquillitePer1000": "tranquillite_p1000",
    "dataCompleteness": "data_completeness",
}
"""Columns of the commune JSON read, and their names in the table."""

RATES = ("violences_personnes_p1000", "securite_biens_p1000", "tranquillite_p1000")
DEP_REG_COLUMNS = {"classe": "category", "annee": "year", "unité.de.compte": "unit",
                   "faits": "faits", "POP": "population", "LOG": "logements",
                   "tauxpourmille": "rate_p1000"}
_CODE_COLUMNS = {"departement": "Code.département", "region": "Code.région"}


def load_ssmsi_communes(path: str | Path, *, year: int | None = None,
                        max_bytes: int | None = None) -> LoadResult:
    """Load one year of the SSMSI commune JSON.

    Parameters
    ----------
    path
        The JSON file.
    year
        The year expected: the file's ``"year"`` must be it.
    max_bytes
        Size bound (default :data:`~indicators.loaders.base.MAX_FILE_BYTES`).

    Returns
    -------
    LoadResult
        ``code``, ``population``, the three rates per 1,000 (``violences_personnes_p1000``,
        ``securite_biens_p1000``, ``tranquillite_p1000``; NaN where null) and
        ``data_completeness``. The third party's ``indexGlobal`` and ``level`` are left
        out. ``notes`` and ``declared_year`` give the year, and ``notes`` the method of
        ``meta.json`` when it sits beside.

    Raises
    ------
    LoadError
        Not JSON, no ``columns``/``rows``, a required column missing, or a row whose length
        differs from ``columns``. Rows are numbered from 1 in the order of ``rows``.
        :class:`~indicators.loaders.base.VintageError` when the file's ``"year"`` is not
        ``year``.
    """
    text, _ = decode(*read_bytes(path, max_bytes=max_bytes))
    file = str(path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(file, f"not valid JSON: {exc.msg} (line {exc.lineno})") from exc
    if not isinstance(doc, dict) or not {"columns", "rows"} <= doc.keys():
        raise LoadError(file, 'expected an object with "columns" and "rows"')
    declared = json_year(doc, file)
    if year is not None and declared is not None and declared != year:
        raise VintageError(file, declared, year, 'its "year" key')
    header = doc["columns"]
    for column in COMMUNE_COLUMNS:
        if column not in header:
            raise LoadError(file, f"column missing from 'columns' {header}", column=column)
    index = [header.index(c) for c in COMMUNE_COLUMNS]
    cells, lines = [], []
    for i, row in enumerate(doc["rows"], start=1):
        if not isinstance(row, list) or len(row) != len(header):
            raise LoadError(file, f"rows[{i - 1}] has {len(row) if isinstance(row, list) else 0}"
                            f" values, 'columns' has {len(header)}", row=i)
        cells.append(["" if row[j] is None else str(row[j]) for j in index])
        lines.append(i)
    frame = pd.DataFrame(cells, columns=list(COMMUNE_COLUMNS.values()),
                         index=pd.Index(lines, name="row"), dtype=object)
    result = _commune_result(frame, file, doc.get("year"), Path(path).with_name("meta.json"))
    result.declared_year = declared
    return result


def json_year(doc: dict, file: str) -> int | None:
    """The ``"year"`` an SSMSI commune JSON declares (``None`` when absent)."""
    value = doc.get("year")
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise LoadError(file, f'"year" is not a year: {value!r}') from None


def _commune_result(frame: pd.DataFrame, file: str, year: object, meta: Path) -> LoadResult:
    codes, rejected, notes = check_codes(frame["code"], file, "insee", "commune")
    parsed = numeric_table(frame.drop(columns="code"), file, detect_text=False)
    rejected += parsed.rejected
    kept = ~frame.index.isin({r.row for r in rejected})
    table = pd.concat([codes.rename("code").astype(str), parsed.numbers], axis=1)[kept]
    table = table.reset_index(drop=True)
    notes.append(f"year {year}; rates are recorded facts per 1,000 inhabitants (SSMSI "
                 "population), 2025 commune codes")
    withheld = withheld_rates(table)
    table[list(RATES)] = published_rates(table, withheld)
    notes.append("withheld (SSMSI publication rule, read as missing, not 0): "
                 f"{ {c: int(n) for c, n in withheld.sum().items()} }")
    if meta.exists():
        info = json.loads(meta.read_text(encoding="utf-8"))
        notes.append(f"method (meta.json): {info.get('methodology', '?')}")
        lost = info.get("warnings", {}).get("missingPopulation")
        if lost:
            notes.append(f"no SSMSI population for {lost}")
    return LoadResult(table=table, file=file, level="commune",
                      rejected=sorted(rejected, key=lambda r: r.row),
                      secret_cells={c: int(n) for c, n in parsed.missing[kept].sum().items()},
                      notes=notes, withheld=withheld)


def published_rates(table: pd.DataFrame, withheld: pd.DataFrame) -> pd.DataFrame:
    """The rates as published: missing where withheld or without SSMSI population."""
    counted = table["population"] > 0
    return table[list(RATES)].mask(withheld).where(counted, axis=0)


def withheld_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Which grouped rates hide counts the SSMSI did not publish.

    The SSMSI publishes a commune's count of an indicator only when enough facts were
    recorded (at least 5 in each year of the series); otherwise the count is withheld. A
    group's rate is the sum of its published counts, so a published group is at least 5
    facts: a rate of exactly 0, or none (``null``), means that every count of the group was
    withheld, not that no crime was recorded. Such rates are withheld (missing, « non
    publié »). A commune without SSMSI population has no rate at all: absent, not withheld.

    >>> t = pd.DataFrame({"population": [767.0, 14081.0, float("nan")],
    ...                   "violences_personnes_p1000": [0.0, 17.0, float("nan")],
    ...                   "securite_biens_p1000": [float("nan"), 29.5, float("nan")],
    ...                   "tranquillite_p1000": [float("nan"), 10.5, float("nan")]})
    >>> withheld_rates(t)["violences_personnes_p1000"].tolist()
    [True, False, False]
    """
    counted = table["population"] > 0
    return pd.DataFrame({c: ((table[c] == 0) | table[c].isna()) & counted for c in RATES},
                        index=table.index)


def slug(label: str) -> str:
    """ASCII snake_case of a French label.

    >>> slug("Vols d'accessoires sur véhicules")
    'vols_d_accessoires_sur_vehicules'
    """
    ascii_ = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")


def load_ssmsi_dep_reg(path: str | Path, year: int | None = None) -> LoadResult:
    """Load the SSMSI département or région file (level read from its code column).

    Parameters
    ----------
    path
        ``donnee-dep-*.csv`` or ``donnee-reg-*.csv``.
    year
        When given (e.g. ``2023``), a wide table for that year: one row per territory.

    Returns
    -------
    LoadResult
        Long (``year=None``): ``code``, ``category``, ``year`` (e.g. 2016), ``unit`` (what
        is counted: victims, offences, vehicles…), ``faits``, ``population``, ``logements``,
        ``rate_p1000`` (per 1,000 inhabitants; per 1,000 dwellings for burglaries): one row
        per territory, category and year. Wide: ``code``,
        ``population``, then ``faits_<category>`` for each of the 16 categories. Rows
        without a territory code (``NA``) are rejected. ``declared_year``: ``year``, or the
        latest year of the file.

    Raises
    ------
    VintageError
        When the file has no row for ``year``.
    """
    text, _ = decode(*read_bytes(path))
    file = str(path)
    rows = read_rows(text, file, sep=";")
    # the département file also has the région of each département: its finest code wins
    level = next((lvl for lvl, col in _CODE_COLUMNS.items() if col in rows.header), None)
    if level is None:
        raise LoadError(file, "no territory code column", row=1,
                        column=" or ".join(_CODE_COLUMNS.values()))
    missing = [c for c in DEP_REG_COLUMNS if c not in rows.header]
    if missing:
        raise LoadError(file, "column not found", row=1, column=missing[0])
    frame = rows.frame()
    code = frame[_CODE_COLUMNS[level]].str.strip()
    rejected = [Rejected(file, int(r), _CODE_COLUMNS[level], c,
                         "no territory code" if c in ("", "NA") else f"invalid {level} code")
                for r, c in code.items() if not CODE_PATTERNS[level].fullmatch(c)]
    numeric = ["annee", "faits", "POP", "LOG", "tauxpourmille"]
    parsed = numeric_table(frame[numeric], file, markers=("NA",), detect_text=False)
    rejected += parsed.rejected
    kept = ~frame.index.isin({r.row for r in rejected})
    long = pd.concat([code.rename("code").astype(str), frame[["classe", "unité.de.compte"]],
                      parsed.numbers], axis=1)[kept].rename(columns=DEP_REG_COLUMNS)
    long["year"] = (long["year"] + (2000 if long["year"].max() < 100 else 0)).astype(int)
    long = long[["code", *DEP_REG_COLUMNS.values()]].astype({"category": str, "unit": str})
    notes = [f"{long['category'].nunique()} categories, years {long['year'].min()}–"
             f"{long['year'].max()}; rate_p1000 = faits per 1,000 inhabitants (population), "
             "but per 1,000 dwellings (logements) for 'Cambriolages de logement'"]
    secrets = {DEP_REG_COLUMNS[c]: int(n) for c, n in parsed.missing[kept].sum().items()}
    table = long.reset_index(drop=True) if year is None else _wide(long, year, file)
    return LoadResult(table=table, file=file, level=level,
                      rejected=sorted(rows.rejected + rejected, key=lambda r: r.row),
                      secret_cells=secrets, notes=notes,
                      declared_year=year if year is not None else (
                          int(long["year"].max()) if len(long) else None))


def _wide(long: pd.DataFrame, year: int, file: str) -> pd.DataFrame:
    one = long[long["year"] == year]
    if one.empty:
        years = sorted(int(y) for y in long["year"].unique())
        raise VintageError(file, years[-1] if years else 0, year,
                           f"no rows for year {year}; column annee holds the years {years}",
                           column="annee")
    faits = one.pivot_table(index="code", columns="category", values="faits", aggfunc="sum",
                            sort=False)
    faits.columns = [f"faits_{slug(c)}" for c in faits.columns]
    population = one.groupby("code", sort=False)["population"].first()
    return pd.concat([population, faits], axis=1).rename_axis("code").reset_index()
