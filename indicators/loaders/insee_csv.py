"""Load an INSEE CSV file, or the INSEE zip that holds one, exactly as downloaded.

INSEE files are ``;``-separated, with a decimal comma or point, secret cells written ``s``
(or left blank, or ``nd``, see :data:`~indicators.loaders.base.SECRET_MARKERS`), UTF-8 with
or without a BOM, or latin-1 for older files. The helpers of this module (reading bytes from
a file or a zip member, decoding, splitting rows, parsing numbers, checking codes) are the
text conventions shared by the other loaders of this package.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.loaders.base import (
    SECRET_MARKERS,
    Conflict,
    LoadError,
    LoadResult,
    Rejected,
    VintageError,
)
from indicators.loaders.commune_codes import arm_parent  # noqa: F401 (re-exported)
from indicators.loaders.csv_columns import data_file, read_columns, scan, split_header
from indicators.vintage import declared_year, has_placeholder, resolve_columns, suffix_years

CODE_PATTERNS = {
    "commune": re.compile(r"[0-9]{5}|2[AB][0-9]{3}"),
    "departement": re.compile(r"[0-9]{2}|2[AB]|97[0-9]"),
    "region": re.compile(r"[0-9]{2}"),
}
"""Valid code of each geographic level (full match)."""

CODE_WIDTH = {"commune": 5, "departement": 2, "region": 2}
REGION_CODES = frozenset({"01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44",
                          "52", "53", "75", "76", "84", "93", "94"})
_NUMBER = r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?"
_MARKERS = frozenset(m.casefold() for m in SECRET_MARKERS)
_LEVEL_TOKENS = {"COM": "commune", "DEP": "departement", "REG": "region"}


def read_bytes(path: str | Path, member: str | None = None,
               max_bytes: int | None = None) -> tuple[bytes, str]:
    """Bytes of a file, or of the data member of a zip archive, and the name to report.

    A zip (by suffix or signature) is read in memory; its data member is ``member`` or the
    only ``.csv``/``.txt`` member whose name does not start with ``meta``. A file (or
    member) above ``max_bytes`` (default :data:`~indicators.loaders.base.MAX_FILE_BYTES`)
    is refused before it is read.
    """
    source = data_file(path, member, max_bytes)
    try:
        with source.open() as stream:
            return stream.read(), source.name
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise LoadError(path, f"not a readable zip archive (truncated or damaged): {exc}"
                        ) from exc


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), else latin-1/Windows-1252; say which.

    Raises
    ------
    LoadError
        For UTF-16, binary content, or bytes that are neither UTF-8 nor latin-1 text.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(file, "encoded in UTF-16; expected UTF-8 or latin-1")
    if b"\x00" in data:
        raise LoadError(file, "contains NUL bytes: binary, not a text file")
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig")
        encoding = "UTF-8 with BOM" if bom else "UTF-8"
    except UnicodeDecodeError as exc:
        if bom:
            line = data[:exc.start].count(b"\n") + 1
            raise LoadError(file, f"has a UTF-8 BOM but byte {data[exc.start]:#x} is not "
                                  "UTF-8", row=line) from exc
        if re.search(rb"\xc3[\x80-\xbf]", data):
            line = data[:exc.start].count(b"\n") + 1
            raise LoadError(file, "mixes UTF-8 text with bytes that are not UTF-8 "
                                  f"(byte {data[exc.start]:#x}): damaged or re-encoded file",
                            row=line) from exc
        text, encoding = data.decode("latin-1"), "latin-1"
        if re.search("[\x80-\x9f]", text):
            try:
                text, encoding = data.decode("cp1252"), "Windows-1252"
            except UnicodeDecodeError as exc2:
                line = data[:exc2.start].count(b"\n") + 1
                raise LoadError(file, "is neither UTF-8 nor latin-1 text "
                                      f"(byte {data[exc2.start]:#x})", row=line) from exc2
    bad = re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if bad:
        line = text[:bad.start()].count("\n") + 1
        raise LoadError(file, f"control character {bad.group()!r}: not a text file", row=line)
    return text, encoding


@dataclass
class Rows:
    """Cells of a delimited text file, as strings, with the line number of each row."""

    file: str
    header: list[str]
    cells: dict[str, list[str]]
    lines: list[int]
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        """The cells as a string DataFrame indexed by line number."""
        return pd.DataFrame(self.cells, index=pd.Index(self.lines, name="row"), dtype=object)


def read_rows(text: str, file: str, sep: str | None = None,
              columns: Sequence[str] | None = None) -> Rows:
    """Split ``text`` into rows; keep ``columns`` (all by default).

    The separator is ``sep`` or, when ``None``, the most frequent of ``;``, tab and ``,`` in
    the header. Blank lines are skipped. A row whose field count differs from the header's
    is rejected; when most rows do, the separator is wrong and a ``LoadError`` is raised.
    """
    header, sep = split_header(text.split("\n", 1)[0].rstrip("\r"), file, sep)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    next(reader, [])  # the header, split above
    keep = header if columns is None else list(columns)
    missing = [c for c in keep if c not in header]
    if missing:
        close = difflib.get_close_matches(missing[0], header, n=3)
        raise LoadError(file, "column not found" + (f" (close: {close})" if close else ""),
                        column=missing[0])
    index = [header.index(c) for c in keep]
    rows = Rows(file, header, {c: [] for c in keep}, [])
    bad_width = 0
    for record in reader:
        if not record or record == [""]:
            continue
        if len(record) != len(header):
            bad_width += 1
            rows.rejected.append(Rejected(file, reader.line_num, None, sep.join(record)[:80],
                                          f"{len(record)} fields, header has {len(header)}"))
            continue
        rows.lines.append(reader.line_num)
        for c, i in zip(keep, index, strict=True):
            rows.cells[c].append(record[i])
    if bad_width and bad_width >= len(rows.lines):
        first_bad = rows.rejected[0]
        raise LoadError(file, f"{bad_width} rows do not have the header's {len(header)} "
                        f"fields ({first_bad.reason}): wrong separator or quoting?",
                        row=first_bad.row)
    return rows


@dataclass
class Numbers:
    """Cells parsed as numbers: values (NaN unless a number), and masks of the cells."""

    values: pd.Series
    missing: pd.Series
    """Blank or secret (a marker)."""
    bad: pd.Series
    """Neither a number nor missing."""
    comma: pd.Series
    """A number written with a decimal comma."""
    point: pd.Series
    """A number written with a decimal point."""


def parse_numbers(raw: pd.Series, markers: Sequence[str] = ()) -> Numbers:
    """Parse strings as floats: decimal comma or point, blanks and secret markers as NaN.

    ``markers`` adds to :data:`~indicators.loaders.base.SECRET_MARKERS` (compared without
    case). Any other non-number is flagged in ``bad`` (and is NaN in ``values``).

    >>> n = parse_numbers(pd.Series(["1,5", "s", "", "2.0", "x", "-3e2"]))
    >>> n.values.tolist()[:2], n.missing.tolist(), n.bad.tolist()[4], float(n.values.iloc[5])
    ([1.5, nan], [False, True, True, False, False, False], True, -300.0)
    """
    array = pa.array(raw.astype(str).to_numpy(dtype=object), pa.string())
    parsed = parse_array(array, markers)
    return Numbers(*(pd.Series(a, index=raw.index) for a in parsed))


def parse_array(array: pa.Array, markers: Sequence[str] = ()
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised core of :func:`parse_numbers` on a pyarrow string array.

    Returns the values (float, NaN unless a number) and the masks ``missing``, ``bad``,
    ``comma`` and ``point``, as numpy arrays.
    """
    text = pc.utf8_trim_whitespace(array)
    number = pc.fill_null(pc.match_substring_regex(text, f"^{_NUMBER}$"), False)
    folded = pa.array(sorted(_MARKERS | {m.casefold() for m in markers}), pa.string())
    missing = pc.and_(pc.invert(number),
                      pc.or_(pc.equal(text, ""), pc.is_in(pc.utf8_lower(text), folded)))
    missing = pc.fill_null(missing, True)
    digits = pc.if_else(number, pc.replace_substring(text, ",", "."),
                        pa.scalar(None, pa.string()))
    try:
        values = pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:  # e.g. "1e999": Python says inf
        values = np.array([np.nan if v is None else float(v) for v in digits.to_pylist()],
                          dtype=float)
    number_np = number.to_numpy(zero_copy_only=False).astype(bool)
    missing_np = missing.to_numpy(zero_copy_only=False).astype(bool)
    comma = pc.and_(number, pc.match_substring(text, ",")).to_numpy(zero_copy_only=False)
    point = pc.and_(number, pc.match_substring(text, ".")).to_numpy(zero_copy_only=False)
    return (values.astype(float), missing_np, ~(number_np | missing_np), comma.astype(bool),
            point.astype(bool))


def guess_level(codes: pd.Series, file: str) -> str:
    """Geographic level from the file name (``_COM``, ``_DEP``, ``_REG``), else the codes."""
    tokens = re.split(r"[^A-Za-z]+", Path(file.split("::")[-1]).stem.upper())
    for token, level in _LEVEL_TOKENS.items():
        if token in tokens:
            return level
    codes = codes[codes != ""]
    if codes.empty or codes.str.len().median() >= 4:
        return "commune"
    return "region" if codes.isin(REGION_CODES).all() else "departement"


def check_codes(codes: pd.Series, file: str, column: str, level: str,
                repair: bool = True, unique: bool = True, reject_duplicates: bool = True
                ) -> tuple[pd.Series, list[Rejected], list[str]]:
    """Check codes (indexed by row number); repair lost leading zeros when unambiguous.

    Returns the codes (repaired), the rejected rows (empty, invalid or, when ``unique``,
    duplicated code) and notes. Codes that lost their leading zero (``1001`` for
    ``01001``: a column read as integers) are left-padded when no code of the column kept
    its zero and, for ``unique`` codes, no padded code collides with another code of the
    file; otherwise a ``LoadError`` names the column.
    """
    codes = codes.astype(str).str.strip()
    pattern, width = CODE_PATTERNS[level], CODE_WIDTH[level]
    notes: list[str] = []
    short = codes.str.fullmatch(rf"[0-9]{{{width - 1}}}")
    if short.any():
        example = f"{codes[short].iloc[0]!r} at row {codes[short].index[0]}"
        padded = "0" + codes[short]
        clash = padded.isin(set(codes[~short])) & unique
        kept_zero = codes[~short].str.fullmatch(rf"0[0-9]{{{width - 1}}}")
        if not repair:
            raise LoadError(file, f"{int(short.sum())} codes lost their leading zero "
                                  f"(e.g. {example}); pass repair_codes=True", column=column)
        if clash.any() or kept_zero.any():
            why = (f"{padded[clash].iloc[0]!r} would collide with an existing code"
                   if clash.any() else
                   f"other codes kept theirs (e.g. {codes[~short][kept_zero].iloc[0]!r})")
            raise LoadError(file, f"{int(short.sum())} codes lost their leading zero (e.g. "
                                  f"{example}) but the repair is ambiguous: {why}",
                            column=column)
        codes = codes.where(~short, "0" + codes)
        notes.append(f"codes repaired: leading zeros restored in {int(short.sum())} rows "
                     f"(column {column!r}, e.g. {example})")
    rejected = []
    valid = codes.str.fullmatch(pattern.pattern)
    for row, code in codes[~valid].items():
        reason = "empty code" if code == "" else f"invalid {level} code"
        rejected.append(Rejected(file, int(row), column, code, reason))
    if unique and reject_duplicates:
        first_row: dict[str, int] = {}
        for row, code in codes[valid].items():
            if code in first_row:
                rejected.append(Rejected(file, int(row), column, code,
                                         f"duplicate code (first at row {first_row[code]})"))
            else:
                first_row[code] = row
    return codes, rejected, notes


@dataclass
class NumericTable:
    """Columns of a table parsed by :func:`numeric_table`."""

    numbers: pd.DataFrame
    """Numeric columns, float, NaN where blank or secret."""
    missing: pd.DataFrame
    """Mask of the blank or secret cells of ``numbers``."""
    texts: pd.DataFrame
    """Columns kept as text."""
    rejected: list[Rejected]
    notes: list[str]


def numeric_table(frame: pd.DataFrame, file: str, markers: Sequence[str] = (),
                  text: Sequence[str] = (), detect_text: bool = True) -> NumericTable:
    """Parse the columns of ``frame`` (strings indexed by row number) as numbers.

    Columns named in ``text``, and with ``detect_text`` those whose filled cells are mostly
    not numbers, are kept as text. A row holding a non-number in a numeric column is
    rejected, its first such column named. Only the columns of ``frame`` are looked at:
    pass only those to be kept, so that a row is never rejected for a column not kept.
    """
    arrays = {c: pa.array(frame[c].astype(str).to_numpy(dtype=object), pa.string())
              for c in frame.columns}
    return numeric_columns(arrays, frame.index, file, markers, text, detect_text)


def numeric_columns(columns: Mapping[str, pa.Array], index: pd.Index, file: str,
                    markers: Sequence[str] = (), text: Sequence[str] = (),
                    detect_text: bool = True) -> NumericTable:
    """:func:`numeric_table` on pyarrow string arrays (one per column, rows in ``index``)."""
    parsed = {c: parse_array(a, markers) for c, a in columns.items()}
    texts, notes = [], []
    for c, (_, missing, bad, _, _) in parsed.items():
        if c in text:
            texts.append(c)
        elif detect_text and bad.sum() > 0.5 * (~missing).sum():
            texts.append(c)
            notes.append(f"column {c!r} read as text (its values are mostly not numbers)")
    numeric = [c for c in columns if c not in texts]
    rejected = []
    if numeric:
        bad = np.column_stack([parsed[c][2] for c in numeric])
        for position in np.flatnonzero(bad.any(axis=1)):
            column = numeric[int(bad[position].argmax())]
            rejected.append(Rejected(file, int(index[position]), column,
                                     str(columns[column][int(position)].as_py()),
                                     "not a number"))
    n_comma = sum(bool(parsed[c][3].any()) for c in numeric)
    n_point = sum(bool(parsed[c][4].any()) for c in numeric)
    if n_comma and n_point:
        notes.append(f"decimal comma in {n_comma} columns, point in {n_point}")
    elif n_comma or n_point:
        notes.append(f"decimal mark: {'comma' if n_comma else 'point'}")
    numbers = pd.DataFrame({c: parsed[c][0] for c in numeric}, index=index, dtype=float)
    missing = pd.DataFrame({c: parsed[c][1] for c in numeric}, index=index, dtype=bool)
    text_frame = pd.DataFrame({c: pd.Series(columns[c].to_pylist(), index=index, dtype=object)
                               for c in texts}, index=index, dtype=object)
    return NumericTable(numbers, missing, text_frame.astype(str), rejected, notes)


TEXT_COLUMNS = ("LIBGEO", "LIBELLE", "LIBCOM", "LIBDEP", "LIBREG", "DEP", "REG", "EPCI",
                "ARR", "CV", "TYPE_COM")
"""Columns of INSEE tables read as text by default (names and geographic codes such as
``DEP``, whose ``2A``/``2B`` are not numbers)."""
PLM = {"75056": "Paris", "69123": "Lyon", "13055": "Marseille"}


def load_insee_csv(path: str | Path, *, code_column: str = "CODGEO",
                   columns: Sequence[str] | Mapping[str, str] | None = None,
                   year: int | None = None,
                   text_columns: Sequence[str] = TEXT_COLUMNS, level: str | None = None,
                   sep: str | None = None, member: str | None = None,
                   repair_codes: bool = True, detect_text: bool = True,
                   max_bytes: int | None = None) -> LoadResult:
    """Load an INSEE CSV file (or the data member of an INSEE zip).

    Only the code column and the columns asked for are parsed (the file is streamed, see
    :mod:`~indicators.loaders.csv_columns`): a value that is not a number in another column
    never rejects a row.

    Parameters
    ----------
    path
        ``.csv``/``.CSV`` file, or ``.zip`` archive read as a stream (never extracted).
    code_column
        Column of territory codes.
    columns
        Columns to keep besides the code (default: all). Names may hold year placeholders
        (``MED{yy}``, ``P{yy-5}_POP``, see :mod:`indicators.vintage`), resolved with
        ``year``. A mapping gives the output name of each file column (pattern).
    year
        The year expected of the file. Placeholders are resolved with it, and the year the
        file declares in its column names must be it, else a
        :class:`~indicators.loaders.base.VintageError` says which year the file declares.
    text_columns
        Columns kept as text (file column names).
    detect_text
        Also keep as text, with a note, the columns whose values are mostly not numbers
        (otherwise each row holding a non-number is rejected).
    level
        ``"commune"``, ``"departement"`` or ``"region"``; guessed from the file name
        (``_COM``, ``_DEP``, ``_REG``) or the codes when ``None``.
    sep
        Separator; guessed from the header (``;``, tab or ``,``) when ``None``.
    member
        Data member of a zip with several candidates.
    repair_codes
        Restore leading zeros lost by a spreadsheet (``1001`` → ``01001``) when unambiguous.
    max_bytes
        Size bound of the file (of the zip member once decompressed); default
        :data:`~indicators.loaders.base.MAX_FILE_BYTES`.

    Returns
    -------
    LoadResult
        ``code`` (str), at commune level ``arm`` (bool: municipal arrondissement of Paris,
        Lyon or Marseille), then the kept columns: text columns as str, others as float
        with NaN for blank or secret cells. A code on several rows is kept once (the later
        rows are rejected as duplicates); where its rows disagree on a column, the value is
        missing and each disagreement is listed in ``conflicts``. ``declared_year`` is the
        year the kept columns' names declare.

    Raises
    ------
    LoadError
        Unreadable file or zip, too large, unknown encoding, wrong separator, missing
        column, codes that lost their leading zeros when the repair is ambiguous, or
        (:class:`~indicators.loaders.base.VintageError`) a file of another year.
    """
    if level is not None and level not in CODE_PATTERNS:
        raise ValueError(f"unknown level {level!r}; valid: {sorted(CODE_PATTERNS)}")
    source = data_file(path, member, max_bytes)
    file = source.name
    scanned = scan(source)
    header, sep = split_header(scanned.header_line, file, sep)
    if code_column not in header:
        raise LoadError(file, f"code column not found; columns: {header[:12]}",
                        row=1, column=code_column)
    wanted = None if columns is None else {
        k: v for k, v in resolve_columns(columns, year).items() if v != code_column}
    declared = _check_year(file, header, columns, wanted, year)
    keep = [code_column] + ([c for c in header if c != code_column] if wanted is None
                            else list(dict.fromkeys(wanted.values())))
    rows = read_columns(source, keep, sep, scanned)
    index = pd.Index(rows.lines, name="row")
    raw_codes = pd.Series(rows.columns[code_column].to_numpy(zero_copy_only=False),
                          index=index, dtype=object)
    level = level or guess_level(raw_codes.astype(str).str.strip(), file)
    codes, rejected, notes = check_codes(raw_codes, file, code_column, level, repair_codes,
                                         reject_duplicates=False)
    notes = [f"encoding: {rows.encoding}", *notes]
    if not len(index):
        notes.append("no data rows")
    parsed = numeric_columns({c: rows.columns[c] for c in keep[1:]}, index, file,
                             text=text_columns, detect_text=detect_text)
    notes += parsed.notes
    out = pd.concat([parsed.texts, parsed.numbers], axis=1)
    dropped = {r.row for r in rejected + parsed.rejected}
    alive = ~index.isin(dropped)
    duplicates, conflicts = _duplicates(codes[alive], out[alive], rows, file, code_column)
    kept = alive & ~index.isin({r.row for r in duplicates})
    rejected += duplicates
    table = out[kept].copy()
    for conflict in conflicts:
        first = conflict.rows[0]
        table.at[first, conflict.column] = np.nan if conflict.column in parsed.numbers \
            else None
    parts = [codes[kept].rename("code").astype(str)]
    if level == "commune":
        parts.append(codes[kept].map(arm_parent).notna().rename("arm"))
    table = pd.concat([*parts, table], axis=1)
    if conflicts:
        notes.append(_conflict_note(conflicts))
    if level == "commune":
        notes += _plm_notes(table)
    notes += sparse_notes(parsed.numbers[kept])
    rename = {} if wanted is None else _renames(wanted)
    table = _renamed(table, rename)
    withheld = _renamed(parsed.missing[kept], rename)
    if declared is not None:
        notes.append(f"year declared by the column names: {declared}")
    return LoadResult(table=table.reset_index(drop=True), file=file, level=level,
                      rejected=sorted(rows.rejected + rejected + parsed.rejected,
                                      key=lambda r: r.row),
                      secret_cells={c: int(n) for c, n in withheld.sum().items()},
                      notes=notes, withheld=withheld.reset_index(drop=True),
                      declared_year=declared, conflicts=conflicts)


def _renames(wanted: Mapping[str, str]) -> dict[str, list[str]]:
    """File column → its output names."""
    out: dict[str, list[str]] = {}
    for name, column in wanted.items():
        out.setdefault(column, []).append(name)
    return out


def _renamed(frame: pd.DataFrame, rename: dict[str, list[str]]) -> pd.DataFrame:
    if not rename or all(names == [c] for c, names in rename.items()):
        return frame
    pieces = {}
    for column in frame.columns:
        for name in rename.get(column, [column]):
            pieces[name] = frame[column]
    return pd.DataFrame(pieces, index=frame.index)


def _check_year(file: str, header: list[str], columns: Sequence[str] | Mapping[str, str]
                | None, wanted: Mapping[str, str] | None, year: int | None) -> int | None:
    """The year the header declares for the columns asked for; refuse another ``year``."""
    patterns = [] if columns is None else [
        p for p in (columns.values() if isinstance(columns, Mapping) else columns)
        if has_placeholder(p)]
    if patterns:
        found = declared_year(patterns, header, expected=year)
        if found.year is not None and year is not None and found.year != year:
            raise VintageError(file, found.year, year,
                               f"columns {', '.join(found.evidence[:4])}")
        return found.year if found.complete else None
    names = header[1:] if wanted is None else list(wanted.values())
    found = suffix_years(names)
    if year is not None and found.year is not None and year not in found.years:
        raise VintageError(file, found.year, year,
                           f"columns {', '.join(found.evidence[:4])}")
    return year if year is not None and year in found.years else found.year


def _duplicates(codes: pd.Series, values: pd.DataFrame, rows, file: str, code_column: str
                ) -> tuple[list[Rejected], list[Conflict]]:
    """Later rows of a duplicated code (rejected), and the columns where the rows disagree."""
    repeated = codes.duplicated(keep=False)
    if not repeated.any():
        return [], []
    first_row = codes[repeated].groupby(codes[repeated], sort=False).transform(
        lambda s: s.index[0])
    later = codes.duplicated(keep="first")
    rejected = [Rejected(file, int(row), code_column, code,
                         f"duplicate code (first at row {int(first_row[row])})")
                for row, code in codes[later].items()]
    conflicts = []
    block = values[repeated]
    groups = codes[repeated]
    positions = {row: i for i, row in enumerate(rows.lines)} if len(block) else {}
    for column in block.columns:
        distinct = block[column].groupby(groups, sort=False).nunique(dropna=False)
        for code in distinct.index[distinct > 1]:
            lines = tuple(int(r) for r in groups.index[groups == code])
            cells = tuple(str(rows.columns[column][positions[r]].as_py()) for r in lines)
            conflicts.append(Conflict(file, code, lines, column, cells))
    return rejected, conflicts


def _conflict_note(conflicts: list[Conflict]) -> str:
    codes = sorted({c.code for c in conflicts})
    examples = "; ".join(f"{c.code} {c.column} rows {list(c.rows)}: {list(c.values)}"
                         for c in conflicts[:3])
    return (f"{len(conflicts)} values of {len(codes)} duplicated codes disagree between "
            f"their rows and are left missing (all listed in conflicts), e.g. {examples}")


def _plm_notes(table: pd.DataFrame) -> list[str]:
    """Say how Paris, Lyon and Marseille are present: commune row, arrondissements, both."""
    parents = table["code"].map(arm_parent)
    arms = parents.notna()
    if not arms.any():
        return []
    present = set(table["code"])
    both = sorted({p for p in parents[arms] if p in present})
    alone = sorted({p for p in parents[arms] if p not in present})
    notes = []
    if both:
        n = int(parents[arms].isin(both).sum())
        notes.append(f"{n} municipal arrondissement rows (arm=True) kept: "
                     f"{', '.join(PLM.get(c, c) for c in both)} also have their own commune "
                     "row, do not add both")
    if alone:
        n = int(parents[arms].isin(alone).sum())
        notes.append(f"{n} municipal arrondissement rows (arm=True) kept, without a row for "
                     f"their commune ({', '.join(PLM.get(c, c) for c in alone)}): the "
                     "commune's value is to be computed from its arrondissements")
    return notes


def sparse_notes(numbers: pd.DataFrame, share: float = 0.01) -> list[str]:
    """Notes on numeric columns where fewer than ``share`` of the rows have a value."""
    if numbers.empty:
        return []
    filled = numbers.notna().sum()
    sparse = filled[filled < share * len(numbers)]
    if sparse.empty:
        return []
    listed = ", ".join(f"{c} ({n})" for c, n in list(sparse.items())[:12])
    if len(sparse) > 12:
        listed += f" and {len(sparse) - 12} more"
    return [f"nearly empty columns (values in fewer than {share:.0%} of "
            f"{len(numbers)} rows): {listed}"]
