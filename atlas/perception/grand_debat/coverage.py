"""Where the Grand Débat can stand for perceived fragility: which domains, which level.

The answers are known by région only, and only the domains of a declared closed question
(:func:`~atlas.perception.grand_debat.questions.questions_of_domain`) are compared. Anywhere
else, the atlas says why and shows its simulated sample instead.
"""

from __future__ import annotations

from atlas.perception.grand_debat.questions import CLOSED, questions_of_domain
from geodata.levels import REGIONS
from geodata.levels import level as level_of
from indicators.domains import DOMAIN_BY_ID

REAL, SIMULATED = "grand_debat_2019", "simulated"
SOURCE_LABELS = {REAL: "Grand Débat 2019 — contributions réelles",
                 SIMULATED: "Échantillon simulé"}
"""The perception sources offered, the real one first."""


def covered_domains() -> tuple[str, ...]:
    """Domains that at least one declared closed question speaks of, in the atlas's order.

    >>> covered_domains()
    ('education', 'health', 'mobility', 'digital', 'environment', 'energy_transition')
    """
    named = {d for question in CLOSED for d in question.domains}
    return tuple(d for d in DOMAIN_BY_ID if d in named)


def unavailable(domain: str, level: str) -> str | None:
    """Why the Grand Débat cannot be shown for ``domain`` at ``level``; None when it can.

    >>> unavailable("mobility", "region") is None
    True
    >>> unavailable("housing", "regions")[:45]
    "Aucune question du Grand Débat n'est rapproch"
    >>> unavailable("mobility", "departement")[:42]
    'Le Grand Débat ne publie que la région de '

    Raises
    ------
    ValueError
        An unknown domain or level.
    """
    if domain not in DOMAIN_BY_ID:
        raise ValueError(f"unknown domain {domain!r}; valid: {', '.join(DOMAIN_BY_ID)}")
    if level_of(level) != REGIONS:
        return ("Le Grand Débat ne publie que la région de chaque contribution : à ce "
                "niveau, seul l'échantillon simulé existe.")
    if not questions_of_domain(domain):
        covered = ", ".join(f"« {DOMAIN_BY_ID[d].label} »" for d in covered_domains())
        return (f"Aucune question du Grand Débat n'est rapprochée du domaine "
                f"« {DOMAIN_BY_ID[domain].label} » (domaines couverts : {covered}) : seul "
                "l'échantillon simulé existe pour ce domaine.")
    return None
