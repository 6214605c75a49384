"""Coverage of the catalogue: which share of communes and of people each domain reaches."""

from __future__ import annotations

from pathlib import Path

from indicators import snapshot
from indicators.catalogue import Catalogue
from indicators.domains import DOMAINS
from indicators.snapshot import snapshot_catalogue


def coverage(directory: Path | None = None,
             catalogue: Catalogue | None = None) -> dict:
    """Return each domain's indicators and the share of communes and people they reach.

    A commune counts for a domain when at least one of its indicators has a value; the
    per-indicator shares are given too, and ``series`` lists the indicators of the domain
    that have several vintages (a change over time, :mod:`indicators.series`). The shape
    is the one printed by ``atlas indicators coverage --json``.
    """
    catalogue = catalogue or snapshot_catalogue()
    table = snapshot.level_table("communes", directory, catalogue)
    population = table["population"]
    total = population.sum()
    domains = {}
    for domain in DOMAINS:
        ids = [i.id for i in catalogue.in_domain(domain.id)]
        present = table[ids].notna()
        any_present = present.any(axis=1)
        domains[domain.id] = {
            "label": domain.label,
            "dimension": domain.dimension,
            "indicators": ids,
            "series": [s.indicator for s in catalogue.series if s.indicator in ids],
            "communes_share": round(float(any_present.mean()), 4),
            "population_share": round(float(population[any_present].sum() / total), 4),
            "by_indicator": {
                i: {"communes_share": round(float(present[i].mean()), 4),
                    "population_share": round(float(population[present[i]].sum() / total), 4)}
                for i in ids},
        }
    return {"domains": domains, "total_indicators": len(catalogue.indicators),
            "total_series": len(catalogue.series)}
