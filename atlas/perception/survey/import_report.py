"""What a survey import read, kept and rejected: errors, rejections and the report."""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike

import pandas as pd

from french.spreadsheet_cells import LINE_TERMINATOR, escape_formulas


class SurveyFileError(ValueError):
    """The file cannot be imported at all (unreadable, too large, a mapped column missing…)."""


class FileTooLarge(SurveyFileError):
    """The file is larger than the upload limit."""


@dataclass(frozen=True)
class Rejection:
    """One problem on one row of the file."""

    file: str
    row: int
    """Row number as the user sees it (header = row 1), or SPSS case number."""
    column: str
    value: str
    reason: str
    row_label: str = "row"
    """``"row"`` (CSV, XLSX) or ``"case"`` (SAV)."""

    def __str__(self) -> str:
        return f"{self.file}, {self.row_label} {self.row}, column {self.column!r}: {self.reason}"


@dataclass(frozen=True)
class ImportReport:
    """What an import read, kept and rejected."""

    file: str
    format: str
    n_rows: int
    """Non-empty data rows read."""
    n_accepted: int
    rejections: tuple[Rejection, ...] = ()
    notes: tuple[str, ...] = ()
    """How the file was read (encoding, separator…), rows skipped, values corrected."""

    @property
    def rejected_rows(self) -> tuple[int, ...]:
        """Row (or case) numbers with at least one problem, sorted."""
        return tuple(sorted({r.row for r in self.rejections}))

    @property
    def ok(self) -> bool:
        """Whether every row was accepted."""
        return not self.rejections

    def summary(self, limit: int = 10) -> str:
        """A short text: counts, then the first ``limit`` problems."""
        rows = len(self.rejected_rows)
        head = (f"{self.file}: {rows} of {self.n_rows} rows rejected "
                f"({len(self.rejections)} problems)" if rows else
                f"{self.file}: {self.n_accepted} rows imported, none rejected")
        lines = [head, *(f"  {r}" for r in self.rejections[:limit])]
        if len(self.rejections) > limit:
            lines.append(f"  … and {len(self.rejections) - limit} more problems")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The rejections as a table (file, row, column, value, reason)."""
        columns = ["file", "row", "column", "value", "reason"]
        return pd.DataFrame([[getattr(r, c) for c in columns] for r in self.rejections],
                            columns=columns)

    def write_csv(self, path: str | PathLike[str]) -> None:
        """Write :meth:`to_frame` to ``path`` as UTF-8 CSV (with BOM, for spreadsheets).

        Cells that a spreadsheet would run as formulas are escaped.
        """
        escape_formulas(self.to_frame()).to_csv(path, index=False, encoding="utf-8-sig",
                                                lineterminator=LINE_TERMINATOR)

    def __str__(self) -> str:
        return "\n".join([self.summary(limit=len(self.rejections)),
                          *(f"  note: {n}" for n in self.notes)])


class ImportRejected(ValueError):
    """Rows were rejected and the import is all-or-nothing; ``report`` lists them all."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(f"{report.summary()}\nNothing was imported: fix the file, or pass "
                         f"keep_valid_rows=True to import the "
                         f"{report.n_rows - len(report.rejected_rows)} valid rows "
                         "(the full list is in the exception's .report).")
