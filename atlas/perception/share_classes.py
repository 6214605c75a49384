"""Classes, colours, legend and tooltips of the map of a perceived share by région.

The map of « Objectif vs perçu » with the Grand Débat: each région is coloured by the share
of its contributors who gave a question's fragile answer. Cut points are quintiles of the
régions' shares rounded to a tenth of a point, and the legend is written from those very
cut points (as in :mod:`atlas.perception.gap_classes`), with the number of régions in each
class. A suppressed région (fewer than 10 answers) has no class: it is drawn hatched,
« données insuffisantes ». The legend's note names the source and its caveat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import french
from atlas.perception.grand_debat import wording
from atlas.perception.grand_debat.questions import ClosedQuestion
from atlas.perception.grand_debat.reading import CAVEAT, SOURCE_LABEL
from atlas.perception.survey.estimates import SUPPRESSED_N_EFF

SHARE_COLOURS = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")
"""Five classes, lowest share (light) to highest (dark red): ColorBrewer OrRd."""
MAX_CLASSES = len(SHARE_COLOURS)
MISSING_LABEL = (f"données insuffisantes (moins de {french.integer(SUPPRESSED_N_EFF)} "
                 "réponses) ou aucune contribution")


@dataclass(frozen=True)
class ShareMap:
    """What the map of a perceived share draws.

    Attributes
    ----------
    cls
        Class index of each région (``Int64``, missing for a suppressed région), by code.
    tips
        Tooltip text of each région (name on the first line), by code.
    labels, colours
        One per class, lowest first.
    title, note, missing
        The legend's title, its note (source and caveat) and its hatched swatch's label.
    """

    cls: pd.Series
    tips: pd.Series
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    title: str
    note: str
    missing: str = MISSING_LABEL


def share_cuts(shares: pd.Series, k: int = MAX_CLASSES) -> tuple[float, ...]:
    """Inner cut points: the ``k``-quantiles of the known shares, to a tenth of a point.

    A cut point that would leave a class empty is dropped (with few régions, quantiles
    coincide), so that every class of the legend holds at least one région.

    >>> share_cuts(pd.Series([0.10, 0.20, 0.30, 0.40, 0.50, None]), k=4)
    (0.2, 0.3, 0.4)
    >>> share_cuts(pd.Series([0.2, 0.5, 0.9]))
    (0.32, 0.58)
    >>> share_cuts(pd.Series([0.5, 0.5, 0.5]))
    ()
    """
    known = np.sort(shares.dropna().to_numpy(dtype="float64"))
    if len(np.unique(known)) < 2:
        return ()
    cuts = np.unique(np.round(np.quantile(known, np.arange(1, k) / k), 3))
    kept: list[float] = []
    for cut in cuts[cuts <= known.max()]:  # the last class is never empty
        lower = kept[-1] if kept else -np.inf
        if ((known >= lower) & (known < cut)).any():
            kept.append(float(cut))
    return tuple(kept)


def share_class(shares: pd.Series, cuts: tuple[float, ...]) -> pd.Series:
    """Class index of each share: ``i`` when ``cuts[i - 1] <= share < cuts[i]``.

    >>> share_class(pd.Series([0.1, 0.2, 0.45, None]), (0.2, 0.3)).tolist()
    [0, 1, 2, <NA>]
    """
    values = shares.to_numpy(dtype="float64")
    cls = pd.Series(np.digitize(values, cuts), index=shares.index, dtype="Int64")
    return cls.where(shares.notna())


def share_labels(cuts: tuple[float, ...], counts: tuple[int, ...]) -> tuple[str, ...]:
    """Legend of the classes, written from the cut points, with their number of régions.

    >>> [label.replace(french.NNBSP, " ") for label in share_labels((0.2, 0.3), (1, 2, 1))]
    ['moins de 20,0 % (1 région)', '20,0 % à 30,0 % (2 régions)', '30,0 % ou plus (1 région)']
    >>> share_labels((), (3,))
    ('toutes les régions renseignées (3 régions)',)
    """
    def count(n: int) -> str:
        return f" ({french.integer(n)} région{'s' if n > 1 else ''})"

    if not cuts:
        return (f"toutes les régions renseignées{count(counts[0])}",)
    texts = [f"moins de {french.percent(cuts[0], 1)}"]
    texts += [f"{french.percent(a, 1)} à {french.percent(b, 1)}"
              for a, b in zip(cuts, cuts[1:], strict=False)]
    texts.append(f"{french.percent(cuts[-1], 1)} ou plus")
    return tuple(text + count(n) for text, n in zip(texts, counts, strict=True))


def share_map(shares: pd.DataFrame, question: ClosedQuestion, actor: str) -> ShareMap:
    """Classes, tooltips and legend of the map of ``question``'s perceived share.

    Parameters
    ----------
    shares
        The régions' shares (:func:`atlas.perception.grand_debat.shares.closed_shares`).
    question
        The closed question mapped.
    actor
        ``"tous"`` or the author type the shares are of.
    """
    rows = shares.set_index("region")
    cuts = share_cuts(rows["share"])
    cls = share_class(rows["share"], cuts)
    counts = tuple(int((cls == i).sum()) for i in range(len(cuts) + 1))
    known = cls.notna().any()  # else every région is hatched: no class to show
    return ShareMap(
        cls=cls, tips=tooltips(rows, question),
        labels=share_labels(cuts, counts) if known else (),
        colours=_colours(len(cuts) + 1) if known else (),
        title=(f"{question.short} : part des "
               f"{wording.answer_text(question.fragile_answer)}"),
        note=(f"Contributeurs : {wording.actor_text(actor)}. Source : {SOURCE_LABEL}. "
              f"Attention : {CAVEAT}."))


def tooltips(rows: pd.DataFrame, question: ClosedQuestion) -> pd.Series:
    """Tooltip of each région: name, share and interval, answers, contributors, blanks."""
    texts = []
    for name, share, low, high, fragile, answered, contributors, blank, status in zip(
            rows["region_name"], rows["share"], rows["ci_low"], rows["ci_high"],
            rows["fragile"], rows["answered"], rows["contributors"], rows["blank_share"],
            rows["status"], strict=True):
        if french.is_missing(share):
            figure = f"{french.MISSING} : {wording.status_text(status)}"
        else:
            figure = (f"{wording.share_text(share, low, high)} de réponses "
                      f"{wording.answer_text(question.fragile_answer)}")
            if status == "fragile":
                figure += f" ({wording.status_text(status)})"
        texts.append(
            f"{name}\n{figure}\n{french.integer(fragile)} sur {french.integer(answered)} "
            f"réponses ; {french.integer(contributors)} contributeurs, "
            f"{french.percent(blank)} de blancs")
    return pd.Series(texts, index=rows.index, dtype="object")


def _colours(n: int) -> tuple[str, ...]:
    """``n`` colours of :data:`SHARE_COLOURS`, spread from the lightest to the darkest."""
    if n == 1:
        return (SHARE_COLOURS[2],)
    picks = np.round(np.linspace(0, MAX_CLASSES - 1, n)).astype(int)
    return tuple(SHARE_COLOURS[i] for i in picks)
