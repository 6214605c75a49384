"""Count France services sites and *conseillers numériques* hosts per commune (ANCT).

``liste-fs.csv``: one row per France services site (``id_fs``, ``insee_com``, ``insee_dep``,
``latitude``, ``longitude``, ``format_fs`` = *Site principal* or *Antenne*, ``itinerance``,
``format_fs_anct`` = *Lieu fixe*, *Multi-sites*, *Antenne* or *Mobile*…), 2020-2023.

``cnum.json``: one object per host structure, keyed by its name, with ``Code commune Insee``
(an integer where the code has no leading zero, else a string) and the number of
*conseillers numériques* granted, recruited, trained and in training.

Sites in Paris, Lyon and Marseille carry arrondissement codes; they are counted in their
commune unless ``arrondissements=True``. A commune code is rejected when malformed, outside
its département, or, given ``valid_codes``, absent from that reference list (former communes
merged since, such as 93059 or 49069, and Saint-Martin 97801, are not communes of the
atlas).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from indicators.loaders.base import LoadError, LoadResult, Rejected
from indicators.loaders.commune_codes import (
    COMMUNE_PATTERN,
    as_code,
    is_arrondissement,
    matches,
    merge_arrondissements,
)

SITE_COLUMNS = ("id_fs", "insee_dep", "insee_com", "latitude", "longitude", "format_fs",
                "itinerance", "format_fs_anct")
"""Columns of ``liste-fs.csv`` that the loader reads (others are ignored)."""

CNUM_CODE = "Code commune Insee"
CNUM_COUNTS = {
    "Nb de conseillers attribués": "cnum_conseillers_attribues",
    "Nb de conseillers recrutés": "cnum_conseillers_recrutes",
    "Nb de conseillers formés": "cnum_conseillers_formes",
    "Nb de conseillers en formation": "cnum_conseillers_en_formation",
}
"""Counts of ``cnum.json`` and the columns they become."""


class _Pairs(list):
    """A JSON object read as its list of (key, value) pairs: repeated keys are all kept."""


def read_france_services(path: str | Path) -> pd.DataFrame:
    """Return the France services sites, one row per site, with their coordinates.

    Columns: ``id_fs``, ``code`` (commune as written, leading zero restored), ``insee_dep``,
    ``latitude``, ``longitude`` (float, EPSG:4326, missing when not numeric),
    ``format_fs``, ``itinerance``, ``format_fs_anct``; the index is the file row (header = 1).
    """
    path = Path(path)
    if not path.exists():
        raise LoadError(path, "no such file")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw.index = pd.RangeIndex(2, len(raw) + 2)
    for column in SITE_COLUMNS:
        if column not in raw.columns:
            raise LoadError(path, "missing column", row=1, column=column)
    sites = raw[list(SITE_COLUMNS)].rename(columns={"insee_com": "code"})
    sites["code"] = as_code(sites["code"], 5)
    for axis in ("latitude", "longitude"):
        sites[axis] = pd.to_numeric(sites[axis].str.strip(), errors="coerce").astype(float)
    return sites


def _check_codes(codes: pd.Series, path: Path, column: str, arrondissements: bool,
                 valid_codes: Collection[str] | None, departements: pd.Series | None = None
                 ) -> tuple[pd.Series, list[Rejected]]:
    """Return the codes to count by (arrondissements merged) and the rows rejected."""
    rejected: list[Rejected] = []
    bad = ~matches(codes, COMMUNE_PATTERN)
    reasons = pd.Series("malformed commune code", index=codes.index)
    if departements is not None:
        outside = ~bad & ~pd.Series([c.startswith(d) if isinstance(c, str) else False
                                     for c, d in zip(codes, departements, strict=True)],
                                    index=codes.index)
        reasons[outside & ~bad] = "commune code outside the site's département"
        bad |= outside
    counted = codes if arrondissements else merge_arrondissements(codes)
    if valid_codes is not None:
        valid = set(valid_codes)
        unknown = ~bad & ~counted.isin(valid)
        reasons[unknown] = "not a commune of the reference list (former or foreign commune)"
        bad |= unknown
    for row in codes.index[bad]:
        rejected.append(Rejected(str(path), int(row), column, codes[row], reasons[row]))
    return counted[~bad], rejected


def load_france_services(path: str | Path, *, valid_codes: Collection[str] | None = None,
                         arrondissements: bool = False) -> LoadResult:
    """Count France services sites per commune.

    Parameters
    ----------
    path
        ``liste-fs.csv`` as distributed.
    valid_codes
        Reference commune codes (e.g. the atlas's communes); codes outside it are rejected.
    arrondissements
        Keep Paris, Lyon and Marseille arrondissements as rows; by default merged.

    Returns
    -------
    LoadResult
        ``code``, ``fs_sites`` (all sites), ``fs_sites_principaux``, ``fs_antennes``,
        ``fs_itinerants`` (``itinerance`` = Oui), ``fs_mobiles`` (``format_fs_anct`` =
        Mobile). Only communes with a site are rows: the others have 0 sites.
    """
    path = Path(path)
    sites = read_france_services(path)
    duplicated = sites["id_fs"].duplicated()
    if duplicated.any():
        row = int(sites.index[duplicated][0])
        raise LoadError(path, f"duplicate id_fs {sites.at[row, 'id_fs']!r}", row=row,
                        column="id_fs")
    counted, rejected = _check_codes(sites["code"], path, "insee_com", arrondissements,
                                     valid_codes, sites["insee_dep"].str.strip())
    kept = sites.loc[counted.index].assign(code=counted)
    flags = pd.DataFrame({
        "fs_sites": True,
        "fs_sites_principaux": kept["format_fs"].str.strip() == "Site principal",
        "fs_antennes": kept["format_fs"].str.strip() == "Antenne",
        "fs_itinerants": kept["itinerance"].str.strip() == "Oui",
        "fs_mobiles": kept["format_fs_anct"].str.strip() == "Mobile",
    }, index=kept.index)
    table = flags.groupby(kept["code"], sort=False).sum().astype(float).reset_index()
    no_xy = int(sites[["latitude", "longitude"]].isna().any(axis=1).sum())
    notes = [f"{len(sites)} sites, {len(kept)} counted in {len(table)} communes; "
             f"{len(rejected)} rejected",
             "only communes with a site are rows (a commune absent has 0 sites)",
             f"sites without numeric coordinates: {no_xy}"]
    if not arrondissements and is_arrondissement(sites["code"]).any():
        notes.append(f"{int(is_arrondissement(sites['code']).sum())} sites in municipal "
                     "arrondissements counted in their commune")
    return LoadResult(table=table, file=str(path), rejected=rejected, notes=notes)


def load_conseillers_numeriques(path: str | Path, *,
                                valid_codes: Collection[str] | None = None,
                                arrondissements: bool = False) -> LoadResult:
    """Count *conseillers numériques* host structures and advisers per commune.

    Parameters
    ----------
    path
        ``cnum.json`` as distributed (an object of host structures keyed by name).
    valid_codes
        Reference commune codes; codes outside it are rejected.
    arrondissements
        Keep Paris, Lyon and Marseille arrondissements as rows; by default merged.

    Returns
    -------
    LoadResult
        ``code``, ``cnum_structures`` then the sums of :data:`CNUM_COUNTS`. Rows are numbered
        as the structures in the file (first = 1).

    Raises
    ------
    LoadError
        Not a JSON object of objects, a count that is not a whole number >= 0.
    """
    path = Path(path)
    if not path.exists():
        raise LoadError(path, "no such file")
    try:
        with open(path, encoding="utf-8") as handle:
            pairs = json.load(handle, object_pairs_hook=_Pairs)
    except json.JSONDecodeError as error:
        raise LoadError(path, f"not JSON: {error}", row=error.lineno) from error
    if not isinstance(pairs, _Pairs) or not all(isinstance(v, _Pairs) for _, v in pairs):
        raise LoadError(path, "expected an object of host structures (objects)")
    records = [dict(value) for _, value in pairs]
    index = pd.RangeIndex(1, len(records) + 1)
    counts = {}
    for field, name in CNUM_COUNTS.items():
        values = pd.Series([r.get(field) for r in records], index=index, dtype=object)
        ok = values.map(lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0)
        if not ok.all():
            row = int(values.index[~ok][0])
            raise LoadError(path, f"structure {pairs[row - 1][0]!r}: not a count: "
                            f"{values[row]!r}", row=row, column=field)
        counts[name] = values.astype(float)
    codes = as_code(pd.Series([r.get(CNUM_CODE) for r in records], index=index), 5)
    counted, rejected = _check_codes(codes, path, CNUM_CODE, arrondissements, valid_codes)
    frame = pd.DataFrame(counts).loc[counted.index].assign(cnum_structures=1.0)
    table = frame.groupby(counted, sort=False).sum()
    table = table[["cnum_structures", *CNUM_COUNTS.values()]].rename_axis("code").reset_index()
    names = [name for name, _ in pairs]
    notes = [f"{len(records)} host structures, {len(counted)} counted in {len(table)} "
             f"communes; {len(rejected)} rejected",
             "codes stored as JSON integers (a lost leading zero is restored): "
             f"{sum(isinstance(r.get(CNUM_CODE), int) for r in records)}",
             "only communes with a host are rows"]
    if len(set(names)) < len(names):
        notes.append(f"{len(names) - len(set(names))} structure names repeated (all kept)")
    return LoadResult(table=table, file=str(path), rejected=rejected, notes=notes)
