"""Which territory belongs to which: one rule for the indices, maps, exports and sheets.

- A commune belongs to the EPCI, département and région the COG gives it (the columns of
  the communes table).
- A département belongs to its région.
- An EPCI may cross département and région borders; it belongs to the one where **most of
  its inhabitants** live (latest legal populations). A tie, or an EPCI none of whose
  communes has a known population, goes to the smallest code. Every map, table, sheet and
  index places an EPCI there, and only there.
- An overseas région has a single département (Guadeloupe ``"01"`` → ``"971"``), found
  from the data, not typed by hand.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from geodata import store
from geodata.crs import OVERSEAS_CRS
from geodata.levels import COMMUNES, DEPARTEMENTS, EPCI, REGIONS, Level, level


def parent_of(child: str | Level, parent: str | Level, root: Path | None = None) -> pd.Series:
    """Code of the ``parent`` territory of every territory of ``child``, indexed by code.

    A level is its own parent (``parent_of("regions", "regions")`` maps each région to
    itself), so that callers need not special-case the frame of a level.

    Parameters
    ----------
    child
        ``"communes"``, ``"epci"``, ``"departements"`` or ``"regions"`` (either spelling).
    parent
        ``"departements"`` or ``"regions"``, or the child level itself.
    """
    child, parent = level(child), level(parent)
    return _parent_of(child, parent, root).copy()


@cache
def _parent_of(child: Level, parent: Level, root: Path | None) -> pd.Series:
    order = (COMMUNES, EPCI, DEPARTEMENTS, REGIONS)
    if child not in order or parent not in order:
        raise ValueError(f"no parent {parent.id!r} of {child.id!r}: levels are "
                         f"{', '.join(lv.id for lv in order)}")
    if child == parent:
        codes = store.attributes(child.id, root)["code"].to_numpy()
        return pd.Series(codes, index=codes, name=parent.column)
    if parent not in (DEPARTEMENTS, REGIONS) or order.index(parent) < order.index(child):
        raise ValueError(f"no parent {parent.id!r} of {child.id!r}: a parent is a "
                         "département or région above it")
    if child == DEPARTEMENTS:
        table = store.attributes("departements", root)
        return pd.Series(table["region"].to_numpy(), index=table["code"].to_numpy(),
                         name="region")
    communes = store.attributes("communes", root)
    if child == COMMUNES:
        return pd.Series(communes[parent.column].to_numpy(), index=communes["code"].to_numpy(),
                         name=parent.column)
    return main_of_groups(communes, "epci", parent.column)


def main_of_groups(communes: pd.DataFrame, group: str, column: str) -> pd.Series:
    """The ``column`` value where most inhabitants of each ``group`` live (ties: smallest).

    >>> communes = pd.DataFrame({"epci": ["a", "a", "a", "b"],
    ...                          "region": ["11", "24", "24", "44"],
    ...                          "population": [500, 300, 300, None]})
    >>> main_of_groups(communes, "epci", "region").to_dict()
    {'a': '24', 'b': '44'}
    """
    members = communes.dropna(subset=[group, column])
    people = (members.assign(population=members["population"].fillna(0))
              .groupby([group, column])["population"].sum().reset_index())
    ranked = people.sort_values([group, "population", column],
                                ascending=[True, False, True], kind="stable")
    main = ranked.drop_duplicates(group, keep="first")
    return pd.Series(main[column].to_numpy(), index=main[group].to_numpy(), name=column)


def members(child: str | Level, parent: str | Level, code: str,
            root: Path | None = None) -> pd.Index:
    """Codes of the territories of ``child`` that belong to the ``parent`` territory ``code``.

    Raises ``ValueError`` naming the valid codes when ``code`` is not a territory of
    ``parent``.
    """
    parents = parent_of(parent, parent, root)
    if code not in parents.index:
        raise ValueError(f"unknown {level(parent).label} {code!r}; valid codes: "
                         f"{sorted(parents.index)}")
    of = parent_of(child, parent, root)
    return pd.Index(of.index[of.to_numpy() == code])


def overseas_departement_of_region(root: Path | None = None) -> dict[str, str]:
    """Each overseas région's code and its single département's (``"01"`` → ``"971"``)."""
    return dict(_overseas(root))


@cache
def _overseas(root: Path | None) -> tuple[tuple[str, str], ...]:
    deps = store.attributes("departements", root)
    overseas = deps[deps["code"].isin(list(OVERSEAS_CRS))]
    return tuple(zip(overseas["region"], overseas["code"], strict=True))


def overseas_codes(root: Path | None = None) -> set[str]:
    """Codes of the overseas régions and départements."""
    pairs = overseas_departement_of_region(root)
    return set(pairs) | set(pairs.values())


def departement_of(child: str | Level, root: Path | None = None) -> pd.Series:
    """Département of each territory of ``child``, by code, to place the overseas insets.

    A région has one only if it is overseas (its single département); a metropolitan
    région maps to ``""`` (drawn in the metropolitan frame).
    """
    child = level(child)
    if child == REGIONS:
        codes = store.attributes("regions", root)["code"]
        overseas = overseas_departement_of_region(root)
        return pd.Series([overseas.get(c, "") for c in codes], index=codes.to_numpy(),
                         name="departement")
    return parent_of(child, DEPARTEMENTS, root)
