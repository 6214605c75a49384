"""Check every source of the catalogue before loading anything: fail fast, say everything.

For each source used by an indicator: the file exists and is not above the size bound, its
columns (read from the header only, the JSON keys, the xlsx header row or the Parquet
schema) contain those the catalogue uses, and the year it declares is the one expected.
Every problem is collected; :func:`require_sources` raises one :class:`PrecheckError`
listing them all (file, missing column and close matches, declared and expected year).
``atlas indicators check --raw DIR [--json]`` prints the same report.
"""

from __future__ import annotations

import csv
import difflib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indicators.catalogue import Catalogue, Source, load_catalogue
from indicators.loaders.base import MAX_FILE_BYTES, LoadError
from indicators.vintage import declared_year, has_placeholder, resolve, suffix_years

HEAD_BYTES = 1 << 20
"""Bytes read to find a CSV header (and the first rows where the year lies in them)."""


@dataclass
class Problem:
    """One thing that would make the build fail or mislabel a source."""

    source: str
    file: str
    kind: str
    """``missing file``, ``too large``, ``unreadable``, ``missing column`` or ``year``."""
    message: str
    column: str | None = None
    close: list[str] = field(default_factory=list)
    declared: int | None = None
    expected: int | None = None

    def __str__(self) -> str:
        text = f"[{self.source}] {self.file}: {self.message}"
        if self.close:
            text += f" (close: {', '.join(self.close)})"
        return text


@dataclass
class SourceCheck:
    """What was checked of one source."""

    source: str
    file: str
    loader: str
    bytes: int | None = None
    columns_checked: int = 0
    declared_year: int | None = None
    expected_year: int | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Report:
    """The checks of every source, and how long they took."""

    raw: str
    sources: list[SourceCheck]
    seconds: float

    @property
    def problems(self) -> list[Problem]:
        """Every problem, in catalogue order."""
        return [p for s in self.sources for p in s.problems]

    def to_dict(self) -> dict:
        """A JSON-ready form."""
        return {"raw": self.raw, "seconds": round(self.seconds, 2), "ok": not self.problems,
                "problems": [asdict(p) for p in self.problems],
                "sources": [{k: v for k, v in asdict(s).items() if k != "problems"}
                            for s in self.sources]}


class PrecheckError(ValueError):
    """Some sources cannot be built; the message lists every problem."""

    def __init__(self, report: Report):
        self.report = report
        problems = report.problems
        lines = [f"{len(problems)} problem(s) in {len({p.source for p in problems})} "
                 f"source(s) of {report.raw}, found before loading anything:"]
        lines += [f"  - {p}" for p in problems]
        if any(p.kind == "year" for p in problems):
            lines.append("To read a file of another year: atlas indicators build --year "
                         "SOURCE=YEAR (and --file SOURCE=PATH if it is elsewhere).")
        super().__init__("\n".join(lines))


def require_sources(raw: str | Path, catalogue: Catalogue | None = None) -> Report:
    """Check every source used by an indicator; raise :class:`PrecheckError` if any fails."""
    report = check_sources(raw, catalogue)
    if report.problems:
        raise PrecheckError(report)
    return report


def check_sources(raw: str | Path, catalogue: Catalogue | None = None) -> Report:
    """Check every source used by an indicator, earlier vintages included (module docstring)."""
    catalogue = (catalogue or load_catalogue()).with_history()
    raw = Path(raw)
    start = time.perf_counter()
    used = {i.source.id: i.source for i in catalogue.indicators}
    checks = [_check(raw, source, catalogue.columns_used(source.id))
              for source in used.values()]
    for problem in (p for c in checks for p in c.problems if p.kind == "year"):
        _say_which_file(problem, catalogue)
    return Report(str(raw), checks, time.perf_counter() - start)


def _say_which_file(problem: Problem, catalogue: Catalogue) -> None:
    """Add to a year problem the file ``--year`` would read, when it is another one."""
    if catalogue.data is None or problem.declared is None:
        return
    try:
        other = catalogue.with_years({problem.source: problem.declared})
    except ValueError:
        return
    file = other.sources[problem.source].file
    if not problem.file.endswith(file):
        problem.message += (f" (which reads {file}; add --file {problem.source}="
                            f"{problem.file} to read this very file)")


def _check(raw: Path, source: Source, used: list[str]) -> SourceCheck:
    path = Path(source.file) if Path(source.file).is_absolute() else raw / source.file
    check = SourceCheck(source.id, str(path), source.loader, expected_year=source.year)

    def problem(kind: str, message: str, **extra) -> None:
        check.problems.append(Problem(source.id, str(path), kind, message, **extra))

    if not path.exists():
        where = next((p for p in [path, *path.parents] if p.exists()), None)
        problem("missing file", f"not found (catalogue file {source.file!r}"
                + (f"; {where} exists" if where and where != path else "") + ")")
        return check
    bound = source.options.get("max_bytes") or MAX_FILE_BYTES
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    check.bytes = sum(f.stat().st_size for f in files)
    for file in files:
        if file.stat().st_size > bound:
            problem("too large", f"{file.name}: {file.stat().st_size / 1e6:,.0f} MB, above "
                    f"the bound of {bound / 1e6:,.0f} MB (--max-file-size MB to raise it)")
    reader = READERS.get(source.loader)
    if reader is None:
        return check
    try:
        found = reader(path, source, used)
    except (LoadError, OSError, ValueError, KeyError) as error:
        problem("unreadable", str(error))
        return check
    check.columns_checked = len(found.required)
    check.declared_year = found.year
    if found.year is not None and source.year is not None and found.year != source.year:
        problem("year", f"the file declares the year {found.year} ({found.evidence}) but "
                f"{source.year} is expected: to use it, --year {source.id}={found.year}",
                declared=found.year, expected=source.year)
        return check
    for column in found.required:
        if column not in found.names:
            problem("missing column", f"column {column!r} not found", column=column,
                    close=difflib.get_close_matches(column, found.names, n=3))
    return check


@dataclass
class Found:
    """What a header says: its names, those required, the year it declares."""

    names: list[str]
    required: list[str]
    year: int | None = None
    evidence: str = ""


def _head_rows(path: Path, sep: str | None = None, limit: int | None = 5
               ) -> tuple[list[str], list[list[str]]]:
    """Header and first rows of a delimited file (or zip member), header stripped."""
    from indicators.loaders.csv_columns import SEPARATORS, data_file

    source = data_file(path, max_bytes=1 << 62)
    with source.open() as stream:
        data = stream.read(HEAD_BYTES) if limit is not None else stream.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        text = data[:error.start].decode("utf-8") if error.start > len(data) - 4 else \
            data.decode("latin-1")
    lines = text.splitlines()
    if limit is not None and len(data) == HEAD_BYTES:
        lines = lines[:-1]  # the last line may be cut
    if not lines:
        raise LoadError(source.name, "empty file")
    if sep is None:
        sep = max(SEPARATORS, key=lines[0].count)
    rows = list(csv.reader(lines if limit is None else lines[:limit + 1], delimiter=sep))
    return [h.strip() for h in rows[0]], rows[1:]


def _year_of(patterns: list[str], names: list[str], expected: int | None
             ) -> tuple[int | None, str]:
    with_year = [p for p in patterns if has_placeholder(p)]
    if with_year:
        found = declared_year(with_year, names, expected)
        return found.year, f"columns {', '.join(found.evidence[:4])}"
    found = suffix_years(patterns or names)
    if found.year is None or (expected is not None and expected in found.years):
        return expected if found.year is not None else None, ""
    return found.year, f"columns {', '.join(found.evidence[:4])}"


def _file_columns(source: Source, used: list[str]) -> tuple[list[str], list[str]]:
    """Column patterns of a source, and the file columns at the year read."""
    patterns = list((source.options.get("columns") or {}).values()) or used
    year = source.year
    return patterns, [resolve(p, year) if year is not None else p for p in patterns]


def _insee(path: Path, source: Source, used: list[str]) -> Found:
    header, _ = _head_rows(path, source.options.get("sep"), limit=0)
    patterns, columns = _file_columns(source, used)
    year, evidence = _year_of(patterns, header, source.year)
    code = source.options.get("code_column", "CODGEO")
    return Found(header, [code, *columns], year, evidence)


def _apl(path: Path, source: Source, used: list[str]) -> Found:
    from indicators.loaders.apl import COLUMNS

    header, rows = _head_rows(path, "\t")
    years = {r[header.index("an")].strip() for r in rows
             if "an" in header and len(r) == len(header)}
    year = int(min(years)) if len(years) == 1 and min(years).isdigit() else None
    return Found(header, list(COLUMNS), year, "column an")


def _ssmsi(path: Path, source: Source, used: list[str]) -> Found:
    from indicators.loaders.ssmsi import COMMUNE_COLUMNS, json_year

    doc = json.loads(path.read_text(encoding="utf-8-sig"))
    if not isinstance(doc, dict):
        raise LoadError(path, 'expected an object with "columns" and "rows"')
    names = [str(c) for c in doc.get("columns") or []]
    return Found(names, list(COMMUNE_COLUMNS), json_year(doc, str(path)), 'its "year" key')


def _ips(path: Path, source: Source, used: list[str]) -> Found:
    from indicators.loaders import ips

    header, rows = _head_rows(path, ";", limit=None)
    year = None
    if ips.SCHOOL_YEAR in header:
        at = header.index(ips.SCHOOL_YEAR)
        years = sorted({int(r[at][:4]) for r in rows if len(r) > at and r[at][:4].isdigit()})
        year = source.year if source.year in years else (years[-1] if years else None)
    required = [ips.CODE, ips.DEP, ips.UAI, ips.IPS]
    if source.year is not None:
        required.append(ips.SCHOOL_YEAR)
    return Found(header, required, year, f"column {ips.SCHOOL_YEAR!r}")


def _observatoire(path: Path, source: Source, used: list[str]) -> Found:
    from indicators.loaders.observatoire_xlsx import names_year, table_columns

    names = table_columns(path, source.options.get("sheet"))
    patterns, columns = _file_columns(source, used)
    try:
        year = names_year(patterns, names, source.year, path)
    except LoadError as error:  # a VintageError: say it as a year problem
        return Found(names, columns, getattr(error, "declared", None), str(error))
    return Found(names, columns, year, "column names")


def _iris(path: Path, source: Source, used: list[str]) -> Found:
    import pyarrow.parquet as pq

    from indicators.loaders.iris_parquet import IDENTIFIERS, POPULATION, iris_files

    required = [*IDENTIFIERS, POPULATION, *(source.options.get("columns") or used)]
    common: set[str] | None = None
    for file in iris_files(path):
        names = set(pq.read_schema(file).names)
        common = names if common is None else common & names
    return Found(sorted(common or ()), list(dict.fromkeys(required)))


def _ifn(path: Path, source: Source, used: list[str]) -> Found:
    from indicators.loaders.ifn import HEADERS_FILE, SCORE, data_files, read_headers, score_name

    data_files(path)
    labels = read_headers(path / HEADERS_FILE)
    return Found([score_name(x) for x in labels if SCORE.search(x)], used)


def _plain_csv(path: Path, source: Source, used: list[str]) -> Found:
    header, _ = _head_rows(path, limit=0)
    return Found(header, used)


def _caf(path: Path, source: Source, used: list[str]) -> Found:
    """CAF counts, and the columns the loader derives from each (``A_for_<C>``…)."""
    header, _ = _head_rows(path, limit=0)
    derived = [f"{prefix}{name}" for name in header
               for prefix in ("A_for_", "pop_for_", "coverage_")]
    return Found([*header, *derived], used)


def _france_services(path: Path, source: Source, used: list[str]) -> Found:
    from indicators.loaders.france_services import SITE_COLUMNS

    header, _ = _head_rows(path, ",", limit=0)
    return Found(header, list(SITE_COLUMNS))


def _cnum(path: Path, source: Source, used: list[str]) -> Found:
    from indicators.loaders.france_services import CNUM_CODE, CNUM_COUNTS

    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not all(isinstance(v, dict) for v in doc.values()):
        raise LoadError(path, "expected an object of host structures (objects)")
    names = set.intersection(*(set(v) for v in doc.values())) if doc else set()
    return Found(sorted(names), [CNUM_CODE, *CNUM_COUNTS])


READERS: dict[str, Callable[[Path, Source, list[str]], Found]] = {
    "insee_csv.load_insee_csv": _insee,
    "dossier_complet.load_dossier_complet": _insee,
    "apl.load_apl": _apl,
    "ssmsi.load_ssmsi_communes": _ssmsi,
    "ips.load_ips": _ips,
    "observatoire_xlsx.load_observatoire": _observatoire,
    "iris_parquet.load_iris": _iris,
    "ifn.load_ifn": _ifn,
    "caf.load_caf_iris": _caf,
    "ntd.load_ntd": _plain_csv,
    "france_services.load_france_services": _france_services,
    "france_services.load_conseillers_numeriques": _cnum,
}
"""How to read the header of each loader's files, and which columns it needs there."""
