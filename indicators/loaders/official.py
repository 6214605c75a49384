"""Official values of higher levels computed from a publisher's own file of that level.

The SSMSI publishes recorded crime by département and by région (16 categories, counts
``faits`` and population ``POP``). The atlas's three commune security rates group the
SSMSI's categories as its commune source does (``ssmsi/communes/ssmsiToGroups.v1.json``);
:func:`load_ssmsi_groups` applies the same grouping to the département or région file, so
that a département's violence rate is the SSMSI's own count over the SSMSI's own
population, not a sum of commune values from which small counts were withheld.

The département and région files follow the SSMSI nomenclature of their edition (2023):
« Coups et blessures volontaires » stands where the 2024 commune base says « Violences
physiques » (intra- and extra-familial), a slightly narrower category (about 5 % fewer
facts in urban départements in 2019, where commune counts are nearly all published).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.loaders.base import LoadError, LoadResult
from indicators.loaders.ssmsi import load_ssmsi_dep_reg, slug

SSMSI_GROUPS: dict[str, tuple[str, ...]] = {
    "violences_personnes_p1000": (
        "Coups et blessures volontaires", "Violences sexuelles", "Vols avec armes",
        "Vols violents sans arme"),
    "securite_biens_p1000": (
        "Vols sans violence contre des personnes", "Cambriolages de logement",
        "Vols de véhicules", "Vols dans les véhicules", "Vols d'accessoires sur véhicules",
        "Escroqueries"),
    "tranquillite_p1000": ("Destructions et dégradations volontaires",),
}
"""Rate column → SSMSI categories (2023 edition) summed, per 1,000 inhabitants."""

FRANCE = "FR"
"""Code of the France row added by ``with_france``."""


def load_ssmsi_groups(path: str | Path, year: int, with_france: bool = False) -> LoadResult:
    """Grouped SSMSI rates of one year from the département or région file.

    Parameters
    ----------
    path
        ``donnee-dep-*.csv`` or ``donnee-reg-*.csv``, as published.
    year
        Year of the facts (e.g. ``2023``).
    with_france
        Add a row ``"FR"``: the sums of counts and populations of all rows (use with the
        région file, whose régions cover France).

    Returns
    -------
    LoadResult
        ``code``, ``population``, then for each group of :data:`SSMSI_GROUPS` its count
        ``<group>_faits`` and its rate per 1,000 inhabitants ``<group>``. A group whose
        count is missing for a territory (``NA`` in the file) is missing, not 0.

    Raises
    ------
    LoadError
        When a category of a group is absent from the file.
    """
    result = load_ssmsi_dep_reg(path, year=year)
    wide = result.table.set_index("code")
    if with_france:
        wide.loc[FRANCE] = wide.sum(axis=0, min_count=1)
    out = pd.DataFrame({"population": wide["population"]})
    for group, categories in SSMSI_GROUPS.items():
        columns = [f"faits_{slug(c)}" for c in categories]
        absent = [c for c, col in zip(categories, columns, strict=True)
                  if col not in wide.columns]
        if absent:
            raise LoadError(result.file, f"categories {absent} of group {group!r} not found; "
                                         f"categories: {sorted(wide.columns)}",
                            column="classe")
        count = wide[columns].sum(axis=1, min_count=len(columns))
        out[f"{group}_faits"] = count
        out[group] = 1000 * count / wide["population"].where(wide["population"] > 0)
    notes = [*result.notes, f"year {year}; groups: "
             + "; ".join(f"{g} = {' + '.join(c)}" for g, c in SSMSI_GROUPS.items())]
    return LoadResult(table=out.rename_axis("code").reset_index(), file=result.file,
                      level=result.level, rejected=result.rejected,
                      secret_cells=result.secret_cells, notes=notes)
