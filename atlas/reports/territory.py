"""The identity of a territory: name, département and région, population and area.

Read from the geometry artifacts; which département and région a territory belongs to
follows :mod:`geodata.hierarchy` (an EPCI: where most of its inhabitants live).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from geodata import store
from geodata.hierarchy import parent_of
from geodata.levels import territory_level


@dataclass(frozen=True)
class Territory:
    """Identity of a territory (of a sheet, a page, a record).

    Attributes
    ----------
    level, code, name
        Its level (a :mod:`geodata.levels` identifier), code and name.
    departement, region
        Code of its département and région (for an EPCI, those of most of its
        inhabitants); None where they do not apply (a région has no département).
    departement_name, region_name
        Their names, or None.
    population, area_km2
        From the geometry artifacts (INSEE populations légales; area in a projected CRS).
    """

    level: str
    code: str
    name: str
    departement: str | None
    departement_name: str | None
    region: str | None
    region_name: str | None
    population: float
    area_km2: float


def describe(level: str, code: str) -> Territory:
    """Identity of territory ``code`` of ``level``; unknown ones raise a ``ValueError``."""
    level = territory_level(level).id
    table = _attributes(level)
    if code not in table.index:
        examples = ", ".join(repr(c) for c in table.index[:3])
        raise ValueError(f"unknown code {code!r} for level {level!r}; valid codes are the "
                         f"{len(table)} codes of geodata.store.attributes({level!r}), "
                         f"e.g. {examples}")
    row = table.loc[code]
    departement, region = _parents(level, code)
    return Territory(
        level=level, code=code, name=str(row["name"]),
        departement=departement, departement_name=_name("departements", departement),
        region=region, region_name=_name("regions", region),
        population=float(row["population"]), area_km2=float(row["area_km2"]))


@cache
def _attributes(level: str) -> pd.DataFrame:
    return store.attributes(level).set_index("code", drop=False)


def _parents(level: str, code: str) -> tuple[str | None, str | None]:
    """Département and région codes of a territory (None where they do not apply)."""
    departement = (None if level in ("departements", "regions")
                   else parent_of(level, "departements").get(code))
    region = parent_of(level, "regions").get(code)
    return (None if departement is None else str(departement),
            None if region is None else str(region))


def _name(level: str, code: str | None) -> str | None:
    if code is None:
        return None
    table = _attributes(level)
    return str(table.loc[code, "name"]) if code in table.index else None
