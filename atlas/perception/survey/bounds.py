"""Bounds on what a survey file becomes once opened: rows, and an XLSX workbook's expansion.

The upload limit (:data:`~atlas.perception.survey.reading.DEFAULT_MAX_BYTES`) bounds the
file, not its content: a 3 MB XLSX workbook (a zip archive of XML) can expand to hundreds
of MB of XML, and a sheet can hold millions of rows, each costing seconds and memory once
parsed. These checks run on the raw bytes before any parsing and cost a fraction of it:

* an XLSX archive whose parts expand in total beyond :data:`MAX_EXPANDED_BYTES`, or one
  part that expands more than :data:`MAX_RATIO` times (a "zip bomb"), is refused from the
  archive's directory alone;
* a sheet declaring more rows than :data:`MAX_ROWS` in its ``<dimension>`` element (the
  first bytes of its XML) is refused at once; otherwise the sheet's XML is streamed through
  (decompressed, not parsed) counting its rows, stopping at the bound: a sheet may omit or
  understate its dimension;
* a CSV file with more lines than :data:`MAX_ROWS` (newlines counted in the bytes) is
  refused.

Messages name the file, the figure measured and the limit, never the file's content.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from atlas.perception.survey.import_report import FileTooLarge, SurveyFileError

MAX_ROWS = 200_000
"""Most data rows (under the header) a survey file may have: ten times the largest
national surveys' samples; a larger file is a database extract, not a survey delivery."""
MAX_EXPANDED_BYTES = 100_000_000
"""Most bytes an XLSX workbook's parts may expand to (100 MB of XML: about 100,000 rows
of 40 columns as Excel writes them)."""
MAX_RATIO = 100
"""Largest expansion ratio of one part of a workbook (Excel's sheets expand 5 to 20 times;
a crafted archive, hundreds of times)."""
RATIO_MIN_BYTES = 5_000_000
"""Parts expanding to less than this (5 MB) are not checked for their ratio."""

_HEAD_BYTES = 65_536
_CHUNK_BYTES = 1 << 20
_PART_MAX_BYTES = 5_000_000  # workbook.xml and its relationships: a few kB in practice
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s[^>]*?\bref="[A-Z]*(\d*)(?::[A-Z]*(\d*))?"')
_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_TAG = re.compile(rb"<(?:[\w.-]+:)?(sheet|Relationship)\s([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w.:-]+)="([^"]*)"')


@dataclass(frozen=True)
class Bounds:
    """Limits applied to a survey file once opened (``None``: no limit)."""

    rows: int | None = MAX_ROWS
    """Data rows under the header (CSV and XLSX)."""
    expanded_bytes: int | None = MAX_EXPANDED_BYTES
    """Total expanded size of an XLSX workbook's parts."""
    ratio: float | None = MAX_RATIO
    """Expansion ratio of one part of a workbook larger than :data:`RATIO_MIN_BYTES`."""


DEFAULT_BOUNDS = Bounds()
"""The bounds applied to every uploaded file."""


def check_csv_rows(data: bytes, name: str, header_row: int, bounds: Bounds) -> None:
    """Refuse a CSV file with more lines under its header than ``bounds.rows``.

    Lines are counted in the bytes (line feeds, or carriage returns in a file without any
    line feed): a quoted cell spanning several lines counts as several, blank lines too.
    """
    if bounds.rows is None:
        return
    lines = data.count(b"\n") or data.count(b"\r")
    if data and not data.endswith((b"\n", b"\r")):
        lines += 1
    rows = lines - header_row
    if rows > bounds.rows:
        raise SurveyFileError(f"{name}: too many rows ({rows:,} lines under the header); "
                              f"the limit is {bounds.rows:,} rows: split the file")


def check_rows(rows: int, name: str, bounds: Bounds) -> None:
    """Refuse a file read with more than ``bounds.rows`` data rows."""
    if bounds.rows is not None and rows > bounds.rows:
        raise SurveyFileError(f"{name}: too many rows ({rows:,} under the header); the limit "
                              f"is {bounds.rows:,} rows: split the file")


def check_workbook(data: bytes, name: str, sheet: str | int, header_row: int,
                   bounds: Bounds) -> None:
    """Refuse an XLSX workbook expanding beyond ``bounds`` or whose sheet has too many rows.

    Parameters
    ----------
    data
        The file's bytes.
    name
        The file name, for messages.
    sheet
        The sheet read (name, or 0-based position among the worksheets); when it cannot be
        found in the workbook's directory, every worksheet is checked.
    header_row
        Row of the column names (rows above it and the header do not count).
    bounds
        The limits.

    Raises
    ------
    FileTooLarge
        The parts expand beyond ``bounds.expanded_bytes``.
    SurveyFileError
        Not a zip archive, a part expanding more than ``bounds.ratio`` times, or too many
        rows.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SurveyFileError(f"{name}: cannot read as an XLSX workbook (not a zip "
                              "archive)") from None
    with archive:
        members = archive.infolist()
        expanded = sum(m.file_size for m in members)
        if bounds.expanded_bytes is not None and expanded > bounds.expanded_bytes:
            raise FileTooLarge(f"{name}: the workbook expands to {expanded / 1e6:,.1f} MB "
                               f"when opened; the limit is {bounds.expanded_bytes / 1e6:g} MB")
        if bounds.ratio is not None:
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > RATIO_MIN_BYTES and ratio > bounds.ratio:
                    raise SurveyFileError(
                        f"{name}: a part of the workbook expands {ratio:,.0f} times "
                        f"({member.file_size / 1e6:,.1f} MB); the limit is {bounds.ratio:g} "
                        "times: not a workbook as a spreadsheet saves it")
        if bounds.rows is None:
            return
        parts = _sheet_parts(archive, sheet)
        for part in parts:
            rows = _rows(archive, part, bounds.rows + header_row) - header_row
            if rows > bounds.rows:
                raise SurveyFileError(
                    f"{name}: too many rows in the sheet (at least {rows:,} under the "
                    f"header); the limit is {bounds.rows:,} rows: split the file")


def _sheet_parts(archive: zipfile.ZipFile, sheet: str | int) -> list[str]:
    """The part holding ``sheet`` (as openpyxl finds it), else every worksheet part."""
    names = set(archive.namelist())
    every = sorted(n for n in names if re.search(r"worksheets/[^/]+\.xml$", n, re.I))
    try:
        sheets = _tags(archive, "xl/workbook.xml", b"sheet")
        relations = {r.get("Id"): r for r in
                     _tags(archive, "xl/_rels/workbook.xml.rels", b"Relationship")}
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return every
    worksheets = []
    for entry in sheets:
        relation = relations.get(entry.get("r:id") or entry.get("id") or "")
        if relation is None or not relation.get("Type", "").endswith("/worksheet"):
            continue
        target = relation.get("Target", "")
        part = (target.lstrip("/") if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target)))
        worksheets.append((entry.get("name"), part))
    if isinstance(sheet, int):
        found = [worksheets[sheet][1]] if -len(worksheets) <= sheet < len(worksheets) else []
    else:
        found = [part for title, part in worksheets if title == sheet]
    return found[:1] if found and found[0] in names else every


def _tags(archive: zipfile.ZipFile, part: str, tag: bytes) -> list[dict[str, str]]:
    """Attributes of every ``tag`` element of a small part (``KeyError`` if absent)."""
    info = archive.getinfo(part)
    if info.file_size > _PART_MAX_BYTES:
        raise ValueError(part)
    entries = []
    for found, attributes in _TAG.findall(archive.read(part)):
        if found == tag:
            entries.append({_key(key): html.unescape(value.decode("utf-8", "replace"))
                            for key, value in _ATTRIBUTE.findall(attributes)})
    return entries


def _key(name: bytes) -> str:
    """An attribute's name without its namespace prefix, except ``r:id``."""
    text = name.decode("ascii", "replace")
    return text if text == "r:id" else text.split(":")[-1]


def _rows(archive: zipfile.ZipFile, part: str, limit: int) -> int:
    """Rows of a sheet: its declared dimension if above ``limit``, else counted.

    The XML is streamed (decompressed, not parsed), counting ``<row>`` elements and their
    row numbers (a single ``<row r="1000000">`` makes a million rows); counting stops once
    past ``limit``.
    """
    with archive.open(part) as stream:
        head = stream.read(_HEAD_BYTES)
        dimension = _DIMENSION.search(head)
        if dimension and int(dimension.group(2) or dimension.group(1) or 0) > limit:
            return int(dimension.group(2) or dimension.group(1))
        count = last = 0
        pending = b""
        chunk = head
        while chunk:
            buffer = pending + chunk
            cut = buffer.rfind(b"<")  # a row tag may be cut: keep from the last '<' on
            cut = len(buffer) if cut < 0 else cut
            for attributes in _ROW.findall(buffer, 0, cut):
                count += 1
                number = _ROW_NUMBER.search(attributes)
                last = max(last + 1, int(number.group(1))) if number else last + 1
            if max(count, last) > limit:
                break
            pending = buffer[cut:][:_HEAD_BYTES]  # no row tag is that long
            chunk = stream.read(_CHUNK_BYTES)
    return max(count, last)
