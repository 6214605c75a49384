"""Inputs of the small-area estimates: Filosofi targets and the covariates published for all.

Every raw file is read through the project's loaders and brought to the communes of the
geometry's vintage with :func:`indicators.harmonise.harmonise`, as the snapshot build does.
The covariates are grouped in *blocks*, each from one source; a commune uses a block only
when every covariate of the block is known for it (nothing is imputed, nothing set to 0):

``filosofi``
    The commune's published median income ``MED21`` (log), fiscal households (log) and
    persons per fiscal household (Filosofi 2021; published for about 90 % of communes).
``detail``
    The other Filosofi 2021 values published with the deciles (about 5,300 communes):
    used only for the poverty rate, which INSEE publishes for fewer communes.
``census``
    Census 2018 counts of INSEE's *comparateur de territoires*, for every commune but
    Mayotte's: households, persons per household, unemployment, activity, vacancy,
    second homes, owners, population change, jobs per active person, density, births,
    deaths, establishments.
``rp2022``
    Census 2022 shares of the third party's IRIS table (metropolitan France): social
    groups, diplomas, social housing, family types, foreigners, age groups.
``epci``
    The EPCI's own Filosofi 2021 values (a third party's reshaping of INSEE's EPCI file,
    checked against roll-ups of the commune file), *without the commune itself* where its
    value is published, so that a large commune does not explain itself.
``departement``
    The département's official poverty rate 2021 (logit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.harmonise import Rule, harmonise
from indicators.loaders.insee_csv import load_insee_csv
from indicators.loaders.iris_parquet import load_iris
from indicators.loaders.ntd import load_ntd

FILOSOFI_FILE = "insee/filosofi_2021/cc_filosofi_2021_COM.csv"
CENSUS_FILE = "insee/comparateur_2018/base_cc_comparateur_csv.zip"
IRIS_FOLDER = "observatoire/ptod_rp2022/iris"
EPCI_FILE = "observatoire/ntd_empreintes/filosofi_epci.csv"
DEPARTEMENT_FILE = "insee/filosofi_2021_dep_pauvrete/filosofi2021_pauvres_dep_extract.csv"
FILES = (FILOSOFI_FILE, CENSUS_FILE, IRIS_FOLDER, EPCI_FILE, DEPARTEMENT_FILE)
"""Raw inputs, relative to the raw data folder."""

HOUSEHOLDS = "NBMENFISC21"
PERSONS = "NBPERSMENFISC21"


@dataclass(frozen=True)
class Target:
    """One Filosofi 2021 value to estimate where INSEE withholds it."""

    column: str
    label: str
    transform: str
    """``"log"`` (euros, ratios) or ``"logit"`` (percentages)."""
    weight: str
    """Weight of the value when communes merge (as in the catalogue) and in EPCI sums."""
    epci_column: str
    """The same value in the EPCI file."""
    own_block: str | None
    """The block published together with the target (never usable to estimate it)."""


TARGETS: dict[str, Target] = {t.column: t for t in (
    Target("MED21", "revenu disponible médian par UC", "log", PERSONS, "revenu_median",
           "filosofi"),
    Target("TP6021", "taux de pauvreté", "logit", PERSONS, "taux_pauvrete", None),
    Target("PPMINI21", "part des minima sociaux", "logit", PERSONS, "part_minima_sociaux",
           "detail"),
    Target("PPSOC21", "part des prestations sociales", "logit", PERSONS,
           "part_presta_sociales", "detail"),
    Target("PCHO21", "part des indemnités de chômage", "logit", PERSONS, "part_chomage",
           "detail"),
    Target("PIMP21", "part des ménages imposés", "logit", HOUSEHOLDS, "part_imposes",
           "detail"),
    Target("D121", "premier décile du revenu disponible", "log", PERSONS, "decile1",
           "detail"),
    Target("RD21", "rapport interdécile", "log", PERSONS, "rapport_interdecile", "detail"),
)}
"""The estimated values, in the order they are reported."""

DETAIL = ("PPMINI21", "PPSOC21", "PCHO21", "PIMP21", "D121", "RD21")

RP2022 = ("dsp_csp_cadres_pct_22", "dsp_csp_profint_pct_22", "dsp_csp_ouvriers_pct_22",
          "dsp_csp_employes_pct_22", "dsp_csp_retraites_pct_22", "dsp_csp_agri_pct_22",
          "dsp_dipl_sup_pct_22", "dsp_dipl_infbac_pct_22", "log_lochlm_pct_22",
          "log_loc_pct_22", "men_mono_pct_22", "men_seul_pct_22", "dm_etr_pct_22",
          "dm_imm_pct_22", "dmv_75p_pct_22", "dm_0014_pct_22", "eco_txemp_1564_22")
"""Census 2022 shares (percent) taken from the IRIS table, all near-complete in metropole."""

CENSUS_COUNTS = ("P18_POP", "P13_POP", "SUPERF", "NAIS1318", "DECE1318", "P18_MEN",
                 "P18_LOG", "P18_RP", "P18_RSECOCC", "P18_LOGVAC", "P18_RP_PROP",
                 "P18_EMPLT", "P18_POP1564", "P18_CHOM1564", "P18_ACT1564", "ETTOT18")
"""Census 2018 counts (and area) of the comparateur, summed when communes merge."""


@dataclass
class Inputs:
    """Everything the estimates need, keyed by current commune code."""

    communes: pd.DataFrame
    """``code`` (index), ``departement``, ``epci``."""
    filosofi: pd.DataFrame
    """The published targets (NaN where withheld), ``NBMENFISC21``, ``NBPERSMENFISC21``."""
    census: pd.DataFrame
    """The comparateur's census counts (:data:`CENSUS_COUNTS`)."""
    rp2022: pd.DataFrame
    """The IRIS table's census shares (:data:`RP2022`), metropole."""
    epci: pd.DataFrame
    """The EPCI file: one row per EPCI code, the targets' EPCI columns and persons."""
    departement: pd.Series
    """Official poverty rate 2021 (%) by département code."""
    notes: list[str] = field(default_factory=list)
    """What was read, matched and left out (unmatched codes, checks)."""


def read_inputs(raw: Path, communes: pd.DataFrame) -> Inputs:
    """Read and harmonise the raw inputs for the communes ``communes``.

    Parameters
    ----------
    raw
        The raw data folder (see ``MANIFEST.md``).
    communes
        Current communes: ``code``, ``departement``, ``epci`` columns.

    Raises
    ------
    FileNotFoundError
        When an input of :data:`FILES` is absent from ``raw``.
    """
    raw = Path(raw)
    for name in FILES:
        if not (raw / name).exists():
            raise FileNotFoundError(f"estimation input {raw / name} not found")
    notes: list[str] = []
    base = communes.set_index("code")[["departement", "epci"]]
    current = base.index
    filosofi = _harmonised(load_insee_csv(raw / FILOSOFI_FILE), _filosofi_rules(), current,
                           notes)
    census = _harmonised(load_insee_csv(raw / CENSUS_FILE, columns=CENSUS_COUNTS),
                         {c: Rule("sum") for c in CENSUS_COUNTS}, current, notes)
    iris = load_iris(raw / IRIS_FOLDER, RP2022)
    notes.append(f"{iris.file}: {len(iris.table)} communes read (metropole)")
    weights = {c: Rule("weighted", "P22_POP") for c in RP2022} | {"P22_POP": Rule("sum")}
    rp2022 = _harmonised(iris, weights, current, notes)[list(RP2022)]
    epci = _epci(load_ntd(raw / EPCI_FILE), base, filosofi, notes)
    dep = load_insee_csv(raw / DEPARTEMENT_FILE, level="departement", columns=["TP6021"])
    departement = dep.table.set_index("code")["TP6021"]
    missing = sorted(set(base["departement"]) - set(departement.index))
    notes.append(f"{DEPARTEMENT_FILE}: {len(departement)} départements; none for {missing}")
    return Inputs(base, filosofi, census, rp2022, epci, departement, notes)


def _filosofi_rules() -> dict[str, Rule]:
    rules = {HOUSEHOLDS: Rule("sum"), PERSONS: Rule("sum")}
    rules.update({t.column: Rule("weighted", t.weight) for t in TARGETS.values()})
    return rules


def _harmonised(result, rules: dict[str, Rule], current: pd.Index,
                notes: list[str]) -> pd.DataFrame:
    """The loaded table on current communes; unmatched codes go into ``notes``."""
    table, report = harmonise(result.table, rules, result.file)
    table = table.set_index("code")
    outside = sorted(set(table.index) - set(current))
    notes.append(f"{result.file}: {report.rows_in} rows, {report.communes_out} current "
                 f"communes ({report.merged_communes} merged), unmatched codes "
                 f"{report.unmatched or 'none'}"
                 + (f", not current communes {outside}" if outside else ""))
    if result.rejected:
        notes.append(f"{result.file}: {len(result.rejected)} rows rejected by the loader, "
                     f"first: {result.rejected[0]}")
    return table.reindex(current)


def _epci(result, base: pd.DataFrame, filosofi: pd.DataFrame,
          notes: list[str]) -> pd.DataFrame:
    """The EPCI file checked against the commune file's household roll-up."""
    table = result.table.set_index("code")
    columns = [t.epci_column for t in TARGETS.values()]
    table = table[[*columns, "nb_menages", "nb_personnes"]]
    rollup = filosofi[HOUSEHOLDS].groupby(base["epci"]).agg(["sum", "count", "size"])
    complete = rollup[rollup["count"] == rollup["size"]]
    both = complete.index.intersection(table.index)
    gap = (complete.loc[both, "sum"] / table.loc[both, "nb_menages"] - 1).abs()
    differ = gap[gap > 0.001]
    unknown = sorted(set(base["epci"].dropna()) - set(table.index))
    notes.append(f"{result.file}: {len(table)} EPCI; fiscal households of {len(both)} EPCI "
                 f"whose communes are all published: {len(both) - len(differ)} equal the sum of "
                 f"their communes, {len(differ)} differ (perimeter changed since 2021: "
                 f"{', '.join(f'{c} {g:.1%}' for c, g in differ.items()) or 'none'}); "
                 f"current EPCI absent from the file: {unknown or 'none'}")
    return table


def logit(percent: pd.Series | np.ndarray) -> pd.Series | np.ndarray:
    """Logit of a percentage (0 and 100 give -inf/inf: callers keep them away)."""
    return np.log(percent / (100 - percent))


def expit(x: pd.Series | np.ndarray) -> pd.Series | np.ndarray:
    """Inverse of :func:`logit`, in percent."""
    return 100 / (1 + np.exp(-x))


TRANSFORMS: dict[str, tuple[Callable, Callable]] = {
    "log": (np.log, np.exp),
    "logit": (logit, expit),
}
"""Forward and inverse transform of each kind of target."""


def empirical_logit(count: pd.Series, total: pd.Series) -> pd.Series:
    """``log((k + 0.5) / (n - k + 0.5))``: a share of small counts without infinities.

    Missing where the total is missing or not positive (an empty denominator is not 0 %),
    or smaller than the count.
    """
    valid = (total > 0) & (count >= 0) & (count <= total)
    count, total = count.where(valid), total.where(valid)
    return np.log((count + 0.5) / (total - count + 0.5))


def design(inputs: Inputs) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Transformed covariates of every commune, and the columns of each block.

    Returns
    -------
    features
        One row per current commune (index ``code``), NaN where a covariate is unknown.
    blocks
        Block name → its columns (see the module docstring).
    """
    f, c = inputs.filosofi, inputs.census
    out: dict[str, pd.Series] = {}
    blocks: dict[str, tuple[str, ...]] = {}

    def block(name: str, columns: dict[str, pd.Series]) -> None:
        for key, value in columns.items():
            out[key] = value.replace([np.inf, -np.inf], np.nan)
        blocks[name] = tuple(columns)

    block("filosofi", {"log_med21": np.log(f["MED21"]),
                       "log_households21": np.log(f[HOUSEHOLDS]),
                       "persons_per_household21": f[PERSONS] / f[HOUSEHOLDS]})
    block("detail", {f"t_{t}": _forward(t, f[t]) for t in DETAIL})
    positive = c["P18_POP"].where(c["P18_POP"] > 0)
    block("census", {
        "log_households18": np.log(c["P18_MEN"].where(c["P18_MEN"] > 0)),
        "persons_per_household18": positive / c["P18_MEN"].where(c["P18_MEN"] > 0),
        "unemployment18": empirical_logit(c["P18_CHOM1564"], c["P18_ACT1564"]),
        "activity18": empirical_logit(c["P18_ACT1564"], c["P18_POP1564"]),
        "vacancy18": empirical_logit(c["P18_LOGVAC"], c["P18_LOG"]),
        "second_homes18": empirical_logit(c["P18_RSECOCC"], c["P18_LOG"]),
        "owners18": empirical_logit(c["P18_RP_PROP"], c["P18_RP"]),
        "population_change13_18": np.log(positive / c["P13_POP"].where(c["P13_POP"] > 0)),
        "log_jobs_per_active18": np.log((c["P18_EMPLT"] + 1) / (c["P18_ACT1564"] + 1)),
        "log_density18": np.log(positive / c["SUPERF"].where(c["SUPERF"] > 0)),
        "births13_18": c["NAIS1318"] / positive,
        "deaths13_18": c["DECE1318"] / positive,
        "log_establishments18": np.log((c["ETTOT18"] + 1) / positive),
    })
    block("rp2022", {f"rp_{name}": inputs.rp2022[name] / 100 for name in RP2022})
    block("epci", _epci_features(inputs))
    dep = inputs.communes["departement"].map(inputs.departement)
    block("departement", {"dep_poverty": logit(dep)})
    features = pd.DataFrame(out, index=inputs.communes.index)
    return features, blocks


def _forward(target: str, values: pd.Series) -> pd.Series:
    forward, _ = TRANSFORMS[TARGETS[target].transform]
    return forward(values)


def _epci_features(inputs: Inputs) -> dict[str, pd.Series]:
    """Each target's EPCI value without the commune itself, transformed.

    The EPCI's total ``v_E * W_E`` (``W`` the target's weight: persons or households) less
    the commune's ``v_c * w_c`` where the commune's value is published; where it is
    withheld, the EPCI value as published (the commune weighs little in it). A commune
    holding more than 80 % of its EPCI's weight gets no EPCI value.
    """
    f, epci = inputs.filosofi, inputs.epci
    code = inputs.communes["epci"]
    out = {}
    for target in TARGETS.values():
        big_w = code.map(epci["nb_personnes" if target.weight == PERSONS else "nb_menages"])
        v_e = code.map(epci[target.epci_column])
        v_c, w_c = f[target.column], f[target.weight]
        rest = (v_e * big_w - v_c * w_c) / (big_w - w_c)
        value = rest.where(v_c.notna(), v_e)
        too_big = (w_c / big_w) > 0.8
        value = value.where(~too_big)
        low, high = (0.05, 99.95) if target.transform == "logit" else (1.0, None)
        out[f"epci_{target.column}"] = _forward(target.column, value.clip(low, high))
    return out
