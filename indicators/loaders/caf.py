"""Read the CNAF recipients by IRIS (``data_CAF_2020_IRIS.csv``) and sum them to communes.

The file (``;``, one row per IRIS) covers only the IRIS of the communes split into IRIS
(about 1,000 communes: those of 5,000 inhabitants or more and some others); the other
communes are absent, not zero. Values are **counts**, so a commune's value is the exact sum of
its IRIS. Blank cells are secret (small counts). ``NOTE`` is the CNAF dissemination flag: 0
where the IRIS is published, another value where all its cells are withheld.

Identities that hold in every complete row of the 2020 file: ``A = AI + AM + ACSSENF +
ACAVENF``; ``ENF`` is the sum of the six age groups; ``AAPL <= AAL``.

A single secret or withheld IRIS would make a whole commune missing (Paris, Lyon and
Marseille all have some). With ``incomplete="covered"`` each count is summed over the
IRIS where it is published together with ``A`` (the *counted* IRIS), and the loader says
how much of the commune they cover: ``coverage_<C>``, the share of the commune's
population (RP 2022, from the IRIS table given as ``population``) living in the counted
IRIS, computed as one minus the share living in the IRIS left out (so that an IRIS re-cut
since 2020, counted but absent from the 2022 table, still counts). Rates are then taken
over the counted IRIS only, never extrapolated: ``A_for_<C>`` (the allocataires of the
counted IRIS) is the denominator of a share of allocataires, ``pop_for_<C>`` (their
population) the denominator of a rate per inhabitant.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.loaders.base import LoadError, LoadResult, Rejected
from indicators.loaders.commune_codes import (
    IRIS_PATTERN,
    as_code,
    is_arrondissement,
    matches,
    merge_arrondissements,
)
from indicators.loaders.iris_parquet import iris_population

CODE = "CODGEO"
NOTE = "NOTE"

COUNTS = {
    "A": "allocataires (recipient households)",
    "PERCOU": "persons covered (recipients, spouses, children and other dependants)",
    "AI": "recipients living alone, without child",
    "AM": "single-parent recipients",
    "ACSSENF": "couples without child",
    "ACAVENF": "couples with child(ren)",
    "AC3ENF": "recipients with three children or more",
    "ENF": "children covered",
    "ENF_2": "children under 3",
    "ENF_3_5": "children aged 3 to 5",
    "ENF_6_10": "children aged 6 to 10",
    "ENF_11_14": "children aged 11 to 14",
    "ENF_15_17": "children aged 15 to 17",
    "ENF_18_24": "children aged 18 to 24",
    "A_ETUD": "student recipients",
    "A_NETUD_24": "recipients under 25, not students",
    "AAL": "recipients of a housing allowance (any)",
    "AAPL": "recipients of the APL (a subset of AAL)",
    "AAAH": "recipients of the AAH (disabled adults' allowance)",
    "APPA": "recipients of the prime d'activité",
    "ARSAS": "recipients of the RSA",
}
"""The count columns and their meaning (CNAF, *allocataires par IRIS*)."""

INCOMPLETE = ("nan", "lower_bound", "covered")
"""What to do with a commune where some IRIS cell is secret or withheld."""
UNIVERSE = "A"
"""The allocataires: a count is *counted* in an IRIS where it and ``A`` are published."""


def load_caf_iris(path: str | Path, *, incomplete: str = "nan",
                  arrondissements: bool = False, population: str | Path | None = None,
                  min_coverage: float = 0.8) -> LoadResult:
    """Sum the CNAF IRIS counts to communes.

    Parameters
    ----------
    path
        ``data_CAF_2020_IRIS.csv`` as distributed.
    incomplete
        ``"nan"`` (default): a commune's count is missing when any of its IRIS is secret or
        withheld for that column, so every value is an exact sum. ``"lower_bound"``: the sum
        of the published IRIS, a lower bound (secret cells are small counts, but withheld
        IRIS are whole IRIS); say so wherever it is shown. ``"covered"``: the sum over the
        counted IRIS, with their coverage and denominators (see the module docstring).
    arrondissements
        Keep the municipal arrondissements of Paris, Lyon and Marseille as rows; by default
        they are summed into their commune.
    population
        With ``"covered"``: the IRIS table (:func:`indicators.loaders.iris_parquet.iris_population`,
        ``P22_POP``), as an absolute path or relative to the folder of ``path`` (in the
        catalogue, ``../../observatoire/ptod_rp2022/iris``). Without it, or where an IRIS
        left out has no population (overseas: the table is metropolitan), the coverage is
        the share of the commune's IRIS counted and ``pop_for_<C>`` is missing.
    min_coverage
        With ``"covered"``: below this coverage a commune's sums are missing (its
        ``coverage_<C>`` is kept).

    Returns
    -------
    LoadResult
        ``code``, ``n_iris``, ``n_iris_withheld`` (``NOTE`` not 0), then the counts of
        :data:`COUNTS` present in the file; with ``"covered"``, for each count ``C`` also
        ``coverage_<C>``, ``pop_for_<C>`` and (but for ``A``) ``A_for_<C>``.

    Raises
    ------
    LoadError
        A missing ``CODGEO``/``NOTE`` column, a count that is not a whole number, or negative.
    """
    if incomplete not in INCOMPLETE:
        raise ValueError(f"unknown incomplete={incomplete!r}; valid: {', '.join(INCOMPLETE)}")
    if incomplete != "covered" and population is not None:
        raise ValueError("population is only used with incomplete='covered'")
    if not 0 <= min_coverage <= 1:
        raise ValueError(f"min_coverage must be a share in [0, 1], got {min_coverage}")
    path = Path(path)
    if not path.exists():
        raise LoadError(path, "no such file")
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    raw.index = pd.RangeIndex(2, len(raw) + 2)  # file rows, header = row 1
    for required in (CODE, NOTE):
        if required not in raw.columns:
            raise LoadError(path, f"missing column (the header is {list(raw.columns)})",
                            row=1, column=required)
    counts = [c for c in raw.columns if c in COUNTS]
    if not counts:
        raise LoadError(path, f"no count column among {list(COUNTS)}", row=1)
    notes = [f"{len(raw)} IRIS rows"]
    unknown = [c for c in raw.columns if c not in (CODE, NOTE, *COUNTS)]
    if unknown:
        notes.append(f"undocumented columns ignored: {unknown}")
    values = {c: _counts(raw, c, path) for c in (NOTE, *counts)}
    codes = as_code(raw[CODE], 9)
    rejected: list[Rejected] = []
    bad = ~matches(codes, IRIS_PATTERN) | codes.duplicated()
    for row in raw.index[bad]:
        reason = ("not a 9-character IRIS code" if not matches(codes[[row]], IRIS_PATTERN).iloc[0]
                  else "duplicate IRIS (the first is kept)")
        rejected.append(Rejected(str(path), int(row), CODE, codes[row], reason))
    table = pd.DataFrame(values)[~bad]
    communes = codes[~bad].str[:5]
    if not arrondissements and is_arrondissement(communes).any():
        notes.append("municipal arrondissements summed into their commune")
        communes = merge_arrondissements(communes)
    groups = pd.Index(pd.unique(communes), name="code")
    out = {"n_iris": communes.groupby(communes).size(),
           "n_iris_withheld": (table[NOTE] != 0).groupby(communes).sum()}
    secret: dict[str, int] = {}
    incomplete_communes: dict[str, int] = {}
    for name in counts:
        column = table[name]
        secret[name] = int(column.isna().sum())
        total = column.groupby(communes).sum(min_count=1)
        complete = column.notna().groupby(communes).all()
        incomplete_communes[name] = int((~complete).sum())
        out[name] = total if incomplete == "lower_bound" else total.where(complete)
    if incomplete == "covered":
        if population is not None:
            population = iris_population((path.parent / population).resolve())
        out.update(_covered(table, codes[~bad], communes, counts, population, min_coverage,
                            arrondissements, notes))
    result = pd.DataFrame(out).reindex(groups).astype(float).reset_index()
    what = {"lower_bound": "the sum of the published IRIS, a LOWER BOUND",
            "covered": "the sum of the counted IRIS, see coverage_<C>"}
    notes += [
        f"only the {len(groups)} communes split into IRIS are present: the others are absent, "
        "not zero",
        f"{int(out['n_iris_withheld'].sum())} IRIS withheld by CNAF (NOTE != 0, all cells "
        "blank)",
        ("communes with a secret or withheld IRIS, per column (their value is "
         + what.get(incomplete, "missing") + f"): {incomplete_communes}"),
    ]
    notes += _identities(table)
    return LoadResult(table=result, file=str(path), rejected=rejected, secret_cells=secret,
                      notes=notes)


def _covered(table: pd.DataFrame, iris: pd.Series, communes: pd.Series, counts: list[str],
             population: pd.Series | None, min_coverage: float, arrondissements: bool,
             notes: list[str]) -> dict[str, pd.Series]:
    """Sums over the counted IRIS, their allocataires, population and coverage."""
    missing = pd.Series(float("nan"), index=iris.index)
    iris_pop = missing if population is None else iris.map(population).astype(float)
    commune_pop = _commune_population(population, arrondissements)
    universe = (table[UNIVERSE].notna() if UNIVERSE in table
                else pd.Series(True, index=table.index))
    out: dict[str, pd.Series] = {}
    kept = {}
    for name in counts:
        counted = table[name].notna() & universe
        left_out = iris_pop.where(~counted, 0.0)
        unknown = left_out.isna().groupby(communes).any()
        left_pop = left_out.groupby(communes).sum()
        share_iris = counted.groupby(communes).mean()
        people = commune_pop.reindex(left_pop.index)
        by_people = (1 - left_pop / people).where(~unknown)
        coverage = by_people.fillna(share_iris).where(share_iris < 1, 1.0).clip(0.0, 1.0)
        keep = coverage >= min_coverage
        out[name] = table[name].where(counted).groupby(communes).sum(min_count=1).where(keep)
        if name != UNIVERSE and UNIVERSE in table:
            out[f"{UNIVERSE}_for_{name}"] = table[UNIVERSE].where(counted).groupby(
                communes).sum(min_count=1).where(keep)
        out[f"pop_for_{name}"] = (people - left_pop).where(~unknown & keep)
        out[f"coverage_{name}"] = coverage
        kept[name] = int(out[name].notna().sum())
    notes.append(f"counted IRIS: those where the count and {UNIVERSE} are published; "
                 f"communes kept with a coverage of at least {min_coverage:.0%} of their "
                 f"population, per column: {kept}")
    if population is None:
        notes.append("no IRIS population given: coverage is the share of IRIS counted")
    return out


def _commune_population(population: pd.Series | None, arrondissements: bool) -> pd.Series:
    """Population of each commune: the sum of its IRIS in the IRIS table (empty without)."""
    if population is None:
        return pd.Series(dtype=float)
    communes = pd.Series(population.index.str[:5], index=population.index)
    if not arrondissements:
        communes = merge_arrondissements(communes)
    return population.groupby(communes.to_numpy()).sum(min_count=1)


def _counts(raw: pd.DataFrame, column: str, path: Path) -> pd.Series:
    text = raw[column].str.strip()
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
    wrong = (numbers.isna() & (text != "")) | (numbers.notna() & (numbers % 1 != 0)) | (numbers < 0)
    if wrong.any():
        row = int(raw.index[wrong][0])
        raise LoadError(path, f"not a count (a whole number >= 0): {text[row]!r}", row=row,
                        column=column)
    return numbers.astype(float)


def _identities(table: pd.DataFrame) -> list[str]:
    parts = ["AI", "AM", "ACSSENF", "ACAVENF"]
    if not set(parts) | {"A"} <= set(table.columns):
        return []
    complete = table[["A", *parts]].notna().all(axis=1)
    off = (table.loc[complete, parts].sum(axis=1) != table.loc[complete, "A"]).sum()
    return [f"A = AI + AM + ACSSENF + ACAVENF fails in {int(off)} of {int(complete.sum())} "
            "complete IRIS"]
