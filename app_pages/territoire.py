"""Page « Territoire » : the sheet of one territory on screen, with the method chosen."""

import html
import tempfile
from collections.abc import Callable
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

import french
from app_pages.common import (
    cards,
    data,
    evolution,
    grand_debat,
    links,
    method,
    selection,
    user_text,
)
from app_pages.common.charts import FRENCH_NUMBERS
from atlas.index import twins as twins_module
from atlas.index.composite import Method
from atlas.index.explain import explain
from atlas.index.flags import count_text
from atlas.index.uncertainty import Uncertainty
from atlas.perception.survey.model import SIMULATED_LABEL
from atlas.reports import sheet
from atlas.reports import territory_profile as view
from atlas.reports.territory import Territory, describe
from french import screen_tables
from geodata.hierarchy import parent_of
from geodata.levels import LEVELS, territory_level
from geodata.levels import level as level_of
from geodata.search import find_everywhere
from indicators.domains import DOMAIN_BY_ID

SEARCH_KEY = "territoire_search"
# French words of a survey estimate's status (a comment: a bare string would be shown).
ESTIMATE_LABELS = {"ok": "fiable", "fragile": "fragile (petit effectif)",
                   "supprimé": "supprimée (effectif insuffisant)"}
HIT_KEY = "territoire_search_hit"
THIS = "Ce territoire"
PENDING = "calcul en cours…"
# A vertical bar (SVG path of a Vega-Lite shape): France's median, as on the PDF sheet.
BAR = "M-0.2,-1H0.2V1H-0.2Z"


# --- cached computations, one per (level, method) -------------------------------------

@st.cache_resource(show_spinner=f"Simulation de {view.N_VARIANTS} variantes de la méthode…",
                   max_entries=4)
def rank_intervals(level: str, method_: Method) -> Uncertainty:
    """Monte Carlo ranks of ``level`` over :data:`view.N_VARIANTS` variants (shared)."""
    return view.rank_intervals(level, method_)


@st.cache_data(show_spinner=False)
def structure(level: str) -> pd.DataFrame:
    """Structure features of ``level`` for the statistical twins."""
    return twins_module.structure_features(level)


@st.cache_data(show_spinner=False)
def regions_of(level: str) -> pd.Series:
    """Région of every territory of ``level``."""
    return parent_of(level, "regions")


@st.cache_resource(show_spinner=False, max_entries=4)
def flags_of(level: str, method_: Method) -> pd.DataFrame:
    """Flags of every territory × domain of ``level`` (read-only, shared)."""
    return view.flag_table(data.indices(level, method_))


# --- search ---------------------------------------------------------------------------

def search_hits(query: str, limit: int = 8) -> pd.DataFrame:
    """Territories of every level matching ``query``: exact names first, régions first."""
    return find_everywhere({level: data.table(level) for level in LEVELS[::-1]}, query,
                           limit=limit, indexes={"communes": data.search_index()})


def on_pick() -> None:
    """Make the territory picked in the results the current one."""
    picked = st.session_state.get(HIT_KEY)
    if picked:
        level, _, code = picked.partition(":")
        selection.select(level, code)


def open_twin(level: str, code: str) -> None:
    """Show a twin's sheet; the search's last pick no longer applies."""
    st.session_state.pop(HIT_KEY, None)
    selection.select(level, code)


def search() -> None:
    """Text field and results list for a commune, EPCI, département or région."""
    query = st.text_input(
        "Rechercher un territoire", key=SEARCH_KEY, max_chars=user_text.SEARCH_LIMIT,
        placeholder="Commune, EPCI, département ou région : nom ou code, par exemple "
                    "« saint etienne », « 42218 » ou « Loire »",
        help="Les accents, majuscules, tirets et apostrophes sont ignorés. Validez avec "
             "Entrée, puis choisissez le territoire dans la liste.")
    if not query.strip():
        return
    hits = search_hits(query)
    if hits.empty:
        st.info(user_text.no_match("Aucun territoire", query))
        return
    labels = {f"{lv}:{c}": f"{n} ({c}) – {level_of(lv).label}"
              for lv, c, n in zip(hits["level"], hits["code"], hits["name"], strict=True)}
    st.selectbox(f"Territoires trouvés ({len(hits)})", list(labels), index=None,
                 format_func=labels.get, key=HIT_KEY, on_change=on_pick,
                 placeholder="Choisissez un territoire")


def from_address() -> None:
    """Open the territory the address asks for (``?territoire=communes:43117``)."""
    wanted = links.arrival("territoire").get("territoire")
    if wanted is None:
        return
    level_text, _, code = wanted.partition(":")
    try:
        level = territory_level(level_text).id
    except ValueError:
        links.unknown([f"territoire={wanted} (attendu : niveau:code, par exemple "
                       "communes:43117)"])
        return
    if code.strip().upper() not in set(data.table(level)["code"]):
        st.error(f"Ce lien demande le code « {user_text.plain(code)} » parmi les "
                 f"{level_of(level).plural} : aucun n'a ce code dans l'atlas (Code officiel "
                 "géographique 2025). Recherchez le territoire ci-dessous.",
                 icon=":material/link_off:")
        return
    selection.select(level, code.strip().upper())


# --- sections ---------------------------------------------------------------------------

def header(territory: Territory) -> None:
    """Name, level, code, parents, population and area."""
    st.header(territory.name)
    lines = [f"**{level_of(territory.level).title}** · code {territory.code}"]
    if territory.departement and territory.level != "departements":
        lines.append(f"**Département** : {territory.departement_name} "
                     f"({territory.departement})")
    if territory.region and territory.level != "regions":
        lines.append(f"**Région** : {territory.region_name} ({territory.region})")
    lines.append(f"**Population** : {french.population(territory.population)} · "
                 f"**Superficie** : {french.area(territory.area_km2)}")
    st.markdown("  \n".join(lines))
    if territory.level == "epci":
        st.caption("Département et région d'un EPCI : ceux où vit la plus grande partie de "
                   "ses habitants.")


def profile(result, territory: Territory) -> None:
    """The 16 domain scores against the medians of the reference groups."""
    st.subheader("Profil des 16 domaines")
    departement = (data.table("communes").set_index("code")["departement"]
                   if territory.level == "communes" else None)
    groups = view.peers(territory, regions_of(territory.level), departement)
    wide = view.domain_profile(result, territory, groups)
    short = dict(zip((label for label, _ in groups), view.short_peer_labels(territory, groups),
                     strict=True))
    long = view.long_profile(wide)
    long["series"] = long["series"].replace(short)  # short names: a phone shows them whole
    order = [THIS, *short.values()]
    middle = len(groups) - 1  # département and/or région, between itself and France
    colours = ["#bd0026", *("#1f77b4", "#ff7f0e")[-middle:][:middle], "#555555"]
    shapes = ["circle", *("diamond", "triangle-up")[-middle:][:middle], BAR]
    chart = alt.Chart(long).mark_point(filled=True, size=90).encode(
        x=alt.X("score:Q", title="Score (1 = le plus fragile)",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".2~f", tickCount=5)),
        y=alt.Y("label:N", sort=list(wide["label"]), title=None,
                axis=alt.Axis(labelLimit=190, labelOverlap=False)),  # room for a phone
        color=alt.Color("series:N", sort=order, legend=None,
                        scale=alt.Scale(domain=order, range=colours)),
        shape=alt.Shape("series:N", sort=order, legend=None,
                        scale=alt.Scale(domain=order, range=shapes)),
        tooltip=[alt.Tooltip("label:N", title="Domaine"),
                 alt.Tooltip("series:N", title="Série"),
                 alt.Tooltip("score:Q", title="Score", format=".2f")],
    ).properties(height=16 * 26).configure(locale=FRENCH_NUMBERS)
    st.altair_chart(chart, width="stretch")
    # The legend below the chart, in the page's flow: Vega's would be cut on a phone.
    symbols = {"circle": "●", "diamond": "◆", "triangle-up": "▲", BAR: "❙"}
    entries = [f'<span style="color:{c}">{symbols[s]}</span>&nbsp;'
               f'{html.escape(name).replace(" : ", "&nbsp;: ")}'
               for name, c, s in zip(order, colours, shapes, strict=True)]
    st.html(f'<div style="font-size:0.9rem;line-height:1.6">{entries[0]}<br>Médiane des '
            f"{level_of(territory.level).plural} : " + " · ".join(entries[1:]) + "</div>")
    sizes = ", ".join(f"{label.removeprefix('Médiane des ')} : "
                      f"{french.integer(len(codes))}" for label, codes in groups)
    st.caption(f"Chaque point du territoire est comparé à la médiane des scores de domaine "
               f"des territoires du même niveau ({sizes}). Les domaines sans score (moins "
               f"de la moitié des indicateurs disponibles) n'ont pas de point.")
    with st.expander("Le profil sous forme de tableau"):
        table = wide.drop(columns="dimension").rename(
            columns={"label": "Domaine", "score": THIS})
        for column in table.columns[1:]:
            table[column] = table[column].map(lambda v: french.number(v, 2))
        st.dataframe(table, hide_index=True, width="stretch", key="territoire_profile",
                     placeholder=french.MISSING)


def score_frame(result, territory: Territory, uncertainty: Uncertainty | None,
                method_: Method) -> pd.DataFrame:
    """The table of scores as shown; intervals « calcul en cours… » without ``uncertainty``.

    Each rank comes with its reading in words (« parmi les 20 % de communes les plus
    fragiles de France »).
    """
    table = view.score_table(result, territory.code, uncertainty)
    plural = level_of(territory.level).plural
    where = "de sa région" if method_.frame == "region" else "de France"
    intervals = ([french.rank_interval(lo, hi) for lo, hi in
                  zip(table["rank_low"], table["rank_high"], strict=True)]
                 if uncertainty is not None else [PENDING] * len(table))
    return pd.DataFrame({
        "Score": table["label"],
        "Valeur": table["score"].map(lambda v: french.number(v, 2)),
        "Rang": [french.rank(r, n) for r, n in zip(table["rank"], table["frame_size"],
                                                    strict=True)],
        "Lecture": [french.rank_reading(r, n, plural, where) for r, n in
                    zip(table["rank"], table["frame_size"], strict=True)],
        "Intervalle de rang à 90 %": intervals})


def scores(result, territory: Territory, method_: Method):
    """Dimension and overall scores with rank and flags; the slot of the table.

    The 90 % rank intervals take seconds the first time: the table is drawn without them
    and :func:`fill_intervals` redraws it in the returned slot, after the other sections.
    """
    st.subheader("Dimensions et indice global")
    slot = st.empty()
    slot.dataframe(score_frame(result, territory, None, method_), hide_index=True,
                   width="stretch", placeholder=french.MISSING)
    frame = "de sa région" if method_.frame == "region" else "de France"
    st.caption(f"Rang 1 = le territoire le plus fragile {frame} à ce niveau. Intervalle : 5e "
               f"et 95e centiles du rang sur {french.integer(view.N_VARIANTS)} variantes de la "
               f"méthode (normalisation rang, min-max ou z, moyenne arithmétique ou "
               f"géométrique, poids tirés autour des poids choisis), élargi s'il le faut "
               f"pour contenir le rang affiché : plus il est large, plus le rang dépend de "
               f"la méthode.")
    table = flags_of(territory.level, method_)
    flagged = view.flagged_domains(table, territory.code)
    scored, possible = int(table.loc[territory.code].notna().sum()), table.shape[1]
    count = count_text(len(flagged), scored, possible)
    if flagged:
        st.markdown(f"**Domaines signalés** ({count}, parmi les 10 % les plus fragiles "
                    f"{frame}) : " + " ; ".join(flagged) + ".")
    else:
        st.markdown(f"**Domaines signalés** : {count} (aucun domaine parmi les 10 % les plus "
                    f"fragiles {frame}).")
    if scored < possible:
        st.caption(f"{french.integer(possible - scored)} domaine"
                   f"{'s' if possible - scored > 1 else ''} sans score faute de données : "
                   "ni signalés, ni « non signalés ».")
    return slot


def fill_intervals(slot, result, territory: Territory, method_: Method) -> None:
    """Redraw the table of scores in ``slot`` with the 90 % rank intervals."""
    uncertainty = rank_intervals(territory.level, method_)
    slot.dataframe(score_frame(result, territory, uncertainty, method_), hide_index=True,
                   width="stretch", placeholder=french.MISSING)


def explanations(result, territory: Territory) -> None:
    """The three most and least fragile domains, and the indicators behind them."""
    st.subheader("Les trois domaines les plus / les moins fragiles, et pourquoi")
    items = explain(result, territory.code)
    if not items:
        st.info("Aucun domaine n'a assez de données pour ce territoire.")
        return
    columns = st.columns(2)
    for column, fragile in zip(columns, (True, False), strict=True):
        with column:
            st.markdown("**Les plus fragiles**" if fragile else "**Les moins fragiles**")
            st.markdown(cards.domain_lines(items, fragile))
    st.caption("Domaines classés selon la place du territoire parmi ceux de son cadre de "
               "comparaison ; pour chacun, les indicateurs qui pèsent le plus.")


def indicators(territory: Territory) -> None:
    """Indicator table: value, unit, régional and national references, source."""
    st.subheader("Indicateurs")
    rows = view.indicator_table(territory.level, territory.code, territory.region)
    # Numbers stay numbers (a click on a header sorts them as numbers), written in French
    # (french.screen_tables).
    # The indicator's name (pinned) then its value: on a phone the value shows without
    # scrolling sideways; the domain comes after.
    table = pd.DataFrame({
        "Indicateur": rows["label"], "Valeur": rows["value"].astype(float),
        "Unité": rows["unit"], "Domaine": rows["domain_label"],
        "Repose sur": [note or reason for note, reason
                       in zip(rows["note"], rows["reason"], strict=True)]})
    if territory.level == "communes" and rows["smoothed"].any():
        table["Valeur publiée"] = [french.indicator_value(p) if s else ""  # only if smoothed
                                   for p, s in zip(rows["published"], rows["smoothed"],
                                                   strict=True)]
    if territory.level != "regions":
        table["Région"] = rows["region_value"].astype(float)
    table["France"] = rows["france"].astype(float)
    if territory.level != "communes":
        table["Population couverte"] = rows["coverage"].astype(float)
    table["Sens"] = rows["direction"].map({1: "plus = plus fragile",
                                           -1: "plus = moins fragile"})
    table["Source et millésime"] = rows["source"]
    table["Millésime"] = rows["vintage"]
    values = {"Valeur": french.indicator_value, "Région": french.indicator_value,
              "France": french.indicator_value}
    st.dataframe(screen_tables.styled(table, percent=["Population couverte"],
                                      writers={k: w for k, w in values.items()
                                               if k in table.columns}),
                 hide_index=True, width="stretch", key="territoire_indicators",
                 column_config={"Indicateur": st.column_config.TextColumn(
                     "Indicateur", pinned=True, width="medium"),
                     # wide enough for « non disponible »
                     "Valeur": st.column_config.NumberColumn("Valeur", width=105)},
                 placeholder=french.MISSING)
    st.caption("Cliquez un en-tête de colonne pour trier. « Repose sur » : valeur officielle "
               "du niveau, recalculée à partir des communes (avec la part de la population "
               "couverte, jamais moins de 80 %), estimée (avec son intervalle), lissée vers "
               "le département (« Valeur publiée » donne alors la valeur de la source), "
               "faible effectif ; pour une valeur manquante, pourquoi elle manque. "
               "« Région » et « France » : valeurs de la région du territoire et nationale.")


def twins(territory: Territory, result) -> None:
    """The five territories of the same level most alike in structure."""
    st.subheader("Territoires jumeaux")
    features = structure(territory.level)
    left_out = twins_module.excluded(features)
    try:
        found = twins_module.twins(features, territory.code)
    except ValueError:
        own = features.loc[territory.code]
        missing = ", ".join(twins_module.FEATURES[f].lower() for f in own.index[own.isna()])
        st.info(f"Pas de jumeaux : il manque à ce territoire une caractéristique de "
                f"structure ({missing}).")
        return
    names = data.table(territory.level).set_index("code")["name"]
    table = pd.DataFrame({
        "Code": found.index, "Territoire": found.index.map(names),
        "Population": (10 ** found["log_population"]).round().astype("Int64").to_numpy(),
        "Densité (hab./km²)": (10 ** found["log_density"]).to_numpy(),
        "65 ans ou plus (%)": found["over_65_share"].to_numpy(),
        "Revenu médian (€/UC/an)": found["median_income"].to_numpy(),
        "Indice global": found.index.map(lambda c: result.overall.get(c)).astype(float),
        "Distance": found["distance"].to_numpy()})
    st.dataframe(screen_tables.styled(table, decimals={
        "Densité (hab./km²)": 0, "65 ans ou plus (%)": 1, "Revenu médian (€/UC/an)": 0,
        "Indice global": 2, "Distance": 2}), hide_index=True, width="stretch",
        key="territoire_twins", placeholder=french.MISSING)
    st.caption(
        "Les plus proches par la population et la densité (en logarithme), la part des 65 "
        "ans ou plus (2020) et le revenu disponible médian (2021), chaque caractéristique "
        "étant centrée et réduite ; distance euclidienne. "
        + (f"{french.integer(len(left_out))} territoires sur {french.integer(len(features))} "
           "sont exclus faute d'une de ces données (souvent le revenu médian, couvert par "
           "le secret statistique)." if len(left_out) else ""))
    buttons = st.columns(len(found))
    for column, code in zip(buttons, found.index, strict=True):
        column.button(f"Fiche de {names.get(code, code)}", key=f"territoire_twin_{code}",
                      on_click=open_twin, args=(territory.level, code),
                      width="stretch")


def grand_debat_figures(territory: Territory) -> None:
    """The Grand Débat figures of its région (of itself for a région), beside France's."""
    region = regions_of(territory.level).get(territory.code)
    if french.is_missing(region):
        st.subheader("Grand Débat national (2019)")
        st.info("Ce territoire n'a pas de région : pas de valeur du Grand Débat.")
        return
    grand_debat.region_section(region, own=territory.level == "regions")


def perceived(territory: Territory) -> None:
    """Priorities of the citizens of its département and région (simulated survey)."""
    st.subheader("Priorités perçues par les habitants — données simulées")
    st.warning(f"Enquête : {SIMULATED_LABEL}. Ces priorités ne sont pas des résultats "
               "d'enquête réels.", icon=":material/science:")
    shown = False
    for level, code, name in (("departement", territory.departement,
                               territory.departement_name),
                              ("region", territory.region, territory.region_name)):
        if not code:
            continue
        rows = data.perceived_profile(level, "citoyen")
        rows = rows[(rows["territory_code"] == code) & (rows["status"] != "supprimé")]
        if rows.empty:
            continue
        rows = rows.sort_values("score", ascending=False, kind="stable").head(5)
        whose = "du département" if level == "departement" else "de la région"
        st.markdown(f"**Citoyens {whose} ({name})** — les cinq premières priorités "
                    "(données simulées)")
        st.dataframe(pd.DataFrame({
            "Domaine": rows["domain"].map(lambda d: DOMAIN_BY_ID[d].label),
            "Score de priorité": rows["score"].map(lambda v: french.number(v, 2)),
            "Intervalle à 90 %": [f"{french.number(lo, 2)} à {french.number(hi, 2)}"
                                  for lo, hi in zip(rows["ci_low"], rows["ci_high"],
                                                    strict=True)],
            "Effectif efficace": rows["n_effective"].map(lambda v: french.number(v, 0)),
            "Estimation": rows["status"].map(ESTIMATE_LABELS)}), hide_index=True,
            width="stretch",
            key=f"territoire_perceived_{level}", placeholder=french.MISSING)
        shown = True
    if not shown:
        st.info("L'échantillon (simulé) ne couvre pas ce territoire avec assez de "
                "répondants.")


def pdf_bytes(level: str, code: str, method_: Method) -> Callable[[], bytes]:
    """A function that builds the PDF sheet and returns its bytes (run on click only)."""
    def build() -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            return sheet.build_sheet(level, code, Path(folder) / "fiche.pdf",
                                     method_).read_bytes()
    return build


def download(territory: Territory, method_: Method) -> None:
    """Button that builds and downloads the two-page PDF sheet."""
    st.download_button("Télécharger la fiche PDF (A4)",
                       data=pdf_bytes(territory.level, territory.code, method_),
                       file_name=f"fiche-{territory.code}.pdf", mime="application/pdf",
                       on_click="ignore", icon=":material/picture_as_pdf:",
                       key="territoire_pdf")
    st.download_button("Télécharger les données du territoire (JSON)",
                       data=lambda: data.territory_json(territory.level, territory.code,
                                                        method_),
                       file_name=f"territoire-{territory.level}-{territory.code}.json",
                       mime="application/json", on_click="ignore",
                       icon=":material/data_object:", key="territoire_json",
                       help="Chaque indicateur (valeur utilisée, valeur publiée, statut, "
                            "couverture, fiabilité, estimation, source et millésime), les "
                            "scores, le rang et son intervalle : le contenu de la commande "
                            "« atlas territory ».")
    if not method.is_default(method_):
        st.caption("La fiche PDF et les données sont calculées avec la méthode modifiée ; "
                   "la note de méthode de la fiche la décrit.")


# --- the page ---------------------------------------------------------------------------

st.title("Fiche du territoire")
from_address()
search()
current = selection.selected()
if current is None or current[0] not in LEVELS:
    links.publish({})
    st.info("Recherchez un territoire ci-dessus, ou choisissez une commune sur la carte "
            "(page « Carte ») puis « Ouvrir la fiche du territoire ».",
            icon=":material/search:")
    st.stop()

level, code = current
try:
    territory = describe(level, code)
except ValueError:
    st.error(f"Territoire inconnu : {level} {code}.")
    st.stop()
chosen = method.current()
result = data.indices(level, chosen)
address = links.publish({"territoire": f"{level}:{code}"})
header(territory)
links.copy_link("territoire", address)
if not method.is_default(chosen):
    st.info(method.describe(chosen) + " Tous les scores de cette page en tiennent compte.",
            icon=":material/tune:")
download(territory, chosen)
profile(result, territory)
score_slot = scores(result, territory, chosen)
explanations(result, territory)
indicators(territory)
evolution.section(level, code)
twins(territory, result)
grand_debat_figures(territory)
perceived(territory)
fill_intervals(score_slot, result, territory, chosen)
