"""Load DEPP's social position index (IPS) of schools and aggregate it to communes.

The files (``fr-en-ips_ecoles_2022.csv``, ``fr-en-ips_colleges_2022.csv``) have one row per
school: ``UAI``, ``Code du département`` (three characters: ``035``, ``02A``, ``971``),
``Code INSEE de la commune``, ``Secteur``, ``IPS``. They give no enrolment, so the commune
value is the unweighted mean of its schools' IPS.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.loaders.base import Conflict, LoadError, LoadResult, Rejected, VintageError
from indicators.loaders.insee_csv import (
    arm_parent,
    check_codes,
    decode,
    numeric_table,
    read_bytes,
    read_rows,
)

KINDS = ("ecoles", "colleges", "lycees")
"""Kinds of establishment, guessed from the file name (``…_ecoles_…``)."""

CODE, DEP, UAI, IPS, SECTOR = ("Code INSEE de la commune", "Code du département", "UAI", "IPS",
                               "Secteur")
SCHOOL_YEAR = "Rentrée scolaire"
"""School year of each row (``2021-2022``): the year of a file is the rentrée's first year."""


def _kind(file: str, kind: str | None) -> str:
    if kind is None:
        name = Path(file).name.lower()
        kind = next((k for k in KINDS if k[:-1] in name), None)
        if kind is None:
            raise LoadError(file, f"cannot tell the kind of establishment; pass kind= one of "
                                  f"{list(KINDS)}")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; valid: {list(KINDS)}")
    return kind


def load_ips(path: str | Path, kind: str | None = None, *, year: int | None = None,
             arrondissements: bool = False, max_bytes: int | None = None) -> LoadResult:
    """Mean IPS and number of schools per commune.

    Parameters
    ----------
    path
        A DEPP IPS file (one row per school).
    kind
        ``"ecoles"``, ``"colleges"`` or ``"lycees"``; from the file name when ``None``.
    year
        The school year expected, by its first year (2021 for 2021-2022), read in the
        column ``Rentrée scolaire``: a file without it is refused; rows of other school
        years are left out (counted in the notes).
    arrondissements
        Keep the municipal arrondissements of Paris, Lyon and Marseille (as the file codes
        their schools) instead of counting them in their commune.
    max_bytes
        Size bound (default :data:`~indicators.loaders.base.MAX_FILE_BYTES`).

    Returns
    -------
    LoadResult
        ``code``, ``ips_<kind>`` (unweighted mean IPS of the commune's schools that have
        one; NaN when none has), ``n_<kind>`` (number of schools in the file). Schools with
        an invalid commune code, a second row of a UAI or a non-numeric IPS are rejected;
        a UAI whose rows disagree (IPS or commune) is listed in ``conflicts`` and its IPS
        left missing. ``declared_year``: the (latest) school year of the file.
    """
    file = str(path)
    kind = _kind(file, kind)
    text, _ = decode(*read_bytes(path, max_bytes=max_bytes))
    rows = read_rows(text, file, sep=";")
    for column in (CODE, DEP, UAI, IPS):
        if column not in rows.header:
            raise LoadError(file, "column not found", row=1, column=column)
    frame = rows.frame()
    frame, declared, notes = _school_year(frame, file, year)
    codes, rejected, code_notes = check_codes(frame[CODE], file, CODE, "commune",
                                              unique=False)
    notes += code_notes
    parsed = numeric_table(frame[[IPS]], file, detect_text=False)
    rejected += parsed.rejected
    alive = ~frame.index.isin({r.row for r in rejected})
    uai = frame[UAI].str.strip()
    duplicates, conflicts = _duplicate_uai(uai[alive], codes[alive],
                                           parsed.numbers.loc[alive, IPS], frame, file)
    rejected += duplicates
    kept = ~frame.index.isin({r.row for r in rejected})
    schools = pd.DataFrame({"code": codes, "ips": parsed.numbers[IPS], "uai": uai,
                            "dep": frame[DEP].str.strip()})[kept]
    for conflict in conflicts:
        schools.loc[conflict.rows[0], "ips"] = float("nan")
    if conflicts:
        notes.append(f"{len(conflicts)} disagreements between rows of one UAI: the school's "
                     "IPS is left missing (listed in conflicts)")
    notes += _checks(schools, frame.get(SECTOR), kind)
    if not arrondissements:
        parent = schools["code"].map(arm_parent)
        if parent.notna().any():
            notes.append(f"{int(parent.notna().sum())} {kind} located in municipal "
                         "arrondissements counted in Paris, Lyon and Marseille")
        schools["code"] = parent.fillna(schools["code"])
    groups = schools.groupby("code", sort=True)
    table = pd.DataFrame({f"ips_{kind}": groups["ips"].mean(),
                          f"n_{kind}": groups.size().astype(float)}).reset_index()
    notes.append(f"ips_{kind} is the unweighted mean of the schools' IPS: the file gives no "
                 "enrolment, so a small school weighs as much as a large one")
    return LoadResult(table=table.astype({"code": str}), file=file, level="commune",
                      rejected=sorted(rows.rejected + rejected, key=lambda r: r.row),
                      secret_cells={f"ips_{kind}": int(table[f"ips_{kind}"].isna().sum())},
                      notes=notes, declared_year=declared, conflicts=conflicts)


def _school_year(frame: pd.DataFrame, file: str, year: int | None
                 ) -> tuple[pd.DataFrame, int | None, list[str]]:
    """Keep the rows of school year ``year``; return them, the file's year and notes."""
    if SCHOOL_YEAR not in frame.columns:
        if year is not None:
            raise LoadError(file, f"no column {SCHOOL_YEAR!r}: the school year cannot be "
                                  f"checked against {year}", row=1, column=SCHOOL_YEAR)
        return frame, None, []
    first = pd.to_numeric(frame[SCHOOL_YEAR].str.strip().str[:4], errors="coerce")
    years = sorted(int(y) for y in first.dropna().unique())
    if not years:
        return frame, None, []
    if year is None:
        return frame, years[-1], [f"school years {years}" if len(years) > 1
                                  else f"school year {years[0]}-{years[0] + 1}"]
    if year not in years:
        raise VintageError(file, years[-1], year, f"column {SCHOOL_YEAR!r}: "
                           + ", ".join(f"{y}-{y + 1}" for y in years), column=SCHOOL_YEAR)
    notes = [f"school year {year}-{year + 1}"]
    other = first != year
    if other.any():
        notes.append(f"{int(other.sum())} rows of other school years left out")
    return frame[~other], year, notes


def _duplicate_uai(uai: pd.Series, codes: pd.Series, ips: pd.Series, frame: pd.DataFrame,
                   file: str) -> tuple[list[Rejected], list[Conflict]]:
    """Later rows of a UAI (rejected) and the columns on which its rows disagree."""
    later = uai.duplicated(keep="first")
    rejected = [Rejected(file, int(r), UAI, u, "duplicate UAI") for r, u in uai[later].items()]
    repeated = uai.duplicated(keep=False)
    conflicts = []
    for value in pd.unique(uai[repeated]):
        rows = uai.index[uai == value]
        for column, values in ((CODE, codes[rows]), (IPS, ips[rows])):
            if values.nunique(dropna=False) > 1:
                conflicts.append(Conflict(file, value, tuple(int(r) for r in rows), column,
                                          tuple(str(frame.at[r, column]) for r in rows)))
    return rejected, conflicts


def _checks(schools: pd.DataFrame, sector: pd.Series | None, kind: str) -> list[str]:
    """Notes: schools without IPS, département disagreeing with the commune, sectors."""
    notes = []
    no_ips = schools.loc[schools["ips"].isna(), "uai"].tolist()
    if no_ips:
        notes.append(f"{len(no_ips)} {kind} without IPS (counted in n_{kind}, not in the "
                     f"mean): {no_ips[:10]}")
    dep = schools["dep"].str.replace(r"^0(?=[0-9][0-9]$|2[AB]$)", "", regex=True)
    wrong = pd.Series([not c.startswith(d) for c, d in zip(schools["code"], dep, strict=True)],
                      index=schools.index, dtype=bool)
    if wrong.any():
        pairs = (schools["dep"] + "→" + schools["code"])[wrong].value_counts().to_dict()
        notes.append(f"{int(wrong.sum())} {kind} whose commune is not in their département "
                     f"(département→commune: {pairs})")
        if schools.loc[wrong, "code"].str.match("97[78]").any():
            notes.append("97701 Saint-Barthélemy and 97801 Saint-Martin (overseas "
                         "collectivities, not communes of a département) are filed under 971")
    if sector is not None:
        counts = sector[schools.index].value_counts().to_dict()
        notes.append(f"sectors: {counts}")
    return notes
