"""Reading a survey file (CSV, XLSX, SPSS ``.sav``) into cells, with user-visible row numbers.

Only reading: nothing is interpreted yet. CSV text is decoded by the project's one decoder
(:func:`indicators.loaders.insee_csv.decode`: UTF-8 with or without BOM, else latin-1 or
Windows-1252, and a clear error for anything else), unless the mapping names an encoding.
Files are parsed as data only (no pickle, no evaluation), refused above ``max_bytes``, and
refused before parsing when they would open too large (too many rows, a workbook expanding
too much: :mod:`~atlas.perception.survey.bounds`).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyreadstat
from pandas.arrays import ArrowExtensionArray, ArrowStringArray

from atlas.perception.survey.bounds import (
    DEFAULT_BOUNDS,
    Bounds,
    check_csv_rows,
    check_rows,
    check_workbook,
)
from atlas.perception.survey.import_report import FileTooLarge, SurveyFileError
from atlas.perception.survey.mapping import SHOWN_CHARS, FileOptions, clip, normalize_key
from indicators.loaders.base import LoadError
from indicators.loaders.insee_csv import decode

DEFAULT_MAX_BYTES = 50_000_000
"""Upload limit (50 MB)."""
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".sav": "sav"}
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_SEPARATORS = (";", ",", "\t", "|")
_SNIFF_CHARS = 65_536
_LISTED_COLUMNS = 40  # file columns listed when a mapped one is missing
_CODECS = {"UTF-8 with BOM": "utf-8-sig", "UTF-8": "utf-8", "latin-1": "latin-1",
           "Windows-1252": "cp1252"}
"""Encoding found by the project's decoder → Python codec."""

Source = str | PathLike[str] | IO[bytes]
"""A path, or an open binary file with a ``name`` (e.g. a Streamlit upload)."""


# --- reading ------------------------------------------------------------------------------

@dataclass
class Table:
    """A file read as cells (no interpretation yet), with user-visible row numbers."""

    file: str
    format: str
    frame: pd.DataFrame
    """Cells as read (text for CSV; text, numbers, dates for XLSX and SAV) under the header's
    names (the first column of a repeated name)."""
    rows: np.ndarray
    labels: dict[str, dict[str, str]]
    """SAV value labels: column → normalised code → label."""
    notes: list[str]
    repeated: dict[str, list[int]]
    """Header names given to several columns → their 1-based positions."""
    _texts: dict[str, tuple[pd.Series, np.ndarray]] = dataclasses.field(default_factory=dict)

    @property
    def row_label(self) -> str:
        """How rows are numbered for the user."""
        return "case" if self.format == "sav" else "row"

    def texts(self, column: str) -> tuple[pd.Series, np.ndarray]:
        """A column as text (missing when empty), and which cells were text in the file."""
        if column not in self._texts:
            self._texts[column] = column_texts(self.frame[column])
        return self._texts[column]

    def numbers(self, column: str, decimal: str) -> tuple[pd.Series, pd.Series]:
        """A column as floats (NaN when missing), and the mask of cells that are no number."""
        texts, is_text = self.texts(column)
        return column_numbers(self.frame[column], texts, is_text, decimal)


def read(source: Source, options: FileOptions, max_bytes: int | None,
         formats: tuple[str, ...], bounds: Bounds = DEFAULT_BOUNDS) -> Table:
    """Read ``source`` as cells, in one of ``formats`` (``"csv"``, ``"xlsx"``, ``"sav"``).

    The file is refused above ``max_bytes``, and (CSV, XLSX) before parsing when it would
    open beyond ``bounds`` (see :mod:`~atlas.perception.survey.bounds`).
    """
    name, data = _read_bytes(source, max_bytes)
    suffix = Path(name).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt not in formats:
        valid = ", ".join(s for s, f in FORMATS.items() if f in formats)
        hint = " (save it as .xlsx)" if suffix == ".xls" else ""
        raise SurveyFileError(f"{name}: unsupported file type {suffix or '(none)'!r}{hint}; "
                              f"valid: {valid}")
    return READERS[fmt](data, name, options, bounds)


def _read_bytes(source: Source, max_bytes: int | None) -> tuple[str, bytes]:
    if isinstance(source, str | PathLike):
        path = Path(source)
        try:
            size = path.stat().st_size
            _check_size(path.name, size, max_bytes)
            return path.name, path.read_bytes()
        except OSError as error:
            raise SurveyFileError(f"{path}: cannot read the file ({error.strerror})") from None
    name = getattr(source, "name", None)
    if not name:
        raise SurveyFileError("a file object needs a name with its extension "
                              "(.csv, .xlsx or .sav)")
    data = source.read(-1 if max_bytes is None else max_bytes + 1)
    _check_size(Path(name).name, len(data), max_bytes)
    return Path(name).name, data


def _check_size(name: str, size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise FileTooLarge(f"{name}: the file is too large ({size / 1e6:.1f} MB); the limit "
                           f"is {max_bytes / 1e6:g} MB")


def _read_csv(data: bytes, name: str, options: FileOptions, bounds: Bounds) -> Table:
    check_csv_rows(data, name, options.header_row, bounds)
    text, encoding = _decode(data, name, options.encoding)
    skip = options.header_row - 1
    separator = options.separator or _sniff_separator(text, skip)
    codec = options.encoding or _CODECS.get(encoding, encoding)
    del text  # decoded to check and sniff; the C parser decodes the bytes again, as it reads
    try:
        cells = pd.read_csv(io.BytesIO(data), sep=separator, header=None, dtype=str,
                            encoding=codec, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, index_col=False, skiprows=skip,
                            quoting=csv.QUOTE_MINIMAL, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise SurveyFileError(f"{name}: cannot read as CSV with separator {separator!r}: "
                              f"{error}") from None
    check_rows(len(cells) - 1, name, bounds)
    notes = [f"CSV read as {encoding} with separator {separator!r}"]
    return _table(name, "csv", cells, options.header_row, {}, notes)


def _read_xlsx(data: bytes, name: str, options: FileOptions, bounds: Bounds) -> Table:
    check_workbook(data, name, options.sheet, options.header_row, bounds)
    try:
        cells = pd.read_excel(io.BytesIO(data), sheet_name=options.sheet, header=None,
                              dtype=object, engine="openpyxl", keep_default_na=False)
    except (ValueError, IndexError, KeyError, OSError, zipfile.BadZipFile) as error:
        raise SurveyFileError(f"{name}: cannot read as an XLSX workbook ({error})") from None
    cells = cells.iloc[options.header_row - 1:]
    check_rows(len(cells) - 1, name, bounds)
    return _table(name, "xlsx", cells, options.header_row, {},
                  [f"XLSX sheet {options.sheet!r}"])


def _read_sav(data: bytes, name: str, options: FileOptions, bounds: Bounds) -> Table:
    try:
        frame, meta = pyreadstat.read_sav(io.BytesIO(data), user_missing=True)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as error:
        raise SurveyFileError(f"{name}: cannot read as an SPSS .sav file ({error})") from None
    labels = {column: {normalize_key(cell_text(code)): str(label)
                       for code, label in value_labels.items()}
              for column, value_labels in meta.variable_value_labels.items()}
    notes = _user_missing_as_missing(frame, meta.missing_ranges, labels)
    cells = pd.DataFrame([list(frame.columns)] + frame.astype(object).to_numpy().tolist())
    check_rows(len(cells) - 1, name, bounds)
    return _table(name, "sav", cells, 0, labels, notes)


def _user_missing_as_missing(frame: pd.DataFrame, ranges: dict[str, list[dict]],
                             labels: dict[str, dict[str, str]]) -> list[str]:
    """Blank the SPSS user-missing answers (« Ne sait pas »…) in place, counting them.

    Returns one note per column holding some: how many answers, and of which code and label.
    """
    notes = []
    for column, bounds in ranges.items():
        values = frame[column]
        hit = pd.Series(False, index=frame.index)
        for bound in bounds:
            low, high = bound["lo"], bound["hi"]
            try:
                hit |= values.notna() & (values >= low) & (values <= high)
            except TypeError:  # a text column with numeric bounds, or the reverse
                continue
        if not hit.any():
            continue
        counts = values[hit].map(cell_text).value_counts(sort=False)
        shown = ", ".join(
            f"{code!r}" + (f" « {labels[column][normalize_key(code)]} »"
                           if normalize_key(code) in labels.get(column, {}) else "")
            + f": {n}" for code, n in counts.items())
        notes.append(f"SPSS user-missing answers read as missing in column {column!r}: "
                     f"{int(hit.sum())} ({shown})")
        frame[column] = values.astype(object).where(~hit, None)
    return notes


READERS: dict[str, Callable[[bytes, str, FileOptions, Bounds], Table]] = {
    "csv": _read_csv, "xlsx": _read_xlsx, "sav": _read_sav}
"""File format → reader (bytes, file name, options, bounds)."""


def _table(name: str, fmt: str, cells: pd.DataFrame, header_row: int,
           labels: dict[str, dict[str, str]], notes: list[str]) -> Table:
    """Split cells into header and body; drop empty rows (noting them)."""
    if cells.empty:
        raise SurveyFileError(f"{name}: the file is empty (no header row)")
    header = [cell_text(c) or "" for c in cells.iloc[0]]
    body = cells.iloc[1:].reset_index(drop=True)
    rows = np.arange(header_row + 1, header_row + 1 + len(body))
    positions: dict[str, list[int]] = {}
    for i, column in enumerate(header):
        if column:
            positions.setdefault(column, []).append(i)
    frame = pd.DataFrame({c: body.iloc[:, p[0]] for c, p in positions.items()},
                         index=body.index)
    empty = np.ones(len(body), dtype=bool)
    for i in range(body.shape[1]):
        empty &= _blank(body.iloc[:, i])
        if not empty.any():
            break
    if empty.any():
        skipped = rows[empty]
        label = "case" if fmt == "sav" else "row"
        shown = ", ".join(str(r) for r in skipped[:20]) + (" …" if len(skipped) > 20 else "")
        notes.append(f"empty {label}s skipped ({len(skipped)}): {shown}")
        if empty.all():
            raise SurveyFileError(f"{name}: no data rows under the header")
        frame = frame.loc[~empty].reset_index(drop=True)
    return Table(file=name, format=fmt, frame=frame, rows=rows[~empty], labels=labels,
                 notes=notes,
                 repeated={c: [i + 1 for i in p] for c, p in positions.items() if len(p) > 1})


def _blank(column: pd.Series) -> np.ndarray:
    """Mask of the cells that are missing or blank (see :func:`cell_text`)."""
    if column.dtype != object and pd.api.types.is_string_dtype(column.dtype):  # CSV
        return column.str.strip().eq("").to_numpy(dtype=bool, na_value=True)
    return column_texts(column)[0].isna().to_numpy()


def _decode(data: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    """Text of a CSV file and its encoding: the mapping's, else the project's decoder's."""
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as error:
            raise SurveyFileError(f"{name}: not valid {encoding} text (byte {error.start}); "
                                  "fix file.encoding in the mapping") from None
    try:
        text, found = decode(data, name)
    except LoadError as error:
        raise SurveyFileError(f"{error}; or set file.encoding in the mapping") from None
    return text, found


def _sniff_separator(text: str, skip: int) -> str:
    """The separator giving the header most columns with the same count on every row read."""
    sample = text[:_SNIFF_CHARS]
    records = []
    for separator in _SEPARATORS:
        rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=separator))[skip:]
        if len(text) > len(sample):
            rows = rows[:-1]  # possibly cut in the middle
        counts = [len(r) for r in rows if any(cell.strip() for cell in r)]
        if counts:
            records.append((counts[0] > 1 and all(c == counts[0] for c in counts),
                            counts[0], separator))
    if not records:
        return ","
    return max(records, key=lambda r: (r[0], r[1], -_SEPARATORS.index(r[2])))[2]


def decimal_mark(table: Table, columns: list[str], decimal: str | None) -> str:
    """Decimal mark of the text cells of numeric columns; mixed marks are an error."""
    if decimal is not None:
        table.notes.append(f"decimal mark {decimal!r} (set in the mapping)")
        return decimal
    seen: dict[str, tuple[str, int, str]] = {}
    for column in columns:
        texts, is_text = table.texts(column)
        texts = texts[is_text & texts.notna().to_numpy()]
        for mark, pattern in ((",", r"[+-]?\d*,\d+"), (".", r"[+-]?\d*\.\d+")):
            hits = texts.str.fullmatch(pattern).astype(bool)
            if mark not in seen and hits.any():
                first = hits.idxmax()
                seen[mark] = (column, int(table.rows[first]), texts[first])
        if len(seen) == 2:
            (c1, r1, v1), (c2, r2, v2) = seen[","], seen["."]
            raise SurveyFileError(
                f"{table.file}: mixed decimal marks: {table.row_label} {r1}, column {c1!r} has "
                f"{v1!r} but {table.row_label} {r2}, column {c2!r} has {v2!r}; set "
                "file.decimal in the mapping")
    mark = "," if "," in seen else "."
    if seen:
        table.notes.append(f"decimal mark {mark!r}")
    return mark


def require_columns(table: Table, used: dict[str, str], mapping_source: str) -> None:
    """Refuse a table missing a column the mapping uses (naming them all)."""
    missing = [c for c in used if c not in table.frame.columns]
    if missing:
        import difflib

        folded = {normalize_key(c): c for c in table.frame.columns}
        parts = []
        for column in missing:
            close = difflib.get_close_matches(normalize_key(column), list(folded), n=1)
            hint = (f" (did you mean {clip(repr(folded[close[0]]), SHOWN_CHARS)}?)" if close
                    else "")
            parts.append(f"{column!r} ({used[column]} in {Path(mapping_source).name}){hint}")
        names = [clip(repr(c), SHOWN_CHARS) for c in table.frame.columns]
        listed = ", ".join(names[:_LISTED_COLUMNS]) + (
            f" … ({len(names)} columns)" if len(names) > _LISTED_COLUMNS else "")
        raise SurveyFileError(f"{table.file}: missing column{'s' if len(parts) > 1 else ''} "
                              f"{', '.join(parts)}; columns in the file: [{listed}]")
    for column in used:
        if column in table.repeated:
            raise SurveyFileError(f"{table.file}: column {column!r} appears several times in "
                                  f"the header (positions {table.repeated[column]})")


# --- cells --------------------------------------------------------------------------------

def cell_text(value: object) -> str | None:
    """A cell as text (``None`` when missing); integral numbers lose their ``.0``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def column_texts(column: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Cells as text (missing when empty, see :func:`cell_text`) and the text-cell mask."""
    if column.dtype != object and pd.api.types.is_string_dtype(column.dtype):  # CSV: fast path
        stripped = column.str.strip()
        return stripped.where(stripped != ""), column.notna().to_numpy()
    values = column.to_numpy(dtype=object)
    is_text = np.fromiter((type(v) is str for v in values), dtype=bool, count=len(values))
    out = np.empty(len(values), dtype=object)
    if is_text.any():
        stripped = pd.Series(values[is_text], dtype=object).str.strip()
        out[is_text] = [t or None for t in stripped]
    is_bool = np.fromiter((type(v) is bool for v in values), dtype=bool, count=len(values))
    out[is_bool] = [str(v) for v in values[is_bool]]  # kept apart: True == 1 when hashed
    others = ~is_text & ~is_bool
    if others.any():
        codes, uniques = pd.factorize(values[others], use_na_sentinel=True)
        texts = np.array([cell_text(u) for u in uniques] + [None], dtype=object)
        out[others] = texts[codes]  # code -1 (missing) takes the trailing None
    return pd.Series(out, index=column.index, dtype=object), is_text


def column_numbers(column: pd.Series, texts: pd.Series, is_text: np.ndarray, decimal: str
                    ) -> tuple[pd.Series, pd.Series]:
    """Floats of numeric cells and of text cells written with ``decimal``; the invalid mask."""
    numbers = np.full(len(column), np.nan)
    invalid = np.zeros(len(column), dtype=bool)
    if is_text.all():
        is_number = np.zeros(len(column), dtype=bool)
    else:
        values = column.to_numpy(dtype=object)
        is_number = np.fromiter((isinstance(v, int | float | np.integer | np.floating)
                                 and not isinstance(v, bool) for v in values),
                                dtype=bool, count=len(values))
        numeric = values[is_number].astype(float)
        numbers[is_number] = np.where(np.isfinite(numeric), numeric, np.nan)
        invalid[is_number] = np.isinf(numeric)
    written = ~is_number & texts.notna().to_numpy()
    if written.any():
        text = texts[written]
        wrong_mark = np.zeros(len(text), dtype=bool)
        if decimal == ",":
            wrong_mark = text.str.contains(".", regex=False).to_numpy(dtype=bool)
            text = text.str.replace(",", ".", regex=False)
        ok = text.str.fullmatch(_NUMBER.pattern).to_numpy(dtype=bool) & ~wrong_mark
        parsed = np.full(len(text), np.nan)
        parsed[ok] = _floats(text[ok])
        numbers[written] = parsed
        invalid[written] = ~ok
    return (pd.Series(numbers, index=column.index),
            pd.Series(invalid, index=column.index))


def _floats(text: pd.Series) -> np.ndarray:
    """Floats of texts already matched by ``_NUMBER`` (pyarrow's cast for CSV columns)."""
    if isinstance(text.array, ArrowExtensionArray | ArrowStringArray):
        import pyarrow as pa

        values = pa.array(text.array)
        return values.cast(pa.float64()).to_numpy(zero_copy_only=False)
    return text.to_numpy(dtype=object).astype(float)
