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
           "iris_parquet", "ifn", "caf", "ntd", "arcep", "france_services")
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
    sources = {}
    for source_id, entry in (data.get("sources") or {}).items():
        where = f"source {source_id!r}"
        _require(entry, ["producer", "dataset", "vintage", "licence", "file", "loader",
                         "raw_level"], where)
        if entry["loader"].split(".")[0] not in LOADERS:
            raise CatalogueError(f"{where}: unknown loader {entry['loader']!r}; valid "
                                 f"modules: {list(LOADERS)}")
        sources[source_id] = Source(id=source_id, **entry)
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
        indicators.append(Indicator(
            id=entry["id"], label=entry["label"], description=entry["description"],
            domain=entry["domain"], unit=entry["unit"],
            direction=DIRECTIONS[entry["direction"]], source=sources[entry["source"]],
            aggregation=aggregation, caveats=entry.get("caveats", ""),
            small_numbers=_small_numbers(entry.get("small_numbers", "none"), aggregation,
                                         where)))
    return Catalogue(sources=sources, indicators=tuple(indicators))


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
