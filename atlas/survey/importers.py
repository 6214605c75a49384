"""Import delivered survey files (CSV, XLSX, SPSS ``.sav``) into the survey model.

:func:`import_survey` reads a respondent-level file through a mapping
(:mod:`atlas.survey.mapping`) and returns a :class:`~atlas.survey.model.Survey`;
:func:`import_aggregates` reads a published table in the aggregated form. Both validate every
row and list every rejected row in an :class:`ImportReport` (file, row as the user sees it —
header = row 1 for CSV/XLSX, case number for SAV —, column, value, reason). Import is
all-or-nothing by default: one rejected row raises :class:`ImportRejected`, carrying the full
report; ``keep_valid_rows=True`` returns the valid rows and the report instead. Nothing is
dropped silently: empty rows skipped, leading zeros restored and rows rejected are all
written in the report.

Files are parsed as data only (no pickle, no evaluation of their content) and refused above
``max_bytes``.
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
from functools import cache
from os import PathLike
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyreadstat

from atlas.survey.mapping import (
    AGGREGATE_ACTORS,
    AGGREGATE_LEVELS,
    ITEMS,
    MEASURES,
    RESPONDENT_LEVELS,
    SHARE_UNITS,
    AggregateMapping,
    Field,
    FileOptions,
    Ranking,
    RespondentMapping,
    load_mapping,
    normalize_key,
)
from atlas.survey.model import (
    ACTORS,
    AGGREGATE_COLUMNS,
    DIMENSION_RANK,
    DOMAIN_RANK,
    RESPONDENT_COLUMNS,
    Survey,
    Wave,
)
from geodata.levels import level as level_of

DEFAULT_MAX_BYTES = 50_000_000
"""Upload limit (50 MB)."""
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".sav": "sav"}
_GEODATA_LEVELS = {"region": "regions", "departement": "departements", "commune": "communes"}
_CODE_WIDTH = {"region": 2, "departement": 2, "commune": 5}
_RANK_PREFIX = {"dimension": DIMENSION_RANK, "domain": DOMAIN_RANK}
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_SEPARATORS = (";", ",", "\t", "|")
_SNIFF_CHARS = 65_536

Source = str | PathLike[str] | IO[bytes]
"""A path, or an open binary file with a ``name`` (e.g. a Streamlit upload)."""


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


@dataclass(frozen=True)
class ImportResult:
    """An imported respondent file: the survey, the report, and where each row came from."""

    survey: Survey
    report: ImportReport
    source_rows: tuple[int, ...]
    """Row (or case) number in the file of each respondent, in order."""

    @property
    def respondents(self) -> pd.DataFrame:
        """The respondent table (:data:`~atlas.survey.model.RESPONDENT_COLUMNS`)."""
        return self.survey.respondents


@dataclass(frozen=True)
class AggregateImport:
    """An imported published table (:data:`~atlas.survey.model.AGGREGATE_COLUMNS`)."""

    table: pd.DataFrame
    report: ImportReport
    source: str
    simulated: bool = False
    waves: tuple[Wave, ...] = ()
    notes: tuple[str, ...] = ()


# --- public API ---------------------------------------------------------------------------

def import_survey(source: Source, mapping: RespondentMapping | str | PathLike[str], *,
                  keep_valid_rows: bool = False, max_bytes: int | None = DEFAULT_MAX_BYTES,
                  geodata_root: Path | None = None) -> ImportResult:
    """Import a respondent-level survey file.

    Parameters
    ----------
    source
        A ``.csv``, ``.xlsx`` or ``.sav`` file (path, or binary file object with a name).
    mapping
        A :class:`~atlas.survey.mapping.RespondentMapping` or the path of its YAML file.
    keep_valid_rows
        Return the valid rows when some are rejected, instead of raising.
    max_bytes
        Refuse larger files (``None``: no limit).
    geodata_root
        Folder of the geometry artifacts giving the valid territory codes (default cache).

    Returns
    -------
    ImportResult
        ``survey`` (respondents in :data:`~atlas.survey.model.RESPONDENT_COLUMNS`, the
        mapping's waves, ``source`` = survey name, ``simulated=False``) and ``report``.

    Raises
    ------
    SurveyFileError
        The file cannot be read, is too large, or lacks a mapped column.
    ImportRejected
        Some rows were rejected and ``keep_valid_rows`` is False.
    """
    mapping = _as_mapping(mapping, RespondentMapping)
    table = _read(source, mapping.file, max_bytes, tuple(FORMATS.values()))
    _require_columns(table, mapping.columns(), mapping.source)
    rankings = [r for r in (mapping.dimensions, mapping.domains) if r is not None]
    numeric = [mapping.weight.column] + [c for r in rankings if r.ranks for c in r.columns]
    decimal = _decimal(table, [c for c in numeric if c is not None], mapping.file.decimal)
    check = _Validator(table, decimal, mapping.source)
    fields = mapping.fields()

    ids = check.text(fields["respondent_id"])
    check.reject_missing(ids, fields["respondent_id"], "respondent id")
    check.reject_duplicates(ids, fields["respondent_id"])
    actor = check.translate(fields["actor"], "actor", "actor type",
                            _identities(ACTORS, ACTORS.values()))
    waves = {w.id: w for w in mapping.waves}
    wave = check.translate(fields["wave"], "wave", "wave",
                           _identities(waves, [w.name for w in mapping.waves]))
    level = check.translate(fields["territory_level"], "territory_level", "territory level",
                            _identities(RESPONDENT_LEVELS,
                                        [level_of(lv).label for lv in RESPONDENT_LEVELS]))
    code = check.codes(fields["territory_code"], level)
    check.territories(code, level, fields["territory_code"], _territory_codes(geodata_root))
    weight = check.positive(fields["weight"], "weight")
    ranks: dict[str, pd.Series] = {}
    for ranking in rankings:
        ranks.update(check.ranking(ranking))
    check.actors_of_waves(actor, wave, waves, fields["actor"])

    keep = check.valid_rows(keep_valid_rows)
    n = len(table.frame)
    data = {"respondent_id": ids, "actor": actor, "wave": wave, "territory_code": code,
            "territory_level": level, "weight": weight}
    frame = pd.DataFrame(
        {c: (data[c] if c in data else ranks.get(c, pd.Series([pd.NA] * n, dtype="Int64")))
         for c in RESPONDENT_COLUMNS}).loc[keep].reset_index(drop=True)
    frame = frame.astype({**{c: "str" for c in RESPONDENT_COLUMNS[:5]}, "weight": "float64",
                          **{c: "Int64" for c in RESPONDENT_COLUMNS[6:]}})
    report = check.report(int(keep.sum()))
    unranked = frame[list(RESPONDENT_COLUMNS[6:])].isna().all(axis=1).sum()
    if unranked:
        report = dataclasses.replace(report, notes=(
            *report.notes, f"{unranked} respondents ranked no dimension and no domain "
            "(kept: they answered the survey but not the ranking question)"))
    notes = list(mapping.notes)
    notes.append(f"imported from {table.file} with the mapping {Path(mapping.source).name}")
    if report.rejections:
        notes.append(f"{len(report.rejected_rows)} of {report.n_rows} rows of {table.file} "
                     "rejected at import (see the import report)")
    survey = Survey(respondents=frame, waves=_waves_with_actors(mapping.waves, frame),
                    source=mapping.name, simulated=False, notes=tuple(notes))
    rows = tuple(int(r) for r in table.rows[keep.to_numpy()])
    return ImportResult(survey=survey, report=report, source_rows=rows)


def import_aggregates(source: Source, mapping: AggregateMapping | str | PathLike[str] | None = None,
                      *, keep_valid_rows: bool = False,
                      max_bytes: int | None = DEFAULT_MAX_BYTES,
                      geodata_root: Path | None = None, name: str | None = None
                      ) -> AggregateImport:
    """Import a published table in the aggregated form.

    Parameters
    ----------
    source
        A ``.csv`` or ``.xlsx`` file (path, or binary file object with a name).
    mapping
        An :class:`~atlas.survey.mapping.AggregateMapping` or its YAML file; ``None`` when the
        columns already bear the names of :data:`~atlas.survey.model.AGGREGATE_COLUMNS`
        (``n_unweighted`` and ``n_effective`` may then be absent).
    keep_valid_rows, max_bytes, geodata_root
        As for :func:`import_survey`.
    name
        Source name when there is no mapping (default: the file name).

    Returns
    -------
    AggregateImport
        The table (shares in [0, 1]), the report, the source name, ``simulated=False``.

    Raises
    ------
    SurveyFileError
        The file cannot be read, is too large, or lacks a mapped column.
    ImportRejected
        Some rows were rejected and ``keep_valid_rows`` is False.
    """
    if mapping is not None:
        mapping = _as_mapping(mapping, AggregateMapping)
    options = mapping.file if mapping is not None else FileOptions()
    table = _read(source, options, max_bytes, ("csv", "xlsx"))
    if mapping is None:
        mapping = AggregateMapping.identity(name or table.file, tuple(table.frame.columns))
    _require_columns(table, mapping.columns(), mapping.source)
    fields = mapping.fields
    numeric = [f.column for k, f in fields.items() if f is not None and f.column is not None
               and k in ("share", "n_unweighted", "n_effective")]
    check = _Validator(table, _decimal(table, numeric, options.decimal), mapping.source)

    level = check.translate(fields["territory_level"], "territory_level", "territory level",
                            _identities(AGGREGATE_LEVELS,
                                        [level_of(lv).label for lv in AGGREGATE_LEVELS]))
    code = check.codes(fields["territory_code"], level)
    check.territories(code, level, fields["territory_code"], _territory_codes(geodata_root))
    actor = check.translate(fields["actor"], "actor", "actor",
                            _identities(AGGREGATE_ACTORS, ACTORS.values()))
    item = check.translate(fields["item"], "item", "item", _item_identities())
    measure = check.translate(fields["measure"], "measure", "measure", _identities(MEASURES))
    share = check.share(fields["share"], SHARE_UNITS[mapping.share_unit], mapping.share_unit)
    n_raw, n_eff = check.sample_sizes(fields["n_unweighted"], fields["n_effective"])
    frame = pd.DataFrame({"territory_code": code, "territory_level": level, "actor": actor,
                          "item": item, "measure": measure, "share": share,
                          "n_unweighted": n_raw, "n_effective": n_eff})
    check.aggregate_consistency(frame, mapping)

    keep = check.valid_rows(keep_valid_rows)
    frame = frame.loc[keep].reset_index(drop=True).astype(
        {**{c: "str" for c in AGGREGATE_COLUMNS[:5]}, "share": "float64",
         "n_unweighted": "Int64", "n_effective": "float64"})
    report = check.report(int(keep.sum()))
    notes = [*mapping.notes, *_share_sum_notes(frame)]
    if report.rejections:
        notes.append(f"{len(report.rejected_rows)} of {report.n_rows} rows of {table.file} "
                     "rejected at import (see the import report)")
    return AggregateImport(table=frame, report=report, source=mapping.name, simulated=False,
                           waves=mapping.waves, notes=tuple(notes))


# --- reading ------------------------------------------------------------------------------

@dataclass
class _Table:
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
            self._texts[column] = _column_texts(self.frame[column])
        return self._texts[column]

    def numbers(self, column: str, decimal: str) -> tuple[pd.Series, pd.Series]:
        """A column as floats (NaN when missing), and the mask of cells that are no number."""
        texts, is_text = self.texts(column)
        return _column_numbers(self.frame[column], texts, is_text, decimal)


def _read(source: Source, options: FileOptions, max_bytes: int | None,
          formats: tuple[str, ...]) -> _Table:
    name, data = _read_bytes(source, max_bytes)
    suffix = Path(name).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt not in formats:
        valid = ", ".join(s for s, f in FORMATS.items() if f in formats)
        hint = " (save it as .xlsx)" if suffix == ".xls" else ""
        raise SurveyFileError(f"{name}: unsupported file type {suffix or '(none)'!r}{hint}; "
                              f"valid: {valid}")
    return READERS[fmt](data, name, options)


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


def _read_csv(data: bytes, name: str, options: FileOptions) -> _Table:
    text, encoding = _decode(data, name, options.encoding)
    skip = options.header_row - 1
    separator = options.separator or _sniff_separator(text, skip)
    try:
        cells = pd.read_csv(io.StringIO(text), sep=separator, header=None, dtype=str,
                            keep_default_na=False, na_filter=False, skip_blank_lines=False,
                            index_col=False, skiprows=skip, quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise SurveyFileError(f"{name}: cannot read as CSV with separator {separator!r}: "
                              f"{error}") from None
    notes = [f"CSV read as {encoding} with separator {separator!r}"]
    return _table(name, "csv", cells, options.header_row, {}, notes)


def _read_xlsx(data: bytes, name: str, options: FileOptions) -> _Table:
    try:
        cells = pd.read_excel(io.BytesIO(data), sheet_name=options.sheet, header=None,
                              dtype=object, engine="openpyxl", keep_default_na=False)
    except (ValueError, IndexError, KeyError, OSError, zipfile.BadZipFile) as error:
        raise SurveyFileError(f"{name}: cannot read as an XLSX workbook ({error})") from None
    cells = cells.iloc[options.header_row - 1:]
    return _table(name, "xlsx", cells, options.header_row, {},
                  [f"XLSX sheet {options.sheet!r}"])


def _read_sav(data: bytes, name: str, options: FileOptions) -> _Table:
    try:
        frame, meta = pyreadstat.read_sav(io.BytesIO(data), user_missing=False)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as error:
        raise SurveyFileError(f"{name}: cannot read as an SPSS .sav file ({error})") from None
    labels = {column: {normalize_key(_cell_text(code)): str(label)
                       for code, label in value_labels.items()}
              for column, value_labels in meta.variable_value_labels.items()}
    cells = pd.DataFrame([list(frame.columns)] + frame.astype(object).to_numpy().tolist())
    notes = []
    if meta.missing_ranges:
        notes.append("SPSS user-missing values read as missing in "
                     + ", ".join(sorted(meta.missing_ranges)))
    return _table(name, "sav", cells, 0, labels, notes)


READERS: dict[str, Callable[[bytes, str, FileOptions], _Table]] = {
    "csv": _read_csv, "xlsx": _read_xlsx, "sav": _read_sav}
"""File format → reader (bytes, file name, options)."""


def _table(name: str, fmt: str, cells: pd.DataFrame, header_row: int,
           labels: dict[str, dict[str, str]], notes: list[str]) -> _Table:
    """Split cells into header and body; drop empty rows (noting them)."""
    if cells.empty:
        raise SurveyFileError(f"{name}: the file is empty (no header row)")
    header = [_cell_text(c) or "" for c in cells.iloc[0]]
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
        empty &= _column_texts(body.iloc[:, i])[0].isna().to_numpy()
    if empty.any():
        skipped = rows[empty]
        label = "case" if fmt == "sav" else "row"
        shown = ", ".join(str(r) for r in skipped[:20]) + (" …" if len(skipped) > 20 else "")
        notes.append(f"empty {label}s skipped ({len(skipped)}): {shown}")
    if (~empty).sum() == 0:
        raise SurveyFileError(f"{name}: no data rows under the header")
    return _Table(file=name, format=fmt, frame=frame.loc[~empty].reset_index(drop=True),
                  rows=rows[~empty], labels=labels, notes=notes,
                  repeated={c: [i + 1 for i in p] for c, p in positions.items() if len(p) > 1})


def _decode(data: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as error:
            raise SurveyFileError(f"{name}: not valid {encoding} text (byte {error.start}); "
                                  "fix file.encoding in the mapping") from None
    for candidate in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(candidate), "UTF-8" if candidate == "utf-8-sig" else candidate
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _sniff_separator(text: str, skip: int) -> str:
    """The separator giving the header most columns with the same count on every row read."""
    sample = text[:_SNIFF_CHARS]
    records = []
    for separator in _SEPARATORS:
        rows = list(csv.reader(io.StringIO(sample), delimiter=separator))[skip:]
        if len(text) > len(sample):
            rows = rows[:-1]  # possibly cut in the middle
        counts = [len(r) for r in rows if any(cell.strip() for cell in r)]
        if counts:
            records.append((counts[0] > 1 and all(c == counts[0] for c in counts),
                            counts[0], separator))
    if not records:
        return ","
    return max(records, key=lambda r: (r[0], r[1], -_SEPARATORS.index(r[2])))[2]


def _decimal(table: _Table, columns: list[str], decimal: str | None) -> str:
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


def _require_columns(table: _Table, used: dict[str, str], mapping_source: str) -> None:
    missing = [c for c in used if c not in table.frame.columns]
    if missing:
        import difflib

        folded = {normalize_key(c): c for c in table.frame.columns}
        parts = []
        for column in missing:
            close = difflib.get_close_matches(normalize_key(column), list(folded), n=1)
            hint = f" (did you mean {folded[close[0]]!r}?)" if close else ""
            parts.append(f"{column!r} ({used[column]} in {Path(mapping_source).name}){hint}")
        raise SurveyFileError(f"{table.file}: missing column{'s' if len(parts) > 1 else ''} "
                              f"{', '.join(parts)}; columns in the file: "
                              f"{list(table.frame.columns)}")
    for column in used:
        if column in table.repeated:
            raise SurveyFileError(f"{table.file}: column {column!r} appears several times in "
                                  f"the header (positions {table.repeated[column]})")


# --- cells --------------------------------------------------------------------------------

def _cell_text(value: object) -> str | None:
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


def _column_texts(column: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Cells as text (missing when empty, see :func:`_cell_text`) and the text-cell mask."""
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
        texts = np.array([_cell_text(u) for u in uniques] + [None], dtype=object)
        out[others] = texts[codes]  # code -1 (missing) takes the trailing None
    return pd.Series(out, index=column.index, dtype=object), is_text


def _column_numbers(column: pd.Series, texts: pd.Series, is_text: np.ndarray, decimal: str
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
        parsed[ok] = pd.to_numeric(text[ok]).to_numpy(dtype=float)
        numbers[written] = parsed
        invalid[written] = ~ok
    return (pd.Series(numbers, index=column.index),
            pd.Series(invalid, index=column.index))


def _identities(ids, labels=()) -> dict[str, str]:
    """Normalised id or label → id (labels given in the same order as ids)."""
    ids = list(ids)
    table = {normalize_key(i): i for i in ids}
    table.update({normalize_key(label): i for i, label in zip(ids, labels, strict=False)})
    return table


def _item_identities() -> dict[str, str]:
    table = {}
    for kind, items in ITEMS.items():
        for item_id, item in items.items():
            target = f"{kind}:{item_id}"
            table.update({normalize_key(k): target for k in (target, item_id, item.label)})
    return table


@cache
def _territory_codes(root: Path | None) -> dict[str, frozenset[str]]:
    """Valid codes of each level, from the geometry artifacts."""
    from geodata import store

    return {level: frozenset(store.attributes(name, root)["code"].astype(str))
            for level, name in _GEODATA_LEVELS.items()}


def _territory_reason(code: str, level: str, valid: dict[str, frozenset[str]]) -> str:
    label = level_of(level).label
    if level == "france":
        return f"territory level 'france' takes the code 'FR', not {code!r}"
    if code == "FR":
        return f"code 'FR' is for level 'france', not {label}"
    others = [level_of(lv).label for lv, codes in valid.items() if code in codes]
    if others:
        return (f"{code!r} is a {' or '.join(others)} code, not a {label} code "
                f"(territory level {level!r})")
    if level == "commune":
        from indicators.crosswalk import crosswalk

        walk = crosswalk()
        if code in walk.kind.index:
            kind, target = walk.kind[code], walk.target[code]
            if kind == "ARM":
                return (f"{code!r} is a municipal arrondissement: use the commune code "
                        f"{target!r}")
            return (f"{code!r} is no longer a commune: merged into {target!r} "
                    "(commune nouvelle); recode it")
    return f"unknown {label} code {code!r}"


# --- validation ---------------------------------------------------------------------------

class _Validator:
    """Vectorised checks on a :class:`_Table`, collecting rejections."""

    def __init__(self, table: _Table, decimal: str, mapping_source: str):
        self.table = table
        self.decimal = decimal
        self.mapping = Path(mapping_source).name
        self.index = table.frame.index
        self.rejected = np.zeros(len(table.frame), dtype=bool)
        self.problems: list[tuple[int, int, str, str, str]] = []
        """(position, order of the check, column, value, reason)."""
        self.notes = list(table.notes)

    # bookkeeping
    def reject(self, mask: pd.Series, column: str,
               reason: str | Callable[[str], str], values: pd.Series | None = None) -> None:
        """Reject the rows of ``mask``; ``reason`` may be a function of the shown value."""
        positions = np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool))
        if not len(positions):
            return
        self.rejected[positions] = True
        order = len(self.problems)
        for position in positions:
            raw, shown = ("", "") if values is None else _shown(values.iloc[position])
            text = reason(shown) if callable(reason) else reason
            self.problems.append((int(position), order, column, raw, text))

    def valid_rows(self, keep_valid_rows: bool) -> pd.Series:
        """Mask of accepted rows; raise :class:`ImportRejected` when all-or-nothing."""
        if self.rejected.any() and not keep_valid_rows:
            raise ImportRejected(self.report(0))
        return pd.Series(~self.rejected, index=self.index)

    def report(self, n_accepted: int) -> ImportReport:
        """The import report."""
        table = self.table
        rejections = tuple(
            Rejection(file=table.file, row=int(table.rows[p]), column=c, value=v, reason=r,
                      row_label=table.row_label)
            for p, _, c, v, r in sorted(self.problems, key=lambda x: (x[0], x[1])))
        return ImportReport(file=table.file, format=table.format, n_rows=len(table.frame),
                            n_accepted=n_accepted, rejections=rejections,
                            notes=tuple(self.notes))

    @staticmethod
    def column(field: Field, key: str) -> str:
        """Name of a field's column in messages (a constant names the mapping key)."""
        return field.column if field.column is not None else f"{key} (constant)"

    # cells
    def text(self, field: Field) -> pd.Series:
        """A field as text (missing when empty)."""
        if field.is_constant:
            return pd.Series([str(field.constant)] * len(self.index), index=self.index,
                             dtype=object)
        return self.table.texts(field.column)[0]

    def numbers(self, column: str) -> tuple[pd.Series, pd.Series]:
        """A column as floats (NaN when missing) and the mask of non-numbers."""
        return self.table.numbers(column, self.decimal)

    def translate(self, field: Field, key: str, what: str,
                  identities: dict[str, str]) -> pd.Series:
        """Map values or (SAV) value labels to ids; reject missing and unknown values."""
        texts = self.text(field)
        if field.is_constant:
            return texts
        lookup = dict(identities)
        lookup.update({normalize_key(k): v for k, v in field.values.items()})
        labels = self.table.labels.get(field.column, {})
        found: dict[str, str | None] = {}
        for text in texts.dropna().unique():
            target = lookup.get(normalize_key(text))
            label = labels.get(normalize_key(text))
            if target is None and label is not None:
                target = lookup.get(normalize_key(label))
            found[text] = target
        mapped = texts.map(found).astype(object)
        column = field.column
        self.reject_missing(texts, field, what)
        valid = sorted(set(identities.values()))
        self.reject(texts.notna() & mapped.isna(), column,
                    lambda v: f"unknown {what} {v}; valid: {', '.join(valid)} (or map it under "
                              f"columns.{key}.values in {self.mapping})",
                    self.shown(texts, field))
        return mapped

    def shown(self, texts: pd.Series, field: Field) -> pd.Series:
        """Values as shown in messages: ``'2' (label 'Élu')`` for labelled SAV codes."""
        labels = self.table.labels.get(field.column or "", {})
        if not labels:
            return texts
        def show(text: object) -> object:
            key = normalize_key(text) if isinstance(text, str) else None
            return _Shown(f"{text!r} (label {labels[key]!r})", text) if key in labels else text

        return pd.Series([show(t) for t in texts], index=self.index, dtype=object)

    # fields
    def reject_missing(self, texts: pd.Series, field: Field, what: str) -> None:
        """Reject rows where the field is missing."""
        self.reject(texts.isna(), self.column(field, what), f"missing {what}")

    def reject_duplicates(self, ids: pd.Series, field: Field) -> None:
        """Reject every row of an id given more than once."""
        duplicated = ids.notna() & ids.duplicated(keep=False)
        if not duplicated.any():
            return
        rows = pd.Series(self.table.rows, index=self.index)
        where = rows[duplicated].groupby(ids[duplicated]).agg(list).to_dict()
        label = self.table.row_label
        shown = pd.Series([_Shown(f"{t!r} (on {label}s {', '.join(map(str, where[t]))})", t)
                           if t in where else None for t in ids], index=self.index, dtype=object)
        self.reject(duplicated, self.column(field, "respondent_id"),
                    lambda v: f"duplicate respondent id {v}", shown)

    def codes(self, field: Field, level: pd.Series) -> pd.Series:
        """Territory codes, with leading zeros restored if ``zero_pad`` (noted)."""
        texts = self.text(field)
        if field.column is not None:
            self.reject_missing(texts, field, "territory code")
        if not field.zero_pad:
            return texts
        padded = pd.Series([
            t.zfill(_CODE_WIDTH[lv]) if isinstance(t, str) and t.isdigit() and lv in _CODE_WIDTH
            else t for t, lv in zip(texts, level, strict=True)], index=self.index, dtype=object)
        changed = texts.notna() & (padded != texts)
        if changed.any():
            first = changed.idxmax()
            self.notes.append(f"leading zeros restored on {int(changed.sum())} territory codes "
                              f"(e.g. {texts[first]!r} → {padded[first]!r}, "
                              f"{self.table.row_label} {self.table.rows[first]})")
        return padded

    def territories(self, code: pd.Series, level: pd.Series, field: Field,
                    valid: dict[str, frozenset[str]]) -> None:
        """Reject unknown codes and codes of another level than the row's."""
        ok = pd.Series(False, index=self.index)
        for lv, codes in valid.items():
            ok |= (level == lv) & code.isin(codes)
        ok |= (level == "france") & (code == "FR")
        bad = code.notna() & level.notna() & ~ok
        if not bad.any():
            return
        reasons = {(c, lv): _Shown(_territory_reason(c, lv, valid), c)
                   for c, lv in set(zip(code[bad], level[bad], strict=True))}
        shown = pd.Series([reasons.get(p) for p in zip(code, level, strict=True)],
                          index=self.index, dtype=object)
        self.reject(bad, self.column(field, "territory_code"), lambda v: v, shown)

    def positive(self, field: Field, what: str) -> pd.Series:
        """A positive number (a constant was checked by the mapping)."""
        if field.is_constant:
            return pd.Series(float(field.constant), index=self.index)
        numbers, invalid = self.numbers(field.column)
        texts = self.text(field)
        self.reject_missing(texts, field, what)
        self.reject(invalid, field.column, lambda v: f"{what} {v} is not a number", texts)
        self.reject(numbers <= 0, field.column, lambda v: f"{what} must be > 0, got {v}", texts)
        return numbers

    def ranking(self, ranking: Ranking) -> dict[str, pd.Series]:
        """Rank columns of the model for one ranking (dimensions or domains)."""
        kind, n = ranking.kind, ranking.n_items
        if ranking.ranks:
            matrix = {}
            for item, column in ranking.ranks.items():
                numbers, invalid = self.numbers(column)
                texts = self.table.texts(column)[0]
                whole = numbers.notna() & (numbers == numbers.round())
                self.reject(invalid | (numbers.notna() & ~whole), column,
                            lambda v, k=kind: f"{k} rank {v} is not a whole number", texts)
                outside = whole & ((numbers < 1) | (numbers > n))
                self.reject(outside, column,
                            lambda v, k=kind: f"{k} rank {v} is out of range 1–{n}", texts)
                matrix[item] = numbers.where(whole & ~outside)
            ranks = pd.DataFrame(matrix, index=self.index)
            self._distinct_ranks(ranks, dict(ranking.ranks), kind)
        else:
            ranks = self._choices(ranking)
        prefix = _RANK_PREFIX[kind]
        return {prefix + item: ranks[item].round().astype("Int64") if item in ranks
                else pd.Series(pd.NA, index=self.index, dtype="Int64") for item in ITEMS[kind]}

    def _distinct_ranks(self, ranks: pd.DataFrame, columns: dict[str, str], kind: str) -> None:
        """Reject a rank given twice, and ranks that skip a number (1, 3 without 2)."""
        values = ranks.to_numpy()
        names = [columns[item] for item in ranks.columns]
        duplicated = np.zeros(len(ranks), dtype=bool)
        for rank in np.unique(values[~np.isnan(values)]):
            hits = values == rank
            rows = np.flatnonzero(hits.sum(axis=1) > 1)
            duplicated[rows] = True
            blocks: dict[str, list[int]] = {}
            for position in rows:
                block = ", ".join(n for n, h in zip(names, hits[position], strict=True) if h)
                blocks.setdefault(block, []).append(position)
            for block, positions in blocks.items():
                mask = np.zeros(len(ranks), dtype=bool)
                mask[positions] = True
                self.reject(pd.Series(mask, index=self.index), block,
                            f"rank {int(rank)} given to several {kind}s ({block})")
        count = (~np.isnan(values)).sum(axis=1)
        top = np.where(np.isnan(values), 0, values).max(axis=1)
        gaps = (top > count) & ~duplicated
        if gaps.any():
            shown = pd.Series(None, index=self.index, dtype=object)
            for position in np.flatnonzero(gaps):
                given = set(values[position][~np.isnan(values[position])].astype(int))
                skipped = [str(r) for r in range(1, int(top[position]) + 1) if r not in given]
                shown.iloc[position] = _Shown(", ".join(skipped),
                                              ", ".join(map(str, sorted(given))))
            self.reject(pd.Series(gaps, index=self.index), ", ".join(names),
                        lambda v: f"{kind} ranks skip {v}: ranks must run 1, 2, 3… without "
                        "gaps", shown)

    def _choices(self, ranking: Ranking) -> pd.DataFrame:
        kind = ranking.kind
        identities = _identities(ITEMS[kind], [i.label for i in ITEMS[kind].values()])
        lookup = dict(identities)
        lookup.update({normalize_key(k): v for k, v in ranking.values.items()})
        chosen, present = [], []
        for position, column in enumerate(ranking.choices):
            field = Field(column=column, values=ranking.values)
            texts = self.text(field)
            labels = self.table.labels.get(column, {})
            found = {}
            for text in texts.dropna().unique():
                key = normalize_key(text)
                target = lookup.get(key)
                if target is None and key in labels:
                    target = lookup.get(normalize_key(labels[key]))
                found[text] = target
            mapped = texts.map(found).astype(object)
            ordinal = _ordinal(position)
            self.reject(texts.notna() & mapped.isna(), column,
                        lambda v, o=ordinal: f"{o} choice {v} is not a known {kind}; valid: "
                        f"{', '.join(ITEMS[kind])} (or map it under {kind}s.values in "
                        f"{self.mapping})", self.shown(texts, field))
            chosen.append(mapped)
            present.append(texts.notna())
        columns = ranking.choices
        for later in range(1, len(columns)):
            self.reject(present[later] & ~present[later - 1], columns[later],
                        f"{_ordinal(later)} choice given without a {_ordinal(later - 1)} choice "
                        f"({columns[later - 1]} is empty)")
            for earlier in range(later):
                same = chosen[later].notna() & (chosen[later] == chosen[earlier])
                self.reject(same, f"{columns[earlier]}, {columns[later]}",
                            lambda v, a=earlier, b=later: f"{kind} {v} chosen twice "
                            f"({_ordinal(a)} and {_ordinal(b)} choice)", chosen[later])
        ranks = pd.DataFrame(np.nan, index=self.index, columns=list(ITEMS[kind]))
        for position in reversed(range(len(columns))):
            for item in ITEMS[kind]:
                ranks.loc[chosen[position] == item, item] = position + 1
        return ranks

    def actors_of_waves(self, actor: pd.Series, wave: pd.Series, waves: dict[str, Wave],
                        field: Field) -> None:
        """Reject respondents whose actor type was not surveyed in their wave."""
        for wave_id, spec in waves.items():
            if spec.actors:
                bad = (wave == wave_id) & actor.notna() & ~actor.isin(spec.actors)
                self.reject(bad, self.column(field, "actor"),
                            lambda v, w=spec: f"actor {v} was not surveyed in wave {w.id!r} "
                            f"(actors: {', '.join(w.actors)})", actor)

    def share(self, field: Field, divisor: float, unit: str) -> pd.Series:
        """Shares brought into [0, 1]; reject missing, non-numbers and shares outside."""
        if field.is_constant:
            return pd.Series(float(field.constant) / divisor, index=self.index)
        numbers, invalid = self.numbers(field.column)
        texts = self.text(field)
        self.reject_missing(texts, field, "share")
        self.reject(invalid, field.column, lambda v: f"share {v} is not a number", texts)
        top = "1" if divisor == 1 else f"{divisor:g} (share_unit: {unit})"
        self.reject((numbers < 0) | (numbers > divisor), field.column,
                    lambda v: f"share {v} is outside 0–{top}", texts)
        return numbers / divisor

    def sample_sizes(self, raw: Field | None, effective: Field | None
                     ) -> tuple[pd.Series, pd.Series]:
        """Unweighted and effective n (missing if not given): positive, effective ≤ raw."""
        sizes = []
        for field, what in ((raw, "n_unweighted"), (effective, "n_effective")):
            if field is None:
                self.notes.append(f"{what} not given: left missing")
                sizes.append(pd.Series(np.nan, index=self.index))
                continue
            if field.is_constant:
                sizes.append(pd.Series(float(field.constant), index=self.index))
                continue
            numbers, invalid = self.numbers(field.column)
            texts = self.text(field)
            self.reject(invalid, field.column, lambda v, w=what: f"{w} {v} is not a number",
                        texts)
            bad = numbers <= 0
            if what == "n_unweighted":
                bad |= numbers.notna() & (numbers != numbers.round())
            self.reject(bad, field.column, lambda v, w=what: f"{w} must be a positive "
                        f"{'whole ' if w == 'n_unweighted' else ''}number, got {v}", texts)
            if texts.isna().any():
                self.notes.append(f"{what} missing on {int(texts.isna().sum())} rows")
            sizes.append(numbers)
        n_raw, n_eff = sizes
        column = effective.column if effective is not None and effective.column else "n_effective"
        pairs = pd.Series([_Shown(f"{e:g} > {r:g}", f"{e:g}") for e, r in zip(n_eff, n_raw,
                                                                              strict=True)],
                          index=self.index, dtype=object)
        self.reject(n_eff > n_raw, column,
                    lambda v: f"n_effective exceeds n_unweighted ({v})", pairs)
        return n_raw, n_eff

    def aggregate_consistency(self, frame: pd.DataFrame, mapping: AggregateMapping) -> None:
        """Reject repeated keys, and a share ranked first above first-or-second."""
        key = ["territory_code", "territory_level", "actor", "item", "measure"]
        known = frame[key].notna().all(axis=1)
        rows = pd.Series(self.table.rows, index=self.index)
        label = self.table.row_label
        duplicated = known & frame.duplicated(key, keep=False)
        if duplicated.any():
            groups = rows[duplicated].groupby([frame.loc[duplicated, k] for k in key])
            where = {g: list(r) for g, r in groups}
            shown = pd.Series([_Shown(", ".join(map(str, where[tuple(k)]))) if d else None
                               for k, d in zip(frame[key].itertuples(index=False), duplicated,
                                               strict=True)], index=self.index,
                              dtype=object)
            self.reject(duplicated, "(row)", lambda v: f"same territory, actor, item and "
                        f"measure on {label}s {v}", shown)
        column = mapping.fields["share"].column or "share"
        unique = known & ~duplicated & frame["share"].notna()
        first = frame[unique & (frame["measure"] == "first")]
        second = frame[unique & (frame["measure"] == "first_or_second")]
        both = first.reset_index().merge(second.reset_index(), on=key[:4],
                                         suffixes=("", "_2"))
        both = both[both["share"] > both["share_2"] + 1e-12]
        for _, pair in both.iterrows():
            text = (f"share ranked first ({pair['share']:g}) exceeds the share ranked first "
                    f"or second ({pair['share_2']:g}) for {pair['item']}")
            for position in (pair["index"], pair["index_2"]):
                self.reject(pd.Series(self.index == position, index=self.index), column, text)


class _Shown(str):
    """Text shown as is in a message, keeping the cell's raw value for the report."""

    raw: str

    def __new__(cls, shown: str, raw: str = ""):
        text = super().__new__(cls, shown)
        text.raw = raw
        return text


def _shown(value: object) -> tuple[str, str]:
    """``(raw value, value as shown in the reason)``."""
    if not isinstance(value, str) and pd.isna(value):
        return "", ""
    if isinstance(value, _Shown):
        return value.raw, str(value)
    return str(value), repr(str(value))


def _ordinal(position: int) -> str:
    return _ORDINALS[position] if position < len(_ORDINALS) else f"choice #{position + 1}"


def _as_mapping(mapping, kind: type):
    if isinstance(mapping, str | PathLike):
        mapping = load_mapping(mapping)
    if not isinstance(mapping, kind):
        form = "respondents" if kind is RespondentMapping else "aggregates"
        raise TypeError(f"expected a mapping of form '{form}', got {type(mapping).__name__}"
                        + (f" from {mapping.source}" if hasattr(mapping, "source") else ""))
    return mapping


def _waves_with_actors(waves: tuple[Wave, ...], frame: pd.DataFrame) -> tuple[Wave, ...]:
    """Waves as declared; a wave declared without actors gets those found in its rows."""
    return tuple(w if w.actors else dataclasses.replace(w, actors=tuple(
        a for a in ACTORS if ((frame["wave"] == w.id) & (frame["actor"] == a)).any()))
        for w in waves)


def _share_sum_notes(frame: pd.DataFrame) -> list[str]:
    """Notes on complete sets of items whose shares do not sum to 1 (first) or 2."""
    notes = []
    target = {"first": 1.0, "first_or_second": 2.0}
    kind = frame["item"].str.split(":").str[0]
    for keys, group in frame.groupby([frame["territory_code"], frame["actor"],
                                      frame["measure"], kind]):
        code, actor, measure, item_kind = keys
        if len(group) == len(ITEMS[item_kind]):
            total = group["share"].sum()
            if abs(total - target[measure]) > 0.005 * len(group) + 1e-9:
                notes.append(f"shares of the {len(group)} {item_kind}s ({code}, {actor}, "
                             f"{measure}) sum to {total:.3f}, not {target[measure]:g}")
    return notes
