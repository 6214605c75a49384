"""Read the MedNum *Indice de fragilité numérique* (IFN) by IRIS and roll it up to communes.

The build distributed here has one file per région (``11.csv``, ``84.csv``…, ``;``-separated,
UTF-8) with **no header row**: ``headers.csv`` (one line, UTF-8 with BOM) names the 40 fields.
Row numbers in errors are line numbers of the data file (its first line is row 1).

Each IRIS has 21 scores: the global score and six components (access to information, to
digital interfaces, administrative skills, digital/school skills, global access, global
skills), each relative to three references (département, EPCI, région): 100 is the average of
the reference territory, as published. Codes lost their leading zero (``10040101``,
``1004``): it is restored. ``COM`` and ``Insee Com`` are the same commune code in this build;
``COM`` is used.

The file gives no population per IRIS. :func:`load_ifn` weights IRIS by their 2022 population
when given one (``P22_POP`` of the IRIS parquet, matched on the IRIS code), for the communes
whose every IRIS is matched; the other communes get the unweighted mean of their IRIS. The
notes give the share of IRIS and communes weighted.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.loaders.base import LoadError, LoadResult, Rejected
from indicators.loaders.commune_codes import (
    COMMUNE_PATTERN,
    IRIS_PATTERN,
    as_code,
    is_arrondissement,
    matches,
    merge_arrondissements,
)
from indicators.loaders.iris_parquet import iris_population, weighted_mean

HEADERS_FILE = "headers.csv"
IRIS_COLUMN = "Code Iris"
COMMUNE_COLUMN = "COM"
SCORE = re.compile(r"\s(departement|epci|region) 1$")
"""Score columns end with their reference: ``… departement 1``, ``… epci 1``, ``… region 1``."""


def score_name(label: str) -> str:
    """Return the column name of a score label.

    >>> score_name("COMPÉTENCES NUMÉRIQUES / SCOLAIRES departement 1")
    'ifn_competences_numeriques_scolaires_departement'
    """
    text = unicodedata.normalize("NFKD", SCORE.sub(r" \1", label.strip()))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return "ifn_" + "_".join(re.findall(r"[a-z0-9]+", text))


def read_headers(path: str | Path) -> list[str]:
    """Return the field names of ``headers.csv`` (one ``;``-separated line)."""
    path = Path(path)
    if not path.exists():
        raise LoadError(path, "no header file")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.reader(handle, delimiter=";") if row]
    if len(rows) != 1:
        raise LoadError(path, f"expected one line of field names, found {len(rows)}")
    names = [name.strip() for name in rows[0]]
    for required in (IRIS_COLUMN, COMMUNE_COLUMN):
        if required not in names:
            raise LoadError(path, "missing field name", column=required)
    return names


def data_files(folder: str | Path) -> list[Path]:
    """Return the région files of ``folder`` (every ``*.csv`` but the header file)."""
    folder = Path(folder)
    files = sorted((f for f in folder.glob("*.csv") if f.name != HEADERS_FILE),
                   key=lambda f: (len(f.stem), f.stem))
    if not files:
        raise LoadError(folder, "no data file (*.csv) in this folder")
    return files


def _read_rows(file: Path, names: list[str], headers: Path) -> pd.DataFrame:
    rows: list[list[str]] = []
    numbers: list[int] = []
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter=";"), start=1):
                if not row:
                    continue
                if len(row) != len(names):
                    raise LoadError(file, f"{len(row)} fields, but {headers.name} names "
                                    f"{len(names)}", row=number)
                rows.append(row)
                numbers.append(number)
    except UnicodeDecodeError as error:
        raise LoadError(file, f"not UTF-8: {error}") from error
    table = pd.DataFrame(rows, columns=names, dtype=object)
    table["_file"], table["_row"] = str(file), numbers
    return table


def load_ifn_iris(folder: str | Path, *, headers: str | Path | None = None) -> LoadResult:
    """Read every région file of the IFN, one row per IRIS.

    Parameters
    ----------
    folder
        The folder of région files.
    headers
        The header file; by default ``folder / "headers.csv"``.

    Returns
    -------
    LoadResult
        Level ``"iris"``: ``code`` (IRIS), ``commune`` (a string, not a value) and the 21
        scores (see :func:`score_name`). A score of 0 means "no data" in this build (IRIS
        without inhabitants, or a component not computed): missing, not 0.

    Raises
    ------
    LoadError
        A row whose number of fields differs from the header file's, a score that is not a
        number.
    """
    folder = Path(folder)
    headers = Path(headers) if headers is not None else folder / HEADERS_FILE
    names = read_headers(headers)
    files = data_files(folder)
    raw = pd.concat([_read_rows(f, names, headers) for f in files], ignore_index=True)
    notes = [f"{len(files)} région files, {len(raw)} IRIS rows"]
    labels = [n for n in names if SCORE.search(n)]
    scores = pd.DataFrame({score_name(label): _numbers(raw, label) for label in labels})
    zero = scores.eq(0).all(axis=1)
    if zero.any():
        scores[zero] = np.nan
        notes.append(f"{int(zero.sum())} IRIS with every score 0 (no inhabitants) read as "
                     "missing")
    # a score is relative to a reference mean (100): 0 is the build's "no data", never a
    # real score (the smallest real interface-access score is about 50)
    zero_cells = scores.eq(0)
    if zero_cells.any().any():
        counts = {c: int(n) for c, n in zero_cells.sum().items() if n}
        scores = scores.mask(zero_cells)
        notes.append(f"scores of 0 (no data in the build) read as missing: {counts}")
    codes = as_code(raw[IRIS_COLUMN], 9)
    communes = as_code(raw[COMMUNE_COLUMN], 5)
    if "Insee Com" in raw and (as_code(raw["Insee Com"], 5) != communes).any():
        notes.append("COM and Insee Com differ on some rows: COM used")
    rejected: list[Rejected] = []
    checks = [
        (~matches(codes, IRIS_PATTERN), IRIS_COLUMN, codes, "not a 9-character IRIS code"),
        (~matches(communes, COMMUNE_PATTERN), COMMUNE_COLUMN, communes, "not a commune code"),
        (codes.str[:5] != communes, IRIS_COLUMN, codes, "IRIS code does not start with COM"),
        (codes.duplicated(), IRIS_COLUMN, codes, "duplicate IRIS (the first is kept)"),
    ]
    bad = pd.Series(False, index=raw.index)
    for mask, column, values, reason in checks:
        for i in raw.index[mask & ~bad]:
            rejected.append(Rejected(raw.at[i, "_file"], int(raw.at[i, "_row"]), column,
                                     values[i], reason))
        bad |= mask
    table = pd.concat([pd.DataFrame({"code": codes, "commune": communes}), scores], axis=1)
    table = table[~bad].reset_index(drop=True)
    notes.append(f"{len(table)} IRIS in {table['commune'].nunique()} communes")
    return LoadResult(table=table, file=str(folder), level="iris", rejected=rejected,
                      notes=notes)


def _numbers(raw: pd.DataFrame, label: str) -> pd.Series:
    text = raw[label].str.strip()
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = numbers.isna() & (text != "")
    if bad.any():
        i = raw.index[bad][0]
        raise LoadError(raw.at[i, "_file"], f"not a number: {text[i]!r}",
                        row=int(raw.at[i, "_row"]), column=label)
    return numbers.astype(float)


def load_ifn(folder: str | Path, *, population: str | Path | pd.Series | None = None,
             headers: str | Path | None = None, arrondissements: bool = False) -> LoadResult:
    """Read the IFN and give each commune the mean of its IRIS scores.

    Parameters
    ----------
    folder
        The folder of région files.
    population
        IRIS populations: a :class:`pandas.Series` indexed by IRIS code, or the IRIS parquet
        file or folder (``P22_POP``). Without it every commune gets the unweighted mean.
    headers
        The header file; by default ``folder / "headers.csv"``.
    arrondissements
        Keep the municipal arrondissements of Paris, Lyon and Marseille as rows; by default
        they are merged into their commune.

    Returns
    -------
    LoadResult
        ``code``, ``n_iris``, ``ifn_weighted`` (1 where the mean is population-weighted, 0
        where unweighted), then the 21 scores.
    """
    iris = load_ifn_iris(folder, headers=headers)
    table = iris.table
    notes = list(iris.notes)
    communes = table["commune"]
    if not arrondissements and is_arrondissement(communes).any():
        notes.append("municipal arrondissements merged into their commune")
        communes = merge_arrondissements(communes)
    if population is None:
        weights = pd.Series(np.nan, index=table.index)
    else:
        if not isinstance(population, pd.Series):
            population = iris_population(population)
        weights = table["code"].map(population).astype(float)
    groups = pd.Index(pd.unique(communes), name="code")
    weighted = (weights.notna().groupby(communes).all()
                & (weights.groupby(communes).sum() > 0)).reindex(groups)
    out = {"n_iris": communes.groupby(communes).size().reindex(groups).astype(float),
           "ifn_weighted": weighted.astype(float)}
    for name in [c for c in table.columns if c.startswith("ifn_")]:
        plain = table[name].groupby(communes).mean().reindex(groups)
        by_pop = weighted_mean(table[name], weights, communes)["mean"].reindex(groups)
        out[name] = by_pop.where(weighted, plain)
    matched = int(weights.notna().sum())
    notes.append(f"IRIS with a population: {matched} of {len(table)} "
                 f"({matched / max(len(table), 1):.1%}); communes weighted by population: "
                 f"{int(weighted.sum())} of {len(groups)}, the others unweighted mean of "
                 "their IRIS")
    notes.append(f"{len(groups)} communes")
    result = pd.DataFrame(out, index=groups).astype(float).reset_index()
    return LoadResult(table=result, file=iris.file, rejected=iris.rejected, notes=notes)
