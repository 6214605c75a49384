"""A territory's data as scripts read it: one record (JSON) or one row per territory.

:func:`territory_record` is what ``atlas territory LEVEL:CODE --json`` prints;
:func:`level_rows` what ``atlas data export`` writes (and the app's download buttons offer).
Both carry, for every indicator, the value used and what it rests on (published value,
status, coverage, reliability, estimate), with source and vintage, and the domain, dimension
and overall scores with rank and 90 % rank interval.

Stable keys of the record: ``code``, ``name``, ``level``, ``population`` {``value``,
``year``}, ``indicators`` {id: {``value``, ``published``, ``smoothed``, ``computed``,
``unit``, ``source``, ``vintage``, ``coverage``, ``reliability``, ``estimated``,
``interval``, ``status``}}, ``domains`` {id: score or null}, ``dimensions``, ``overall`` {``score``,
``domains_count``, ``domains_total``, ``partial``, ``rank``, ``rank_low``, ``rank_high``,
``frame_size``}, ``flags`` (domain ids), ``method``. Missing is ``null``, never 0.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from atlas.index.composite import OVERALL, IndexResult, Method
from atlas.index.flags import flags
from atlas.index.level_indices import level_indices
from atlas.index.uncertainty import Uncertainty
from atlas.reports.territory import describe
from atlas.reports.territory_profile import frame_size, rank_interval, rank_intervals
from geodata import store
from indicators import snapshot
from indicators.catalogue import Catalogue, Indicator
from indicators.domains import DIMENSIONS, DOMAINS
from indicators.snapshot import snapshot_catalogue
from indicators.status import KEYS, Status

SMALL = "faible effectif"


def territory_record(level: str, code: str, method: Method | None = None,
                     intervals: bool = True) -> dict:
    """Everything the atlas knows of one territory, JSON-ready (see the module docstring).

    Raises
    ------
    ValueError
        Unknown level or code (the message says which are valid).
    """
    territory = describe(level, code)
    method = method or Method()
    result = level_indices(level, method)
    catalogue = snapshot_catalogue()
    found = snapshot.details(level, catalogue=catalogue)
    uncertainty = rank_intervals(level, method) if intervals else None
    attributes = store.attributes(level).set_index("code").loc[code]
    return {
        "code": code, "name": territory.name, "level": level,
        "departement": territory.departement, "region": territory.region,
        "population": {"value": _number(attributes["population"]),
                       "year": _integer(population_years(level).get(code))},
        "indicators": {i.id: indicator_entry(i, found, code) for i in catalogue.indicators},
        "domains": {d.id: _number(result.domain_scores.loc[code, d.id]) for d in DOMAINS},
        "dimensions": {d.id: _number(result.dimension_scores.loc[code, d.id])
                       for d in DIMENSIONS},
        "overall": overall_entry(result, code, uncertainty),
        "flags": flagged(result, code),
        "method": method_entry(method),
    }


def indicator_entry(indicator: Indicator, found: snapshot.Details, code: str) -> dict:
    """One indicator of one territory: value used and what it rests on."""
    ident = indicator.id
    status = Status(int(found.status.loc[code, ident]))
    low, high = _stored(found.low.loc[code, ident]), _stored(found.high.loc[code, ident])
    value, published = _stored(found.value.loc[code, ident]), _stored(
        found.published.loc[code, ident])
    smoothed = (indicator.smoothed and value is not None and published is not None
                and not math.isclose(value, published, rel_tol=1e-3))
    return {
        "value": value,
        "published": published,
        "smoothed": smoothed,
        "computed": _stored(found.computed.loc[code, ident]),
        "unit": indicator.unit,
        "status": KEYS[status],
        "source": f"{indicator.source.producer}, {indicator.source.dataset}",
        "vintage": indicator.source.vintage,
        "coverage": _stored(found.coverage.loc[code, ident]),
        "reliability": SMALL if bool(found.small.loc[code, ident]) else None,
        "estimated": status is Status.ESTIMATED,
        "interval": [low, high] if low is not None and high is not None else None,
    }


def overall_entry(result: IndexResult, code: str, uncertainty: Uncertainty | None) -> dict:
    """Overall score, the number of domains it is made of, rank and 90 % rank interval."""
    rank = result.ranks.loc[code, OVERALL]
    low = high = None
    if uncertainty is not None and not pd.isna(rank):
        low, high = rank_interval(uncertainty, code, OVERALL, rank)
    return {
        "score": _number(result.overall.loc[code]),
        "domains_count": int(result.domains_count.loc[code]),
        "domains_total": result.domains_total,
        "partial": bool(result.partial.loc[code]),
        "rank": None if pd.isna(rank) else int(rank),
        "rank_low": None if low is None or np.isnan(low) else math.floor(low),
        "rank_high": None if high is None or np.isnan(high) else math.ceil(high),
        "frame_size": frame_size(result, code, result.overall),
        "reason": None if pd.isna(result.overall_reason.loc[code])
        else str(result.overall_reason.loc[code]),
    }


def flagged(result: IndexResult, code: str) -> list[str]:
    """Ids of the domains where the territory is among the most fragile tenth."""
    row = flags(result).domains.loc[code]
    return [d for d in row.index if row[d] is True or (not pd.isna(row[d]) and bool(row[d]))]


def method_entry(method: Method) -> dict:
    """The method as plain values."""
    return {"normalisation": method.normalisation, "frame": method.frame,
            "aggregation": method.aggregation, "weights": dict(method.weights or ())}


def level_rows(level: str, method: Method | None = None,
               intervals: bool = True) -> pd.DataFrame:
    """One row per territory of ``level``: identity, indicators (value used), scores.

    Columns: ``code``, ``name``, ``population``, ``population_year``, one column per
    indicator id (the value used), ``<id>__status`` (its status key), ``<id>__coverage``,
    ``domain:<id>`` and ``dimension:<id>`` scores, ``overall``, ``overall_domains_count``,
    ``overall_partial``, ``overall_rank``, ``overall_rank_low``, ``overall_rank_high``.
    """
    method = method or Method()
    catalogue = snapshot_catalogue()
    result = level_indices(level, method)
    found = snapshot.details(level, catalogue=catalogue)
    attributes = store.attributes(level).set_index("code")
    codes = attributes.index
    ids = [i.id for i in catalogue.indicators]
    columns: dict[str, pd.Series] = {
        "name": attributes["name"],
        "population": attributes["population"].astype("float64"),
        "population_year": population_years(level).reindex(codes),
    }
    for ident in ids:
        columns[ident] = found.value[ident].reindex(codes)
    for ident in ids:
        status = found.status[ident].reindex(codes)
        columns[f"{ident}__status"] = status.map(lambda s: KEYS[Status(int(s))]
                                                 if not pd.isna(s) else None)
        columns[f"{ident}__coverage"] = found.coverage[ident].reindex(codes)
    for d in DOMAINS:
        columns[f"domain:{d.id}"] = result.domain_scores[d.id].reindex(codes)
    for d in DIMENSIONS:
        columns[f"dimension:{d.id}"] = result.dimension_scores[d.id].reindex(codes)
    columns["overall"] = result.overall.reindex(codes)
    columns["overall_domains_count"] = result.domains_count.reindex(codes).astype("Int64")
    columns["overall_partial"] = result.partial.reindex(codes)
    rank = result.ranks[OVERALL].reindex(codes)
    columns["overall_rank"] = rank
    if intervals:
        uncertainty = rank_intervals(level, method)
        low = uncertainty.rank_low[OVERALL].reindex(codes)
        high = uncertainty.rank_high[OVERALL].reindex(codes)
        shown = rank.astype("float64")
        known = low.notna() & high.notna()
        columns["overall_rank_low"] = np.floor(np.fmin(low, shown)).where(known).astype("Int64")
        columns["overall_rank_high"] = np.ceil(np.fmax(high, shown)).where(known).astype("Int64")
    out = pd.DataFrame(columns, index=codes)
    out.index.name = "code"
    return out.reset_index()


def sources_table(catalogue: Catalogue | None = None) -> pd.DataFrame:
    """One row per indicator: label, unit, domain, direction, source, vintage, licence, URL."""
    catalogue = catalogue or snapshot_catalogue()
    return pd.DataFrame([{
        "id": i.id, "label": i.label, "unit": i.unit, "domain": i.domain,
        "dimension": i.dimension,
        "direction": "plus élevé = plus fragile" if i.direction > 0
        else "plus élevé = moins fragile",
        "producer": i.source.producer, "dataset": i.source.dataset,
        "vintage": i.source.vintage, "licence": i.source.licence, "url": i.source.url,
        "third_party": i.source.third_party,
        "official_higher_levels": "; ".join(f"{o.level}: {o.source.producer}, "
                                            f"{o.source.dataset} ({o.source.vintage})"
                                            for o in i.official),
        "caveats": " ".join(filter(None, (i.source.caveats, i.caveats))),
    } for i in catalogue.indicators])


def population_years(level: str) -> pd.Series:
    """Year of each territory's population (Int64, by code).

    A commune's is its own (the latest legal populations; Mayotte's 2017 census); a
    higher level's population is the sum of its communes', so its year is theirs (the most
    frequent among them).
    """
    communes = store.attributes("communes")
    years = communes["population_year"].astype("Int64")
    if level == "communes":
        return pd.Series(years.to_numpy(), index=communes["code"].to_numpy(), dtype="Int64")
    column = {"epci": "epci", "departements": "departement", "regions": "region"}[level]
    found = years.groupby(communes[column].to_numpy()).agg(
        lambda y: y.mode().iloc[0] if y.notna().any() else pd.NA)
    return found.astype("Int64")


def _integer(value: object) -> int | None:
    """An int, or None for missing (JSON ``null``)."""
    return None if value is None or pd.isna(value) else int(value)


def _number(value: object) -> float | None:
    """A float, or None for missing (JSON ``null``)."""
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _stored(value: object) -> float | None:
    """A value stored in float32, written with the digits float32 holds (``49.12``).

    >>> _stored(float(np.float32(49.12))), _stored(float("nan"))
    (49.12, None)
    """
    number = _number(value)
    return None if number is None else float(str(np.float32(number)))
