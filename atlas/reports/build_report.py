"""The geometry build report in French: its sources' labels and its sentences."""

from __future__ import annotations

import re

from french import NNBSP

SOURCE_LABELS = {"geometry": "Géométries des communes",
                 "population": "Population (source principale)",
                 "population_supplement": "Population (complément)",
                 "population_fallback": "Population (repli)"}

_WORDING = (
    (r"^rebuilt from its delegated communes$", "reconstituée à partir de ses communes déléguées"),
    (r"^hole of the coverage added$", "trou du pavage rattaché"),
    (r"^enclosed by a single commune \((\w+)\)$", r"entouré par une seule commune (\1)"),
    (r"^adjacent to one commune nouvelle with delegated communes lacking geometry \((\w+)\)$",
     r"voisin d'une seule commune nouvelle dont des communes déléguées n'ont pas de "
     r"géométrie (\1)"),
    (r"^(\d+)% covered by delegated communes of (\w+)$",
     rf"couvert à \1{NNBSP}% par des communes déléguées de \2"),
    (r"^ambiguous: several adjacent communes nouvelles lack delegated geometries$",
     "ambigu : plusieurs communes nouvelles voisines n'ont pas toutes leurs géométries"),
    (r"^no adjacent commune nouvelle lacks a delegated commune's geometry$",
     "aucune commune nouvelle voisine ne manque de géométrie déléguée"),
    (r"^foreign enclave: (.+)$", r"enclave étrangère : \1"),
    (r"^adjacent to one commune that absorbed since COG (\d+) a commune without geometry "
     r"\((\w+) ← (.+)\)$",
     r"voisin de la seule commune ayant absorbé depuis le COG \1 une commune sans géométrie "
     r"(\2 ← \3)"),
    (r"^ambiguous: several adjacent communes absorbed since COG (\d+) a commune without "
     r"geometry \((.+)\)$",
     r"ambigu : plusieurs communes voisines ont absorbé depuis le COG \1 une commune sans "
     r"géométrie (\2)"),
)


def report_wording(text: str) -> str:
    """Translate a sentence of the build report into French (unknown ones stay as they are).

    >>> report_wording("enclosed by a single commune (13014)")
    'entouré par une seule commune (13014)'
    """
    for pattern, wording in _WORDING:
        if re.match(pattern, text):
            return re.sub(pattern, wording, text)
    return text

