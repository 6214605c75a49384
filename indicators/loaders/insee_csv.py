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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators.loaders.base import SECRET_MARKERS, LoadError, LoadResult, Rejected
from indicators.loaders.commune_codes import arm_parent  # noqa: F401 (re-exported)

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
_SEPARATORS = (";", "\t", ",")
_LEVEL_TOKENS = {"COM": "commune", "DEP": "departement", "REG": "region"}


def read_bytes(path: str | Path, member: str | None = None) -> tuple[bytes, str]:
    """Bytes of a file, or of the data member of a zip archive, and the name to report.

    A zip (by suffix or signature) is read in memory; its data member is ``member`` or the
    only ``.csv``/``.txt`` member whose name does not start with ``meta``.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            is_zip = handle.read(4) == b"PK\x03\x04" or path.suffix.lower() == ".zip"
    except OSError as exc:
        raise LoadError(path, f"cannot be opened ({exc.strerror or exc})") from exc
    if not is_zip:
        return path.read_bytes(), str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if member is None:
                data = [n for n in names if n.lower().endswith((".csv", ".txt"))
                        and not Path(n).name.lower().startswith("meta")]
                if len(data) != 1:
                    raise LoadError(path, f"cannot tell the data member among {names}; "
                                          "pass member=")
                member = data[0]
            elif member not in names:
                raise LoadError(path, f"no member {member!r}; members: {names}")
            return archive.read(member), f"{path}::{member}"
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
    first = text.split("\n", 1)[0]
    if sep is None:
        counts = {s: first.count(s) for s in _SEPARATORS}
        sep = max(counts, key=counts.get)
        if counts[sep] == 0:
            raise LoadError(file, f"header {first[:80]!r} has a single column: separator "
                                  "is none of ';', tab, ','", row=1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header = [h.strip() for h in next(reader, [])]
    if len(header) < 2:
        found = [s for s in _SEPARATORS if s in first]
        raise LoadError(file, f"header has a single column with separator {sep!r}"
                        + (f" (found {found})" if found else ""), row=1)
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise LoadError(file, f"duplicated column names {dup}", row=1)
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
    s = raw.astype(str).str.strip()
    number = s.str.fullmatch(_NUMBER).astype(bool)
    other, found = s[~number], s[number]
    missing = pd.Series(False, index=s.index)
    missing[~number] = (other == "") | other.str.casefold().isin(
        _MARKERS | {m.casefold() for m in markers})
    values = pd.Series(float("nan"), index=s.index)
    values[number] = found.str.replace(",", ".", regex=False).astype(float)
    comma, point = pd.Series(False, index=s.index), pd.Series(False, index=s.index)
    comma[number] = found.str.contains(",", regex=False)
    point[number] = found.str.contains(".", regex=False)
    return Numbers(values, missing, ~(number | missing), comma, point)


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
                repair: bool = True, unique: bool = True
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
    if unique:
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
    rejected, its first such column named.
    """
    cells = frame.to_numpy(dtype=object)
    parsed = parse_numbers(pd.Series(cells.ravel(), dtype=object), markers)

    def grid(series: pd.Series) -> pd.DataFrame:
        return pd.DataFrame(series.to_numpy().reshape(cells.shape), index=frame.index,
                            columns=frame.columns)

    bad, missing = grid(parsed.bad), grid(parsed.missing)
    mostly_text = (bad.sum() > 0.5 * (~missing).sum()) & detect_text
    texts = [c for c in frame.columns if c in text or mostly_text[c]]
    notes = [f"column {c!r} read as text (its values are mostly not numbers)"
             for c in texts if c not in text]
    numeric = [c for c in frame.columns if c not in texts]
    bad = bad[numeric]
    rejected = []
    for row in bad.index[bad.any(axis=1)]:
        column = bad.columns[bad.loc[row].to_numpy().argmax()]
        rejected.append(Rejected(file, int(row), column, str(frame.at[row, column]),
                                 "not a number"))
    n_comma = int(grid(parsed.comma)[numeric].any().sum())
    n_point = int(grid(parsed.point)[numeric].any().sum())
    if n_comma and n_point:
        notes.append(f"decimal comma in {n_comma} columns, point in {n_point}")
    elif n_comma or n_point:
        notes.append(f"decimal mark: {'comma' if n_comma else 'point'}")
    return NumericTable(grid(parsed.values)[numeric].astype(float), missing[numeric],
                        frame[texts].astype(str), rejected, notes)


def load_insee_csv(path: str | Path, *, code_column: str = "CODGEO",
                   columns: Sequence[str] | None = None,
                   text_columns: Sequence[str] = ("LIBGEO",), level: str | None = None,
                   sep: str | None = None, member: str | None = None,
                   repair_codes: bool = True, detect_text: bool = True) -> LoadResult:
    """Load an INSEE CSV file (or the data member of an INSEE zip).

    Parameters
    ----------
    path
        ``.csv``/``.CSV`` file, or ``.zip`` archive read in memory (never extracted).
    code_column
        Column of territory codes.
    columns
        Columns to keep besides the code (default: all).
    text_columns
        Columns kept as text (names).
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

    Returns
    -------
    LoadResult
        ``code`` (str), at commune level ``arm`` (bool: municipal arrondissement of Paris,
        Lyon or Marseille, whose commune also has its own row), then the kept columns:
        text columns as str, others as float with NaN for blank or secret cells.

    Raises
    ------
    LoadError
        Unreadable file or zip, unknown encoding, wrong separator, missing column, or codes
        that lost their leading zeros when the repair is ambiguous.
    """
    if level is not None and level not in CODE_PATTERNS:
        raise ValueError(f"unknown level {level!r}; valid: {sorted(CODE_PATTERNS)}")
    data, file = read_bytes(path, member)
    text, encoding = decode(data, file)
    keep = None if columns is None else [code_column, *[c for c in columns if c != code_column]]
    rows = read_rows(text, file, sep, keep)
    if code_column not in rows.header:
        raise LoadError(file, f"code column not found; columns: {rows.header[:12]}",
                        row=1, column=code_column)
    frame = rows.frame()
    level = level or guess_level(frame[code_column].astype(str).str.strip(), file)
    codes, rejected, notes = check_codes(frame[code_column], file, code_column, level,
                                         repair_codes)
    notes = [f"encoding: {encoding}", *rows.notes, *notes]
    if frame.empty:
        notes.append("no data rows")
    parsed = numeric_table(frame.drop(columns=code_column), file, text=text_columns,
                           detect_text=detect_text)
    notes += parsed.notes
    kept = ~frame.index.isin({r.row for r in rejected + parsed.rejected})
    parts = [codes.rename("code").astype(str)]
    if level == "commune":
        parts.append(codes.map(arm_parent).notna().rename("arm"))
    table = pd.concat([*parts, parsed.texts, parsed.numbers], axis=1)[kept]
    if level == "commune" and table["arm"].any():
        notes.append(f"{int(table['arm'].sum())} municipal arrondissement rows (arm=True) "
                     "kept: Paris, Lyon and Marseille also have their own commune row, "
                     "do not add both")
    notes += sparse_notes(parsed.numbers[kept])
    return LoadResult(table=table.reset_index(drop=True), file=file, level=level,
                      rejected=sorted(rows.rejected + rejected + parsed.rejected,
                                      key=lambda r: r.row),
                      secret_cells={c: int(n) for c, n in parsed.missing[kept].sum().items()},
                      notes=notes,
                      withheld=parsed.missing[kept].reset_index(drop=True))


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
