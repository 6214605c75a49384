"""What a value rests on: the status of every indicator value of every territory.

A value shown by the atlas is either published by its source for that territory, the
official value of that level, recomputed from the communes' counts, or a small-area
estimate; a missing value says why it is missing (withheld by the publisher, resting on too
little of the territory's population, absent from the source, or meaningless at that
level). The snapshot stores one small integer per territory and indicator
(``<id>__status``); :data:`LABELS` gives the French words shown on screen.
"""

from __future__ import annotations

from enum import IntEnum

import french

COVERAGE_MIN = 0.8
"""A higher level's value recomputed from its communes needs them to hold this share of its
population; below, it is « non disponible (couverture n %) »."""


class Status(IntEnum):
    """Where a value comes from, or why it is missing."""

    PUBLISHED = 0
    """The source's own value for this territory (communes)."""
    OFFICIAL = 1
    """The official value of this level, from the publisher's file of that level."""
    FROM_OFFICIAL = 2
    """Recomputed from the official values of the départements (or EPCI) it is made of,
    weighted by their counts (coverage at least :data:`COVERAGE_MIN`)."""
    COMPUTED = 3
    """Recomputed from the counts of its communes (coverage at least :data:`COVERAGE_MIN`)."""
    ESTIMATED = 4
    """A small-area estimate of a value the publisher withholds (with its interval)."""
    WITHHELD = 5
    """Missing: withheld by the publisher (statistical secret, small counts)."""
    LOW_COVERAGE = 6
    """Missing: would rest on less than :data:`COVERAGE_MIN` of the population."""
    ABSENT = 7
    """Missing: no value in the source for this territory."""
    NOT_COMPARABLE = 8
    """Missing: the indicator means nothing at this level (e.g. a score relative to the
    région's mean, for a région)."""

    @property
    def missing(self) -> bool:
        """Whether a value of this status is missing."""
        return self >= Status.WITHHELD


LABELS = {
    Status.PUBLISHED: "publié",
    Status.OFFICIAL: "valeur officielle",
    Status.FROM_OFFICIAL: "recalculé à partir des valeurs officielles des territoires qui le "
                          "composent",
    Status.COMPUTED: "recalculé à partir des communes",
    Status.ESTIMATED: "estimé",
    Status.WITHHELD: "non publié (secret statistique ou petit effectif)",
    Status.LOW_COVERAGE: "non disponible (couverture insuffisante)",
    Status.ABSENT: "absent de la source",
    Status.NOT_COMPARABLE: "sans objet à ce niveau",
}
"""French label of each status."""

KEYS = {s: s.name.lower() for s in Status}
"""Stable English key of each status (for JSON and table exports)."""


def label(status: int, coverage: float | None = None) -> str:
    """French label of ``status``; a low coverage says its share.

    >>> label(Status.LOW_COVERAGE, 0.205).replace("\u202f", " ")
    'non disponible (couverture 20 %)'
    >>> label(0)
    'publié'
    """
    status = Status(int(status))
    if status is Status.LOW_COVERAGE and coverage is not None and coverage == coverage:
        return f"{french.MISSING} (couverture {french.percent(coverage)})"
    return LABELS[status]
