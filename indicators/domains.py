"""The 16 fragility domains of the IMPACT framework, in 4 dimensions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dimension:
    """One of the four dimensions."""

    id: str
    label: str


@dataclass(frozen=True)
class Domain:
    """One of the sixteen domains, with the dimension it belongs to."""

    id: str
    label: str
    dimension: str


DIMENSIONS = (
    Dimension("societal", "Sociétale"),
    Dimension("economic", "Économique"),
    Dimension("social", "Sociale"),
    Dimension("environmental", "Environnementale"),
)

DOMAINS = (
    Domain("education", "Éducation", "societal"),
    Domain("health", "Santé", "societal"),
    Domain("security", "Sécurité / délinquance", "societal"),
    Domain("mobility", "Mobilité / transports", "societal"),
    Domain("digital", "Accès au numérique", "societal"),
    Domain("culture", "Culture / loisirs", "societal"),
    Domain("economic_development", "Développement économique", "economic"),
    Domain("employment", "Emploi / chômage / insertion", "economic"),
    Domain("living_standards", "Niveau de vie / pouvoir d'achat", "economic"),
    Domain("poverty", "Pauvreté / exclusion", "social"),
    Domain("housing", "Mal-logement", "social"),
    Domain("isolation", "Isolement / lien social", "social"),
    Domain("diversity_disability", "Diversité / handicap", "social"),
    Domain("ageing", "Vieillissement / intergénération", "social"),
    Domain("environment", "Environnement / pollution / biodiversité", "environmental"),
    Domain("energy_transition", "Transition énergétique", "environmental"),
)

DOMAIN_BY_ID = {d.id: d for d in DOMAINS}
DIMENSION_BY_ID = {d.id: d for d in DIMENSIONS}


def domain(domain_id: str) -> Domain:
    """Return the domain ``domain_id``; unknown ids raise a ``ValueError`` listing valid ones."""
    try:
        return DOMAIN_BY_ID[domain_id]
    except KeyError:
        raise ValueError(f"unknown domain {domain_id!r}; valid domains: "
                         f"{sorted(DOMAIN_BY_ID)}") from None
