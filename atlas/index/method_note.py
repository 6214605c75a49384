"""How scores were computed, in one French sentence: maps' subtitles and the sheet's note.

The words of each choice come from :mod:`atlas.index.method_vocabulary`.
"""

from __future__ import annotations

import french
from atlas.index.composite import Method
from atlas.index.method_vocabulary import OPTIONS, choice
from indicators.domains import DIMENSIONS, DOMAINS
from indicators.snapshot import snapshot_catalogue

INDEX_METHOD = ("Score de fragilité : rang centile, France entière, moyenne arithmétique, "
                "poids égaux")
"""The subtitle's method for the default :class:`atlas.index.composite.Method`."""


def method_text(method: Method | None = None) -> str:
    """How scores are computed, in the words of a map's subtitle.

    >>> method_text() == INDEX_METHOD
    True
    >>> method_text(Method(normalisation="minmax", weights={"health": 2}))
    'Score de fragilité : min-max, France entière, moyenne arithmétique, poids : Santé ×2'
    """
    method = method or Method()
    labels = {d.id: d.label for d in (*DIMENSIONS, *DOMAINS)}
    labels.update({i.id: i.label for i in snapshot_catalogue().indicators})
    weights = "poids égaux"
    if method.weights:
        weights = "poids : " + ", ".join(
            f"{labels.get(i, i)} ×{french.compact(w)}" for i, w in method.weights)
    choices = ", ".join(choice(option, getattr(method, option)).short for option in OPTIONS)
    return f"Score de fragilité : {choices}, {weights}"
