"""Tables of the « Méthode & données » page: catalogue filter, sources, coverage, caveats.

Plain pandas (no Streamlit): the page reads its widgets and calls these functions. Column
names are French; a missing value is written :data:`french.MISSING`, never left blank
or 0.
"""

from __future__ import annotations

import pandas as pd

from french import MISSING
from geodata.search import MAX_QUERY_WORDS, bounded, search_key
from indicators.catalogue import Catalogue
from indicators.domains import DIMENSION_BY_ID, DOMAIN_BY_ID, DOMAINS
from indicators.snapshot import snapshot_catalogue

SEARCHED = ("Indicateur", "Domaine", "Dimension", "Source", "Identifiant")
"""Columns the free-text filter looks into."""


def with_ids(table: pd.DataFrame, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Add each indicator's ``Identifiant`` and ``Dimension`` to the catalogue table.

    ``table`` has one row per indicator in catalogue order (as
    ``app_pages.common.data.indicator_table`` builds it).
    """
    indicators = (catalogue or snapshot_catalogue()).indicators
    if len(table) != len(indicators):
        raise ValueError(f"the table has {len(table)} rows for {len(indicators)} indicators")
    out = table.copy()
    out.insert(0, "Identifiant", [i.id for i in indicators])
    out.insert(3, "Dimension", [DIMENSION_BY_ID[i.dimension].label for i in indicators])
    return out


def filter_table(table: pd.DataFrame, query: str = "", domains: tuple[str, ...] = (),
                 dimensions: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows whose searched columns contain every word of ``query``, in the chosen groups.

    Accents, case, hyphens and apostrophes are ignored; an empty query or selection keeps
    every row.

    >>> t = pd.DataFrame({"Indicateur": ["Taux de chômage", "Médecins"],
    ...                   "Domaine": ["Emploi", "Santé"], "Dimension": ["Économique"] * 2,
    ...                   "Source": ["INSEE", "DREES"], "Identifiant": ["chom", "apl"]})
    >>> filter_table(t, "CHOMAGE insee")["Indicateur"].tolist()
    ['Taux de chômage']
    >>> len(filter_table(t, domains=("Santé",)))
    1
    """
    keep = pd.Series(True, index=table.index)
    words = list(dict.fromkeys(search_key(bounded(query)).split()))[:MAX_QUERY_WORDS]
    if words:
        haystack = " " + table[list(SEARCHED)].astype(str).agg(" ".join, axis=1).map(
            search_key) + " "
        for word in words:
            keep &= haystack.str.contains(word, regex=False)
    if domains:
        keep &= table["Domaine"].isin(domains)
    if dimensions:
        keep &= table["Dimension"].isin(dimensions)
    return table[keep]


def sources_table(catalogue: Catalogue | None = None) -> pd.DataFrame:
    """One row per source: producer, dataset, vintage, licence, URL, indicators, caveats."""
    catalogue = catalogue or snapshot_catalogue()
    counts = pd.Series([i.source.id for i in catalogue.indicators]).value_counts()
    rows = [{"Producteur": s.producer, "Jeu de données": s.dataset, "Millésime": s.vintage,
             "Licence": s.licence, "Adresse": s.url or MISSING,
             "Indicateurs": int(counts.get(s.id, 0)),
             "Remis en forme par un tiers": "oui" if s.third_party else "non",
             "Copie utilisée": s.retrieved_from or MISSING,
             "Réserves": s.caveats or ""}
            for s in catalogue.sources.values()]
    return pd.DataFrame(rows).sort_values(["Producteur", "Jeu de données"],
                                          ignore_index=True)


def coverage_table(coverage: dict) -> pd.DataFrame:
    """Share of communes and of people each of the 16 domains reaches.

    ``coverage`` is :func:`indicators.domain_coverage.coverage`'s result.
    """
    domains = coverage["domains"]
    rows = [{"Domaine": d.label, "Dimension": DIMENSION_BY_ID[d.dimension].label,
             "Indicateurs": len(domains[d.id]["indicators"]),
             "Communes couvertes": domains[d.id]["communes_share"],
             "Population couverte": domains[d.id]["population_share"]}
            for d in DOMAINS]
    return pd.DataFrame(rows)


def caveats_table(catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Known defects of the data: every caveat of a source or an indicator, once each."""
    catalogue = catalogue or snapshot_catalogue()
    rows = []
    for source in catalogue.sources.values():
        if source.caveats:
            used = [i.label for i in catalogue.indicators if i.source.id == source.id]
            rows.append({"Concerne": f"Source : {source.producer}, {source.dataset}",
                         "Domaines": _domains_of(catalogue, source.id),
                         "Indicateurs": ", ".join(used) or "aucun",
                         "Réserve": source.caveats})
    for indicator in catalogue.indicators:
        if indicator.caveats:
            rows.append({"Concerne": f"Indicateur : {indicator.label}",
                         "Domaines": DOMAIN_BY_ID[indicator.domain].label,
                         "Indicateurs": indicator.label, "Réserve": indicator.caveats})
    return pd.DataFrame(rows, columns=["Concerne", "Domaines", "Indicateurs", "Réserve"])


def _domains_of(catalogue: Catalogue, source_id: str) -> str:
    """Labels of the domains fed by a source, in canonical order."""
    fed = {i.domain for i in catalogue.indicators if i.source.id == source_id}
    return ", ".join(d.label for d in DOMAINS if d.id in fed) or "aucun"
