"""Read the ARCEP file of fibre-to-the-home (FttH) deployment per commune, by quarter.

``ftthCommunes_T3-2017_T1-2018.csv``: four title lines, then a comma-separated table in long
format, two rows per commune: ``Code commune, Champ, T3 2017, T4 2017, T1 2018`` where
``Champ`` is ``Locaux Raccordables`` (premises connectable to FttH) or ``Catégorie``
(ARCEP's coverage class: 0 none, 5 under 10%, 10 for 10-25%, 25 for 25-50%, 50 for 50-80%,
80 for 80% or more of premises; checked against the RP 2018 dwellings of each commune).

The data are **old** (first quarter of 2018 at the latest) and on the 2018 commune geography:
coverage has grown a great deal since; show the vintage wherever they are used.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from indicators.loaders.base import Conflict, LoadError, LoadResult, Rejected
from indicators.loaders.commune_codes import COMMUNE_PATTERN, as_code, matches

TITLE_LINES = 4
"""Lines above the header in the file as distributed."""

CODE = "Code commune"
FIELD = "Champ"
FIELDS = {"Locaux Raccordables": "locaux_raccordables", "Catégorie": "categorie"}
"""Values of ``Champ`` and the column prefix they become."""

QUARTER = re.compile(r"^T([1-4]) (\d{4})$")


def quarter_name(label: str) -> str:
    """Return ``"2018T1"`` for the header label ``"T1 2018"``.

    >>> quarter_name("T3 2017")
    '2017T3'
    """
    match = QUARTER.match(label.strip())
    if match is None:
        raise ValueError(f"not a quarter label: {label!r} (expected like 'T1 2018')")
    return f"{match.group(2)}T{match.group(1)}"


def load_arcep_ftth(path: str | Path) -> LoadResult:
    """Read premises connectable to FttH per commune, one column per quarter.

    Parameters
    ----------
    path
        The csv file as distributed (title lines included).

    Returns
    -------
    LoadResult
        ``code``, ``locaux_raccordables_<quarter>`` from the latest quarter to the oldest,
        then ``categorie_<quarter>``. The notes name the latest quarter, whose year is
        ``declared_year``. Where two rows of a commune and field disagree, the value is
        missing and listed in ``conflicts``.

    Raises
    ------
    LoadError
        No header line, a row with the wrong number of fields, an unknown column, a value
        that is not a whole number >= 0.
    """
    path = Path(path)
    if not path.exists():
        raise LoadError(path, "no such file")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    at = next((i for i, row in enumerate(lines[:20]) if row and row[0].strip() == CODE), None)
    if at is None:
        raise LoadError(path, f"no header line starting with {CODE!r} in the first 20 lines")
    header = [h.strip() for h in lines[at]]
    if header[:2] != [CODE, FIELD]:
        raise LoadError(path, f"header {header}: expected {CODE!r}, {FIELD!r}, quarters…",
                        row=at + 1)
    quarters = []
    for label in header[2:]:
        try:
            quarters.append(quarter_name(label))
        except ValueError as error:
            raise LoadError(path, str(error), row=at + 1, column=label) from error
    notes = [f"header on line {at + 1}" + (" (as distributed)" if at == TITLE_LINES
                                            else f", not {TITLE_LINES + 1}")]
    long, rejected, conflicts = _long(lines, at, header, quarters, path)
    order = sorted(quarters, reverse=True)
    wide = long.pivot(index="code", columns="field", values=order)
    columns = [(q, f) for f in FIELDS.values() for q in order if (q, f) in wide.columns]
    table = wide[columns]
    table.columns = [f"{f}_{q}" for q, f in columns]
    table = table.loc[pd.unique(long["code"])].astype(float).reset_index()
    latest = f"locaux_raccordables_{order[0]}"
    notes += [
        f"{len(table)} communes (2018 geography), quarters {', '.join(order)}; latest: "
        f"{order[0]} ({latest})",
        "OLD DATA (ARCEP, up to early 2018): fibre coverage has grown a great deal since",
        "categorie: ARCEP coverage class, share of premises connectable: 0 none, 5 under "
        "10%, 10 for 10-25%, 25 for 25-50%, 50 for 50-80%, 80 for 80% or more",
    ]
    if latest in table and f"locaux_raccordables_{order[-1]}" in table:
        fell = int((table[latest] < table[f"locaux_raccordables_{order[-1]}"]).sum())
        notes.append(f"{fell} communes with fewer premises connectable in {order[0]} than in "
                     f"{order[-1]} (as published)")
    if conflicts:
        notes.append(f"{len(conflicts)} values on which two rows of a commune disagree are "
                     "left missing (listed in conflicts)")
    return LoadResult(table=table, file=str(path), rejected=rejected, notes=notes,
                      declared_year=int(order[0][:4]), conflicts=conflicts)


def _long(lines: list[list[str]], at: int, header: list[str], quarters: list[str],
          path: Path) -> tuple[pd.DataFrame, list[Rejected], list[Conflict]]:
    numbers, rows = [], []
    for number, row in enumerate(lines[at + 1:], start=at + 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise LoadError(path, f"{len(row)} fields, the header has {len(header)}",
                            row=number)
        numbers.append(number)
        rows.append(row)
    raw = pd.DataFrame(rows, columns=header, index=numbers, dtype=object)
    codes = as_code(raw[CODE], 5)
    fields = raw[FIELD].str.strip().map(FIELDS)
    rejected = [Rejected(str(path), int(n), CODE, codes[n], "not a commune code")
                for n in raw.index[~matches(codes, COMMUNE_PATTERN)]]
    rejected += [Rejected(str(path), int(n), FIELD, raw.at[n, FIELD],
                          f"unknown field (known: {', '.join(FIELDS)})")
                 for n in raw.index[fields.isna() & matches(codes, COMMUNE_PATTERN)]]
    keep = matches(codes, COMMUNE_PATTERN) & fields.notna()
    long = pd.DataFrame({"row": raw.index, "code": codes, "field": fields}, index=raw.index)
    for label, quarter in zip(header[2:], quarters, strict=True):
        long[quarter] = _counts(raw[label], path, label)
    duplicated = long.duplicated(["code", "field"]) & keep
    rejected += [Rejected(str(path), int(n), CODE, codes[n],
                          f"second {fields[n]} row for this commune (the first is kept)")
                 for n in long.index[duplicated]]
    conflicts = []
    repeated = long[keep & long.duplicated(["code", "field"], keep=False)]
    for (code, field), rows in repeated.groupby(["code", "field"], sort=False):
        for label, quarter in zip(header[2:], quarters, strict=True):
            if rows[quarter].nunique(dropna=False) > 1:
                conflicts.append(Conflict(str(path), code, tuple(int(n) for n in rows.index),
                                          f"{field}_{quarter}",
                                          tuple(raw.loc[rows.index, label].str.strip())))
                long.loc[rows.index[0], quarter] = float("nan")
    return long[keep & ~duplicated], rejected, conflicts


def _counts(column: pd.Series, path: Path, label: str) -> pd.Series:
    text = column.str.strip()
    wrong = (text != "") & ~text.str.fullmatch(r"\d+")
    if wrong.any():
        row = int(text.index[wrong][0])
        raise LoadError(path, f"not a whole number >= 0: {text[row]!r}", row=row,
                        column=label)
    return pd.to_numeric(text.where(text != ""), errors="coerce").astype(float)
