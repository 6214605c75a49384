"""Read the xlsx exports of the ANCT *Observatoire des territoires*.

An export has one sheet of data (``Data``; some reworked copies call it ``Sheet1`` or
``COMMUNES``) whose header row is ``code_insee, nom, scale, <indicator>…``, sometimes below a
few title rows (``codgeo, libgeo, an, <indicator>`` in the historical series, one row per
commune and year). ``scale`` (or ``niveau``) says the level of each row: one file may mix IRIS,
communes, départements and régions. Unpublished cells read ``N/A - résultat non disponible``
(secret), ``N/A - division par 0`` or an Excel error such as ``#N/A``: all become missing.

Codes lose their leading zero where the exporter stored them as numbers (départements
``1.0``); they are restored (see :func:`~indicators.loaders.commune_codes.as_code`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from indicators.loaders.base import (
    SECRET_MARKERS,
    Conflict,
    LoadError,
    LoadResult,
    Rejected,
    VintageError,
    check_size,
)
from indicators.loaders.commune_codes import COMMUNE_PATTERN, IRIS_PATTERN, as_code, matches
from indicators.vintage import declared_year, has_placeholder, resolve_columns

LEVELS = ("iris", "commune", "departement", "region")
"""The scales a caller can select."""

CODE_HEADERS = ("code_insee", "codgeo")
NAME_HEADERS = ("nom", "libgeo")
SCALE_HEADERS = ("scale", "niveau")
YEAR_HEADERS = ("an", "annee")
HEADER_SEARCH_ROWS = 20
"""The header row is looked for in this many first rows (title rows may sit above it)."""

_SCALE_WORDS = {"iris": "iris", "commune": "commune", "communes": "commune",
                "departement": "departement", "departements": "departement",
                "region": "region", "regions": "region"}
_WIDTH = {"iris": 9, "commune": 5, "departement": 2, "region": 2}
_PATTERN = {"iris": IRIS_PATTERN, "commune": COMMUNE_PATTERN,
            "departement": r"\d{2}|2[AB]|97\d|69[DM]", "region": r"\d{2}"}


def load_observatoire(path: str | Path, scale: str = "commune", *,
                      sheet: str | None = None,
                      columns: Sequence[str] | Mapping[str, str] | None = None,
                      year: int | None = None, max_bytes: int | None = None) -> LoadResult:
    """Read one *Observatoire des territoires* export at one scale.

    Parameters
    ----------
    path
        The xlsx file as distributed.
    scale
        The level to keep, one of :data:`LEVELS`; rows of other levels are counted in the
        notes, per level, not returned.
    sheet
        The sheet to read. By default ``Data``, or the workbook's only sheet.
    columns
        Indicator columns to keep (default: all), by their names in the table (header text,
        or ``<indicator>_<year>`` for a series). Names may hold year placeholders
        (``Cambriolages de logement (taux) {yyyy}``) resolved with ``year``; a mapping gives
        the output name of each.
    year
        The year expected. Column names ending with a year (``…, 2021``, ``… 2022``,
        ``…_2021``) declare the file's year: a file without ``year`` among them is refused.
    max_bytes
        Size bound (default :data:`~indicators.loaders.base.MAX_FILE_BYTES`).

    Returns
    -------
    LoadResult
        ``code`` then one float column per indicator (the header text, whitespace
        collapsed). A historical series (an ``an`` column) gives one column per year,
        ``<indicator>_<year>``. A code on several rows is kept once; where its rows
        disagree, the value is missing and listed in ``conflicts``.

    Raises
    ------
    LoadError
        Missing sheet or header, no indicator column, a column asked for that is absent, a
        value that is neither a number nor a known "not available" marker;
        :class:`~indicators.loaders.base.VintageError` for a file of another year.
    """
    if scale not in LEVELS:
        raise ValueError(f"unknown scale {scale!r}; valid scales: {', '.join(LEVELS)}")
    path = Path(path)
    try:
        check_size(path, path.stat().st_size, max_bytes)
    except OSError as exc:
        raise LoadError(path, f"cannot be opened ({exc.strerror or exc})") from exc
    wanted = None if columns is None else (
        dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns})
    raw, sheet_name, notes = _read_sheet(path, sheet)
    at = _header_row(raw, path, sheet_name)
    if at > 0:
        titles = [t for t in map(_label, raw.iloc[:at].to_numpy().ravel()) if t]
        notes.append(f"header on row {at + 1}, below title rows: {' | '.join(titles)}")
    header = [_label(v) for v in raw.iloc[at]]
    body = raw.iloc[at + 1:].copy()
    body.index = body.index + 1  # spreadsheet row numbers
    body.columns = range(len(header))
    columns = _columns(header, body, path, at + 1)
    empty = body.isna().all(axis=1)
    if empty.any():
        notes.append(f"{int(empty.sum())} empty rows ignored")
    body = body[~empty]
    rejected: list[Rejected] = []
    levels = _levels(body, columns, path, rejected, notes)
    kept = body[levels == scale]
    counts = levels[levels.notna()].value_counts()
    left = ", ".join(f"{int(n)} {lvl}" for lvl, n in counts.items() if lvl != scale)
    notes.append(f"kept {len(kept)} {scale} rows" + (f"; left out: {left}" if left else ""))
    if "year" in columns:
        notes.append("historical series: one column per year (" + ", ".join(
            sorted({_year(v) for v in kept[columns["year"]]})) + ")")
    codes = as_code(kept[columns["code"]], _WIDTH[scale])
    bad = ~matches(codes, _PATTERN[scale])
    for row in kept.index[bad]:
        rejected.append(Rejected(str(path), int(row), header[columns["code"]],
                                 None if codes[row] is None else str(codes[row]),
                                 f"not a valid {scale} code"))
    kept, codes = kept[~bad], codes[~bad]
    values, flagged = _values(kept, columns["indicators"], header, path, notes)
    values.insert(0, "code", codes)
    conflicts: list[Conflict] = []
    if "year" in columns:
        table, flagged = _wide_by_year(values, flagged, kept[columns["year"]], path, rejected,
                                       conflicts)
    else:
        table, flagged = _first_of_duplicates(values, flagged, path, header[columns["code"]],
                                              rejected, conflicts)
    if conflicts:
        notes.append(f"{len(conflicts)} values of duplicated codes disagree between their "
                     "rows and are left missing (listed in conflicts)")
    table = table.reset_index(drop=True)
    flagged = flagged.reset_index(drop=True)
    declared = names_year(wanted_patterns(wanted), list(table.columns[1:]), year, path)
    if wanted is not None:
        table, flagged = _select(table, flagged, resolve_columns(wanted, year), path)
    secret = {name: int(n) for name, n in flagged.sum().items()}
    if declared is not None:
        notes.append(f"year declared by the column names: {declared}")
    return LoadResult(table=table, file=str(path), level=scale, rejected=rejected,
                      secret_cells=secret, notes=notes, declared_year=declared,
                      conflicts=conflicts)


_NAME_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})$")


def wanted_patterns(columns: Sequence[str] | Mapping[str, str] | None) -> list[str]:
    """The column patterns asked for (the values of a mapping)."""
    if columns is None:
        return []
    return list(columns.values() if isinstance(columns, Mapping) else columns)


def names_year(patterns: list[str], names: list[str], year: int | None, path: str | Path
               ) -> int | None:
    """The year column names declare (``…, 2021``, ``…_2021``); refuse one without ``year``.

    ``patterns`` are the columns asked for (with placeholders, they decide); ``names``
    the table's column names.
    """
    with_year = [p for p in patterns if has_placeholder(p)]
    if with_year:
        found = declared_year(with_year, names, expected=year)
        if year is not None and found.year is not None and found.year != year:
            raise VintageError(path, found.year, year,
                               f"columns {', '.join(found.evidence[:3])}")
        return found.year if found.complete else None
    looked = patterns or names
    years: dict[int, list[str]] = {}
    for name in looked:
        match = _NAME_YEAR.search(name)
        if match:
            years.setdefault(int(match.group(1)), []).append(name)
    if not years:
        return None
    if year is not None and year not in years:
        latest = max(years)
        raise VintageError(path, latest, year, f"columns {', '.join(years[latest][:3])}")
    return year if year is not None else max(years, key=lambda y: (len(years[y]), y))


def _select(table: pd.DataFrame, flagged: pd.DataFrame, wanted: dict[str, str], path: Path
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the columns ``wanted`` (output name → table column), renamed."""
    names = list(table.columns[1:])
    for column in wanted.values():
        if column not in names:
            close = difflib.get_close_matches(column, names, n=3)
            raise LoadError(path, "column not found" + (f" (close: {close})" if close else ""),
                            column=column)
    out = pd.DataFrame({"code": table["code"]})
    marks = pd.DataFrame(index=flagged.index)
    for name, column in wanted.items():
        out[name] = table[column]
        marks[name] = flagged[column]
    return out, marks


def _read_sheet(path: Path, sheet: str | None) -> tuple[pd.DataFrame, str, list[str]]:
    try:
        with zipfile.ZipFile(path) as book:
            names = list(_sheets(book))
    except (OSError, zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
        raise LoadError(path, f"cannot open as xlsx: {error}") from error
    notes: list[str] = []
    if sheet is None:
        if "Data" in names:
            sheet = "Data"
        elif len(names) == 1:
            sheet = names[0]
            notes.append(f"no sheet 'Data': read the only sheet {sheet!r}")
        else:
            raise LoadError(path, f"no sheet 'Data' and several sheets {names}: say which")
    elif sheet not in names:
        raise LoadError(path, f"no sheet {sheet!r}; the sheets are {names}")
    try:
        raw = sheet_frame(path, sheet)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError) as error:
        raise LoadError(path, f"cannot read sheet {sheet!r} as xlsx: {error}") from error
    return raw, sheet, notes


def _label(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return " ".join(str(value).split())


def _year(value: object) -> str:
    return _label(int(value) if isinstance(value, float) and value.is_integer() else value)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _header_row(raw: pd.DataFrame, path: Path, sheet: str) -> int:
    for i in range(min(HEADER_SEARCH_ROWS, len(raw))):
        if _plain(_label(raw.iat[i, 0])) in CODE_HEADERS:
            return i
    raise LoadError(path, f"sheet {sheet!r}: no header row starting with one of "
                    f"{CODE_HEADERS} in the first {HEADER_SEARCH_ROWS} rows")


def _columns(header: list[str], body: pd.DataFrame, path: Path, row: int) -> dict:
    found: dict = {"code": 0, "indicators": []}
    roles = {"name": NAME_HEADERS, "scale": SCALE_HEADERS, "year": YEAR_HEADERS}
    for j, label in enumerate(header[1:], start=1):
        key = _plain(label)
        role = next((r for r, names in roles.items() if key in names and r not in found), None)
        if role:
            found[role] = j
        elif label:
            found["indicators"].append(j)
        elif body[j].notna().any():
            first = int(body.index[body[j].notna()][0])
            raise LoadError(path, "values under a column without header", row=first,
                            column=f"column {j + 1}")
    if not found["indicators"]:
        raise LoadError(path, f"no indicator column after {header}", row=row)
    return found


def _levels(body: pd.DataFrame, columns: dict, path: Path, rejected: list[Rejected],
            notes: list[str]) -> pd.Series:
    if "scale" not in columns:
        width = as_code(body[0], 5).str.len()
        if width.nunique() == 1 and int(width.iloc[0]) in (5, 9):
            level = "commune" if int(width.iloc[0]) == 5 else "iris"
            notes.append(f"no scale column: every code has {int(width.iloc[0])} characters, "
                         f"read as {level} rows")
            return pd.Series(level, index=body.index, dtype=object)
        raise LoadError(path, f"no scale column ({', '.join(SCALE_HEADERS)}) and codes of "
                        "several lengths: the level of each row is unknown")
    raw = body[columns["scale"]]
    levels = raw.map(lambda v: _SCALE_WORDS.get(_plain(_label(v))))
    for row in raw.index[levels.isna()]:
        rejected.append(Rejected(str(path), int(row), "scale", _label(raw[row]) or None,
                                 "unknown scale (neither iris, commune, département nor "
                                 "région)"))
    return levels


def _values(kept: pd.DataFrame, indicators: list[int], header: list[str], path: Path,
            notes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Numbers of each indicator column, and the mask of its secret or unavailable cells."""
    out: dict[str, pd.Series] = {}
    flagged: dict[str, pd.Series] = {}
    for j in indicators:
        name = header[j]
        column = kept[j]
        numbers = pd.to_numeric(column, errors="coerce").astype(float)
        text = column[numbers.isna() & column.notna()].map(lambda v: str(v).strip())
        markers = text.isin(SECRET_MARKERS)
        other = text[~markers]
        unavailable = other.str.startswith(("N/A", "#"))
        if (~unavailable).any():
            row = int(other.index[~unavailable][0])
            raise LoadError(path, f"not a number: {other[row]!r}", row=row, column=name)
        if unavailable.any():
            kinds = other[unavailable].value_counts().to_dict()
            notes.append(f"{name}: {int(unavailable.sum())} cells not available but not "
                         f"secret, read as missing: {kinds}")
        out[name] = numbers
        flagged[name] = column.index.isin(text.index)
    index = kept.index
    return pd.DataFrame(out, index=index), pd.DataFrame(flagged, index=index)


def _first_of_duplicates(values: pd.DataFrame, flagged: pd.DataFrame, path: Path,
                         code_header: str, rejected: list[Rejected],
                         conflicts: list[Conflict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    duplicated = values["code"].duplicated()
    for row in values.index[duplicated]:
        rejected.append(Rejected(str(path), int(row), code_header, values.at[row, "code"],
                                 "duplicate code (the first row is kept)"))
    values = _blank_conflicts(values, values["code"], path, conflicts)
    return values[~duplicated], flagged[~duplicated]


def _blank_conflicts(values: pd.DataFrame, key: pd.Series, path: Path,
                     conflicts: list[Conflict]) -> pd.DataFrame:
    """Leave missing (and record) the values on which rows sharing a ``key`` disagree."""
    repeated = key.duplicated(keep=False)
    if not repeated.any():
        return values
    values = values.copy()
    block = values[repeated]
    for column in [c for c in values.columns if c != "code"]:
        distinct = block[column].groupby(key[repeated], sort=False).nunique(dropna=False)
        for value in distinct.index[distinct > 1]:
            rows = block.index[key[repeated] == value]
            conflicts.append(Conflict(str(path), str(value), tuple(int(r) for r in rows),
                                      column, tuple(str(block.at[r, column]) for r in rows)))
            values.at[rows[0], column] = float("nan")
    return values


def _wide_by_year(values: pd.DataFrame, flagged: pd.DataFrame, years: pd.Series, path: Path,
                  rejected: list[Rejected], conflicts: list[Conflict]
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    year = years.map(_year)
    key = values["code"] + "/" + year
    duplicated = key.duplicated()
    for row in values.index[duplicated]:
        rejected.append(Rejected(str(path), int(row), "an", year[row],
                                 f"duplicate code and year {key[row]} (the first is kept)"))
    values = _blank_conflicts(values, key, path, conflicts)
    keep = ~duplicated
    order = pd.unique(values["code"][keep])

    def wide(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[keep].assign(code=values["code"][keep], year=year[keep])
        out = frame.pivot(index="code", columns="year",
                          values=[c for c in frame.columns if c not in ("code", "year")])
        out.columns = [f"{name}_{y}" for name, y in out.columns]
        return out.loc[order]

    table = wide(values.drop(columns="code")).astype(float).reset_index()
    return table, wide(flagged).fillna(False).astype(bool)


def table_columns(path: str | Path, sheet: str | None = None) -> list[str]:
    """The indicator column names :func:`load_observatoire` would give, header only.

    Streams the sheet's XML and stops after the header row (openpyxl would parse the
    whole workbook); for a historical series, it reads on through the year column, since
    the names are ``<indicator>_<year>``. Formulas are read as their cached values.
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as book:
            target = _sheet_path(book, sheet, path)
            rows = _xml_rows(book, target)
            header: list[object] | None = None
            for _ in range(HEADER_SEARCH_ROWS):
                row = next(rows, None)
                if row is None:
                    break
                texts = _shared(book, row)
                if texts and _plain(_label(texts[0])) in CODE_HEADERS:
                    header = texts
                    break
            if header is None:
                raise LoadError(path, f"sheet {target!r}: no header row starting with one of "
                                f"{CODE_HEADERS} in the first {HEADER_SEARCH_ROWS} rows")
            labels = [_label(h) for h in header]
            roles = (*NAME_HEADERS, *SCALE_HEADERS, *YEAR_HEADERS)
            kept = [h for h in labels[1:] if h and _plain(h) not in roles]
            at = next((j for j, h in enumerate(labels) if _plain(h) in YEAR_HEADERS), None)
            if at is None:
                return kept
            found = _column_values(book, target, at) - {""}
            if not found:  # e.g. years stored as shared strings: parse every row
                found = {v for r in rows if len(r) > at and (v := _shared(book, [r[at]])[0])}
            years = sorted({_year(_number(v)) for v in found} - {_label(labels[at])})
            return [f"{label}_{y}" for label in kept for y in years]
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
        raise LoadError(path, f"cannot open as xlsx: {error}") from error


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _sheets(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → relationship id, in workbook order."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    return {s.get("name"): s.get(f"{_RELS}id") for s in workbook.iter(f"{_MAIN}sheet")}


def _sheet_path(book: zipfile.ZipFile, sheet: str | None, path: Path) -> str:
    sheets = _sheets(book)
    if sheet is None:
        sheet = "Data" if "Data" in sheets else (next(iter(sheets)) if len(sheets) == 1
                                                 else None)
    if sheet not in sheets:
        raise LoadError(path, f"no sheet {sheet or 'Data'!r}; the sheets are {list(sheets)}")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels if r.get("Id") == sheets[sheet])
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _column_index(reference: str) -> int:
    letters = re.match(r"[A-Z]+", reference).group()
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _xml_rows(book: zipfile.ZipFile, target: str):
    """Rows of a sheet as lists (``("s", index)`` for a shared string), streaming."""
    with book.open(target) as stream:
        for _, element in ElementTree.iterparse(stream):
            if element.tag != f"{_MAIN}row":
                continue
            cells: dict[int, object] = {}
            column = -1
            for cell in element.iter(f"{_MAIN}c"):
                reference = cell.get("r")
                column = _column_index(reference) if reference else column + 1
                kind = cell.get("t")
                if kind == "inlineStr":
                    value: object = "".join(t.text or "" for t in cell.iter(f"{_MAIN}t"))
                else:
                    v = cell.find(f"{_MAIN}v")
                    if v is None or v.text is None:
                        continue
                    value = ("s", int(v.text)) if kind == "s" else v.text
                cells[column] = value
            element.clear()
            yield [cells.get(j) for j in range(max(cells) + 1)] if cells else []


def _shared(book: zipfile.ZipFile, row: list[object]) -> list[object]:
    """Resolve the shared strings of one row, reading the table only as far as needed."""
    wanted = {v[1] for v in row if isinstance(v, tuple)}
    if not wanted:
        return row
    found: dict[int, str] = {}
    with book.open("xl/sharedStrings.xml") as stream:
        index = 0
        for _, element in ElementTree.iterparse(stream):
            if element.tag != f"{_MAIN}si":
                continue
            if index in wanted:
                found[index] = "".join(t.text or "" for t in element.iter(f"{_MAIN}t"))
            element.clear()
            index += 1
            if index > max(wanted):
                break
    return [found.get(v[1], "") if isinstance(v, tuple) else v for v in row]


def _column_values(book: zipfile.ZipFile, target: str, at: int) -> set[str]:
    """Distinct values (numbers or cached formula results) of one column of a sheet.

    A regular expression over the sheet's XML, much faster than parsing every cell.
    """
    letters, j = "", at + 1
    while j:
        j, rest = divmod(j - 1, 26)
        letters = chr(65 + rest) + letters
    cell = re.compile(rb'<c r="' + letters.encode() + rb'[0-9]+"(?![^>]*t="s")[^>]*>'
                      rb'(?:<f[^>]*>[^<]*</f>|<f[^>]*/>)?(?:<v>([^<]*)</v>|<is><t[^>]*>([^<]*)</t>)')
    values: set[str] = set()
    tail = b""
    with book.open(target) as stream:
        while chunk := stream.read(1 << 22):
            data = tail + chunk
            last = 0
            for match in cell.finditer(data):
                values.add((match.group(1) or match.group(2) or b"").decode())
                last = match.end()
            tail = data[max(last, len(data) - 512):]
    return values


def _number(value: object) -> object:
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def sheet_frame(path: str | Path, sheet: str) -> pd.DataFrame:
    """One sheet as ``pd.read_excel(header=None, dtype=object)`` gives it, streamed.

    The sheet's XML is parsed row by row (openpyxl would build every cell object): numbers
    are ``int`` when whole, else ``float``; text is ``str``; blank cells, Excel errors and
    the texts pandas reads as missing (``NA``, ``N/A``, ``#N/A``…) are NaN; formulas give
    their cached value. Row ``i`` of the frame is spreadsheet row ``i + 1``.
    """
    path = Path(path)
    with zipfile.ZipFile(path) as book:
        target = _sheet_path(book, sheet, path)
        strings = _all_shared(book)
        rows: dict[int, dict[int, object]] = {}
        number = -1
        with book.open(target) as stream:
            for _, element in ElementTree.iterparse(stream):
                if element.tag != f"{_MAIN}row":
                    continue
                number = int(element.get("r", number + 2)) - 1  # "r" is optional
                cells, column = {}, -1
                for cell in element.iter(f"{_MAIN}c"):
                    reference = cell.get("r")
                    column = _column_index(reference) if reference else column + 1
                    value = _cell_value(cell, strings)
                    if value is not None:
                        cells[column] = value
                if cells:
                    rows[number] = cells
                element.clear()
    if not rows:
        return pd.DataFrame(dtype=object)
    width = max(max(cells) for cells in rows.values()) + 1
    grid = [[rows.get(i, {}).get(j, _NAN) for j in range(width)]
            for i in range(max(rows) + 1)]
    return pd.DataFrame(grid, dtype=object)


_NAN = float("nan")
_PANDAS_NA = frozenset({"#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                        "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
                        "nan", "null"})
"""Texts pandas reads as missing by default (``read_excel``'s ``na_values``)."""


def _all_shared(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    strings = []
    with book.open("xl/sharedStrings.xml") as stream:
        for _, element in ElementTree.iterparse(stream):
            if element.tag == f"{_MAIN}si":
                strings.append(_text(element))
                element.clear()
    return strings


def _text(element: ElementTree.Element) -> str:
    """Text of a string item, phonetic runs left out."""
    parts = []
    for child in element:
        if child.tag == f"{_MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{_MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{_MAIN}t"))
    return "".join(parts)


def _cell_value(cell: ElementTree.Element, strings: list[str]) -> object:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{_MAIN}is")
        value: object = None if inline is None else _text(inline)
    else:
        v = cell.find(f"{_MAIN}v")
        if v is None or v.text is None:
            return None
        text = v.text
        if kind == "s":
            value = strings[int(text)]
        elif kind == "n":
            number = float(text)
            return int(number) if number.is_integer() else number
        elif kind == "b":
            return text.strip() in ("1", "true")
        elif kind == "e":
            return _NAN
        else:
            value = text
    if value is None or value == "":
        return None  # blank: not counted in the sheet's extent, as pandas does
    return _NAN if value in _PANDAS_NA else value
