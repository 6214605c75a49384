"""The territorial levels of the atlas, with their names in code and in French.

Each level has one identifier, the plural one (``"regions"``) used by the geometry store,
the snapshot, the indices and the command line; its singular (``"region"``), used in survey
files and their codes, is accepted everywhere as an alias (:func:`level`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    """A territorial level.

    Attributes
    ----------
    id
        Identifier (``"communes"``, ``"epci"``, ``"departements"``, ``"regions"``,
        ``"france"``).
    singular
        Singular identifier, the alias survey files use (``"commune"``…).
    label, plural
        French names in running text (« département », « départements »).
    column
        Column of the communes table that names the territory of this level a commune
        belongs to (``None`` for France).
    """

    id: str
    singular: str
    label: str
    plural: str
    column: str | None

    @property
    def title(self) -> str:
        """French singular name at the start of a sentence or a heading (« Département »)."""
        return self.label[:1].upper() + self.label[1:]

    @property
    def plural_title(self) -> str:
        """French plural name as a heading (« Départements »)."""
        return self.plural[:1].upper() + self.plural[1:]


COMMUNES = Level("communes", "commune", "commune", "communes", "code")
EPCI = Level("epci", "epci", "EPCI", "EPCI", "epci")
DEPARTEMENTS = Level("departements", "departement", "département", "départements",
                     "departement")
REGIONS = Level("regions", "region", "région", "régions", "region")
FRANCE = Level("france", "france", "France", "France", None)

TERRITORY_LEVELS: tuple[Level, ...] = (COMMUNES, EPCI, DEPARTEMENTS, REGIONS)
"""Levels with a geometry, from the finest."""
ALL_LEVELS: tuple[Level, ...] = (*TERRITORY_LEVELS, FRANCE)
LEVELS: tuple[str, ...] = tuple(lv.id for lv in TERRITORY_LEVELS)
"""Identifiers of the levels with a geometry, from the finest."""

_BY_NAME = {name: lv for lv in ALL_LEVELS for name in (lv.id, lv.singular)}


def level(name: str | Level) -> Level:
    """The level called ``name``, in either spelling.

    >>> level("region") is level("Régions") is REGIONS
    True
    >>> level("cantons")
    Traceback (most recent call last):
    ...
    ValueError: unknown level 'cantons'; valid levels: communes, epci, departements, ...
    """
    if isinstance(name, Level):
        return name
    found = _BY_NAME.get(_plain(name))
    if found is None:
        singular = ", ".join(lv.singular for lv in ALL_LEVELS if lv.singular != lv.id)
        raise ValueError(f"unknown level {name!r}; valid levels: "
                         f"{', '.join(lv.id for lv in ALL_LEVELS)} (or {singular})")
    return found


def _plain(name: object) -> str:
    """Lower case without accents (« Régions » → ``"regions"``)."""
    text = unicodedata.normalize("NFKD", str(name).strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def level_id(name: str | Level) -> str:
    """The identifier of the level called ``name`` (``"region"`` → ``"regions"``).

    >>> level_id("departement")
    'departements'
    """
    return level(name).id


def territory_level(name: str | Level) -> Level:
    """The level with a geometry called ``name`` (not France), in either spelling.

    >>> territory_level("commune").id
    'communes'
    >>> territory_level("france")
    Traceback (most recent call last):
    ...
    ValueError: unknown level 'france'; valid levels: communes, epci, departements, regions
    """
    found = _BY_NAME.get(_plain(name))
    if found not in TERRITORY_LEVELS:
        raise ValueError(f"unknown level {name!r}; valid levels: {', '.join(LEVELS)}")
    return found


def parse_territory(text: str) -> tuple[str, str]:
    """Split ``LEVEL:CODE`` into its level and code.

    >>> parse_territory("communes:2A004")
    ('communes', '2A004')

    Raises
    ------
    ValueError
        If the text has no colon, an unknown level or an empty code.
    """
    level, sep, code = text.partition(":")
    if not sep or not code.strip():
        raise ValueError(f"territory {text!r} is not LEVEL:CODE (e.g. communes:35238)")
    try:
        found = territory_level(level)
    except ValueError:
        raise ValueError(f"unknown level {level!r} in {text!r}; valid levels: "
                         f"{', '.join(LEVELS)} (or their singular)") from None
    return found.id, code.strip()
