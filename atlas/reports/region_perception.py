"""Objective against perceived fragility of a région, as rows of French text for a report.

Two sources, each labelled wherever it appears:

- the **Grand Débat national (2019)**, real but voluntary contributions
  (:func:`atlas.perception.grand_debat.regional.regional_figures` for the shares,
  :func:`atlas.perception.grand_debat.comparison.compare_regions` for the comparison);
- the atlas's **simulated sample** (:func:`atlas.perception.gap.run` on
  :func:`atlas.perception.survey.simulate.default_sample`), « simulé ».

A finding is reported only when it clears both uncertainties (the survey's interval and
the index's Monte Carlo rank interval); the others are « non significatif ».
"""

from __future__ import annotations

from functools import cache

import pandas as pd

import french
from atlas.index.composite import Method
from atlas.perception.compare import BLIND_SPOT, NO_DATA, NOT_SIGNIFICANT, OVER_PERCEIVED
from atlas.perception.grand_debat import wording
from atlas.perception.grand_debat.questions import CLOSED
from atlas.perception.survey.model import SIMULATED_LABEL
from indicators.domains import DOMAIN_BY_ID

SIMULATED = SIMULATED_LABEL
"""« données simulées à titre d'illustration »."""
ACTOR = "citoyen"
"""Actor of the simulated sample shown (the citizens)."""


@cache
def grand_debat(method: Method | None = None):
    """The Grand Débat comparison of every région (computed once per process)."""
    from atlas.perception.grand_debat.comparison import compare_regions

    return compare_regions(method=method)


@cache
def simulated(method: Method | None = None):
    """The simulated sample's comparison of every région, citizens (once per process)."""
    from atlas.perception import gap
    from atlas.perception.survey.simulate import default_sample

    return gap.run(default_sample(), "region", ACTOR, method=method)


def share_rows(code: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the région's Grand Débat shares beside France's."""
    from atlas.perception.grand_debat.regional import figure_rows, regional_figures

    table = figure_rows(regional_figures(code))
    return list(table.columns), table.astype(str).to_numpy().tolist()


def grand_debat_rows(code: str, method: Method | None = None) -> list[list[str]]:
    """Question, domain, perceived share, objective rank among régions, category."""
    table = grand_debat(method).table
    rows = table[table["region"] == code]
    sizes = table.dropna(subset=["rank"]).groupby("domain")["region"].nunique()
    short = {q.id: q.short for q in CLOSED}
    return [[short.get(r["question"], r["question"]), DOMAIN_BY_ID[r["domain"]].label,
             wording.share_text(r["share"], r["ci_low"], r["ci_high"]),
             french.rank(r["rank"], sizes.get(r["domain"])),
             str(r["category"])] for _, r in rows.iterrows()]


def simulated_rows(code: str, method: Method | None = None) -> list[list[str]]:
    """The 16 domains: objective rank, perceived rank, gap and category (simulated)."""
    table = simulated(method).table
    rows = table[table["territory_code"] == code].sort_values("objective_rank")
    return [[DOMAIN_BY_ID[r["domain"]].label, french.integer(r["objective_rank"]),
             french.integer(r["perceived_rank"]), french.signed(r["gap"]),
             french.integer(r["n_effective"]), str(r["category"])]
            for _, r in rows.iterrows()]


def findings(rows: list[list[str]], domain: int, category: int) -> str:
    """The domains of ``rows`` whose category clears both uncertainties, in a sentence."""
    cleared = [(r[domain], r[category]) for r in rows
               if r[category] not in (NOT_SIGNIFICANT, NO_DATA)]
    if not cleared:
        return ("Aucun écart ne franchit à la fois l'incertitude de l'enquête et celle de "
                "l'indice : rien ne permet de conclure à un décalage.")
    gaps = [f"{d} ({c})" for d, c in cleared if c in (BLIND_SPOT, OVER_PERCEIVED)]
    aligned = [d for d, c in cleared if c not in (BLIND_SPOT, OVER_PERCEIVED)]
    parts = []
    if gaps:
        parts.append("Écarts qui franchissent les deux incertitudes : " + ", ".join(gaps)
                     + ".")
    else:
        parts.append("Aucun angle mort ni domaine surestimé ne franchit les deux "
                     "incertitudes.")
    if aligned:
        parts.append("Perception et indice concordent nettement pour : "
                     + ", ".join(dict.fromkeys(aligned)) + ".")
    return " ".join(parts)


def national_rows(names: dict[str, str], method: Method | None = None) -> list[list[str]]:
    """One row per région: Grand Débat and simulated findings that clear both uncertainties.

    Columns: région, Grand Débat (« n concordances, m écarts »), simulated (Spearman
    correlation of the two orders, blind spots, over-perceived).
    """
    real = grand_debat(method).table
    sim = simulated(method)
    rows = []
    for code, name in names.items():
        own = real[real["region"] == code]
        categories = own["category"].value_counts()
        gaps = int(categories.get(BLIND_SPOT, 0) + categories.get(OVER_PERCEIVED, 0))
        aligned = int(len(own) - gaps - categories.get(NOT_SIGNIFICANT, 0)
                      - categories.get(NO_DATA, 0))
        summary = (sim.summary.loc[code] if code in sim.summary.index
                   else pd.Series(dtype="float64"))
        rows.append([name,
                     f"{aligned} concordance(s), {gaps} écart(s) sur {len(own)} paires"
                     if len(own) else french.MISSING,
                     french.number(summary.get("spearman"), 2),
                     french.integer(summary.get("blind_spots")),
                     french.integer(summary.get("over_perceived"))])
    return rows
