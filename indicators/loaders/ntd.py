"""Read the third party's commune and EPCI tables (NTD *empreintes*), with known defects flagged.

Comma-separated files, one row per commune (``CODGEO``/``codgeo``) or per EPCI
(``code_epci``, or ``codgeo`` holding SIREN numbers), reshaped by the producer from BPE 2024,
MOBPRO 2021, Filosofi 2017-2021, the RNA (associations), stations and photovoltaics.
:data:`COLUMNS` documents every column met in the 21 files (kind and meaning), :data:`FILES`
every file and its header: a file is recognised by its header, not its name.

Defects found in these files and handled here (each leaves a note):

* ``bpe_communes.csv``: every non-zero count of every commune (179,654 cells) is a multiple
  of 3, and the total, 8.48 million facilities, is three times the size of the BPE: each
  facility was counted three times. The counts are divided by 3 (Paris ``sante``: 85,500 →
  28,500, 13 per 1,000 inhabitants, in line with Lyon and Marseille). The producer's own
  densities (``diversite_equip_communes.csv``) are at most a third of the published counts
  per inhabitant, as expected if they were computed on the right counts.
* ``93066``: Saint-Denis absorbed Pierrefitte-sur-Seine (93059) on 1 January 2025. The files
  mix geographies for this code: it is labelled *Pierrefitte-sur-Seine*, carries Pierrefitte's
  population (32,379) in ``score_socle`` and ``associations`` (so its densities per 1,000
  inhabitants are about 4.5 times too high) and sits beside 93059 in others. The row is
  rejected unless ``keep_93066=True``.
* ``dispersion_communes.csv`` and ``gares_dispersion_communes.csv``: 133 communes have no
  populated grid cell (overseas, Paris, Lyon, Marseille…): their grid columns are read as
  missing, not 0; Paris, Lyon and Marseille also have 0 schools, stations and facilities
  (the producer lost their arrondissements): read as missing.
* ``mobilite_communes.csv``: ``part_travail_commune`` is 0 for Paris, Lyon and Marseille (the
  producer compared arrondissements): read as missing.
* ``solaire_epci.csv``: ``puis_solaire_mw`` holds kW, not MW (it equals
  ``puis_solaire_kw_par_hab`` times the population).
* ``mobilite_communes.csv``: ``taux_double_motorisation`` is not what its name says (see
  :data:`COLUMNS`); the atlas does not use it.
* ``photovoltaique_epci.csv``: its codes are the EPCI of about 2016 (1,966 of its 1,968 codes
  are EPCI of the IFN build's vintage, 1,207 no longer exist; 389,104 sites and 7.4 TWh, the
  size of the 2016 fleet). Read with ``members`` (see :func:`load_ntd`), the result carries
  the communes of each EPCI of that vintage, so that the build spreads each total over the
  communes that made up the EPCI then; without it, over half of France is missing.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators.loaders.base import LoadError, LoadResult, Rejected
from indicators.loaders.commune_codes import (
    ARRONDISSEMENTS,
    COMMUNE_PATTERN,
    EPCI_PATTERN,
    as_code,
    is_arrondissement,
    matches,
)
from indicators.loaders.epci_members import read_ifn_members

KINDS = {
    "count": "a number of things or people (>= 0)",
    "share": "a percentage (0-100)",
    "rate": "per 1,000 inhabitants (or per inhabitant where the name says so)",
    "amount": "euros, energy or power",
    "index": "a score or ratio without unit",
    "flag": "1 or 0",
    "signed": "a percentage that may be negative",
}
"""The kinds of column, checked where they constrain values (counts are never negative)."""

_BPE = "BPE 2024 facilities of domain {}: COUNTED THREE TIMES in the file, divided by 3 here"
_SUB = "BPE 2024 facilities of sub-domain {} (producer's 'wider basket')"

COLUMNS: dict[str, tuple[str, str]] = {
    # associations_communes.csv (RNA)
    "nb_assos": ("count", "associations registered (RNA) in the commune"),
    **{f"nb_{f}": ("count", f"associations of the field '{f}' (fields overlap: their sum is not"
                   " nb_assos; 'auto' is not documented by the producer)")
       for f in ("environnement", "culture", "social", "sport", "sante", "auto")},
    "pop": ("count", "population used by the producer for its densities"),
    "densite_assos_1000hab": ("rate", "associations per 1,000 inhabitants"),
    **{f"densite_{f}_1000hab": ("rate", f"associations of the field '{f}' per 1,000 inhabitants")
       for f in ("environnement", "culture", "social", "sport")},
    # bpe_communes.csv
    "services": ("count", _BPE.format("A (services to people)")),
    "commerces": ("count", _BPE.format("B (shops)")),
    "enseignement": ("count", _BPE.format("C (education)")),
    "sante": ("count", _BPE.format("D (health and social work)")),
    "transport": ("count", _BPE.format("E (transport)")),
    "sport_culture": ("count", _BPE.format("F (sport, leisure, culture)")),
    "tourisme": ("count", _BPE.format("G (tourism)")),
    "total": ("count", _BPE.format("A to G, total")),
    # diversite_equip_communes.csv
    "diversite_equip": ("count", "number of the six domains flagged sup_* (0-6)"),
    **{f"dens_{d}": ("rate", f"BPE facilities of the domain '{d}' per 1,000 inhabitants")
       for d in ("services", "commerces", "enseignement", "sante", "transports",
                 "sport_culture")},
    **{f"sup_{d}": ("flag", f"1 where the density of '{d}' passes the producer's threshold")
       for d in ("services", "commerces", "enseignement", "sante", "transports",
                 "sport_culture")},
    # equip_panier_*.csv, panier_elargi_communes.csv
    "variete_equip": ("count", "distinct facility types of the producer's basket present "
                      "(EPCI file: mean over communes)"),
    "nb_equip_total": ("count", "facilities of the producer's basket"),
    "densite_equip_1000hab": ("rate", "facilities of the basket per 1,000 inhabitants"),
    "nb_panier_elargi": ("count", "facilities of the producer's wider basket (sum of nb_A1…)"),
    **{f"nb_{s}": ("count", _SUB.format(s))
       for s in ("A1", "A2", "A4", "A5", "B1", "B2", "B3", "C2", "C6", "D1", "D3", "D4",
                 "D5", "D6", "E1", "F1", "F3")},
    # dispersion_*.csv, gares_dispersion_*.csv (INSEE 200 m grid)
    "n_communes": ("count", "communes of the EPCI"),
    "n_ecoles_c108": ("count", "schools of BPE type C108"),
    "n_gares": ("count", "railway stations"),
    "n_equipements": ("count", "BPE facilities"),
    "n_carreaux": ("count", "populated 200 m grid cells (INSEE Filosofi grid)"),
    "pop_insee": ("count", "population of those grid cells"),
    "pct_habitat_zone_ecole_15": ("share", "% of the grid population in the producer's "
                                  "15-minute zone around a school"),
    "pct_equipements_zone_ecole_15": ("share", "% of facilities in that zone"),
    "pct_habitat_gare_3": ("share", "% of the grid population in the producer's zone '3' "
                           "around a station (unit not documented)"),
    "pct_equipements_gare_3": ("share", "% of facilities in that zone"),
    # filosofi_*.csv (INSEE Filosofi 2021; 2017 and 2019 medians)
    "revenu_median": ("amount", "median disposable income per consumption unit (EUR)"),
    "revenu_median_2017": ("amount", "median disposable income per consumption unit, 2017"),
    "revenu_median_2019": ("amount", "median disposable income per consumption unit, 2019"),
    "taux_pauvrete": ("share", "poverty rate at 60% of the median"),
    "rapport_interdecile": ("index", "D9 / D1"),
    "decile1": ("amount", "first decile of disposable income per consumption unit"),
    "decile9": ("amount", "ninth decile of disposable income per consumption unit"),
    "part_imposes": ("share", "% of tax households paying income tax"),
    "nb_menages": ("count", "tax households"),
    "nb_personnes": ("count", "persons in tax households"),
    "nb_uc": ("count", "consumption units (fractional)"),
    **{f"part_{p}": ("share", f"% of disposable income from '{p}'")
       for p in ("rev_activite", "salaires", "chomage", "non_salaries", "retraites",
                 "patrimoine", "presta_sociales", "presta_familiales", "presta_logement",
                 "minima_sociaux")},
    "part_impots": ("signed", "taxes as % of disposable income (negative)"),
    # gares_*.csv
    "gare_nat": ("count", "stations served by national trains"),
    "gare_reg": ("count", "stations served by regional trains"),
    "gare_loc": ("count", "local stations"),
    "points_gare": ("index", "producer's station score (4-10)"),
    # mobilite_communes.csv (INSEE MOBPRO 2021)
    "actifs_occupes": ("count", "employed residents"),
    "part_travail_commune": ("share", "% of employed residents working in their commune"),
    "part_voiture": ("share", "% commuting by car"),
    "part_marche": ("share", "% commuting on foot"),
    "part_velo": ("share", "% commuting by bicycle"),
    "part_2roues_motor": ("share", "% commuting by motorised two-wheeler"),
    "part_tc": ("share", "% commuting by public transport"),
    "part_sans_transport": ("share", "% not commuting (working at home)"),
    "taux_double_motorisation": ("share", "labelled by the producer 'taux de double motorisation"
                                 " des ménages' (MOBPRO 2021), but NOT the census share of "
                                 "households with two cars or more: 17.4 points above it on "
                                 "the 49 Isère communes of the Dossier complet (38151: 41.1 "
                                 "against 23.4), every one of them above, 100 in 38472; most "
                                 "likely the share of employed residents (MOBPRO rows) whose "
                                 "household has two cars or more; not used by the atlas"),
    "part_voiture_sur_place": ("share", "% driving among those working in their commune"),
    # photovoltaique_epci.csv, solaire_epci.csv
    "pv_mwh": ("amount", "photovoltaic production, MWh"),
    "pv_sites": ("count", "photovoltaic sites"),
    "pv_kwh_par_hab": ("rate", "photovoltaic production, kWh per inhabitant"),
    "puis_solaire_mw": ("amount", "installed solar power: labelled MW but holds kW"),
    "nb_install_solaire": ("count", "solar installations"),
    "puis_solaire_kw_par_hab": ("rate", "installed solar power, kW per inhabitant"),
    "nb_install_par_1000hab": ("rate", "solar installations per 1,000 inhabitants"),
    # score_socle_*.csv
    "n_types_socle_presents": ("count", "facility types of the producer's core basket present"),
    "score_socle": ("index", "producer's core-basket score (0-100)"),
    "taux_couverture_socle": ("share", "% of the core basket present"),
}
"""Every column met in the files: ``name -> (kind, meaning)``; kinds in :data:`KINDS`."""

FILES: dict[str, tuple[str, str]] = {
    "associations_communes.csv": (
        "CODGEO,nb_assos,nb_environnement,nb_culture,nb_social,nb_sport,nb_sante,nb_auto,"
        "pop,densite_assos_1000hab,densite_environnement_1000hab,densite_culture_1000hab,"
        "densite_social_1000hab,densite_sport_1000hab",
        "associations (RNA) by field; communes with at least one association only "
        "(others absent, not 0); Paris, Lyon, Marseille by arrondissement"),
    "bpe_communes.csv": (
        "CODGEO,LIBGEO,services,commerces,enseignement,sante,transport,sport_culture,"
        "tourisme,total",
        "BPE 2024 facilities by domain (counts tripled in the file)"),
    "dispersion_communes.csv": (
        "codgeo,libgeo,code_epci,n_ecoles_c108,n_equipements,n_carreaux,pop_insee,"
        "pct_habitat_zone_ecole_15,pct_equipements_zone_ecole_15",
        "schools and facilities against the 200 m population grid"),
    "dispersion_epci.csv": (
        "code_epci,libepci,n_communes,n_ecoles_c108,n_equipements,n_carreaux,pop_insee,"
        "pct_habitat_zone_ecole_15,pct_equipements_zone_ecole_15",
        "the same by EPCI"),
    "diversite_equip_communes.csv": (
        "CODGEO,diversite_equip,dens_services,dens_commerces,dens_enseignement,"
        "dens_sante,dens_transports,dens_sport_culture,sup_services,sup_commerces,"
        "sup_enseignement,sup_sante,sup_transports,sup_sport_culture",
        "BPE densities per domain and diversity"),
    "equip_panier_communes.csv": (
        "CODGEO,variete_equip,nb_equip_total,densite_equip_1000hab",
        "producer's facility basket"),
    "equip_panier_epci.csv": (
        "code_epci,variete_equip,densite_equip_1000hab",
        "the same by EPCI"),
    "filosofi_communes.csv": (
        "codgeo,libgeo,revenu_median,taux_pauvrete,rapport_interdecile,decile1,decile9,"
        "part_imposes,nb_menages,nb_personnes,nb_uc,part_rev_activite,part_salaires,"
        "part_chomage,part_non_salaries,part_retraites,part_patrimoine,"
        "part_presta_sociales,part_presta_familiales,part_presta_logement,"
        "part_minima_sociaux,part_impots",
        "INSEE Filosofi 2021 (secret cells blank)"),
    "filosofi_epci.csv": (
        "codgeo,libgeo,revenu_median,taux_pauvrete,rapport_interdecile,decile1,decile9,"
        "part_imposes,nb_menages,nb_personnes,nb_uc,part_rev_activite,part_salaires,"
        "part_chomage,part_non_salaries,part_retraites,part_patrimoine,"
        "part_presta_sociales,part_presta_familiales,part_presta_logement,"
        "part_minima_sociaux,part_impots",
        "INSEE Filosofi 2021 by EPCI"),
    "filosofi_revenu_2017.csv": (
        "CODGEO,revenu_median_2017",
        "Filosofi 2017 median income"),
    "filosofi_revenu_2019.csv": (
        "CODGEO,revenu_median_2019",
        "Filosofi 2019 median income"),
    "gares_communes.csv": (
        "CODGEO,gare_nat,gare_reg,gare_loc,points_gare",
        "railway stations (communes with a station only)"),
    "gares_dispersion_communes.csv": (
        "codgeo,libgeo,code_epci,n_gares,n_equipements,n_carreaux,pop_insee,"
        "pct_habitat_gare_3,pct_equipements_gare_3",
        "stations against the 200 m population grid"),
    "gares_dispersion_epci.csv": (
        "code_epci,libepci,n_gares,n_equipements,n_carreaux,pop_insee,pct_habitat_gare_3,"
        "pct_equipements_gare_3",
        "the same by EPCI"),
    "gares_epci.csv": (
        "code_epci,gare_nat,gare_reg,gare_loc,points_gare",
        "railway stations by EPCI"),
    "mobilite_communes.csv": (
        "CODGEO,actifs_occupes,part_travail_commune,part_voiture,part_marche,part_velo,"
        "part_2roues_motor,part_tc,part_sans_transport,taux_double_motorisation,"
        "part_voiture_sur_place",
        "INSEE MOBPRO 2021 commuting modes"),
    "panier_elargi_communes.csv": (
        "CODGEO,nb_panier_elargi,nb_A1,nb_A2,nb_A4,nb_A5,nb_B1,nb_B2,nb_B3,nb_C2,nb_C6,"
        "nb_D1,nb_D3,nb_D4,nb_D5,nb_D6,nb_E1,nb_F1,nb_F3",
        "BPE sub-domain counts of the producer's wider basket"),
    "photovoltaique_epci.csv": (
        "code_epci,pv_mwh,pv_sites,pv_kwh_par_hab",
        "photovoltaic production by EPCI of about 2016 (1,966 of the 1,967 codes are EPCI "
        "of the IFN build's vintage; 1,207 no longer exist)"),
    "score_socle_communes.csv": (
        "codgeo,libgeo,epci,pop,n_types_socle_presents,score_socle,taux_couverture_socle",
        "producer's core-basket score"),
    "score_socle_epci.csv": (
        "code_epci,score_socle,taux_couverture_socle",
        "the same by EPCI"),
    "solaire_epci.csv": (
        "code_epci,puis_solaire_mw,nb_install_solaire,puis_solaire_kw_par_hab,"
        "nb_install_par_1000hab",
        "installed solar power by EPCI"),
}
"""Every file of the folder: ``name -> (header, what it holds)``; files are recognised by
their header, so that a renamed copy or an extract is read the same way."""

CODE_COLUMNS = ("CODGEO", "codgeo", "code_epci")
TEXT_COLUMNS = ("LIBGEO", "libgeo", "libepci", "code_epci", "epci")
"""Labels and EPCI codes of commune files: not values, left out of the table."""

_SPECIAL_CODES = {
    "ZZZZZZZZZ": "INSEE pseudo-code of the communes in no EPCI (four islands), not an EPCI",
    "EPTPC": "producer's code for the Plaine Commune territory (EPT), not an EPCI SIREN",
    "null": "no code",
}
_PLM = tuple(ARRONDISSEMENTS)
_TRIPLED = 3
_MIN_EVIDENCE = 20


@dataclass
class EpciResult(LoadResult):
    """An EPCI table read with the membership of its EPCI vintage."""

    members: pd.DataFrame | None = None
    """``code`` (commune, of the membership file's vintage) and ``epci`` (code of this
    table's vintage): the communes each EPCI of the table was made of."""


def load_ntd(path: str | Path, *, keep_93066: bool = False,
             members: str | Path | None = None) -> LoadResult:
    """Read one NTD table.

    Parameters
    ----------
    path
        One of the csv files of :data:`FILES`.
    keep_93066
        Keep the row of 93066 (Saint-Denis) despite its mixed geography; by default it is
        rejected with the evidence found in the file.
    members
        For an EPCI table of an older vintage: the IFN folder giving the communes of each
        EPCI of that vintage (:func:`indicators.loaders.epci_members.read_ifn_members`), as
        an absolute path or relative to the folder of ``path`` (in the catalogue,
        ``../../numerique/ifn_iris_2020``).

    Returns
    -------
    LoadResult
        Level ``"commune"`` or ``"epci"``: ``code`` then every value column (float; blank
        cells missing and counted in ``secret_cells``). Labels and EPCI codes are left out.
        With ``members``, an :class:`EpciResult` whose ``members`` lists the communes of
        the EPCI; the notes give the codes of the table that no commune belongs to.

    Raises
    ------
    LoadError
        A row with the wrong number of fields, an unknown key column, a value that is not a
        number, a negative count.
    """
    path = Path(path)
    header, raw = _read(path)
    key = header[0]
    if key not in CODE_COLUMNS:
        raise LoadError(path, f"first column is not a code ({', '.join(CODE_COLUMNS)})",
                        row=1, column=key)
    texts = [c for c in header[1:] if c in TEXT_COLUMNS]
    names = [c for c in header[1:] if c not in TEXT_COLUMNS]
    level = _level(raw[key], key)
    name = identify(header, level)
    notes = [f"{name}: {FILES[name][1]}" if name else "header of no known NTD file",
             f"level: {level}"]
    undocumented = [n for n in names if n not in COLUMNS]
    if undocumented:
        notes.append(f"undocumented columns, read as numbers: {undocumented}")
    values = pd.DataFrame({n: _numbers(raw, n, path) for n in names}, index=raw.index)
    secret = {n: int(values[n].isna().sum()) for n in names}
    codes = as_code(raw[key], 5 if level == "commune" else 9)
    rejected = _reject_codes(codes, level, path, key)
    if level == "commune" and "93066" in set(codes) and not keep_93066:
        rejected.append(_reject_93066(raw, codes, values, texts, path, key))
    keep = ~codes.index.isin([r.row for r in rejected])
    table = pd.concat([codes[keep].rename("code"), values[keep]], axis=1)
    for fix in FIXES.get(name or "", ()):
        fix(table, notes)
    _range_notes(table, names, notes)
    if level == "commune":
        notes.append(_plm_note(table["code"]))
    table = table.reset_index(drop=True)
    if members is None:
        return LoadResult(table=table, file=str(path), level=level, rejected=rejected,
                          secret_cells=secret, notes=notes)
    if level != "epci":
        raise LoadError(path, "members given for a commune table (they are for EPCI tables)")
    found = read_ifn_members((path.parent / members).resolve())
    codes = set(found.table["epci"])
    placed = table["code"].isin(codes)
    notes += found.notes + [
        f"membership file sha256 {found.sha256}",
        f"{int(placed.sum())} of {len(table)} EPCI codes have their communes in the "
        f"membership file; not placed: {sorted(table.loc[~placed, 'code'])}",
        f"{len(codes - set(table['code']))} EPCI of the membership file absent from this "
        "table (their communes stay missing)"]
    return EpciResult(table=table, file=str(path), level=level, rejected=rejected,
                      secret_cells=secret, notes=notes,
                      members=found.table[found.table["epci"].isin(set(table["code"]))])


def identify(header: list[str], level: str) -> str | None:
    """Return the name of the NTD file with this header at this level, or ``None``.

    >>> identify(["code_epci", "score_socle", "taux_couverture_socle"], "epci")
    'score_socle_epci.csv'
    """
    same = [n for n, (h, _) in FILES.items() if h.split(",") == header]
    if len(same) > 1:
        same = [n for n in same if n.endswith("_epci.csv") == (level == "epci")]
    return same[0] if same else None


def _read(path: Path) -> tuple[list[str], pd.DataFrame]:
    if not path.exists():
        raise LoadError(path, "no such file")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise LoadError(path, "empty file")
    header = [h.strip() for h in rows[0]]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise LoadError(path, f"{len(row)} fields, the header has {len(header)}",
                            row=number)
    raw = pd.DataFrame(rows[1:], columns=header, dtype=object)
    raw.index = pd.RangeIndex(2, len(raw) + 2)
    return header, raw


def _level(codes: pd.Series, key: str) -> str:
    if key == "code_epci":
        return "epci"
    epci_like = codes.astype(str).str.fullmatch(EPCI_PATTERN).mean()
    return "epci" if epci_like > 0.9 else "commune"


def _numbers(raw: pd.DataFrame, name: str, path: Path) -> pd.Series:
    text = raw[name].str.strip()
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce").astype(float)
    bad = numbers.isna() & (text != "")
    if bad.any():
        row = int(raw.index[bad][0])
        raise LoadError(path, f"not a number: {text[row]!r}", row=row, column=name)
    if COLUMNS.get(name, ("",))[0] == "count" and (numbers < 0).any():
        row = int(raw.index[numbers < 0][0])
        raise LoadError(path, f"negative count {text[row]}", row=row, column=name)
    return numbers


def _reject_codes(codes: pd.Series, level: str, path: Path, key: str) -> list[Rejected]:
    pattern = COMMUNE_PATTERN if level == "commune" else EPCI_PATTERN
    rejected = []
    for row in codes.index[~matches(codes, pattern)]:
        reason = _SPECIAL_CODES.get(str(codes[row]), f"not a valid {level} code")
        rejected.append(Rejected(str(path), int(row), key, codes[row], reason))
    for row in codes.index[codes.duplicated() & matches(codes, pattern)]:
        rejected.append(Rejected(str(path), int(row), key, codes[row],
                                 "duplicate code (the first is kept)"))
    return rejected


def _reject_93066(raw: pd.DataFrame, codes: pd.Series, values: pd.DataFrame,
                  texts: list[str], path: Path, key: str) -> Rejected:
    row = codes.index[codes == "93066"][0]
    evidence = [f"{t}={raw.at[row, t]!r}" for t in texts
                if "libgeo" in t.lower() and raw.at[row, t]]
    evidence += [f"{p}={values.at[row, p]:,.0f}" for p in ("pop", "pop_insee")
                 if p in values and pd.notna(values.at[row, p])]
    evidence.append("93059 (Pierrefitte-sur-Seine) also present" if "93059" in set(codes)
                    else "93059 absent")
    return Rejected(str(path), int(row), key, "93066",
                    "Saint-Denis, merged with Pierrefitte-sur-Seine (93059) on 1 January 2025:"
                    " geography of this row uncertain (" + "; ".join(evidence) + ")")


def _bpe_tripled(table: pd.DataFrame, notes: list[str]) -> None:
    counts = [c for c in table.columns if c != "code"]
    cells = table[counts].to_numpy()
    nonzero = cells[(cells > 0) & ~pd.isna(cells)]
    if len(nonzero) >= _MIN_EVIDENCE and (nonzero % _TRIPLED == 0).all():
        paris = table.loc[table["code"] == "75056", "sante"]
        table[counts] = table[counts] / _TRIPLED
        notes.append(f"DEFECT REPAIRED: all {len(nonzero)} non-zero counts are multiples of 3 "
                     "(each facility counted three times): divided by 3"
                     + (f"; Paris sante {paris.iloc[0]:,.0f} -> {paris.iloc[0] / 3:,.0f}"
                        if len(paris) else ""))
    else:
        notes.append("counts not all multiples of 3: left as published")


def _no_grid(table: pd.DataFrame, notes: list[str]) -> None:
    empty = (table["n_carreaux"] == 0) & (table["pop_insee"] == 0)
    if empty.any():
        grid = ["n_carreaux", "pop_insee", *(c for c in table.columns if c.startswith("pct_"))]
        table.loc[empty, grid] = float("nan")
        notes.append(f"{int(empty.sum())} communes with no populated grid cell (0 cells, 0 "
                     f"inhabitants): {', '.join(grid)} read as missing")
    plm = table["code"].isin(_PLM) & empty
    if plm.any():
        counts = [c for c in table.columns if c.startswith("n_") and c not in grid]
        table.loc[plm, counts] = float("nan")
        notes.append(f"{sorted(table.loc[plm, 'code'])}: 0 everywhere (the producer lost their "
                     f"arrondissements): {', '.join(counts)} read as missing too")


def _plm_work_in_commune(table: pd.DataFrame, notes: list[str]) -> None:
    plm = table["code"].isin(_PLM) & (table["part_travail_commune"] == 0)
    if plm.any():
        table.loc[plm, "part_travail_commune"] = float("nan")
        notes.append(f"part_travail_commune 0 for {sorted(table.loc[plm, 'code'])} "
                     "(arrondissements compared): read as missing")


FIXES: dict[str, tuple[Callable[[pd.DataFrame, list[str]], None], ...]] = {
    "bpe_communes.csv": (_bpe_tripled,),
    "dispersion_communes.csv": (_no_grid,),
    "gares_dispersion_communes.csv": (_no_grid,),
    "mobilite_communes.csv": (_plm_work_in_commune,),
}
"""Repairs of the known defects, by file name."""


def _range_notes(table: pd.DataFrame, names: list[str], notes: list[str]) -> None:
    for name in names:
        if COLUMNS.get(name, ("",))[0] == "share":
            outside = ((table[name] < 0) | (table[name] > 100)).sum()
            if outside:
                notes.append(f"{name}: {int(outside)} values outside 0-100 (left as published)")


def _plm_note(codes: pd.Series) -> str:
    communes = sorted(set(codes) & set(_PLM))
    arrondissements = int(is_arrondissement(codes).sum())
    return (f"Paris, Lyon, Marseille: communes {communes}, {arrondissements} arrondissements"
            + (" (both present: do not sum over rows)" if communes and arrondissements else ""))
