"""Legal populations 2021, 2022 and 2023 of the communes of COG 2025, and the COG crosswalk.

``atlas geodata populations --raw DIR`` reads the ``@etalab/decoupage-administratif``
tarballs (:mod:`geodata.cog`) and writes three compact files committed in
``geodata/data/``, so that the build and the app run without the raw data:

- ``legal_populations.csv``: ``code`` (COG 2025), ``population_2021``, ``population_2022``,
  ``population_2023`` (INSEE *populations légales*, population municipale) and
  ``population_year``, the year ``population_2023`` refers to (2017 in Mayotte). Releases
  4.0.0 and 4.1.0 are in COG 2024 codes: their populations are re-summed onto the
  communes of 2025 (93059 Pierrefitte-sur-Seine + 93066 Saint-Denis → 93066);
- ``cog_crosswalk.csv``: old code → commune of 2025, see :mod:`geodata.cog_crosswalk`,
  with the old code's own area in COG 2021 (``area_km2_2021``, INSEE's ``SUPERF`` of the
  *base du comparateur de territoires*), the weight of the parts of a merged commune in
  shares of surface;
- ``cog_provenance.json``: releases, sha256 of the tarballs, checks and reports.

Mayotte carries its 2017 census in every release: its three columns repeat that census,
and its ``population_year`` says 2017. A commune whose population a release does not give
stays missing (4.0.0 has none for 60694, 85165 and 85212), never 0.
"""

from __future__ import annotations

import csv
import hashlib
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from pathlib import Path

import pandas as pd

from geodata import cog
from geodata.cog_crosswalk import derive_crosswalk

POPULATIONS = "legal_populations.csv"
CROSSWALK = "cog_crosswalk.csv"
PROVENANCE = "cog_provenance.json"
COMMITTED = (POPULATIONS, CROSSWALK, PROVENANCE)
YEARS = (2021, 2022, 2023)
"""Years of the legal populations given for every commune of 2025."""
POPULATION_RELEASES = {2021: "4.0.0", 2022: "4.1.0", 2023: "5.3.0"}
OLDER_RELEASES = ("0.7.0", "4.0.0", "4.1.0")
"""Releases whose communes are old codes to place (0.7.0 also gives 2016 populations)."""
LATEST_YEAR = max(YEARS)
SOURCE = ("INSEE, populations légales {year} (population municipale), via "
          "@etalab/decoupage-administratif {version}")
MAYOTTE_SOURCE = ("INSEE, recensement de Mayotte {year} (population municipale), via "
                  "@etalab/decoupage-administratif {version}")
COMMAND = "atlas geodata populations --raw DIR"
AREAS_FILE = Path("insee") / "comparateur_2018" / "base_cc_comparateur_csv.zip"
AREAS_MEMBER = "base_cc_comparateur.CSV"
AREAS_YEAR = 2021
"""COG of the areas (``SUPERF``) of the *base du comparateur de territoires*."""


@dataclass(frozen=True)
class Extract:
    """The three derived tables, ready to be written."""

    populations: pd.DataFrame
    crosswalk: pd.DataFrame
    provenance: dict


def extract(raw_dir: Path) -> Extract:
    """Read the four tarballs under ``raw_dir`` and derive the committed tables.

    Raises
    ------
    FileNotFoundError
        If a tarball is missing.
    geodata.cog.CogFormatError
        If a tarball is not laid out as expected.
    ValueError
        If a commune of COG 2024 cannot be placed among those of 2025.
    """
    packages = {version: cog.read_release(raw_dir, version) for version in cog.RELEASES}
    latest = packages[cog.LATEST]
    walk, report = derive_crosswalk(latest, [packages[v] for v in OLDER_RELEASES])
    walk[f"area_km2_{AREAS_YEAR}"] = walk["old_code"].map(read_areas(raw_dir))
    current = latest.communes.loc[latest.communes["kind"] == "COM", "code"]
    populations = pd.DataFrame({"code": current.sort_values().to_numpy()})
    checks = {}
    for year, version in POPULATION_RELEASES.items():
        release = packages[version].release
        history = [p for p in packages.values()
                   if p.release.population_year < release.population_year]
        summed, check = resum(packages[version], walk, populations["code"], history)
        populations[f"population_{year}"] = populations["code"].map(summed).astype("Int64")
        checks[str(year)] = check
    mayotte = populations["code"].str.startswith(cog.MAYOTTE)
    populations["population_year"] = pd.Series(LATEST_YEAR, index=populations.index).where(
        ~mayotte, cog.MAYOTTE_CENSUS_YEAR).astype("Int64")
    provenance = _provenance(packages, populations, walk, checks, report.to_dict(), raw_dir)
    return Extract(populations, walk, provenance)


def _provenance(packages: dict[str, cog.Package], populations: pd.DataFrame,
                walk: pd.DataFrame, checks: dict, crosswalk_report: dict, raw_dir: Path) -> dict:
    """The provenance record: releases and their checksums, column meanings, checks."""
    columns = [f"population_{y}" for y in YEARS]
    mayotte = populations[populations["code"].str.startswith(cog.MAYOTTE)]
    differ = mayotte.loc[mayotte[columns].nunique(axis=1) > 1, "code"].tolist()
    area = f"area_km2_{AREAS_YEAR}"
    return {
        "derived_by": COMMAND,
        "derived_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "package": cog.PACKAGE_NAME,
        "licence": "Licence Ouverte / Etalab 2.0 (données), MIT (code)",
        "producer": "INSEE (COG, populations légales) via Etalab / DINUM",
        "releases": [{"version": p.release.version, "file": str(cog.PACKAGE_DIR / p.path.name),
                      "sha256": p.sha256, "cog": p.release.cog,
                      "population_year": p.release.population_year,
                      "communes": int((p.communes["kind"] == "COM").sum()),
                      "overseas_collectivities_left_out": p.overseas_collectivities}
                     for p in packages.values()],
        "columns": {
            POPULATIONS: {c: f"populations légales {c[-4:]}, release "
                          f"{POPULATION_RELEASES[int(c[-4:])]}" for c in columns}
            | {"population_year": f"year population_{LATEST_YEAR} refers to"},
            CROSSWALK: {"link": "how the old code belongs to its commune of 2025",
                        "last_cog": "latest COG in which the old code was a commune",
                        "population_<year>": "the old code's own population in the release "
                        "of that year, where it was a commune or an arrondissement",
                        area: f"the old code's own area in COG {AREAS_YEAR} (INSEE SUPERF)"},
        },
        "mayotte": (f"Mayotte's {len(mayotte)} communes carry the {cog.MAYOTTE_CENSUS_YEAR} "
                    "census in every release (the package's README: 'population Mayotte "
                    f"INSEE {cog.MAYOTTE_CENSUS_YEAR}')"
                    + (f"; but they differ for {differ}" if differ else
                       "; the three columns are identical there")),
        "areas": {"file": str(AREAS_FILE), "member": AREAS_MEMBER, "column": "SUPERF",
                  "sha256": hashlib.sha256((Path(raw_dir) / AREAS_FILE).read_bytes())
                  .hexdigest(), "producer": "INSEE, base du comparateur de territoires "
                  f"(géographie {AREAS_YEAR})", "rows_with_area": int(walk[area].notna().sum())},
        "resummed": checks,
        "crosswalk": {"rows": int(len(walk)),
                      "links": walk["link"].value_counts().sort_index().to_dict(),
                      **crosswalk_report},
    }


def read_areas(raw_dir: Path) -> pd.Series:
    """Areas (km², ``SUPERF``) of the communes and arrondissements of COG 2021, by code.

    Raises
    ------
    FileNotFoundError
        If the comparateur zip is not under ``raw_dir``.
    ValueError
        If a column is missing or a value is not a number; the message names file, member,
        row and column.
    """
    path = Path(raw_dir) / AREAS_FILE
    where = f"{path}: member {AREAS_MEMBER!r}"
    try:
        with zipfile.ZipFile(path) as archive, archive.open(AREAS_MEMBER) as handle:
            table = pd.read_csv(handle, sep=";", dtype=str, keep_default_na=False)
    except KeyError as error:
        raise ValueError(f"{where} not found in the zip") from error
    for column in ("CODGEO", "SUPERF"):
        if column not in table.columns:
            raise ValueError(f"{where}: column {column!r} not found")
    area = pd.to_numeric(table["SUPERF"].replace("", None), errors="coerce")
    bad = area.isna() & table["SUPERF"].ne("") | (area <= 0)
    if bad.any():
        row = int(bad.idxmax())
        raise ValueError(f"{where}, row {row + 2}, column 'SUPERF': "
                         f"{table.at[row, 'SUPERF']!r} is not a positive area")
    return pd.Series(area.to_numpy(), index=table["CODGEO"].to_numpy()).dropna()


def resum(package: cog.Package, walk: pd.DataFrame, current: pd.Series,
          history: Sequence[cog.Package] = ()) -> tuple[pd.Series, dict]:
    """Sum the populations of a release's communes onto the communes of 2025.

    A commune of 2025 gets a population only when every one of its parts has one. A commune
    re-established since (a commune nouvelle split back: 15141 Neussargues en Pinatelle
    into five communes on 1 January 2025) has no population in the release, and the
    commune it was part of has one that covers both: both are left missing, and reported.

    Parameters
    ----------
    package
        The release whose populations are re-summed.
    walk
        The crosswalk (:func:`geodata.cog_crosswalk.derive_crosswalk`).
    current
        Codes of the communes of 2025.
    history
        Releases up to ``package`` (itself included), whose links (delegated, associated
        and old codes) tell which commune a re-established one was part of.

    Returns
    -------
    Series
        Population by code of 2025 (float, missing where unknown).
    dict
        The check: totals before and after, codes moved, splits, communes left missing.

    Raises
    ------
    ValueError
        If a commune of the release is neither a commune of 2025 nor in ``walk``.
    """
    communes = package.communes[package.communes["kind"] == "COM"]
    to_2025 = walk.set_index("old_code")["code"]
    current = set(current)
    target = communes["code"].where(communes["code"].isin(current),
                                    communes["code"].map(to_2025))
    lost = communes.loc[target.isna(), "code"].tolist()
    if lost:
        raise ValueError(f"{package.path}: member 'package/data/communes.json': communes "
                         f"{lost[:10]} ({len(lost)}) are not communes of 2025 and no crosswalk "
                         "row places them")
    population = communes["population"].astype("float64")
    grouped = population.groupby(target.to_numpy())
    summed = grouped.sum(min_count=1).where(~population.isna().groupby(target.to_numpy()).any())
    lacking = current - set(summed.dropna().index)
    splits = _split_donors([*history, package], lacking, to_2025, current)
    summed[summed.index.isin(list(splits))] = float("nan")
    moved = communes["code"] != target
    check = {"release": package.release.version,
             "total_before": int(population.sum()), "total_after": int(summed.sum()),
             "codes_moved": int(moved.sum()),
             "communes_receiving": int(target[moved].nunique()),
             "split_since": splits,
             "missing": sorted(current - set(summed.dropna().index))}
    return summed, check


def _split_donors(releases: Sequence[cog.Package], lacking: set[str], to_2025: pd.Series,
                  current: set[str]) -> dict[str, list[str]]:
    """Communes of 2025 whose population also covers a commune of ``lacking``."""
    donors: dict[str, set[str]] = {}
    for package in releases:
        table = package.communes
        parts = table[table["kind"].isin(["COMD", "COMA"])][["code", "parent"]]
        old = table[table["kind"] == "COM"][["code", "old_codes"]].explode("old_codes").dropna()
        links = pd.concat([parts, old.rename(columns={"code": "parent", "old_codes": "code"})])
        links = links[links["code"].isin(lacking) & (links["code"] != links["parent"])]
        for code, parent in zip(links["code"], links["parent"], strict=True):
            donor = parent if parent in current else to_2025.get(parent)
            if donor is not None and donor not in lacking:
                donors.setdefault(donor, set()).add(code)
    return {donor: sorted(codes) for donor, codes in sorted(donors.items())}


def write(data: Extract, folder: Path) -> list[Path]:
    """Write the three files into ``folder`` and return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / name for name in COMMITTED]
    data.populations.to_csv(paths[0], index=False, quoting=csv.QUOTE_MINIMAL)
    data.crosswalk.to_csv(paths[1], index=False, quoting=csv.QUOTE_MINIMAL)
    paths[2].write_text(json.dumps(data.provenance, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    return paths


def read_populations(folder: Path | None = None) -> pd.DataFrame:
    """The committed legal populations: ``code``, ``population_<year>``, ``population_year``."""
    table = _read_csv(folder, POPULATIONS)
    for column in [*(f"population_{y}" for y in YEARS), "population_year"]:
        table[column] = table[column].astype("Int64")
    return table


def read_crosswalk(folder: Path | None = None) -> pd.DataFrame:
    """The committed crosswalk (old code → commune of 2025), see :mod:`geodata.cog_crosswalk`.

    Columns: ``old_code``, ``code``, ``link``, ``name``, ``last_cog``, ``population_<year>``.
    """
    table = _read_csv(folder, CROSSWALK, text=("old_code", "code", "link", "name"))
    for column in table.columns.drop(["old_code", "code", "link", "name"]):
        table[column] = table[column].astype("float64" if column.startswith("area")
                                             else "Int64")
    return table


def read_provenance(folder: Path | None = None) -> dict:
    """The committed provenance record."""
    return json.loads(_path(folder, PROVENANCE).read_text(encoding="utf-8"))


def sources() -> dict[int, str]:
    """Source label of each commune's ``population_year`` (latest release, Mayotte apart)."""
    version = POPULATION_RELEASES[LATEST_YEAR]
    return {LATEST_YEAR: SOURCE.format(year=LATEST_YEAR, version=version),
            cog.MAYOTTE_CENSUS_YEAR: MAYOTTE_SOURCE.format(year=cog.MAYOTTE_CENSUS_YEAR,
                                                           version=version)}


def digest(folder: Path | None = None) -> str:
    """SHA-256 of the committed CSV files (the geometry build key depends on them).

    Computed once per version of the files (path, size and modification time), since
    the app checks its build at every page run.
    """
    paths = tuple(_path(folder, name) for name in (POPULATIONS, CROSSWALK))
    return _digest(tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths))


@cache
def _digest(versions: tuple[tuple[str, int, int], ...]) -> str:
    sha = hashlib.sha256()
    for path, _, _ in versions:
        sha.update(Path(path).read_bytes())
    return sha.hexdigest()


def _path(folder: Path | None, name: str) -> Path:
    return Path(folder) / name if folder is not None else Path(str(files("geodata") / "data"
                                                                 / name))


def _read_csv(folder: Path | None, name: str, text: tuple[str, ...] = ("code",)) -> pd.DataFrame:
    if folder is None:
        return _committed(name, text).copy()
    return _parse(_path(folder, name), text)


@cache
def _committed(name: str, text: tuple[str, ...]) -> pd.DataFrame:
    return _parse(_path(None, name), text)


def _parse(path: Path, text: tuple[str, ...]) -> pd.DataFrame:
    return pd.read_csv(path, dtype={c: str for c in text}, keep_default_na=False, na_values=[""])
