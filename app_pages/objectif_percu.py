"""Page « Objectif vs perçu » : gaps between the index and the perceptions, by territory.

Two sources of perception: the Grand Débat national 2019 (real contributions, régions
only, domains of a declared question; drawn by :mod:`app_pages.common.grand_debat_view`)
and the simulated survey sample (every domain, régions and départements; drawn below).
"""

import altair as alt
import streamlit as st

import french
from app_pages.common import data, grand_debat_view, links, method
from app_pages.common.leaflet_map import Layer, Legend, leaflet_map
from atlas.perception import gap, gap_classes
from atlas.perception.compare import CATEGORIES
from atlas.perception.grand_debat import coverage
from atlas.perception.survey.estimates import ALL_ACTORS, FRAGILE_N_EFF, SUPPRESSED_N_EFF
from atlas.perception.survey.model import ACTORS, SIMULATED_LABEL
from french import screen_tables
from geodata.levels import level as level_of
from indicators.domains import DOMAIN_BY_ID

ACTOR_LABELS = {**ACTORS, ALL_ACTORS: "Tous les acteurs"}
MAP_KEY = "gap_map_click"
CHOSEN_KEY = "gap_chosen_territories"  # the territory last chosen at each level
RANKS = {"objective_rank": 0, "perceived_rank": 0, "n_effective": 0}  # whole numbers


def read_address() -> None:
    """Open the view the address asks for.

    ``?source=…&niveau=…&domaine=…&acteur=…&territoire=…`` and, for the Grand Débat,
    ``&question=…``.
    """
    params = links.arrival("objectif_percu")
    problems = []
    for name, valid, key in (("source", coverage.SOURCE_LABELS, grand_debat_view.CHOICE_KEY),
                             ("niveau", [lv.singular for lv in gap.LEVELS], "gap_level"),
                             ("domaine", DOMAIN_BY_ID, "gap_domain")):
        if name in params:
            if params[name] in valid:
                st.session_state[key] = params[name]
            else:
                problems.append(f"{name}={params[name]}")
    if "acteur" in params:
        known = False
        for valid, key in ((ACTOR_LABELS, "gap_actor"),
                           (grand_debat_view.ACTOR_CHOICES, grand_debat_view.ACTOR_KEY)):
            if params["acteur"] in valid:
                st.session_state[key] = params["acteur"]
                known = True
        if not known:
            problems.append(f"acteur={params['acteur']}")
    if "territoire" in params:
        level = st.session_state.get("gap_level", gap.LEVELS[0].singular)
        st.session_state.setdefault(CHOSEN_KEY, {})[level] = params["territoire"]
        st.session_state[grand_debat_view.REGION_KEY] = params["territoire"]
    if "question" in params and params.get("domaine") in DOMAIN_BY_ID:
        st.session_state[grand_debat_view.question_key(params["domaine"])] = params["question"]
    links.unknown(problems)


def territory_key(level: str) -> str:
    """Session key of the territory chosen at ``level``.

    One per level, so that a code (« 32 » is Hauts-de-France and the Gers) never survives
    a change of level under another meaning; each level's choice is also remembered in
    :data:`CHOSEN_KEY`, as Streamlit forgets the state of a widget it did not draw.
    """
    return f"gap_territory_{level}"


def on_map_click() -> None:
    """Select the clicked territory."""
    click = st.session_state.get(MAP_KEY) or {}
    if click.get("code") in territories:
        st.session_state[territory_key(level)] = click["code"]


st.title("Objectif vs perçu")
read_address()
link_slot = st.container()
controls = st.columns([5, 4, 4, 5])
level = controls[2].radio("Niveau", [lv.singular for lv in gap.LEVELS],
                          key="gap_level", horizontal=True,
                          format_func=lambda lv: level_of(lv).plural_title)
domain = controls[3].selectbox("Domaine", list(DOMAIN_BY_ID), key="gap_domain",
                               format_func=lambda d: DOMAIN_BY_ID[d].label)
not_covered = coverage.unavailable(domain, level)
source = grand_debat_view.choose_source(controls[0], not_covered)
current = method.current()
if not method.is_default(current):
    st.info(method.describe(current) + " Le profil objectif et son incertitude en tiennent "
            "compte.", icon=":material/tune:")
if current.frame == "region" and level == "region":
    st.warning("Comparées au sein de leur région, les régions n'ont pas de profil objectif : "
               "chacune est seule dans son cadre de comparaison. Choisissez les départements "
               "ou la France entière comme cadre.", icon=":material/info:")
if source == coverage.REAL:
    grand_debat_view.show(domain, controls[1], current)
    view = {"source": source, "niveau": level, "domaine": domain, **grand_debat_view.address()}
    links.copy_link("objectif_percu", links.publish(view), link_slot)
    st.stop()
if not_covered:
    st.info(f"Source de la perception : échantillon simulé. {not_covered}",
            icon=":material/info:")
actor = controls[1].selectbox("Acteurs interrogés", list(ACTOR_LABELS), key="gap_actor",
                              format_func=ACTOR_LABELS.get)
comparison = data.gap_comparison(level, actor, current)
note = f" — {SIMULATED_LABEL}" if comparison.simulated else ""
if comparison.simulated:
    st.warning(f"Enquête : {SIMULATED_LABEL}. Les perceptions affichées ne sont pas des "
               "résultats d'enquête réels.", icon=":material/science:")
st.caption(
    f"Source de la perception : {comparison.source}{note}. Écart = rang perçu − rang objectif "
    "parmi les 16 domaines du territoire : positif quand le domaine est moins prioritaire "
    "pour les répondants que sa fragilité ne le suggère. Un constat n'est retenu que s'il "
    "dépasse les deux incertitudes (indice et enquête). Petits échantillons : effectif "
    f"efficace (n eff.) inférieur à {french.integer(FRAGILE_N_EFF)} = estimation fragile ; "
    f"inférieur à {french.integer(SUPPRESSED_N_EFF)} = supprimée (« données insuffisantes »).")

names = data.table(level_of(level).id).set_index("code")["name"]
summary = comparison.summary
territories = sorted(summary.index, key=lambda c: str(names.get(c, c)))

VIEWS = {"gap": "Écart par domaine", "rho": "Corrélation des profils (Spearman)"}
view = st.radio("Carte", list(VIEWS), key="gap_view", horizontal=True, format_func=VIEWS.get,
                label_visibility="collapsed")
if view == "gap":
    leaflet_map([Layer("gap", data.gap_payload(level, actor, domain, current), interactive=True,
                       fit=True, weight=0.8),
                 Layer("frames", data.inset_frames(), style="frame", fit=True, weight=1.0)],
                key=MAP_KEY, height=520,
                legend=Legend(f"{DOMAIN_BY_ID[domain].label} : écart de rang{note}",
                              gap_classes.gap_labels(), missing="aucun répondant",
                              colours=gap_classes.GAP_COLOURS),
                on_change=on_map_click)
    st.caption("Rouge : fragilité sous-estimée (angle mort) ; bleu : priorité surestimée. "
               "Les territoires en gris (classes « non significatif » et « données "
               "insuffisantes ») n'ont pas de constat solide. Cliquez un territoire pour "
               "son détail.")
    gap_rows = comparison.table[comparison.table["domain"] == domain]
    st.dataframe(screen_tables.styled(gap_rows.assign(name=gap_rows["territory_code"].map(names)),
                                      decimals=RANKS, signed=["gap"]),
                 hide_index=True, width="stretch", height=260,
                 column_order=["territory_code", "name", "objective_rank", "perceived_rank",
                               "gap", "n_effective", "category"],
                 column_config={"territory_code": "Code", "name": "Territoire",
                                "objective_rank": st.column_config.NumberColumn(
                                    "Rang objectif"),
                                "perceived_rank": st.column_config.NumberColumn(
                                    "Rang perçu"),
                                "gap": st.column_config.NumberColumn("Écart"),
                                "n_effective": st.column_config.NumberColumn(
                                    "n eff."),
                                "category": "Constat"}, placeholder=french.MISSING)
    with st.expander("Regroupements spatiaux des écarts (Moran local)"):
        try:
            clusters = data.gap_clusters(level, actor, domain, current)
        except ValueError as error:
            st.info(f"Pas de test de regroupement possible ici : {error}.")
        else:
            found = clusters[clusters["cluster"] != "ns"]
            st.caption(
                "Moran local sur les 5 territoires voisins les plus proches (outre-mer "
                "exclu), 999 permutations, taux de fausses découvertes de 5 % "
                f"(Benjamini-Hochberg) : {len(found)} territoire(s) significatif(s) sur "
                f"{len(clusters)}.{note}")
            if len(found):
                st.dataframe(screen_tables.styled(
                    found.assign(name=found.index.map(names),
                                 reading=found["cluster"].map(gap_classes.CLUSTER_LABELS))
                    .reset_index(names="code"), decimals={"p_sim": 3}, signed=["gap"]),
                    hide_index=True, width="stretch",
                    column_order=["code", "name", "gap", "reading", "p_sim"],
                    column_config={"code": "Code", "name": "Territoire",
                                   "gap": st.column_config.NumberColumn("Écart"),
                                   "reading": "Regroupement",
                                   "p_sim": st.column_config.NumberColumn(
                                       "p (permutations)")}, placeholder=french.MISSING)
else:
    leaflet_map([Layer("rho", data.spearman_payload(level, actor, current), fit=True,
                       weight=0.8),
                 Layer("frames", data.inset_frames(), style="frame", fit=True, weight=1.0)],
                key="gap_rho_map", height=520,
                legend=Legend(f"Corrélation de Spearman objectif / perçu{note}",
                              gap_classes.spearman_labels(), missing="non calculable",
                              colours=gap_classes.SPEARMAN_COLOURS))
    st.caption("Corrélation de rang entre la fragilité objective des 16 domaines et leur "
               "priorité perçue, sur les domaines dont l'estimation n'est pas supprimée : à "
               "lire avec l'effectif efficace (n eff.) du territoire.")
    st.dataframe(screen_tables.styled(summary.assign(name=summary.index.map(names))
                                      .reset_index(), decimals={**RANKS, "spearman": 2}),
                 column_config={"territory_code": "Code", "name": "Territoire",
                                "spearman": st.column_config.NumberColumn("Spearman"),
                                "blind_spots": "Angles morts",
                                "over_perceived": "Surestimés", "aligned": "Alignés",
                                "n_effective": st.column_config.NumberColumn(
                                    "n eff.")},
                 column_order=["territory_code", "name", "spearman", "blind_spots",
                               "over_perceived", "aligned", "n_effective"],
                 hide_index=True, width="stretch", placeholder=french.MISSING)

chosen = territory_key(level)
remembered = st.session_state.setdefault(CHOSEN_KEY, {})
if st.session_state.get(chosen) not in territories:
    st.session_state[chosen] = (remembered[level] if remembered.get(level) in territories
                                else territories[0])
code = st.selectbox("Territoire", territories, key=chosen,
                    format_func=lambda c: f"{names.get(c, '?')} ({c})")
remembered[level] = code
view = {"source": source, "niveau": level, "domaine": domain, "acteur": actor,
        "territoire": code}
links.copy_link("objectif_percu", links.publish(view), link_slot)
row = summary.loc[code]
n_eff = row["n_effective"]
cols = st.columns(4)
cols[0].metric("Corrélation (Spearman)", french.number(row["spearman"], 2))
cols[1].metric("Angles morts", int(row["blind_spots"]))
cols[2].metric("Surestimés", int(row["over_perceived"]))
cols[3].metric("Effectif efficace", french.number(n_eff, 0))
if n_eff < SUPPRESSED_N_EFF:
    st.error(f"Effectif efficace inférieur à {french.integer(SUPPRESSED_N_EFF)} : les "
             "estimations de ce territoire sont supprimées.")
elif n_eff < FRAGILE_N_EFF:
    st.info(f"Effectif efficace inférieur à {french.integer(FRAGILE_N_EFF)} : estimations "
            "fragiles, à lire avec prudence.")

rows = comparison.table[comparison.table["territory_code"] == code].assign(
    label=lambda t: t["domain"].map(lambda d: DOMAIN_BY_ID[d].label))
scatter_col, table_col = st.columns([2, 3])
with scatter_col:
    points = alt.Chart(rows.dropna(subset=["perceived_rank"])).mark_circle(size=90).encode(
        x=alt.X("objective_rank:Q", title="Rang objectif (1 = plus fragile)",
                scale=alt.Scale(domain=[0, 17])),
        y=alt.Y("perceived_rank:Q", title="Rang perçu (1 = première priorité)",
                scale=alt.Scale(domain=[0, 17])),
        color=alt.Color("category:N", title="Constat",
                        scale=alt.Scale(domain=list(CATEGORIES),
                                        range=list(gap_classes.CATEGORY_COLOURS))),
        tooltip=[alt.Tooltip("label:N", title="Domaine"),
                 alt.Tooltip("objective_rank:Q", title="Rang objectif"),
                 alt.Tooltip("perceived_rank:Q", title="Rang perçu"),
                 alt.Tooltip("gap:Q", title="Écart", format="+d"),
                 alt.Tooltip("category:N", title="Constat")])
    diagonal = alt.Chart(alt.Data(values=[{"r": 1}, {"r": 16}])).mark_line(
        color="#999999", strokeDash=[4, 3]).encode(x="r:Q", y="r:Q")
    st.altair_chart(diagonal + points, width="stretch")
    st.caption(f"Au-dessus de la diagonale : domaine moins perçu que sa fragilité.{note}")
with table_col:
    st.dataframe(
        screen_tables.styled(rows, decimals={**RANKS, "standing": 2, "score": 2, "ci_low": 2,
                                             "ci_high": 2}, signed=["gap"]),
        hide_index=True, width="stretch",
        column_order=["label", "standing", "score", "ci_low", "ci_high", "objective_rank",
                      "perceived_rank", "gap", "n_effective", "status", "category"],
        column_config={
            "label": "Domaine",
            "standing": st.column_config.NumberColumn("Position objective",
                                                      help="1 = le plus fragile de France"),
            "score": st.column_config.NumberColumn("Score perçu"),
            "ci_low": st.column_config.NumberColumn("IC bas"),
            "ci_high": st.column_config.NumberColumn("IC haut"),
            "objective_rank": st.column_config.NumberColumn("Rang objectif"),
            "perceived_rank": st.column_config.NumberColumn("Rang perçu"),
            "gap": st.column_config.NumberColumn("Écart"),
            "n_effective": st.column_config.NumberColumn("n eff."),
            "status": "Statut", "category": "Constat"}, placeholder=french.MISSING)

agreement = data.actor_agreement(level, code)
if agreement.shape[0] > 1:
    st.subheader("Accord entre types d'acteurs")
    labels = {a: ACTOR_LABELS.get(a, a) for a in agreement.columns}
    st.dataframe(agreement.rename(index=labels, columns=labels), width="stretch",
                 column_config={label: st.column_config.NumberColumn(label)
                                for label in labels.values()}, placeholder=french.MISSING)
    st.caption("Corrélation de Spearman entre les profils de priorité des 16 domaines de "
               f"chaque paire de types d'acteurs, pour ce territoire.{note}")
