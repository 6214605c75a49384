"""The method's choices, their French names and help, declared once.

The sidebar, the command line's method options, the maps' subtitles and the sheet's method
note all read them from here, so that a choice is named the same everywhere. Light on
purpose (no numpy, no pandas): the command line reads it to build its options.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    """One value of a method option.

    Attributes
    ----------
    id
        The value in :class:`atlas.index.composite.Method` and on the command line.
    label
        The sidebar's label (« Rang centile »).
    short
        Its name inside a sentence, as in a map's subtitle (« rang centile »).
    help
        One sentence saying what it does.
    """

    id: str
    label: str
    short: str
    help: str


NORMALISATION = (
    Choice("rank", "Rang centile", "rang centile",
           "Part des territoires du cadre moins fragiles : robuste aux valeurs extrêmes."),
    Choice("minmax", "Min-max (0 à 1)", "min-max",
           "Position entre le minimum et le maximum du cadre (après traitement des valeurs "
           "aberrantes)."),
    Choice("zscore", "Score z (écarts-types)", "score z",
           "Écart à la moyenne du cadre, en écarts-types."),
    Choice("distance", "Distance à la valeur nationale", "distance à la valeur nationale",
           "Écart relatif à la valeur de la France entière."),
)
FRAME = (
    Choice("france", "France entière", "France entière",
           "Chaque territoire est comparé à tous ceux de son niveau."),
    Choice("region", "Sa propre région", "au sein de chaque région",
           "Chaque territoire est comparé à ceux de sa région."),
)
AGGREGATION = (
    Choice("arithmetic", "Moyenne arithmétique", "moyenne arithmétique",
           "Un domaine fort compense un domaine faible."),
    Choice("geometric", "Moyenne géométrique (compensation limitée)", "moyenne géométrique",
           "Un domaine très fragile pèse davantage ; seulement avec des scores bornés (rang "
           "ou min-max)."),
)
OPTIONS = {"normalisation": NORMALISATION, "frame": FRAME, "aggregation": AGGREGATION}
"""Each option of :class:`atlas.index.composite.Method` with its choices, the default first."""
TITLES = {"normalisation": "Normalisation", "frame": "Cadre de comparaison",
          "aggregation": "Agrégation"}
"""French name of each option."""
HELP = {
    "normalisation": "Comment chaque indicateur devient un score où plus élevé = plus fragile.",
    "frame": "Chaque territoire est comparé à tous ceux de son niveau en France, ou "
             "seulement à ceux de sa région.",
    "aggregation": "Moyenne des scores d'un domaine, d'une dimension, de l'indice global. La "
                   "moyenne géométrique limite la compensation d'un score élevé par un score "
                   "faible ; elle demande des scores entre 0 et 1.",
}
"""What each option decides, in one or two sentences."""
ORIGIN_INDICATORS = ("immigrant_share", "foreigner_share")
"""Indicators the box « Exclure de l'indice les parts d'immigrés et d'étrangers » (and
``--weight immigrant_share=0 --weight foreigner_share=0``) sets to 0."""
ORIGIN_LABEL = "Exclure de l'indice les parts d'immigrés et d'étrangers"


def choice(option: str, ident: str) -> Choice:
    """The :class:`Choice` ``ident`` of ``option`` (``"normalisation"``, ``"frame"``…).

    >>> choice("frame", "region").short
    'au sein de chaque région'
    """
    for found in OPTIONS[option]:
        if found.id == ident:
            return found
    raise ValueError(f"unknown {option} {ident!r}; valid: "
                     f"{', '.join(c.id for c in OPTIONS[option])}")


def labels(option: str, default: str | None = None) -> dict[str, str]:
    """Sidebar labels of ``option``'s choices, the default one marked « (défaut) ».

    >>> labels("frame")["france"]
    'France entière (défaut)'
    """
    default = default if default is not None else OPTIONS[option][0].id
    return {c.id: c.label + (" (défaut)" if c.id == default else "") for c in OPTIONS[option]}
