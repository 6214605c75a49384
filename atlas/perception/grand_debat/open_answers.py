"""A région's open answers in French: the domains its contributors name, and how surely.

Reads the profile of :func:`~atlas.perception.grand_debat.shares.keyword_profile` (the
open question Q172, « quels services publics vous manquent ? »): word counts are lower
bounds, since only the ten most frequent words of each published row are known.
"""

from __future__ import annotations

import pandas as pd

import french
from indicators.domains import DOMAIN_BY_ID

LOWER_BOUND = ("Minorants : seuls les dix mots les plus fréquents de chaque ligne publiée "
               "(mois × région × type d'auteur) sont connus ; un domaine absent du tableau "
               "a pu être cité, mais jamais parmi les dix mots les plus fréquents d'une "
               "ligne.")


def region_keywords(profile: pd.DataFrame, region: str) -> pd.DataFrame:
    """The domains named in ``region``'s answers, most named first, written in French.

    Columns ``Rang``, ``Domaine``, ``Mots comptés``, ``Part des mots rattachés`` and
    ``Mots les plus cités``; empty when the région has no published word.
    """
    rows = profile[profile["region"] == region]
    return pd.DataFrame({
        "Rang": rows["rank"].map(french.integer).to_numpy(),
        "Domaine": rows["domain"].map(lambda d: DOMAIN_BY_ID[d].label).to_numpy(),
        "Mots comptés": rows["count"].map(french.integer).to_numpy(),
        "Part des mots rattachés": rows["share"].map(lambda v: french.percent(v, 1)
                                                    ).to_numpy(),
        "Mots les plus cités": rows["words"].to_numpy()})


def coverage_note(profile: pd.DataFrame, region: str) -> str:
    """How many published words the profile rests on, and how many name a domain."""
    rows = profile[profile["region"] == region]
    if rows.empty:
        return f"Aucun mot publié rattaché à un domaine pour cette région. {LOWER_BOUND}"
    mapped, total = int(rows["mapped_words"].iloc[0]), int(rows["all_words"].iloc[0])
    return (f"{french.integer(total)} mots publiés pour cette région, dont "
            f"{french.integer(mapped)} ({french.percent(mapped / total)}) rattachés à un "
            f"domaine par le lexique ; les autres (« services », « publics »…) ne désignent "
            f"aucun domaine. {LOWER_BOUND}")
