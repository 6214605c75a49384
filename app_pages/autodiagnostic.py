"""Page « Autodiagnostic » : an official's priorities beside the facts and the citizens."""

import streamlit as st

import french
from app_pages.common import data, links, method, user_text
from atlas.perception import autodiagnostic as auto
from atlas.perception.compare import FRAGILE_STANDING, SOLID_STANDING
from atlas.perception.survey.model import SIMULATED_LABEL
from geodata.levels import level as level_of
from indicators.domains import DOMAIN_BY_ID, DOMAINS


def ranked_table(table, rank: str, value: str, title: str, hint: str | None = None) -> None:
    """The 16 domains in the order of ``rank``, with ``value`` as a bar from 0 to 1."""
    st.dataframe(table.sort_values(rank), hide_index=True, width="stretch", height=600,
                 column_order=[rank, "label", value],
                 column_config={rank: st.column_config.NumberColumn("Rang", width=48),
                                "label": st.column_config.TextColumn("Domaine", width=160),
                                value: st.column_config.ProgressColumn(
                                    title, min_value=0.0, max_value=1.0, format="%.2f",
                                    help=hint, width=120)}, placeholder=french.MISSING)


RANK_KEY = "auto_rank_"


def label(domain: str) -> str:
    """French label of a domain id."""
    return DOMAIN_BY_ID[domain].label


st.title("Autodiagnostic")
links.copy_link("autodiagnostic", links.publish({}))
st.caption("Vous êtes élu·e : classez les domaines selon vos priorités pour votre territoire, "
           "puis comparez votre classement avec le profil objectif du territoire et avec ce "
           "que perçoivent les citoyens de votre région. Rien n'est enregistré sur le "
           "serveur : votre classement reste dans votre session et disparaît à sa fermeture. "
           f"Perception des citoyens : {SIMULATED_LABEL}.")

left, right = st.columns([1, 2])
level = left.radio("Niveau", ["regions", "departements", "communes"], key="auto_level",
                   horizontal=True, format_func=lambda lv: level_of(lv).title,
                   help="Un maire choisit « Commune » et cherche la sienne par son nom ou son "
                        "code INSEE.")
territories = data.table(level)
if level == "communes":
    query = right.text_input("Votre commune", key="auto_commune_search",
                             max_chars=user_text.SEARCH_LIMIT,
                             placeholder="Nom ou code INSEE, par exemple « saint flour »")
    hits = data.find_communes(query) if query.strip() else territories.iloc[0:0]
    if query.strip() and hits.empty:
        right.info(user_text.no_match("Aucune commune", query))
    choices = list(hits["code"])
    if st.session_state.get("auto_territory_communes") not in choices:
        st.session_state.pop("auto_territory_communes", None)
    if not choices:
        st.info("Cherchez votre commune pour commencer.", icon=":material/search:")
        st.stop()
    territories = hits
else:
    territories = territories.sort_values("name")
names = dict(zip(territories["code"], territories["name"], strict=True))
code = right.selectbox("Votre territoire", list(names), key=f"auto_territory_{level}",
                       format_func=lambda c: f"{names[c]} ({c})")
region = code if level == "regions" else territories.set_index("code")["region"][code]
region_name = data.table("regions").set_index("code")["name"].get(region, "?")

with st.form("auto_form"):
    st.markdown(f"**Vos priorités** : donnez le rang 1 à votre première priorité, 2 à la "
                f"suivante… Classez au moins {auto.MIN_RANKED} domaines ; laissez vides ceux "
                "que vous ne classez pas. Chaque rang ne sert qu'une fois.")
    columns = st.columns(4)
    for i, domain in enumerate(DOMAINS):
        columns[i % 4].text_input(domain.label, key=RANK_KEY + domain.id,
                                  max_chars=auto.RANK_CHARS, placeholder="–",
                                  help=f"Un nombre entier de 1 à {len(DOMAINS)}, ou vide.")
    submitted = st.form_submit_button("Comparer", type="primary")
if submitted:
    ranks, errors = auto.read_ranks(
        {d.id: st.session_state.get(RANK_KEY + d.id) for d in DOMAINS},
        quote=lambda text: f"« {user_text.plain(text)} »")
    errors += auto.ranking_errors(ranks)
    st.session_state.auto_ranking = None if errors else ranks
    for error in errors:
        st.error(error)

ranking = st.session_state.get("auto_ranking")
if not ranking:
    st.info("Remplissez le classement puis cliquez « Comparer ».")
else:
    objective = data.objective_profile(level, method.current())
    if not method.is_default():
        st.info(method.describe(), icon=":material/tune:")
    objective = objective[objective["territory_code"] == code]
    perceived = data.perceived_profile("region", "citoyen")
    perceived = perceived[perceived["territory_code"] == region]
    simulated = data.survey_sample().simulated
    result = auto.diagnose(ranking, objective, perceived)
    table = result.table.assign(label=result.table["domain"].map(label))

    mine, facts, citizens = st.columns([2, 3, 3])  # the two tables whole at 1366 px
    with mine:
        st.subheader("Votre classement")
        ranked = table.dropna(subset=["official_position"])
        st.markdown("\n".join(f"{int(p)}. {name}" for p, name in
                              zip(ranked["official_position"], ranked["label"], strict=True)))
    with facts:
        st.subheader(f"Profil objectif — {names[code]}")
        ranked_table(table, "objective_rank", "standing", "Position",
                     "1 = le plus fragile de France")
    with citizens:
        st.subheader(f"Citoyens — {region_name}")
        ranked_table(table, "perceived_rank", "score", "Score perçu")
        n_eff = perceived["n_effective"].max() if len(perceived) else float("nan")
        st.caption(f"{SIMULATED_LABEL.capitalize() if simulated else 'Enquête'} ; effectif "
                   f"efficace {french.number(n_eff, 0)} répondants.")
        if simulated:
            st.warning(f"Perception des citoyens : {SIMULATED_LABEL}.")

    threshold = french.number(FRAGILE_STANDING, 2)
    if result.blind_spots:
        st.error(f"**Angles morts possibles** (territoire objectivement fragile — position "
                 f"≥ {threshold} — mais hors de vos {auto.TOP} premières priorités) : "
                 + ", ".join(label(d) for d in result.blind_spots) + ".")
    if result.not_fragile:
        st.warning(f"**Priorités peu fragiles** (dans vos {auto.TOP} premières priorités, "
                   f"mais position ≤ {french.number(SOLID_STANDING, 2)}) : "
                   + ", ".join(label(d) for d in result.not_fragile) + ".")
    if not result.blind_spots and not result.not_fragile:
        st.success("Aucun angle mort : vos priorités couvrent les domaines où le territoire "
                   "est le plus fragile.")
    st.download_button("Télécharger la comparaison (CSV)", key="auto_csv",
                       data=auto.to_csv(result, names[code], simulated),
                       file_name=f"autodiagnostic_{code}.csv", mime="text/csv")
