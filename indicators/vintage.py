"""Years in column names and texts: placeholders, and the year a file declares.

A catalogue source makes its year a parameter by writing its column names, file path and
texts with placeholders: ``MED{yy}`` (``MED21`` for 2021), ``P{yy-5}_POP`` (``P13_POP``
for 2018), ``{yyyy}`` or ``{year}`` (``2021``), ``{year+1}``. The same patterns, matched
against a file's header, tell which year the file declares, so that a file of another year
is refused instead of being labelled with the wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

PLACEHOLDER = re.compile(r"\{(yy|yyyy|year)(?:([+-])([0-9]{1,2}))?\}")
"""``{yy}``, ``{yyyy}``, ``{year}``, optionally with an offset: ``{yy-5}``, ``{year+1}``."""

TWO_DIGIT_PIVOT = 60
"""Two-digit years below this are 20xx, others 19xx (INSEE series start in 1962)."""


def has_placeholder(text: str) -> bool:
    """Whether ``text`` holds a year placeholder.

    >>> has_placeholder("MED{yy}"), has_placeholder("MED21")
    (True, False)
    """
    return PLACEHOLDER.search(text) is not None


def _offset(match: re.Match) -> int:
    sign, number = match.group(2), match.group(3)
    return 0 if sign is None else (int(number) if sign == "+" else -int(number))


def resolve(text: str, year: int) -> str:
    """Replace the year placeholders of ``text`` with ``year``.

    >>> resolve("P{yy-5}_POP", 2018), resolve("revenus {year}", 2019)
    ('P13_POP', 'revenus 2019')
    """
    def one(match: re.Match) -> str:
        value = year + _offset(match)
        return f"{value % 100:02d}" if match.group(1) == "yy" else f"{value:04d}"

    return PLACEHOLDER.sub(one, text)


def offsets(texts: Iterable[str]) -> set[int]:
    """Offsets used by the placeholders of ``texts`` (``{yy-5}`` gives -5; 0 always)."""
    found = {0}
    for text in texts:
        found |= {_offset(m) for m in PLACEHOLDER.finditer(text)}
    return found


def full_year(two_digits: int) -> int:
    """Four-digit year of a two-digit one (``21`` → 2021, ``99`` → 1999)."""
    return (2000 if two_digits < TWO_DIGIT_PIVOT else 1900) + two_digits


def _regex(pattern: str) -> tuple[re.Pattern, list[tuple[str, int]]]:
    parts, groups, last = [], [], 0
    for match in PLACEHOLDER.finditer(pattern):
        parts.append(re.escape(pattern[last:match.start()]))
        parts.append("([0-9]{2})" if match.group(1) == "yy" else "([0-9]{4})")
        groups.append((match.group(1), _offset(match)))
        last = match.end()
    parts.append(re.escape(pattern[last:]))
    return re.compile("".join(parts)), groups


def years_matching(pattern: str, names: Iterable[str]) -> dict[int, str]:
    """Years at which ``pattern`` resolves to one of ``names``, and that name.

    >>> years_matching("P{yy-5}_POP", ["P13_POP", "P18_POP", "POP"])
    {2018: 'P13_POP', 2023: 'P18_POP'}
    """
    regex, groups = _regex(pattern)
    if not groups:
        return {}
    found: dict[int, str] = {}
    for name in names:
        match = regex.fullmatch(name)
        if match is None:
            continue
        candidates = {(full_year(int(v)) if kind == "yy" else int(v)) - offset
                      for v, (kind, offset) in zip(match.groups(), groups, strict=True)}
        if len(candidates) == 1:
            found.setdefault(candidates.pop(), name)
    return found


@dataclass
class Declared:
    """What a header says of its year, for a set of column patterns.

    Attributes
    ----------
    year
        The year at which every pattern names a column of the header; when several years
        do (a historical series), the expected one if among them, else the latest; when
        none does, the year naming the most columns; ``None`` when no column carries a year.
    complete
        Whether every pattern names a column at ``year``.
    evidence
        The columns found for ``year``.
    years
        Every year at which every pattern names a column (several for a series).
    """

    year: int | None
    complete: bool
    evidence: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def declared_year(patterns: Iterable[str], names: Iterable[str],
                  expected: int | None = None) -> Declared:
    """The year a header declares for these column patterns (see :class:`Declared`).

    >>> d = declared_year(["MED{yy}", "D1{yy}"], ["CODGEO", "MED19", "D119"], expected=2021)
    >>> d.year, d.complete, d.evidence
    (2019, True, ['MED19', 'D119'])
    """
    patterns = [p for p in patterns if has_placeholder(p)]
    names = list(names)
    if not patterns:
        return Declared(None, False)
    per_pattern = [years_matching(p, names) for p in patterns]
    counts: dict[int, int] = {}
    for found in per_pattern:
        for year in found:
            counts[year] = counts.get(year, 0) + 1
    if not counts:
        return Declared(None, False)
    full = sorted(y for y, n in counts.items() if n == len(patterns))
    if full:
        year = expected if expected in full else full[-1]
    else:
        year = max(counts, key=lambda y: (counts[y], y == expected, y))
    evidence = [found[year] for found in per_pattern if year in found]
    return Declared(year, year in full, evidence, full)


def shift_years(text: str, old: int, new: int, used_offsets: Iterable[int]) -> str:
    """Rewrite in ``text`` the four-digit years ``old + k`` as ``new + k`` (``k`` an offset).

    Only the years a source's placeholders produce are changed: « 2013-2018 » becomes
    « 2014-2019 » for a source of 2018 read as 2019 whose columns use ``{yy}`` and
    ``{yy-5}``; another year (a population of 2017, say) is left as it is.

    >>> shift_years("Emplois 2013-2018, population 2017", 2018, 2019, {0, -5})
    'Emplois 2014-2019, population 2017'
    """
    mapping = {old + k: new + k for k in used_offsets}
    if old == new:
        return text

    def one(match: re.Match) -> str:
        value = int(match.group())
        return str(mapping.get(value, value))

    return re.sub(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])", one, text)


def resolve_columns(columns: Iterable[str] | Mapping[str, str], year: int | None
                    ) -> dict[str, str]:
    """Output name → file column, resolving placeholders at ``year``.

    A sequence names each output column by the file column it reads; a mapping gives the
    output name of each pattern. Placeholders without a ``year`` raise a ``ValueError``.
    """
    pairs = (dict(columns) if isinstance(columns, Mapping)
             else {c: c for c in columns})
    needs = [p for p in pairs.values() if has_placeholder(p)]
    if needs and year is None:
        raise ValueError(f"column patterns {needs[:3]} need a year (pass year=)")
    out = {}
    for name, pattern in pairs.items():
        file_column = resolve(pattern, year) if year is not None else pattern
        output = resolve(name, year) if (year is not None and name == pattern) else name
        out[output] = file_column
    return out


_CENSUS = re.compile(r"[A-Z]{1,3}([0-9]{2})_[A-Z0-9_]+")
_SUFFIX = re.compile(r"[A-Z_]*[A-Z]([0-9]{2})")


def suffix_years(names: Iterable[str]) -> Declared:
    """Years INSEE column names carry: ``P18_POP`` (census prefix), ``MED21`` (suffix).

    Without patterns this is a clue, not a proof: the year named by most columns, and in
    ``years`` every year named. Names like ``TP6021`` or ``D121``, where the year cannot be
    told from the digits before it, are not counted.

    >>> d = suffix_years(["CODGEO", "P18_POP", "P13_POP", "P18_LOG", "MED19"])
    >>> d.year, d.years
    (2018, [2013, 2018, 2019])
    """
    counts: dict[int, list[str]] = {}
    for name in names:
        match = _CENSUS.fullmatch(name) or _SUFFIX.fullmatch(name)
        if match:
            counts.setdefault(full_year(int(match.group(1))), []).append(name)
    if not counts:
        return Declared(None, False)
    year = max(counts, key=lambda y: (len(counts[y]), y))
    return Declared(year, False, counts[year], sorted(counts))
