"""Shared types of the loaders: results, rejected rows and load errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

SECRET_MARKERS = ("s", "nd", "n.d.", "N/A - résultat non disponible", "secret")
"""Cell contents that mean "not published" (statistical secret); read as missing."""


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
    """

    table: pd.DataFrame
    file: str
    level: str = "commune"
    rejected: list[Rejected] = field(default_factory=list)
    secret_cells: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    withheld: pd.DataFrame | None = None
