"""Shared types of the loaders: results, rejected rows, conflicts and load errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

SECRET_MARKERS = ("s", "nd", "n.d.", "N/A - résultat non disponible", "secret")
"""Cell contents that mean "not published" (statistical secret); read as missing."""

MAX_FILE_BYTES = 1 << 30
"""Default size bound of one raw file (1 GiB; for a zip, of its data member once
decompressed). The largest file of the catalogue is 8 MB; INSEE's national *Dossier
complet* is about 350 MB. A loader refuses a larger file unless given a larger
``max_bytes`` (``atlas indicators build --max-file-size MB``)."""


class LoadError(ValueError):
    """A raw file that cannot be read as expected.

    The message always names the file, and the row (1-based, as a spreadsheet or text
    editor shows it, header = row 1) and column when they are known.
    """

    def __init__(self, file: str | Path, message: str, row: int | None = None,
                 column: str | None = None):
        self.file, self.row, self.column = str(file), row, column
        where = [str(file)]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


class VintageError(LoadError):
    """A file declares another year than the one expected of it."""

    def __init__(self, file: str | Path, declared: int, expected: int, evidence: str,
                 column: str | None = None):
        self.declared, self.expected = declared, expected
        super().__init__(file, f"the file declares the year {declared} ({evidence}) but "
                               f"{expected} is expected. To use this file, say its year: "
                               f"year={declared} (command line: atlas indicators build "
                               f"--year SOURCE={declared}); to keep {expected}, point at "
                               f"the file of {expected}", column=column)


def check_size(path: str | Path, size: int, max_bytes: int | None, what: str = "file"
               ) -> None:
    """Refuse a ``size`` above ``max_bytes`` (``None``: :data:`MAX_FILE_BYTES`)."""
    bound = MAX_FILE_BYTES if max_bytes is None else max_bytes
    if size > bound:
        raise LoadError(path, f"{what} of {size / 1e6:,.0f} MB is above the size bound of "
                              f"{bound / 1e6:,.0f} MB; raise it with max_bytes= (command "
                              "line: --max-file-size MB) if the file is meant to be that big")


@dataclass(frozen=True)
class Conflict:
    """Rows of one code that disagree on a column: the code's value is left missing."""

    file: str
    code: str
    rows: tuple[int, ...]
    column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Rejected:
    """One row left out of a load, and why."""

    file: str
    row: int
    column: str | None
    value: str | None
    reason: str


@dataclass
class LoadResult:
    """What a loader read.

    Attributes
    ----------
    table
        One row per territory, ``code`` (str) first, then numeric columns (float, NaN
        where missing or secret: never 0).
    file
        The file read (for provenance).
    level
        Geographic level of the rows: ``"commune"`` (after any aggregation from IRIS or
        establishments), ``"departement"`` or ``"region"``.
    rejected
        Every row left out, with its reason; nothing is dropped silently.
    secret_cells
        Number of secret or unavailable cells per column.
    notes
        Caveats found while reading (approximations, repaired defects).
    withheld
        Optional boolean table, same rows as ``table``, one column per numeric column it
        covers: True where the publisher withholds the value (a secret marker, or its
        publication rule for small counts). Such a value is missing and shown as « non
        publié », never as 0 nor as "absent from the source".
    declared_year
        The year the file declares for what was read (SSMSI's ``year``, INSEE column
        suffixes, a year column…), ``None`` when it declares none.
    conflicts
        Duplicate codes whose rows disagree on a column; that value is left missing.
    """

    table: pd.DataFrame
    file: str
    level: str = "commune"
    rejected: list[Rejected] = field(default_factory=list)
    secret_cells: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    withheld: pd.DataFrame | None = None
    declared_year: int | None = None
    conflicts: list[Conflict] = field(default_factory=list)
