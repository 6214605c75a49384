"""« Objectif vs perçu » with the Grand Débat's answers: map, scatter, table, findings.

Drawn by the page when the real source is chosen (:func:`show`); the page keeps its own
code for the simulated sample. The classes, tables and texts come from
:mod:`atlas.perception.share_classes` and :mod:`atlas.perception.grand_debat`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

import french
from app_pages.common import data
from app_pages.common.charts import FRENCH_NUMBERS
from app_pages.common.grand_debat import caveat, provenance
from app_pages.common.leaflet_map import Layer, Legend, leaflet_map
from atlas.index.composite import Method
from atlas.perception import gap_classes
from atlas.perception.compare import CATEGORIES
from atlas.perception.grand_debat import findings, open_answers, region_table, wording
from atlas.perception.grand_debat.coverage import REAL, SIMULATED, SOURCE_LABELS
from atlas.perception.grand_debat.questions import closed_question, questions_of_domain
from atlas.perception.grand_debat.shares import ACTOR_CHOICES
from indicators.domains import DOMAIN_BY_ID

SOURCE_KEY, CHOICE_KEY = "gap_source", "gap_source_choice"
MAP_KEY, REGION_KEY, ACTOR_KEY = "gd_map_click", "gd_region", "gd_actor"
AXES = {"standing": "Position objective parmi les régions (1 = la plus fragile)",
        "score": "Score du domaine (plus élevé = plus fragile)"}


def choose_source(container, missing: str | None) -> str:
    """The perception source: a choice where the Grand Débat covers the view, else simulated.

    ``missing`` says why the Grand Débat cannot be shown (None when it can). The choice
    is remembered while the view is not covered, so that it comes back with a covered one.
    """
    if missing is not None:
        return SIMULATED
    choice = st.session_state.get(CHOICE_KEY, REAL)
    source = container.radio("Source de la perception", list(SOURCE_LABELS), key=SOURCE_KEY,
                             index=list(SOURCE_LABELS).index(choice),
                             format_func=SOURCE_LABELS.get)
    st.session_state[CHOICE_KEY] = source
    return source


def question_key(domain: str) -> str:
    """Session key of the question chosen for ``domain``."""
    return f"gd_question_{domain}"


def address() -> dict[str, str]:
    """The address parameters of the view drawn: author type, question, région."""
    state = st.session_state
    domain = state.get("gap_domain")
    params = {"acteur": state.get(ACTOR_KEY), "question": state.get(question_key(domain)),
              "territoire": state.get(REGION_KEY)}
    return {k: v for k, v in params.items() if v}


def on_map_click() -> None:
    """Select the clicked région for the open answers."""
    click = st.session_state.get(MAP_KEY) or {}
    if click.get("code"):
        st.session_state[REGION_KEY] = click["code"]


def show(domain: str, actor_slot, method: Method) -> None:
    """The real-source view of ``domain``, with the author type chosen in ``actor_slot``."""
    caveat()
    actor = actor_slot.selectbox("Contributeurs", list(ACTOR_CHOICES), key=ACTOR_KEY,
                                 format_func=wording.ACTOR_CHOICE_LABELS.get)
    questions = [q.id for q in questions_of_domain(domain)]
    if st.session_state.get(question_key(domain), questions[0]) not in questions:
        del st.session_state[question_key(domain)]  # from an address: not this domain's
    question_id = st.selectbox(
        "Question du Grand Débat", questions, key=question_key(domain),
        format_func=lambda q: f"{closed_question(q).short} — {closed_question(q).label}")
    question = closed_question(question_id)
    label = DOMAIN_BY_ID[domain].label
    st.caption(f"{question.rationale} {wording.SHARE_DEFINITION}")
    provenance()
    comparison = data.real_comparison(actor, method)
    shares = data.real_shares(question_id, actor)
    share_map(question_id, actor)
    table = region_table.region_table(comparison, shares, question_id, domain)
    scatter_col, table_col = st.columns(2)
    with scatter_col:
        scatter(table, question.fragile_answer, label)
        for line in findings.correlation_lines(comparison, question_id, domain, label):
            st.markdown(f"- {line}")
        st.caption(findings.WEAK_CORRELATION)
    with table_col:
        st.dataframe(table.style.format(region_table.formats(table)), hide_index=True,
                     width="stretch", height=560, key="gd_table",
                     column_config=region_table.labels(table, question_id, label),
                     placeholder=french.MISSING)
        st.caption("Cliquez un en-tête de colonne pour trier. Constat : « angle mort » ou "
                   "« surestimé » seulement quand l'écart dépasse à la fois l'intervalle de "
                   "la part perçue (comparée à la médiane des régions) et l'intervalle "
                   "Monte-Carlo de la position objective.")
    disagreements(comparison, question_id, domain, label)
    open_question(actor, shares)


def share_map(question: str, actor: str) -> None:
    """The perceived share by région, overseas régions in their insets."""
    drawn = data.real_share_map(question, actor)
    leaflet_map([Layer("gd_share", data.real_share_payload(question, actor),
                       interactive=True, fit=True, weight=0.8),
                 Layer("frames", data.inset_frames(), style="frame", fit=True, weight=1.0)],
                key=MAP_KEY, height=520, highlight=st.session_state.get(REGION_KEY),
                legend=Legend(drawn.title, drawn.labels, missing=drawn.missing,
                              colours=drawn.colours, note=drawn.note),
                on_change=on_map_click)
    st.caption("Classes : quintiles des parts des régions. Hachuré : données insuffisantes "
               "(moins de 10 réponses) ou aucune contribution. Survolez une région pour sa "
               "part, son intervalle et ses effectifs ; cliquez-la pour ses réponses "
               "ouvertes (plus bas).")


def scatter(table: pd.DataFrame, answer: str, domain_label: str) -> None:
    """Objective standing (or score) against the perceived share, régions labelled."""
    axis = st.radio("Axe objectif", list(AXES), key="gd_axis", horizontal=True,
                    format_func=lambda a: "Position" if a == "standing" else "Score")
    rows = table.reset_index()[["region_name", "share", "ci_low", "ci_high", axis,
                                "category"]]
    placed = rows.dropna(subset=["share", axis])
    base = alt.Chart(placed).encode(
        x=alt.X(f"{axis}:Q", title=[domain_label, AXES[axis]],
                scale=alt.Scale(zero=False, nice=True)),
        y=alt.Y("share:Q", title=f"Part des réponses {wording.answer_text(answer)}",
                axis=alt.Axis(format=".0%"), scale=alt.Scale(zero=False)))
    bars = base.mark_rule(opacity=0.5).encode(y="ci_low:Q", y2="ci_high:Q")
    points = base.mark_circle(size=80, opacity=0.9).encode(
        color=alt.Color("category:N", title="Constat",
                        scale=alt.Scale(domain=list(CATEGORIES),
                                        range=list(gap_classes.CATEGORY_COLOURS)),
                        legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("region_name:N", title="Région"),
                 alt.Tooltip("share:Q", title="Part", format=".1%"),
                 alt.Tooltip("ci_low:Q", title="IC 95 % bas", format=".1%"),
                 alt.Tooltip("ci_high:Q", title="IC 95 % haut", format=".1%"),
                 alt.Tooltip(f"{axis}:Q", title=AXES[axis], format=".2f"),
                 alt.Tooltip("category:N", title="Constat")])
    names = base.mark_text(align="left", dx=6, fontSize=10).encode(text="region_name:N")
    st.altair_chart((bars + points + names).properties(height=460).configure(
        locale=FRENCH_NUMBERS), width="stretch")
    left_out = rows.loc[~rows.index.isin(placed.index), "region_name"]
    note = "Trait vertical : intervalle de confiance à 95 % de la part."
    if len(left_out):
        note += (f" Sans part ou sans valeur objective, donc non placées : "
                 f"{', '.join(left_out)}.")
    st.caption(note)


def disagreements(comparison, question: str, domain: str, domain_label: str) -> None:
    """The régions where perceived and objective fragility disagree most."""
    st.subheader(f"Où le perçu et l'objectif divergent le plus — {domain_label}")
    found = findings.disagreements(comparison, question, domain)
    if found.empty:
        st.info("Aucune région n'est un angle mort ni une fragilité surestimée pour cette "
                "question : aucun écart ne dépasse les deux incertitudes.")
        return
    st.markdown("\n".join(f"- {text}" for text in found["text"]))
    st.caption("Rangées de l'écart le plus grand au plus petit (position perçue parmi les "
               "régions moins position objective). Ces constats comparent des "
               f"contributeurs volontaires à des indicateurs : {wording.CAVEAT_NOTE}")


def open_question(actor: str, shares: pd.DataFrame) -> None:
    """The open question Q172: the domains named by the selected région's contributors."""
    names = shares.set_index("region")["region_name"]
    regions = sorted(names.index, key=lambda c: names[c])
    if st.session_state.get(REGION_KEY) not in regions:
        st.session_state[REGION_KEY] = regions[0]
    with st.expander("Services publics qui manquent (question ouverte Q172) : domaines "
                     f"cités en {names[st.session_state[REGION_KEY]]}",
                     icon=":material/forum:"):
        region = st.selectbox("Région", regions, key=REGION_KEY, format_func=names.get)
        profile = data.real_keywords(actor)
        st.dataframe(open_answers.region_keywords(profile, region), hide_index=True,
                     width="stretch", key="gd_keywords", placeholder=french.MISSING)
        st.warning(open_answers.coverage_note(profile, region), icon=":material/warning:")
