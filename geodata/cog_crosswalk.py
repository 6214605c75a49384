"""Old commune codes → communes of COG 2025, from the releases of decoupage-administratif.

A code of an older vintage is placed by the latest release (COG 2025), in this order:

1. a delegated or associated commune goes to the commune it belongs to now (``chefLieu``);
2. a municipal arrondissement goes to its commune (Paris, Lyon, Marseille);
3. a code listed in a commune's ``anciensCodes`` goes to that commune.

The current status (1) wins over the history (3): Lamarche-en-Woëvre (55273), associated
with 55245 from 1973 to 1983 and with 55386 since, is listed among the ``anciensCodes`` of
both; each such conflict is reported. Every code that was a commune (or a delegated or
associated commune) in an older release and that none of the rules places is reported too.

Each row also carries the code's own population in each release where it was a commune or
an arrondissement (``population_2016`` … ``population_2023``, before any merger is summed):
the weights of the parts of a merged commune. A commune of COG 2025 that absorbed others
has a row of its own (link ``même code``) for the same reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from geodata.cog import Package

LINKS = ("déléguée", "associée", "arrondissement", "ancien code", "même code")
"""Link of an old code to its commune, by priority."""
_LINK_OF_KIND = {"COMD": "déléguée", "COMA": "associée", "ARM": "arrondissement"}


@dataclass
class CrosswalkReport:
    """Codes the crosswalk had to choose between, and codes it could not place."""

    conflicts: list[dict] = field(default_factory=list)
    unplaced: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain JSON-serialisable summary."""
        return {"conflicts": self.conflicts, "unplaced": self.unplaced}


def derive_crosswalk(latest: Package,
                     older: Sequence[Package]) -> tuple[pd.DataFrame, CrosswalkReport]:
    """Return the crosswalk of old codes to the communes of ``latest``, and the report.

    Parameters
    ----------
    latest
        The release whose communes are the targets (COG 2025).
    older
        Older releases: their communes give the populations of the old codes and the list
        of codes that must be placed.

    Returns
    -------
    DataFrame
        ``old_code``, ``code``, ``link`` (one of :data:`LINKS`), ``name`` (the old code's
        latest known name), ``last_cog`` (latest COG year in which ``old_code`` was a
        commune of its own, missing if never in these releases) and one
        ``population_<year>`` column per release, sorted by ``old_code``.
    """
    report = CrosswalkReport()
    communes = latest.communes
    current = communes[communes["kind"] == "COM"]
    current_codes = set(current["code"])
    candidates = pd.concat([
        pd.DataFrame({"old_code": communes["code"], "code": communes["parent"],
                      "link": communes["kind"].map(_LINK_OF_KIND)})[communes["kind"] != "COM"],
        current[["code", "old_codes"]].explode("old_codes").dropna()
        .rename(columns={"old_codes": "old_code"}).assign(link="ancien code"),
    ], ignore_index=True)[["old_code", "code", "link"]]
    candidates = candidates[candidates["old_code"] != candidates["code"]]
    candidates["rank"] = candidates["link"].map(LINKS.index)
    candidates = candidates.sort_values(["old_code", "rank"]).drop_duplicates(
        ["old_code", "code"])
    for old_code, group in candidates.groupby("old_code"):
        if old_code in current_codes:
            report.conflicts.append(_conflict(old_code, old_code, "commune of COG 2025", group))
        elif len(group) > 1:
            kept = group.iloc[0]
            report.conflicts.append(_conflict(old_code, kept["code"], kept["link"],
                                              group.iloc[1:]))
    walk = candidates[~candidates["old_code"].isin(current_codes)]
    walk = walk.drop_duplicates("old_code")[["old_code", "code", "link"]]

    targets = sorted(set(walk.loc[walk["link"] != "arrondissement", "code"])
                     | set(communes.loc[communes["kind"].isin(["COMD", "COMA"]), "parent"]))
    selves = pd.DataFrame({"old_code": targets, "code": targets, "link": "même code"})
    walk = pd.concat([walk, selves], ignore_index=True)

    releases = [*older, latest]
    report.unplaced = _unplaced(older, set(walk["old_code"]) | current_codes)
    walk["name"] = walk["old_code"].map(_latest_names(releases))
    walk["last_cog"] = walk["old_code"].map(_last_cog(releases)).astype("Int64")
    for package in sorted(releases, key=lambda p: p.release.population_year):
        counted = package.communes[package.communes["kind"].isin(["COM", "ARM"])]
        column = f"population_{package.release.population_year}"
        walk[column] = walk["old_code"].map(counted.set_index("code")["population"])
        walk[column] = walk[column].astype("Int64")
    return walk.sort_values("old_code").reset_index(drop=True), report


def _conflict(old_code: str, kept: str, why: str, dropped: pd.DataFrame) -> dict:
    return {"old_code": old_code, "kept": kept, "kept_because": why,
            "dropped": [f"{row.code} ({row.link})" for row in dropped.itertuples()
                        if row.code != kept]}


def _unplaced(older: Sequence[Package], placed: set[str]) -> list[dict]:
    """Codes of older releases (communes, delegated, associated, old codes) left unplaced."""
    out = {}
    for package in older:
        table = package.communes[package.communes["kind"] != "ARM"]
        codes = set(table["code"]) | {c for codes in table["old_codes"] for c in codes}
        for code in sorted(codes - placed):
            out.setdefault(code, {"old_code": code, "release": package.release.version})
    return list(out.values())


def _latest_names(releases: Sequence[Package]) -> pd.Series:
    names: dict[str, str] = {}
    for package in releases:  # oldest first: later releases overwrite
        # a code both commune and delegated commune: the delegated one is the old commune
        table = package.communes.sort_values("kind", key=lambda k: k == "COM", kind="stable")
        names.update(table.drop_duplicates("code").set_index("code")["name"].to_dict())
    return pd.Series(names, dtype=object)


def _last_cog(releases: Sequence[Package]) -> pd.Series:
    years: dict[str, int] = {}
    for package in releases:
        for code in package.communes.loc[package.communes["kind"] == "COM", "code"]:
            years[code] = max(years.get(code, 0), package.release.cog)
    return pd.Series(years, dtype="int64")
