"""What the Grand Débat comparison finds, in French: correlations and disagreements.

:func:`correlation_lines` writes the Spearman correlations of
:func:`~atlas.perception.grand_debat.comparison.correlations` with their interval and
number of régions; :data:`WEAK_CORRELATION` says what a weak one means.
:func:`disagreements` lists the régions where perceived and objective fragility part
(« angle mort », « surestimé »), largest disagreement first.
"""

from __future__ import annotations

import pandas as pd

import french
from atlas.perception.compare import BLIND_SPOT, OVER_PERCEIVED
from atlas.perception.grand_debat import wording
from atlas.perception.grand_debat.comparison import SCOPES, RealComparison
from atlas.perception.grand_debat.questions import closed_question
from indicators.snapshot import snapshot_catalogue

WEAK_CORRELATION = (
    "Avec 13 régions, seule une corrélation forte s'écarte nettement de zéro. Une "
    "corrélation faible dit que les contributeurs et les indicateurs ne classent pas les "
    "régions de la même façon ; elle ne dit pas que l'un ou l'autre se trompe : les "
    "contributeurs ont choisi de participer, les indicateurs mesurent l'ensemble des "
    "habitants, et une question ne recouvre jamais tout un domaine.")
"""What a weak correlation does and does not mean."""
CATEGORY_READING = {
    BLIND_SPOT: "objectivement parmi les plus fragiles, mais ses contributeurs signalent "
                "la fragilité moins souvent que ceux des autres régions",
    OVER_PERCEIVED: "objectivement parmi les moins fragiles, mais ses contributeurs "
                    "signalent la fragilité plus souvent que ceux des autres régions",
}


def correlation_lines(comparison: RealComparison, question: str, domain: str,
                      domain_label: str) -> list[str]:
    """One French line per (objective measure, scope): ρ, its 95 % interval and n.

    The domain's standing comes first, then each closest indicator (oriented so that a
    higher value is more fragile).
    """
    rows = comparison.correlations[(comparison.correlations["question"] == question)
                                   & (comparison.correlations["domain"] == domain)]
    catalogue = {i.id: i.label for i in snapshot_catalogue().indicators}
    lines = []
    for against, group in rows.groupby("against", sort=False):
        name = (f"position objective en {domain_label}" if against == "domain"
                else f"{catalogue.get(against, against)} (orienté : plus = plus fragile)")
        parts = [f"{SCOPES[row.scope]} : {rho_text(row.spearman, row.ci_low, row.ci_high)}, "
                 f"n = {french.integer(row.n)}" for row in group.itertuples()]
        lines.append(f"Part perçue et {name} — " + " ; ".join(parts) + ".")
    return lines


def rho_text(rho: float, low: float, high: float) -> str:
    """« ρ = 0,73 (IC 95 % : 0,27 à 0,91) », or why it cannot be computed.

    >>> rho_text(0.7253, 0.2734, 0.9149)
    'ρ = 0,73 (IC 95 % : 0,27 à 0,91)'
    >>> rho_text(float("nan"), float("nan"), float("nan"))
    'ρ non calculable (moins de 4 régions ou valeurs constantes)'
    """
    if french.is_missing(rho):
        return "ρ non calculable (moins de 4 régions ou valeurs constantes)"
    return (f"ρ = {french.number(rho, 2)} (IC 95 % : {french.number(low, 2)} à "
            f"{french.number(high, 2)})")


def disagreements(comparison: RealComparison, question: str, domain: str) -> pd.DataFrame:
    """Régions classed « angle mort » or « surestimé » for the pair, largest gap first.

    Returns
    -------
    DataFrame
        ``region``, ``region_name``, ``category``, ``disagreement`` (perceived minus
        objective standing, from −1 to 1) and ``text``, a French sentence giving the
        share with its interval, its rank among the régions and the objective standing
        with its interval.
    """
    rows = comparison.table[(comparison.table["question"] == question)
                            & (comparison.table["domain"] == domain)].copy()
    perceived_rank = rows["share"].rank(ascending=False, method="min")
    known = int(rows["share"].notna().sum())
    rows["perceived_rank"] = perceived_rank
    found = rows[rows["category"].isin([BLIND_SPOT, OVER_PERCEIVED])]
    found = found.reindex(found["disagreement"].abs().sort_values(ascending=False,
                                                                   kind="stable").index)
    answer = wording.answer_text(closed_question(question).fragile_answer)
    texts = [
        f"{row.region_name} — {row.category} : {CATEGORY_READING[row.category]}. "
        f"Part {answer} : {wording.share_text(row.share, row.ci_low, row.ci_high)}, "
        f"rang {french.rank(row.perceived_rank, known)} des régions ; position objective "
        f"{french.number(row.standing, 2)} (intervalle {french.number(row.standing_low, 2)} "
        f"à {french.number(row.standing_high, 2)}, 1 = la plus fragile)."
        for row in found.itertuples()]
    return pd.DataFrame({"region": found["region"].to_numpy(),
                         "region_name": found["region_name"].to_numpy(),
                         "category": found["category"].to_numpy(),
                         "disagreement": found["disagreement"].to_numpy(), "text": texts})
