"""How the Grand Débat's figures are written in French: shares, intervals, statuses, source.

Every screen, legend and sheet that shows a Grand Débat figure writes it through these
functions, and says :data:`CAVEAT_NOTE` beside it.
"""

from __future__ import annotations

import french
from atlas.perception.grand_debat import snapshot
from atlas.perception.grand_debat.reading import ACTOR_LABELS, CAVEAT, SOURCE_LABEL
from atlas.perception.survey.estimates import ALL_ACTORS, FRAGILE_N_EFF, SUPPRESSED_N_EFF

CAVEAT_NOTE = (f"Attention : {CAVEAT}. Les parts décrivent les personnes qui ont choisi de "
               "répondre, pas l'ensemble des habitants ; leurs intervalles ne mesurent que "
               "l'aléa des réponses, pas cet écart.")
"""The caveat as a sentence, with what it implies for the intervals."""
SHARE_DEFINITION = ("Part : réponses signalant une fragilité parmi les « oui » et « non » "
                    "(réponses blanches à part) ; intervalle de confiance à 95 % (Wilson).")
ACTOR_CHOICE_LABELS = {ALL_ACTORS: "Tous les contributeurs", **ACTOR_LABELS}
"""Author types offered, « tous » first."""
STATUS_LABELS = {
    "ok": f"solide ({french.integer(FRAGILE_N_EFF)} réponses ou plus)",
    "fragile": f"fragile (moins de {french.integer(FRAGILE_N_EFF)} réponses)",
    "supprimé": f"données insuffisantes (moins de {french.integer(SUPPRESSED_N_EFF)} "
                "réponses)",
}
"""French reading of the statuses of :func:`~atlas.perception.grand_debat.shares.closed_shares`."""
NO_CONTRIBUTION = "aucune contribution"


def share_text(share: float | None, low: float | None = None, high: float | None = None,
               space: str = french.NNBSP, missing: str = french.MISSING,
               compact: bool = False) -> str:
    """A perceived share with one decimal, and its interval when given.

    ``compact`` writes the bounds without their « % », for narrow cells.

    >>> share_text(3012 / 6062, 0.48428, 0.50945).replace(french.NNBSP, " ")
    '49,7 % [48,4 % ; 50,9 %]'
    >>> share_text(3012 / 6062, 0.48428, 0.50945, compact=True).replace(french.NNBSP, " ")
    '49,7 % [48,4 ; 50,9]'
    >>> share_text(float("nan"), 0.1, 0.2)
    'non disponible'
    """
    if french.is_missing(share):
        return missing
    text = french.percent(share, 1, space)
    if french.is_missing(low) or french.is_missing(high):
        return text
    if compact:
        return (f"{text} [{french.number(100 * low, 1, space)} ; "
                f"{french.number(100 * high, 1, space)}]")
    return (f"{text} [{french.percent(low, 1, space)} ; "
            f"{french.percent(high, 1, space)}]")


def status_text(status: str | None) -> str:
    """The French reading of a status (:data:`STATUS_LABELS`); no row: no contribution.

    >>> status_text("supprimé")
    'données insuffisantes (moins de 10 réponses)'
    >>> status_text(None)
    'aucune contribution'
    """
    if french.is_missing(status):
        return NO_CONTRIBUTION
    return STATUS_LABELS[status]


def answer_text(answer: str) -> str:
    """The fragile answer in French quotes: « non ».

    >>> answer_text("non")
    '« non »'
    """
    return f"« {answer} »"


def actor_text(actor: str) -> str:
    """Who answered, for a title or a legend: « tous les contributeurs », « citoyens ».

    >>> actor_text("tous"), actor_text("elu")
    ('tous les contributeurs', 'élus et institutions')
    """
    return ACTOR_CHOICE_LABELS[actor].lower()


def source_line() -> str:
    """Where the answers come from, as the snapshot's provenance records it."""
    record = snapshot.provenance()
    return f"Source : {SOURCE_LABEL}, {record['period']}. {record['publisher']}."
