"""Territory sheet: an A4 PDF of a few pages summing up one territory's fragility, in French.

Page 1: who the territory is (name, code, level, département and région, population,
area), a small map locating it, its 16-domain profile with reference markers, its
dimension and overall scores with their ranks; then its most and least fragile domains and
why (:func:`atlas.index.explain.explain`), the Grand Débat's perceived shares of its région
beside France's (:mod:`atlas.perception.grand_debat.regional`, with their caveat and source),
a method note, the priorities perceived by its région's citizens in the simulated sample
and the indicator table (value, France value, source and vintage), on as many pages as
they need (4 or 5; no text under 8 points, none outside the margins). Drawn with
matplotlib's ``PdfPages``; the drawing lives in :mod:`atlas.reports.sheet_parts`, this
module gathers the data.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

import french
from atlas.index.composite import OVERALL, IndexResult, Method
from atlas.index.explain import explain
from atlas.index.level_indices import level_indices
from atlas.perception.grand_debat.regional import RegionalFigures, regional_figures
from atlas.reports import sheet_parts
from atlas.reports.indicator_table import indicator_rows
from atlas.reports.sheet_parts import Reference
from atlas.reports.territory import Territory, describe
from geodata import store
from geodata.hierarchy import parent_of
from geodata.levels import territory_level
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
        grand_debat=grand_debat_figures(territory),
    )


def grand_debat_figures(territory: Territory) -> RegionalFigures | None:
    """The Grand Débat figures of the territory's région (its own for a région).

    The région comes from :func:`geodata.hierarchy.parent_of`; None without one.
    """
    region = parent_of(territory.level, "regions").get(territory.code)
    if french.is_missing(region):
        return None
    return _regional_figures(region, territory.level == "regions")


@cache
def _regional_figures(region: str, own: bool) -> RegionalFigures:
    """The figures of a région, computed once per process (they never change)."""
    return regional_figures(region, own=own)


def references(territory: Territory, method: Method | None = None
               ) -> tuple[Reference, ...]:
    """Reference profiles: medians of the same level in its département, région and France.

    The département's median is for communes only.

    The same reading as the Territoire page (:func:`territory_profile.peers`): a commune is
    set beside the communes of its département, never beside the département's own score,
    which ranks départements among départements and is on another scale.
    """
    from atlas.reports import territory_profile

    result = level_indices(territory.level, method)
    departement = (store.attributes("communes").set_index("code")["departement"]
                   if territory.level == "communes" else None)
    groups = territory_profile.peers(territory, parent_of(territory.level, "regions"),
                                     departement)
    profile = territory_profile.domain_profile(result, territory, groups)
    short = territory_profile.short_peer_labels(territory, groups)  # the legend says « médiane »
    return tuple(Reference(name, profile[label])
                 for name, (label, _) in zip(short, groups, strict=True))


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
    from atlas.perception.survey.estimates import priority_scores
    from atlas.perception.survey.simulate import default_sample

    table = priority_scores(default_sample().respondents, "region")
    rows = table[(table["actor"] == "citoyen") & table["item"].str.startswith("domain:")]
    return pd.DataFrame({"territory_code": rows["territory_code"].astype(str),
                         "domain": rows["item"].str.removeprefix("domain:"),
                         "score": rows["score"], "n_unweighted": rows["n_unweighted"],
                         "status": rows["status"]}).reset_index(drop=True)


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
