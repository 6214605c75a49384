"""The Grand Débat on screen, wherever it appears: caveat, provenance, a région's figures.

The texts and tables come from :mod:`atlas.perception.grand_debat` (``wording``,
``documentation``, ``regional``); this module only draws them.
"""

from __future__ import annotations

import streamlit as st

import french
from app_pages.common import data
from atlas.perception.grand_debat import documentation, regional, wording
from atlas.perception.grand_debat.reading import SOURCE_LABEL

PROVENANCE_LABEL = "Source et millésime du Grand Débat"


def caveat() -> None:
    """The caveat, visible: contributions are volunteered, not a sample of residents."""
    st.warning(wording.CAVEAT_NOTE, icon=":material/warning:")


def provenance(expanded: bool = False) -> None:
    """An expander with the source, its vintage, the files and the national check."""
    with st.expander(PROVENANCE_LABEL, icon=":material/source:", expanded=expanded):
        provenance_body()


def provenance_body() -> None:
    """Vintage, files with their SHA-256, national check and what was kept apart."""
    st.markdown(documentation.vintage())
    st.dataframe(documentation.files_table(), hide_index=True, width="stretch",
                 placeholder=french.MISSING)
    st.markdown(documentation.national_check())
    st.caption(documentation.kept_apart())


def region_section(region: str, own: bool) -> None:
    """A région's perceived shares for the six closed questions, beside France's.

    ``own`` is False for a département, EPCI or commune: the figures are then labelled as
    its région's.
    """
    figures = data.regional_figures(region, own)
    st.subheader(SOURCE_LABEL)
    caveat()
    if not own:
        st.info(regional.scope_note(figures), icon=":material/info:")
    st.dataframe(regional.figure_rows(figures), hide_index=True, width="stretch",
                 key="territoire_grand_debat", placeholder=french.MISSING)
    st.caption(f"{wording.SHARE_DEFINITION} France : toutes les contributions, y compris "
               f"celles sans région. {wording.source_line()}")


def method_section() -> None:
    """The « Méthode & données » section: the source, its pairings, lexicon, provenance."""
    st.header("Perceptions réelles : le Grand Débat national (2019)")
    st.markdown(documentation.introduction())
    caveat()
    st.subheader("Questions rapprochées des domaines, et pourquoi")
    st.caption("Une question fermée est lue comme la fragilité perçue d'un ou de plusieurs "
               "domaines : la part de sa réponse « fragile ». Elle est mise en regard du "
               "score du domaine et des indicateurs les plus proches, région par région.")
    for paragraph in documentation.pairing_paragraphs():
        st.markdown(paragraph)
    st.subheader("Questions fermées non retenues")
    st.dataframe(documentation.left_out_table(), hide_index=True, width="stretch",
                 placeholder=french.MISSING)
    st.subheader("Lexique de la question ouverte")
    st.caption("Les mots publiés sont ramenés en minuscules, sans accent ni article élidé "
               "(« l'école » → « ecole »), puis cherchés dans ce lexique ; les autres mots ne "
               "désignent aucun domaine et sont comptés à part.")
    st.dataframe(documentation.lexicon_table(), hide_index=True, width="stretch",
                 placeholder=french.MISSING)
    st.subheader("Provenance")
    provenance_body()
