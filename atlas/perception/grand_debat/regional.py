"""A région's Grand Débat figures beside France's, for the Territoire page and the sheet.

For each declared closed question: the région's perceived share with its interval, the
same for France (every contribution, as the organisers counted), the région's
contributors and the status of its estimate. The answers are known by région only: a
département, EPCI or commune is shown its région's figures, labelled as such
(:func:`value_label`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import french
from atlas.perception.grand_debat import snapshot, wording
from atlas.perception.grand_debat.questions import CLOSED
from atlas.perception.grand_debat.reading import SOURCE_LABEL, Contributions
from atlas.perception.grand_debat.shares import closed_shares, region_names
from atlas.perception.survey.estimates import ALL_ACTORS

FIGURE_COLUMNS = ("question", "short", "label", "fragile_answer", "share", "ci_low",
                  "ci_high", "fragile", "answered", "contributors", "status", "france_share",
                  "france_ci_low", "france_ci_high", "france_contributors")


@dataclass(frozen=True)
class RegionalFigures:
    """The Grand Débat figures of one région, as shown for a territory.

    Attributes
    ----------
    region, region_name
        The région whose figures they are.
    own
        Whether the territory shown is that région (else one of its départements, EPCI
        or communes).
    table
        One row per declared closed question: :data:`FIGURE_COLUMNS` (a missing share
        stays missing; ``status`` is missing when the région has no contribution).
    """

    region: str
    region_name: str
    own: bool
    table: pd.DataFrame


def regional_figures(region: str, own: bool = True, actor: str = ALL_ACTORS,
                     contributions: Contributions | None = None) -> RegionalFigures:
    """The figures of ``region`` and of France for every declared closed question.

    Raises
    ------
    ValueError
        An unknown région code or author type.
    """
    names = region_names()
    if region not in names:
        raise ValueError(f"unknown région {region!r}; valid: {', '.join(sorted(names))}")
    contributions = contributions if contributions is not None else snapshot.load()
    rows = []
    for question in CLOSED:
        shares = closed_shares(contributions, question, actor).set_index("region")
        france = closed_shares(contributions, question, actor, level="france").iloc[0]
        own_row = (shares.loc[region] if region in shares.index
                   else pd.Series(dtype="object"))
        rows.append({
            "question": question.id, "short": question.short, "label": question.label,
            "fragile_answer": question.fragile_answer,
            **{c: own_row.get(c) for c in ("share", "ci_low", "ci_high", "fragile",
                                           "answered", "contributors", "status")},
            "france_share": france["share"], "france_ci_low": france["ci_low"],
            "france_ci_high": france["ci_high"],
            "france_contributors": france["contributors"]})
    table = pd.DataFrame(rows, columns=list(FIGURE_COLUMNS))
    for column in ("share", "ci_low", "ci_high", "france_share", "france_ci_low",
                   "france_ci_high"):
        table[column] = table[column].astype("float64")
    return RegionalFigures(region, names[region], own, table)


def value_label(figures: RegionalFigures) -> str:
    """Whose values they are: the région's name, or « valeur de sa région (…) ».

    >>> value_label(RegionalFigures("53", "Bretagne", False, pd.DataFrame()))
    'valeur de sa région (Bretagne)'
    >>> value_label(RegionalFigures("53", "Bretagne", True, pd.DataFrame()))
    'Bretagne'
    """
    return figures.region_name if figures.own else f"valeur de sa région ({figures.region_name})"


def heading(figures: RegionalFigures) -> str:
    """Title of the block: the source, and whose values for a lower level."""
    if figures.own:
        return f"{SOURCE_LABEL} — {figures.region_name}"
    return f"{SOURCE_LABEL} — {value_label(figures)}"


def scope_note(figures: RegionalFigures) -> str:
    """Why a lower level is shown its région's values (empty for a région)."""
    if figures.own:
        return ""
    return ("Le Grand Débat ne publie que la région de chaque contribution : les valeurs "
            f"ci-dessous sont celles de la région {figures.region_name}, pas celles de ce "
            "territoire.")


def figure_rows(figures: RegionalFigures, space: str = french.NNBSP,
                missing: str = french.MISSING) -> pd.DataFrame:
    """The figures written in French, one row per question, ready to show or draw.

    Columns: ``Question`` (what the share counts), the région's share and interval
    (headed by :func:`value_label`), ``France``, ``Contributeurs (région)`` and
    ``Estimation``.
    """
    table = figures.table
    region = [wording.share_text(s, lo, hi, space, missing) for s, lo, hi in zip(
        table["share"], table["ci_low"], table["ci_high"], strict=True)]
    france = [wording.share_text(s, lo, hi, space, missing) for s, lo, hi in zip(
        table["france_share"], table["france_ci_low"], table["france_ci_high"],
        strict=True)]
    label = value_label(figures)
    return pd.DataFrame({
        "Question": [f"{short} : part {wording.answer_text(answer)}" for short, answer
                     in zip(table["short"], table["fragile_answer"], strict=True)],
        label[0].upper() + label[1:]: region,
        "France": france,
        "Contributeurs (région)": [french.integer(v, space, missing)
                                   for v in table["contributors"]],
        "Estimation": table["status"].map(wording.status_text)})
