"""Read chosen columns of a large delimited text file, streaming, with every line numbered.

The file (or a zip member) is read twice as a stream, never whole: a first pass finds the
encoding (UTF-8 with or without BOM, else latin-1 or Windows-1252, with the checks of
:func:`~indicators.loaders.insee_csv.decode`) and the number of every non-blank line; then
pyarrow's CSV reader parses only the columns asked for, as strings. A row whose number of
fields differs from the header's is rejected with its line number, so that every kept row
keeps the line number a text editor shows (header = line 1). Values spanning several lines
inside quotes are not supported: their pieces are rejected as rows of the wrong width.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from indicators.loaders.base import LoadError, Rejected, check_size

CHUNK = 8 << 20
"""Bytes read at a time."""
SEPARATORS = (";", "\t", ",")

def _table(byte_values: list[int]) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[byte_values] = True
    return table


_CONTROL = _table([*range(1, 9), 11, 12, *range(14, 32), 127])
"""Control characters that no text table holds."""
_C1 = _table(list(range(0x80, 0xA0)))
"""Bytes that are Windows-1252 letters, not latin-1 ones."""
_CP1252_UNDEFINED = _table([0x81, 0x8D, 0x8F, 0x90, 0x9D])
_CONTINUATION = _table(list(range(0x80, 0xC0)))


def _first(mask: np.ndarray) -> int | None:
    return int(mask.argmax()) if mask.any() else None


@dataclass
class DataFile:
    """A text file or the data member of a zip, opened as a binary stream on demand."""

    open: Callable[[], contextlib.AbstractContextManager[BinaryIO]]
    name: str
    """Name to report: the path, or ``path::member``."""
    size: int
    """Size in bytes (of the member once decompressed)."""


def data_file(path: str | Path, member: str | None = None,
              max_bytes: int | None = None) -> DataFile:
    """The file at ``path``, or the data member of a zip; refused above ``max_bytes``.

    A zip (by suffix or signature) is read as a stream; its data member is ``member`` or
    the only ``.csv``/``.txt`` member whose name does not start with ``meta``.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            is_zip = handle.read(4) == b"PK\x03\x04" or path.suffix.lower() == ".zip"
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(path, f"cannot be opened ({exc.strerror or exc})") from exc
    if not is_zip:
        check_size(path, size, max_bytes)
        return DataFile(lambda: path.open("rb"), str(path), size)
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
            size = archive.getinfo(member).file_size
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise LoadError(path, f"not a readable zip archive (truncated or damaged): {exc}"
                        ) from exc
    name = f"{path}::{member}"
    check_size(name, size, max_bytes, "zip member")

    @contextlib.contextmanager
    def opened() -> Iterator[BinaryIO]:
        try:
            with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
                yield stream
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise LoadError(path, f"not a readable zip archive (truncated or damaged): "
                                  f"{exc}") from exc

    return DataFile(opened, name, size)


@dataclass
class Scan:
    """What the first pass found."""

    encoding: str
    """``UTF-8``, ``UTF-8 with BOM``, ``latin-1`` or ``Windows-1252``."""
    codec: str
    """Python codec name of the encoding."""
    header_line: str
    lines: np.ndarray
    """Line numbers (1-based) of the non-blank lines after the header."""


def scan(source: DataFile) -> Scan:
    """Find the encoding and number the non-blank lines, reading the file once.

    Raises
    ------
    LoadError
        UTF-16, NUL bytes, control characters, UTF-8 mixed with other bytes, or bytes that
        are neither UTF-8 nor latin-1 text; the row is given where known.
    """
    file = source.name
    utf8 = codecs.getincrementaldecoder("utf-8")()
    bom = utf8_ok = True
    first_bad_line = None
    saw_pair = saw_c1 = False
    cp1252_bad_line = None
    blank: list[np.ndarray] = []
    offset = 0
    line_count = 0  # newlines before the current chunk
    last_end = -1  # position of the last newline met
    last_byte = 0  # the file's byte before the current chunk
    header = bytearray()
    header_done = False
    with source.open() as stream:
        while True:
            chunk = stream.read(max(CHUNK, 4) if offset == 0 else CHUNK)
            if not chunk:
                break
            if offset == 0:
                if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                    raise LoadError(file, "encoded in UTF-16; expected UTF-8 or latin-1")
                bom = chunk.startswith(b"\xef\xbb\xbf")
            if b"\x00" in chunk:
                raise LoadError(file, "contains NUL bytes: binary, not a text file")
            array = np.frombuffer(chunk, dtype=np.uint8)
            bad = _first(_CONTROL[array])
            if bad is not None:
                line = line_count + chunk.count(b"\n", 0, bad) + 1
                raise LoadError(file, f"control character {chr(chunk[bad])!r}: not a text "
                                      "file", row=line)
            if not header_done:
                cut = chunk.find(b"\n")
                header += chunk if cut < 0 else chunk[:cut]
                header_done = cut >= 0
            high = array >= 0x80
            if high.any():
                pairs = (np.concatenate([[last_byte], array[:-1]]) == 0xC3) & \
                    _CONTINUATION[array]
                saw_pair = saw_pair or bool(pairs.any())
                saw_c1 = saw_c1 or bool(_C1[array].any())
                undefined = _first(_CP1252_UNDEFINED[array])
                if cp1252_bad_line is None and undefined is not None:
                    cp1252_bad_line = (line_count + chunk.count(b"\n", 0, undefined) + 1,
                                       chunk[undefined])
            if utf8_ok and high.any():
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError as exc:
                    utf8_ok = False
                    at = max(exc.start, 0)
                    first_bad_line = (line_count + chunk.count(b"\n", 0, at) + 1, chunk[at])
            ends = np.flatnonzero(array == 10)
            absolute = ends + offset
            previous = np.concatenate([[last_end], absolute[:-1]])
            length = absolute - previous - 1
            before = np.where(ends > 0, array[np.maximum(ends - 1, 0)], last_byte)
            blank.append((length == 0) | ((length == 1) & (before == 13)))
            if len(ends):
                last_end = int(absolute[-1])
            line_count += len(ends)
            last_byte = chunk[-1]
            offset += len(chunk)
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok, first_bad_line = False, (line_count + 1, 0)
    if utf8_ok:
        encoding, codec = ("UTF-8 with BOM", "utf-8-sig") if bom else ("UTF-8", "utf-8")
    else:
        line, byte = first_bad_line
        if bom:
            raise LoadError(file, f"has a UTF-8 BOM but byte {byte:#x} is not UTF-8", row=line)
        if saw_pair:
            raise LoadError(file, "mixes UTF-8 text with bytes that are not UTF-8 "
                                  f"(byte {byte:#x}): damaged or re-encoded file", row=line)
        encoding, codec = "latin-1", "latin-1"
        if saw_c1:
            if cp1252_bad_line is not None:
                line, byte = cp1252_bad_line
                raise LoadError(file, f"is neither UTF-8 nor latin-1 text (byte {byte:#x})",
                                row=line)
            encoding, codec = "Windows-1252", "cp1252"
    # line k (1-based) ends at the k-th newline; the last line may have no newline
    is_blank = np.concatenate(blank) if blank else np.zeros(0, dtype=bool)
    numbers = np.arange(1, len(is_blank) + 1)[~is_blank]
    rest = offset - last_end - 1  # bytes after the last newline
    if rest > 1 or (rest == 1 and last_byte != 13):
        numbers = np.append(numbers, line_count + 1)
    header_text = bytes(header).decode(codec, errors="replace")
    if header_text.startswith("\ufeff"):
        header_text = header_text[1:]
    return Scan(encoding, codec, header_text.rstrip("\r"), numbers[numbers > 1])


def split_header(line: str, file: str, sep: str | None) -> tuple[list[str], str]:
    """The header's column names (stripped) and the separator (guessed when ``None``)."""
    if sep is None:
        counts = {s: line.count(s) for s in SEPARATORS}
        sep = max(counts, key=counts.get)
        if counts[sep] == 0:
            raise LoadError(file, f"header {line[:80]!r} has a single column: separator "
                                  "is none of ';', tab, ','", row=1)
    header = [h.strip() for h in next(csv.reader([line], delimiter=sep), [])]
    if len(header) < 2:
        found = [s for s in SEPARATORS if s in line]
        raise LoadError(file, f"header has a single column with separator {sep!r}"
                        + (f" (found {found})" if found else ""), row=1)
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise LoadError(file, f"duplicated column names {dup}", row=1)
    return header, sep


@dataclass
class Columns:
    """Chosen columns of a file, as pyarrow string arrays, with the line of every row."""

    file: str
    header: list[str]
    columns: dict[str, pa.Array]
    lines: np.ndarray
    encoding: str
    rejected: list[Rejected] = field(default_factory=list)


def read_columns(source: DataFile, keep: Sequence[str] | None, sep: str | None = None,
                 scanned: Scan | None = None) -> Columns:
    """Read the columns ``keep`` (all when ``None``) of ``source`` as strings.

    Rows of the wrong width are rejected; when they are as many as the others, the
    separator is wrong and a ``LoadError`` is raised. A missing column is an error (with
    close matches) raised before the data are parsed.
    """
    import difflib

    file = source.name
    scanned = scanned or scan(source)
    header, sep = split_header(scanned.header_line, file, sep)
    keep = header if keep is None else list(dict.fromkeys(keep))
    missing = [c for c in keep if c not in header]
    if missing:
        close = difflib.get_close_matches(missing[0], header, n=3)
        raise LoadError(file, "column not found" + (f" (close: {close})" if close else ""),
                        column=missing[0])
    bad_lines: list[int] = []
    rejected: list[Rejected] = []
    lines = scanned.lines

    def invalid(row: pa_csv.InvalidRow) -> str:
        # pyarrow numbers the non-blank lines, header included (header = 1)
        position = (row.number or 0) - 2
        line = int(lines[position]) if 0 <= position < len(lines) else -1
        bad_lines.append(line)
        rejected.append(Rejected(file, line, None, row.text[:80],
                                 f"{row.actual_columns} fields, header has "
                                 f"{row.expected_columns}"))
        return "skip"

    read = pa_csv.ReadOptions(column_names=header, skip_rows=1, use_threads=False,
                              encoding=scanned.codec.replace("-sig", ""),
                              block_size=1 << 24)
    parse = pa_csv.ParseOptions(delimiter=sep, invalid_row_handler=invalid,
                                newlines_in_values=False, ignore_empty_lines=True)
    convert = pa_csv.ConvertOptions(include_columns=keep,
                                    column_types={c: pa.string() for c in keep},
                                    strings_can_be_null=False,
                                    quoted_strings_can_be_null=False)
    with source.open() as stream:
        if scanned.codec == "utf-8-sig":
            stream.read(3)
        try:
            table = pa_csv.read_csv(stream, read_options=read, parse_options=parse,
                                    convert_options=convert)
        except pa.ArrowInvalid as exc:
            raise LoadError(file, f"cannot be parsed as a {sep!r}-separated table: {exc}"
                            ) from exc
    if rejected and len(rejected) >= table.num_rows:
        raise LoadError(file, f"{len(rejected)} rows do not have the header's {len(header)} "
                        f"fields ({rejected[0].reason}): wrong separator or quoting?",
                        row=rejected[0].row)
    if bad_lines:
        lines = lines[~np.isin(lines, bad_lines)]
    if len(lines) != table.num_rows or -1 in bad_lines:
        raise LoadError(file, f"{table.num_rows} rows parsed but {len(lines)} non-blank "
                              "lines: a value spans several lines?")
    columns = {c: table.column(c).combine_chunks() if table.num_rows else
               pa.array([], pa.string()) for c in keep}
    return Columns(file, header, columns, lines, scanned.encoding, rejected)


def text_of(data: bytes) -> io.BytesIO:
    """A binary stream over ``data`` (for tests and in-memory files)."""
    return io.BytesIO(data)
