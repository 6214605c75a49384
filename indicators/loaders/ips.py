"""Load DEPP's social position index (IPS) of schools and aggregate it to communes.

The files (``fr-en-ips_ecoles_2022.csv``, ``fr-en-ips_colleges_2022.csv``) have one row per
school: ``UAI``, ``Code du département`` (three characters: ``035``, ``02A``, ``971``),
``Code INSEE de la commune``, ``Secteur``, ``IPS``. They give no enrolment, so the commune
value is the unweighted mean of its schools' IPS.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.loaders.base import LoadError, LoadResult, Rejected
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


def load_ips(path: str | Path, kind: str | None = None, *,
             arrondissements: bool = False) -> LoadResult:
    """Mean IPS and number of schools per commune.

    Parameters
    ----------
    path
        A DEPP IPS file (one row per school).
    kind
        ``"ecoles"``, ``"colleges"`` or ``"lycees"``; from the file name when ``None``.
    arrondissements
        Keep the municipal arrondissements of Paris, Lyon and Marseille (as the file codes
        their schools) instead of counting them in their commune.

    Returns
    -------
    LoadResult
        ``code``, ``ips_<kind>`` (unweighted mean IPS of the commune's schools that have
        one; NaN when none has), ``n_<kind>`` (number of schools in the file). Schools with
        an invalid commune code, a duplicated UAI or a non-numeric IPS are rejected.
    """
    file = str(path)
    kind = _kind(file, kind)
    text, _ = decode(*read_bytes(path))
    rows = read_rows(text, file, sep=";")
    for column in (CODE, DEP, UAI, IPS):
        if column not in rows.header:
            raise LoadError(file, "column not found", row=1, column=column)
    frame = rows.frame()
    codes, rejected, notes = check_codes(frame[CODE], file, CODE, "commune", unique=False)
    uai = frame[UAI].str.strip()
    first = ~uai.duplicated()
    rejected += [Rejected(file, int(r), UAI, u, "duplicate UAI") for r, u in uai[~first].items()]
    parsed = numeric_table(frame[[IPS]], file, detect_text=False)
    rejected += parsed.rejected
    kept = ~frame.index.isin({r.row for r in rejected})
    schools = pd.DataFrame({"code": codes, "ips": parsed.numbers[IPS], "uai": uai,
                            "dep": frame[DEP].str.strip()})[kept]
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
                      notes=notes)


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
