"""Territory sheet: a two-page A4 PDF summing up one territory's fragility, in French.

Page 1: who the territory is (name, code, level, département and région, population,
area), a small map locating it, its 16-domain profile with reference markers, its
dimension and overall scores with their ranks, its most and least fragile domains and
why (:func:`atlas.explain.explain`), the priorities perceived by its région's citizens in
the simulated sample, and a method note. Page 2: the indicator table (value, France
value, source and vintage). Drawn with matplotlib's ``PdfPages``; the drawing lives in
:mod:`atlas.sheet_parts`, this module gathers the data.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

import french
from atlas import sheet_parts
from atlas.composite import OVERALL, IndexResult, Method
from atlas.explain import explain
from atlas.indices import level_indices
from atlas.sheet_parts import Reference, Territory
from geodata import store
from geodata.hierarchy import parent_of
from geodata.levels import territory_level
from indicators import snapshot
from indicators.domains import DIMENSIONS


def build_sheet(level: str, code: str, out: Path, method: Method | None = None) -> Path:
    """Write the sheet of territory ``code`` of ``level`` to the PDF ``out``.

    Parameters
    ----------
    level
        ``"communes"``, ``"epci"``, ``"departements"`` or ``"regions"``.
    code
        The territory's code, as a string (``"42218"``, ``"2A004"``, ``"84"``).
    out
        Path of the PDF to write (its folder must exist).
    method
        How the indices are computed (default: the atlas's default method); the sheet's
        method note says which.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    ValueError
        Unknown level (the message lists the valid ones) or unknown code.
    """
    return sheet_parts.write_pdf(sheet_content(level, code, method), Path(out))


def sheet_content(level: str, code: str,
                  method: Method | None = None) -> sheet_parts.SheetContent:
    """Gather everything the sheet of ``code`` shows (see :func:`build_sheet`)."""
    territory = describe(level, code)
    result = level_indices(territory.level, method)
    return sheet_parts.SheetContent(
        territory=territory,
        level_label=territory_level(territory.level).title,
        level_plural=territory_level(territory.level).plural,
        produced=date.today(),
        result=result,
        scores=score_lines(result, code),
        references=references(territory, method),
        explanations=tuple(explain(result, code)),
        indicators=indicator_rows(level, code),
        priorities=perceived_priorities(territory.region),
        method_note=sheet_parts.method_note(method),
    )


def describe(level: str, code: str) -> Territory:
    """Identity of territory ``code`` of ``level``; unknown ones raise a ``ValueError``."""
    level = territory_level(level).id
    table = _attributes(level)
    if code not in table.index:
        examples = ", ".join(repr(c) for c in table.index[:3])
        raise ValueError(f"unknown code {code!r} for level {level!r}; valid codes are the "
                         f"{len(table)} codes of geodata.store.attributes({level!r}), "
                         f"e.g. {examples}")
    row = table.loc[code]
    departement, region = _parents(level, code, row)
    return Territory(
        level=level, code=code, name=str(row["name"]),
        departement=departement, departement_name=_name("departements", departement),
        region=region, region_name=_name("regions", region),
        population=float(row["population"]), area_km2=float(row["area_km2"]))


def references(territory: Territory, method: Method | None = None
               ) -> tuple[Reference, ...]:
    """Reference profiles: its département's and région's scores, and France's median.

    The département's (région's) scores come from the index of the départements
    (régions), each level being scored among its own territories; the France reference is
    the median of the domain scores of all territories of the sheet's level.
    """
    refs = []
    if territory.departement and territory.level in ("communes", "epci"):
        scores = level_indices("departements", method).domain_scores.loc[territory.departement]
        refs.append(Reference(f"Département ({territory.departement_name})", scores))
    if territory.region and territory.level != "regions":
        scores = level_indices("regions", method).domain_scores.loc[territory.region]
        refs.append(Reference(f"Région ({territory.region_name})", scores))
    median = level_indices(territory.level, method).domain_scores.median()
    plural = territory_level(territory.level).plural
    refs.append(Reference(f"Médiane des {plural} de France", median))
    return tuple(refs)


def indicator_rows(level: str, code: str) -> pd.DataFrame:
    """Indicator table of the territory: one row per indicator of the catalogue.

    Columns: ``id``, ``domain``, ``label``, ``unit``, ``direction`` (+1 when a higher
    value is more fragile, -1 otherwise), ``value`` (the value used), ``published`` (the
    source's value: before smoothing for a commune, the official value above), ``france``,
    ``coverage`` (share of the population the value rests on), ``status``
    (:class:`indicators.status.Status`), ``small`` (« faible effectif »), ``smoothed``,
    ``low``/``high`` (interval of an estimate), ``note`` and ``short`` (what the value
    rests on, in words and in a few letters), ``reason`` (why it is missing),
    ``approximate`` (recomputed as a weighted mean of commune values), ``producer``,
    ``third_party`` (official data reshaped by a third party), ``dataset`` and
    ``vintage``.
    """
    from atlas import value_notes
    from indicators.snapshot import snapshot_catalogue
    from indicators.status import Status

    catalogue = snapshot_catalogue()
    found = snapshot.details(level, catalogue=catalogue)
    france = snapshot.values("france").iloc[0]
    rows = []
    for indicator in catalogue.indicators:
        ident = indicator.id
        status = Status(int(found.status.loc[code, ident]))
        value, published = found.value.loc[code, ident], found.published.loc[code, ident]
        coverage = float(found.coverage.loc[code, ident])
        small = bool(found.small.loc[code, ident])
        smoothed = (level == "communes" and indicator.smoothed and not status.missing
                    and not np.isclose(value, published, rtol=1e-3, equal_nan=True))
        low, high = found.low.loc[code, ident], found.high.loc[code, ident]
        rows.append({
            "id": ident, "domain": indicator.domain, "label": indicator.label,
            "unit": indicator.unit, "direction": indicator.direction,
            "value": float(value), "published": float(published),
            "france": float(france[ident]),
            "coverage": coverage, "status": int(status), "small": small,
            "smoothed": smoothed, "low": float(low), "high": float(high),
            "note": value_notes.qualifier(status, coverage, low, high, small),
            "short": value_notes.short(status, coverage, small, smoothed),
            "reason": (value_notes.label(status, coverage) if status.missing else ""),
            "approximate": (status is Status.COMPUTED
                            and indicator.aggregation.approximate),
            "producer": indicator.source.producer,
            "third_party": indicator.source.third_party, "dataset": indicator.source.dataset,
            "vintage": indicator.source.vintage})
    return pd.DataFrame(rows)


def perceived_priorities(region: str | None, n: int = 5) -> pd.DataFrame:
    """The ``n`` domains that the citizens of ``region`` put first, in the simulated sample.

    Returns
    -------
    pandas.DataFrame
        Columns ``domain``, ``score`` (perceived-priority score in [0, 1]),
        ``n_unweighted`` and ``status``, highest score first; empty without a région or
        without respondents.
    """
    table = _citizen_priorities()
    rows = table[table["territory_code"] == region]
    return rows.sort_values("score", ascending=False, kind="stable").head(n).reset_index(
        drop=True)


@cache
def _citizen_priorities() -> pd.DataFrame:
    from atlas.survey.estimates import priority_scores
    from atlas.survey.simulate import default_sample

    table = priority_scores(default_sample().respondents, "region")
    rows = table[(table["actor"] == "citoyen") & table["item"].str.startswith("domain:")]
    return pd.DataFrame({"territory_code": rows["territory_code"].astype(str),
                         "domain": rows["item"].str.removeprefix("domain:"),
                         "score": rows["score"], "n_unweighted": rows["n_unweighted"],
                         "status": rows["status"]}).reset_index(drop=True)


@cache
def _attributes(level: str) -> pd.DataFrame:
    return store.attributes(level).set_index("code", drop=False)


@cache
def _level_table(level: str) -> pd.DataFrame:
    return snapshot.level_table(level).set_index("code")


def _parents(level: str, code: str, row: pd.Series) -> tuple[str | None, str | None]:
    """Département and région codes of a territory (None where they do not apply)."""
    if level == "communes":
        return str(row["departement"]), str(row["region"])
    if level == "departements":
        return None, str(row["region"])
    if level == "epci":
        departement = parent_of("epci", "departements").get(code)
        region = parent_of("epci", "regions").get(code)
        return (None if departement is None else str(departement),
                None if region is None else str(region))
    return None, code


def _name(level: str, code: str | None) -> str | None:
    if code is None:
        return None
    table = _attributes(level)
    return str(table.loc[code, "name"]) if code in table.index else None


def score_lines(result: IndexResult, code: str) -> tuple[tuple[str, float, str], ...]:
    """(French label, score, « rang x sur N ») of each dimension, then the overall index.

    Rank 1 is the most fragile territory of the frame (France, or the territory's région)
    at the same level.
    """
    frame = (None if result.groups is None
             else result.groups.reindex(result.overall.index) == result.groups.get(code))
    lines = []
    for dimension in DIMENSIONS:
        lines.append((dimension.label, *_rank(result.dimension_scores[dimension.id],
                                               result.ranks[dimension.id], code, frame)))
    lines.append(("Indice global", *_rank(result.overall, result.ranks[OVERALL], code,
                                          frame)))
    return tuple(lines)


def _rank(scores: pd.Series, ranks: pd.Series, code: str,
          frame: pd.Series | None = None) -> tuple[float, str]:
    score = float(scores.loc[code])
    if np.isnan(score):
        return score, french.MISSING
    size = int(scores.notna().sum() if frame is None else scores[frame].notna().sum())
    where = "" if frame is None else " de sa région"
    return score, f"rang {french.rank(ranks.loc[code], size, french.NBSP)}{where}"
