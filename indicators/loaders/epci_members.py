"""Which communes made up the EPCI of an older vintage (c. 2016), read from the IFN files.

Some third-party EPCI tables (the NTD photovoltaics file) use the SIREN codes of the EPCI
of about 2016, before the 2017 merger wave: 1,207 of their 1,968 codes no longer exist.
No file here lists those EPCI directly, but every row of the MedNum *Indice de fragilité
numérique* build (``numerique/ifn_iris_2020``, one row per IRIS, no header row: see
:mod:`indicators.loaders.ifn`) carries its commune (``COM``) and that commune's EPCI of
the same older vintage (``Epci``, 2,047 codes). The membership read here lets an EPCI
total be spread over the communes that made up the EPCI then, whatever EPCI they belong to
now.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators.loaders.base import LoadError, Rejected
from indicators.loaders.commune_codes import COMMUNE_PATTERN, EPCI_PATTERN, as_code, matches
from indicators.loaders.ifn import COMMUNE_COLUMN, HEADERS_FILE, data_files, read_headers

EPCI_COLUMN = "Epci"
NO_EPCI = "ZZZZZZZZZ"
"""INSEE pseudo-code of the communes in no EPCI."""


@dataclass(frozen=True)
class EpciMembers:
    """Commune → EPCI of one vintage.

    Attributes
    ----------
    table
        ``code`` (commune, of the file's vintage) and ``epci`` (SIREN, 9 digits): one row
        per commune and EPCI (a commune split between two EPCI would have two rows).
    file
        The folder read.
    sha256
        Checksum of the files read (names and contents, in order), for provenance.
    rejected
        Rows whose commune or EPCI code is not valid (``ZZZZZZZZZ``: in no EPCI).
    notes
        What was read.
    """

    table: pd.DataFrame
    file: str
    sha256: str
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_ifn_members(folder: str | Path) -> EpciMembers:
    """Read the commune → EPCI membership of the IFN build (one row per IRIS).

    Parameters
    ----------
    folder
        The folder of the IFN région files and their ``headers.csv``.

    Returns
    -------
    EpciMembers
        Unique (commune, EPCI) pairs; rows with an invalid code are rejected with file, row
        and column.

    Raises
    ------
    LoadError
        No header file, no ``COM`` or ``Epci`` field in it, no data file.
    """
    folder = Path(folder)
    names = read_headers(folder / HEADERS_FILE)
    if EPCI_COLUMN not in names:
        raise LoadError(folder / HEADERS_FILE, "missing field name", column=EPCI_COLUMN)
    digest = hashlib.sha256()
    frames, rejected = [], []
    for path in data_files(folder):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
        rows = pd.read_csv(path, sep=";", header=None, names=names, dtype=str,
                           usecols=[COMMUNE_COLUMN, EPCI_COLUMN], keep_default_na=False,
                           encoding="utf-8-sig")
        rows.index = pd.RangeIndex(1, len(rows) + 1)  # no header row: line 1 is data
        communes = as_code(rows[COMMUNE_COLUMN], 5)
        epci = rows[EPCI_COLUMN].str.strip()
        for column, codes, pattern in ((COMMUNE_COLUMN, communes, COMMUNE_PATTERN),
                                       (EPCI_COLUMN, epci, EPCI_PATTERN)):
            for row in rows.index[~matches(codes, pattern)]:
                reason = ("INSEE pseudo-code: in no EPCI" if codes[row] == NO_EPCI
                          else f"not a valid {'commune' if column == COMMUNE_COLUMN else 'EPCI'}"
                               " code")
                rejected.append(Rejected(str(path), int(row), column, codes[row], reason))
        good = matches(communes, COMMUNE_PATTERN) & matches(epci, EPCI_PATTERN)
        frames.append(pd.DataFrame({"code": communes[good], "epci": epci[good]}))
    table = pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)
    split = int(table["code"].duplicated().sum())
    notes = [f"EPCI membership of c. 2016 read from {folder}: {table['code'].nunique()} "
             f"communes in {table['epci'].nunique()} EPCI"
             + (f"; {split} communes in two EPCI or more" if split else ""),
             f"{len(rejected)} IRIS rows rejected (invalid commune or EPCI code)"]
    return EpciMembers(table=table, file=str(folder), sha256=digest.hexdigest(),
                       rejected=rejected, notes=notes)
