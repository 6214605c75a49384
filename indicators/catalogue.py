"""The indicator catalogue: one declarative YAML file loaded into frozen dataclasses.

Each indicator says what it measures (French label and description), its domain (and so its
dimension), unit and direction, how a higher level is computed (sums of a numerator and a
denominator, or a weighted mean flagged as an approximation), its source (producer,
dataset, vintage, licence, file), caveats, and how its commune values are guarded against
small numbers (smoothing and « faible effectif » rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import yaml

from indicators.domains import DOMAIN_BY_ID

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


OFFICIAL_LEVELS = ("epci", "departements", "regions", "france")
"""Levels for which an indicator may name an official value."""
COMPARISONS = ("france", "region")


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

    def by_id(self, indicator_id: str) -> Indicator:
        """Return one indicator; unknown ids raise a ``ValueError``."""
        for indicator in self.indicators:
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


def parse_catalogue(data: dict) -> Catalogue:
    """Build a :class:`Catalogue` from parsed YAML, validating every field."""
    sources = _sources(data.get("sources"), "source")
    official_sources = _sources(data.get("official_sources"), "official source")
    indicators = []
    seen = set()
    for entry in data.get("indicators") or []:
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
        aggregation = _aggregation(entry["aggregation"], where)
        comparison = entry.get("comparison", "france")
        if comparison not in COMPARISONS:
            raise CatalogueError(f"{where}: comparison must be one of {list(COMPARISONS)}")
        indicators.append(Indicator(
            id=entry["id"], label=entry["label"], description=entry["description"],
            domain=entry["domain"], unit=entry["unit"],
            direction=DIRECTIONS[entry["direction"]], source=sources[entry["source"]],
            aggregation=aggregation, caveats=entry.get("caveats", ""),
            small_numbers=_small_numbers(entry.get("small_numbers", "none"), aggregation,
                                         where),
            official=_official(entry.get("official") or {},
                               {**sources, **official_sources}, where),
            comparison=comparison))
    return Catalogue(sources=sources, indicators=tuple(indicators),
                     official_sources=official_sources)


def _sources(entries: dict | None, kind: str) -> dict[str, Source]:
    sources = {}
    for source_id, entry in (entries or {}).items():
        where = f"{kind} {source_id!r}"
        _require(entry, ["producer", "dataset", "vintage", "licence", "file", "loader",
                         "raw_level"], where)
        if entry["loader"].split(".")[0] not in LOADERS:
            raise CatalogueError(f"{where}: unknown loader {entry['loader']!r}; valid "
                                 f"modules: {list(LOADERS)}")
        sources[source_id] = Source(id=source_id, **entry)
    return sources


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


def _small_numbers(value: object, aggregation: Aggregation, where: str) -> str:
    if value not in SMALL_NUMBERS:
        raise CatalogueError(f"{where}: small_numbers must be one of {list(SMALL_NUMBERS)}, "
                             f"not {value!r}")
    if value == "empirical_bayes" and aggregation.method != "ratio":
        raise CatalogueError(f"{where}: small_numbers 'empirical_bayes' needs a ratio "
                             f"aggregation (a count of events over a population at risk), "
                             f"not {aggregation.method!r}")
    return str(value)


def _require(entry: dict, keys: list[str], where: str) -> None:
    missing = [k for k in keys if entry.get(k) in (None, "")]
    if missing:
        raise CatalogueError(f"{where}: missing {', '.join(missing)}")
