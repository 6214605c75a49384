"""The indicator catalogue: one declarative YAML file loaded into frozen dataclasses.

Each indicator says what it measures (French label and description), its domain (and so its
dimension), unit and direction, how a higher level is computed (sums of a numerator and a
denominator, or a weighted mean flagged as an approximation), its source (producer,
dataset, vintage, licence, file), caveats, how its commune values are guarded against
small numbers (smoothing and « faible effectif » rule), the official values of higher
levels to show instead of recomputed ones, and whether it is comparable only within a
région.

A source whose files declare their year makes it a parameter: its entry has a ``year`` and
writes its file path, texts and ``columns`` (the file columns its indicators use) with
placeholders (``MED{yy}``, ``P{yy-5}_POP``, ``revenus {year}``, see
:mod:`indicators.vintage`). :meth:`Catalogue.with_years` (``atlas indicators build --year
SOURCE=YEAR``) resolves them at another year: the file read, the columns parsed, the
vintage, and the years in the labels and descriptions of its indicators follow; indicator
ids and the names of the loaded columns (those of the catalogue's year, e.g. ``MED21``)
are identifiers and stay.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

import yaml

from indicators.domains import DOMAIN_BY_ID
from indicators.series import Series, parse_series
from indicators.vintage import has_placeholder, offsets, resolve, shift_years

CATALOGUE_FILE = "catalogue.yaml"
DIRECTIONS = {"higher_is_more_fragile": 1, "higher_is_less_fragile": -1}
LOADERS = ("insee_csv", "dossier_complet", "apl", "ssmsi", "ips", "observatoire_xlsx",
           "iris_parquet", "ifn", "caf", "ntd", "arcep", "france_services", "official")
"""Loader modules a source may name (``indicators.loaders.<module>``)."""
SMALL_NUMBERS = ("none", "empirical_bayes", "denominator")
"""How an indicator's commune values are guarded against small numbers (see
:mod:`indicators.smoothing`): ``empirical_bayes`` (a count-based rate, smoothed towards its
département; marked « faible effectif » when fewer than 20 events are expected),
``denominator`` (not smoothed; marked when its own denominator or weight is below 200 units)
or ``none``."""
SPECIAL_COLUMNS = ("commune_population", "commune_population_2021", "commune_population_2022",
                   "commune_population_2023", "commune_area")
"""Column names the build supplies itself (see :mod:`indicators.build`)."""
OFFICIAL_LEVELS = ("epci", "departements", "regions", "france")
"""Levels for which an indicator may name an official value."""
COMPARISONS = ("france", "region")
TEMPLATED = ("dataset", "vintage", "file", "caveats")
"""Source fields that may hold year placeholders."""


@dataclass(frozen=True)
class Source:
    """A raw file and what is known of it."""

    id: str
    producer: str
    dataset: str
    vintage: str
    licence: str
    file: str
    """Path relative to the raw data folder."""
    loader: str
    """``module.function`` under ``indicators.loaders``."""
    raw_level: str
    url: str = ""
    retrieved_from: str = ""
    third_party: bool = False
    options: dict = field(default_factory=dict, hash=False, compare=False)
    caveats: str = ""
    absent_means_zero: bool = False
    """A complete register: a commune absent from the file has a count of 0."""
    year: int | None = None
    """The year read (the catalogue's, or the one asked for); ``None`` when the source's
    files declare no year."""
    catalogue_year: int | None = None
    """The catalogue's own year for the source: the loaded columns keep its names."""
    columns: tuple[str, ...] = ()
    """File columns the indicators use, as patterns (``MED{yy}``); empty when the loader
    decides (a fixed layout)."""

    def column_names(self) -> dict[str, str]:
        """Name of each loaded column (at the catalogue's year) → its file column pattern."""
        return {(resolve(p, self.catalogue_year) if self.catalogue_year else p): p
                for p in self.columns}


@dataclass(frozen=True)
class Aggregation:
    """How an indicator's value is computed at any level from commune data.

    ``ratio``: ``scale * sum(numerator) / sum(denominator)``, exact at every level.
    ``weighted_mean``: ``sum(value * weight) / sum(weight)``, an approximation at higher
    levels (the rate's own denominator is not available).
    """

    method: str
    numerator: str | None = None
    denominator: str | None = None
    value: str | None = None
    weight: str | None = None
    scale: float = 1.0
    exact: bool = False
    """For a weighted mean: the weight is the value's own denominator, so it is exact."""

    @property
    def approximate(self) -> bool:
        """Whether higher levels are an approximation (weighted mean of commune values)."""
        return self.method == "weighted_mean" and not self.exact


@dataclass(frozen=True)
class OfficialValue:
    """Where the official value of an indicator at one higher level is read.

    ``source`` is a file of :attr:`Catalogue.official_sources` (or of the catalogue's
    sources, when the commune file also holds rows of higher levels); ``column`` the column
    of its loaded table that holds the value, in the indicator's unit.
    """

    level: str
    source: Source
    column: str
    options: dict = field(default_factory=dict, hash=False, compare=False)
    """Loader options for this level, added to the source's own (e.g. ``scale``)."""


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue."""

    id: str
    label: str
    description: str
    domain: str
    unit: str
    direction: int
    """+1 when a higher value means more fragile, -1 otherwise."""
    source: Source
    aggregation: Aggregation
    caveats: str = ""
    official: tuple[OfficialValue, ...] = ()
    """Official values of higher levels, used instead of recomputed ones."""
    comparison: str = "france"
    """``"region"`` for an indicator only comparable within a région (a score relative to
    the région's mean): normalised within each région whatever the frame, and without
    value for a région itself."""
    small_numbers: str = "none"
    """One of :data:`SMALL_NUMBERS`: smoothing and « faible effectif » rule of commune values."""

    @property
    def smoothed(self) -> bool:
        """Whether commune values are smoothed by empirical Bayes (a count-based rate)."""
        return self.small_numbers == "empirical_bayes"

    @property
    def dimension(self) -> str:
        """Dimension of the indicator's domain."""
        return DOMAIN_BY_ID[self.domain].dimension


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Sources and indicators (hashed by identity, so that it can key caches)."""

    sources: dict[str, Source]
    indicators: tuple[Indicator, ...]
    official_sources: dict[str, Source] = field(default_factory=dict)
    """Files of official values of higher levels (départements, régions, EPCI)."""
    data: dict | None = field(default=None, repr=False)
    """The parsed YAML, to resolve the catalogue again (:meth:`with_years`)."""
    history: tuple[Indicator, ...] = ()
    """Earlier vintages of some indicators: built into the snapshot, never in the indices
    (they feed :attr:`series`)."""
    series: tuple[Series, ...] = ()
    """The vintages of one indicator and their comparability (:mod:`indicators.series`)."""
    includes_history: bool = False
    """Whether :attr:`indicators` holds the :attr:`history` ones (:meth:`with_history`)."""

    def with_history(self) -> Catalogue:
        """The catalogue with the :attr:`history` indicators among its indicators.

        The build reads, harmonises and aggregates them as the others; the indices use
        the catalogue without them.
        """
        if self.includes_history:
            return self
        return Catalogue(sources=self.sources, indicators=self.indicators + self.history,
                         official_sources=self.official_sources, data=self.data,
                         history=self.history, series=self.series, includes_history=True)

    def series_of(self, indicator_id: str) -> Series | None:
        """The series whose latest vintage is ``indicator_id``, if it has one."""
        return next((s for s in self.series if s.indicator == indicator_id), None)

    def with_years(self, years: Mapping[str, int] | None = None,
                   paths: Mapping[str, str] | None = None,
                   max_bytes: int | None = None) -> Catalogue:
        """The catalogue with other years, files or size bound for some sources.

        Parameters
        ----------
        years
            Source id → year (``{"filosofi_2021": 2019}``).
        paths
            Source id → file to read instead (absolute, or relative to the raw folder).
        max_bytes
            Size bound passed to every loader that takes ``max_bytes``.
        """
        if self.data is None:
            raise CatalogueError("this catalogue was not parsed from YAML data")
        again = parse_catalogue(self.data, years=years, paths=paths, max_bytes=max_bytes)
        return again.with_history() if self.includes_history else again

    def columns_used(self, source_id: str) -> list[str]:
        """Loaded columns the indicators of a source use (the build's own excluded)."""
        used: dict[str, None] = {}
        for indicator in self.indicators:
            if indicator.source.id != source_id:
                continue
            agg = indicator.aggregation
            for name in (agg.numerator, agg.denominator, agg.value, agg.weight):
                if name and name not in SPECIAL_COLUMNS:
                    used[name] = None
        return list(used)

    def by_id(self, indicator_id: str) -> Indicator:
        """Return one indicator (or history indicator); unknown ids raise a ``ValueError``."""
        for indicator in (*self.indicators, *self.history):
            if indicator.id == indicator_id:
                return indicator
        raise ValueError(f"unknown indicator {indicator_id!r}")

    def in_domain(self, domain_id: str) -> tuple[Indicator, ...]:
        """Indicators of one domain."""
        return tuple(i for i in self.indicators if i.domain == domain_id)


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message names the entry and the field."""


@cache
def load_catalogue() -> Catalogue:
    """Load and validate the package's ``catalogue.yaml``."""
    text = (files("indicators") / CATALOGUE_FILE).read_text(encoding="utf-8")
    return parse_catalogue(yaml.safe_load(text))


def parse_catalogue(data: dict, years: Mapping[str, int] | None = None,
                    paths: Mapping[str, str] | None = None,
                    max_bytes: int | None = None) -> Catalogue:
    """Build a :class:`Catalogue` from parsed YAML, validating every field.

    ``years``, ``paths`` and ``max_bytes`` are those of :meth:`Catalogue.with_years`.
    """
    years, paths = dict(years or {}), dict(paths or {})
    entries = data.get("sources") or {}
    unknown = sorted((set(years) | set(paths)) - set(entries))
    if unknown:
        raise CatalogueError(f"unknown source {unknown[0]!r}; sources: {sorted(entries)}")
    sources = {source_id: _checked_source("source", source_id, entry, years.get(source_id),
                                          paths.get(source_id), max_bytes)
               for source_id, entry in entries.items()}
    official_sources = {
        source_id: _checked_source("official source", source_id, entry, None, None, max_bytes)
        for source_id, entry in (data.get("official_sources") or {}).items()}
    seen: set[str] = set()
    known = {**sources, **official_sources}
    indicators = tuple(_indicator(entry, sources, known, entries, seen)
                       for entry in data.get("indicators") or [])
    history = tuple(_indicator(entry, sources, known, entries, seen)
                    for entry in data.get("history_indicators") or [])
    series = parse_series(data.get("series") or [], {i.id: i for i in indicators},
                          {i.id: i for i in history})
    return Catalogue(sources=sources, indicators=indicators,
                     official_sources=official_sources, data=data, history=history,
                     series=series)


def _indicator(entry: dict, sources: dict[str, Source], known: dict[str, Source],
               entries: dict, seen: set[str]) -> Indicator:
    """One indicator entry, every field validated (its id added to ``seen``)."""
    where = f"indicator {entry.get('id', '?')!r}"
    _require(entry, ["id", "label", "description", "domain", "unit", "direction",
                     "source", "aggregation"], where)
    if entry["id"] in seen:
        raise CatalogueError(f"{where}: duplicate id")
    seen.add(entry["id"])
    if entry["domain"] not in DOMAIN_BY_ID:
        raise CatalogueError(f"{where}: unknown domain {entry['domain']!r}; valid: "
                             f"{sorted(DOMAIN_BY_ID)}")
    if entry["direction"] not in DIRECTIONS:
        raise CatalogueError(f"{where}: direction must be one of {list(DIRECTIONS)}")
    if entry["source"] not in sources:
        raise CatalogueError(f"{where}: unknown source {entry['source']!r}")
    source = sources[entry["source"]]
    aggregation = _aggregation(entry["aggregation"], where)
    _check_columns(source, aggregation, where)
    comparison = entry.get("comparison", "france")
    if comparison not in COMPARISONS:
        raise CatalogueError(f"{where}: comparison must be one of {list(COMPARISONS)}")
    texts = {k: _shifted(entries[source.id], source, entry.get(k, ""))
             for k in ("label", "description", "caveats")}
    return Indicator(
        id=entry["id"], label=texts["label"], description=texts["description"],
        domain=entry["domain"], unit=entry["unit"],
        direction=DIRECTIONS[entry["direction"]], source=source,
        aggregation=aggregation, caveats=texts["caveats"],
        small_numbers=_small_numbers(entry.get("small_numbers", "none"), aggregation,
                                     where),
        official=_official(entry.get("official") or {}, known, where),
        comparison=comparison)


def _checked_source(kind: str, source_id: str, entry: dict, year: int | None,
                    path: str | None, max_bytes: int | None) -> Source:
    """One source entry, its required fields and loader checked (:func:`_source`)."""
    where = f"{kind} {source_id!r}"
    _require(entry, ["producer", "dataset", "vintage", "licence", "file", "loader",
                     "raw_level"], where)
    if entry["loader"].split(".")[0] not in LOADERS:
        raise CatalogueError(f"{where}: unknown loader {entry['loader']!r}; valid "
                             f"modules: {list(LOADERS)}")
    return _source(source_id, entry, year, path, max_bytes)


def _source(source_id: str, entry: dict, year: int | None, path: str | None,
            max_bytes: int | None) -> Source:
    """One source, its placeholders resolved at ``year`` (default: its own)."""
    where = f"source {source_id!r}"
    entry = dict(entry)
    own = entry.pop("year", None)
    patterns = tuple(entry.pop("columns", None) or ())
    if own is not None and not isinstance(own, int):
        raise CatalogueError(f"{where}: year must be a whole number, not {own!r}")
    if year is not None and own is None:
        raise CatalogueError(f"{where}: its files declare no year, so no other year can be "
                             "asked for; point at another file instead")
    used = year if year is not None else own
    templated = [f for f in TEMPLATED if has_placeholder(str(entry.get(f, "")))]
    if (templated or any(has_placeholder(p) for p in patterns)) and used is None:
        raise CatalogueError(f"{where}: year placeholders in {templated or 'columns'} but no "
                             "year")
    for name in templated:
        entry[name] = resolve(entry[name], used)
    if path is not None:
        entry["file"] = str(path)
    options = dict(entry.pop("options", None) or {})
    takes = _parameters(entry["loader"]) if (own is not None or patterns
                                             or max_bytes is not None) else set()
    if patterns:
        if "columns" not in takes:
            raise CatalogueError(f"{where}: loader {entry['loader']} takes no columns=")
        options["columns"] = {(resolve(p, own) if own is not None else p): p
                              for p in patterns}
    if own is not None:
        if "year" not in takes:
            raise CatalogueError(f"{where}: loader {entry['loader']} takes no year=, so the "
                                 "year of its file cannot be checked")
        options["year"] = used
    if max_bytes is not None and "max_bytes" in takes:
        options["max_bytes"] = max_bytes
    return Source(id=source_id, **entry, options=options, year=used, catalogue_year=own,
                  columns=patterns)


def _parameters(loader: str) -> set[str]:
    module, function = loader.split(".")
    target = getattr(importlib.import_module(f"indicators.loaders.{module}"), function)
    return set(inspect.signature(target).parameters)


def _check_columns(source: Source, aggregation: Aggregation, where: str) -> None:
    """A source that lists its columns must list every column its indicators use."""
    if not source.columns:
        return
    names = source.column_names()
    for name in (aggregation.numerator, aggregation.denominator, aggregation.value,
                 aggregation.weight):
        if name and name not in SPECIAL_COLUMNS and name not in names:
            raise CatalogueError(f"{where}: column {name!r} is not among the columns of "
                                 f"source {source.id!r} ({sorted(names)})")


def _shifted(entry: dict, source: Source, text: str) -> str:
    """An indicator text with the years of its source moved to the year read."""
    if not text or source.year == source.catalogue_year or source.catalogue_year is None:
        return text
    used = offsets([*source.columns, *(str(entry.get(f, "")) for f in TEMPLATED)])
    return shift_years(text, source.catalogue_year, source.year, used)


def catalogue_of_snapshot(directory: Path | None = None) -> Catalogue:
    """The catalogue at the years a snapshot was built with (its ``provenance.json``).

    A source's year is the record's ``year`` when present, else the year whose vintage
    text is the one recorded; its file is the one recorded. Without a provenance file,
    the catalogue as written.
    """
    catalogue = load_catalogue()
    folder = Path(directory) if directory else Path(str(files("indicators") / "snapshot"))
    path = folder / "provenance.json"
    if not path.exists():
        return catalogue
    records = json.loads(path.read_text(encoding="utf-8")).get("sources", [])
    years, paths = {}, {}
    for record in records:
        source = catalogue.sources.get(record.get("id"))
        if source is None or source.catalogue_year is None:
            continue
        year = record.get("year") or _year_of_vintage(catalogue, source, record)
        if year is not None and year != source.year:
            years[source.id] = int(year)
        if year is not None and record.get("file"):
            expected = resolve((catalogue.data or {})["sources"][source.id]["file"], year)
            if record["file"] != expected:
                paths[source.id] = record["file"]
    return catalogue.with_years(years, paths) if years or paths else catalogue


def _year_of_vintage(catalogue: Catalogue, source: Source, record: dict) -> int | None:
    template = str((catalogue.data or {})["sources"][source.id]["vintage"])
    recorded = str(record.get("vintage", ""))
    if recorded == source.vintage:
        return source.year
    for candidate in re.findall(r"(?:19|20)[0-9]{2}", recorded):
        for offset in sorted(offsets([template])):
            year = int(candidate) - offset
            if resolve(template, year) == recorded:
                return year
    return None


def _official(entry: dict, official_sources: dict[str, Source],
              where: str) -> tuple[OfficialValue, ...]:
    out = []
    for level, spec in entry.items():
        if level not in OFFICIAL_LEVELS:
            raise CatalogueError(f"{where}: official value for unknown level {level!r}; "
                                 f"valid: {list(OFFICIAL_LEVELS)}")
        _require(spec, ["source", "column"], f"{where}, official {level}")
        if spec["source"] not in official_sources:
            raise CatalogueError(f"{where}: unknown official source {spec['source']!r}; "
                                 f"valid: {sorted(official_sources)}")
        out.append(OfficialValue(level, official_sources[spec["source"]], spec["column"],
                                 dict(spec.get("options") or {})))
    return tuple(out)


def _small_numbers(value: object, aggregation: Aggregation, where: str) -> str:
    if value not in SMALL_NUMBERS:
        raise CatalogueError(f"{where}: small_numbers must be one of {list(SMALL_NUMBERS)}, "
                             f"not {value!r}")
    if value == "empirical_bayes" and aggregation.method != "ratio":
        raise CatalogueError(f"{where}: small_numbers 'empirical_bayes' needs a ratio "
                             f"aggregation (a count of events over a population at risk), "
                             f"not {aggregation.method!r}")
    return str(value)


def _aggregation(entry: dict, where: str) -> Aggregation:
    method = entry.get("method")
    if method == "ratio":
        _require(entry, ["numerator", "denominator"], f"{where}, aggregation")
    elif method == "weighted_mean":
        _require(entry, ["value", "weight"], f"{where}, aggregation")
    else:
        raise CatalogueError(f"{where}: aggregation method must be 'ratio' or "
                             f"'weighted_mean', not {method!r}")
    return Aggregation(**entry)


def _require(entry: dict, keys: list[str], where: str) -> None:
    missing = [k for k in keys if entry.get(k) in (None, "")]
    if missing:
        raise CatalogueError(f"{where}: missing {', '.join(missing)}")
