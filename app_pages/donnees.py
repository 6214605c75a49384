"""Page « Méthode & données » : catalogue, sources, coverage, method, known defects.

The tables come from :mod:`indicators.catalogue_tables` (plain pandas); the geometry part
(repairs, holes, communes without geometry) from the build report.
"""

import pandas as pd
import streamlit as st

import french
from app_pages.common import data, grand_debat, links, method, user_text
from atlas.index.composite import GEOMETRIC_OFFSET, Method
from atlas.index.flags import THRESHOLD
from atlas.index.uncertainty import QUANTILES, Variation
from atlas.maps import web_layers
from atlas.reports import build_report
from atlas.reports import territory_profile as view
from french import screen_tables
from geodata import populations, simplify
from geodata.levels import level as level_of
from indicators import catalogue_tables
from indicators.domains import DIMENSIONS, DOMAINS
from indicators.status import COVERAGE_MIN

report = data.report()
repair = report["repair"]
communes = data.table("communes")
departements = data.table("departements").set_index("code")["name"]
SHARE_COLUMNS = ("Communes couvertes", "Population couverte")


@st.cache_data(show_spinner="Calcul de la couverture…")
def domain_coverage() -> pd.DataFrame:
    """Coverage of the 16 domains (:func:`indicators.domain_coverage.coverage`)."""
    from indicators.domain_coverage import coverage

    return catalogue_tables.coverage_table(coverage())


def departement_label(code: str) -> str:
    """« Cantal (15) »."""
    return f"{departements.get(code, '?')} ({code})"


def share_columns() -> dict:
    """Shares shown as percentage bars."""
    return {c: st.column_config.ProgressColumn(c, format="percent", min_value=0, max_value=1)
            for c in SHARE_COLUMNS}


st.title("Méthode & données")
links.copy_link("donnees", links.publish({}))
st.caption("Ce que l'atlas mesure, avec quelles données, comment les indices sont "
           "calculés, et les défauts connus des données et des contours.")

# --- catalogue -----------------------------------------------------------------------------
st.header("Indicateurs")
indicators = catalogue_tables.with_ids(data.indicator_table())
query = st.text_input("Filtrer les indicateurs", key="donnees_filter",
                      max_chars=user_text.SEARCH_LIMIT,
                      placeholder="Par exemple « chômage », « santé », « DREES »…",
                      help="Cherche dans le libellé, le domaine, la dimension, la source et "
                           "l'identifiant ; les accents et majuscules sont ignorés.")
domain_col, dimension_col = st.columns(2)
domains = domain_col.multiselect("Domaines", [d.label for d in DOMAINS],
                                 key="donnees_domains", placeholder="Tous les domaines")
dimensions = dimension_col.multiselect("Dimensions", [d.label for d in DIMENSIONS],
                                       key="donnees_dimensions",
                                       placeholder="Toutes les dimensions")
shown = catalogue_tables.filter_table(indicators, query, tuple(domains), tuple(dimensions))
st.caption(f"{len(shown)} indicateur{'s' if len(shown) > 1 else ''} affiché"
           f"{'s' if len(shown) > 1 else ''} sur {len(indicators)}, dans les 16 domaines. La "
           "couverture est la part des communes (et de la population) qui ont une valeur ; "
           "une source faible, ancienne, partielle ou remise en forme par un tiers le dit "
           "dans « Réserves ». Cliquez un en-tête de colonne pour trier.")
st.dataframe(shown, hide_index=True, width="stretch", column_config=share_columns(),
             placeholder=french.MISSING)

st.header("Sources et millésimes")
st.subheader("Sources des indicateurs")
sources = catalogue_tables.sources_table()
st.caption(f"{len(sources)} fichiers sources. « Copie utilisée » : le dépôt public d'où vient "
           "la copie du fichier de l'éditeur ; « Remis en forme par un tiers » : donnée "
           "officielle retravaillée par un tiers, à lire comme telle.")
st.dataframe(sources, hide_index=True, width="stretch", placeholder=french.MISSING)

st.subheader("Géométries et population")
st.markdown("\n".join(f"- **{build_report.SOURCE_LABELS.get(key, key)}** : {source}"
                       for key, source in report["sources"].items()))
st.caption(f"Géométries construites le {french.date(report['built_at'])} "
           f"(en {french.number(report['build_seconds'], 1)} s).")

st.header("Couverture par domaine")
coverage = domain_coverage()
st.caption("Un domaine couvre une commune quand au moins un de ses indicateurs y a une "
           "valeur. Moins de la moitié des indicateurs d'un domaine ne suffit pas pour "
           "calculer son score (voir la méthode ci-dessous) : la couverture du score peut "
           "donc être plus faible.")
st.dataframe(coverage, hide_index=True, width="stretch", column_config=share_columns(),
             placeholder=french.MISSING)
st.bar_chart(coverage.set_index("Domaine")[list(SHARE_COLUMNS)], horizontal=True,
             stack=False, y_label="", x_label="Part couverte (0 à 1)", height=520)

st.header("Évolutions dans le temps")
series_table = data.series_table()
counts = series_table["Domaine"].value_counts()
st.markdown(
    f"{french.integer(len(series_table))} indicateurs ont plusieurs millésimes comparables, "
    f"dans {french.integer(len(counts))} domaines sur 16 : "
    + ", ".join(f"{domain.label.lower()} ({french.integer(counts[domain.label])})"
                for domain in DOMAINS if domain.label in counts) + ".")
st.caption("Les millésimes anciens servent seulement aux évolutions (page Carte, choix "
           "« Évolution » ; page Territoire) : ils n'entrent jamais dans les indices. Chaque "
           "millésime est ramené aux communes de 2025 (une commune fusionnée depuis reçoit "
           "la somme des effectifs de ses parties, puis le taux est recalculé) ; au-dessus "
           "de la commune, les deux années sont recalculées à partir des communes. Un "
           "changement de rang n'est dit « significatif » que si les intervalles de rang "
           "des deux années ne se recouvrent pas.")
st.dataframe(series_table, hide_index=True, width="stretch", key="donnees_series",
             placeholder=french.MISSING)

# --- what values rest on ------------------------------------------------------------------
st.header("Ce sur quoi repose chaque valeur")
st.markdown(
    "Chaque valeur affichée dit ce sur quoi elle repose (infobulles, tableaux, fiche PDF, "
    "exports) :\n"
    "- **publiée** : la valeur de la source pour la commune ;\n"
    "- **valeur officielle** : pour un EPCI, un département, une région ou la France, la "
    "valeur que l'éditeur publie à ce niveau (SSMSI départements et régions, Filosofi "
    "départements et EPCI, Observatoire des territoires…), préférée à tout recalcul ;\n"
    "- **recalculée** : à défaut, à partir des valeurs officielles des départements qui le "
    "composent, pondérées par leurs effectifs, ou à partir des effectifs des communes "
    f"(somme des numérateurs sur somme des dénominateurs), **seulement si elles portent au "
    f"moins {french.percent(COVERAGE_MIN)} de sa population** ; en dessous, la valeur est "
    f"« {french.MISSING} (couverture n %) » : jamais une valeur qui reposerait sur une "
    "petite partie du territoire ;\n"
    "- **estimée** : une valeur couverte par le secret statistique, remplacée par une "
    "estimation sur petits domaines, avec son intervalle (voir ci-dessous) ;\n"
    "- **non publiée** : retenue par l'éditeur (secret statistique, petits effectifs) : "
    "manquante, jamais 0 ; **absente** de la source ; **sans objet** à ce niveau.\n\n"
    "**Sécurité.** Le SSMSI ne diffuse le nombre de faits d'une commune que s'il est assez "
    "élevé (au moins 5 faits chaque année de la série) ; le fichier communal écrit alors 0. "
    "Un taux nul, ou vide, est donc lu comme « non publié » (30 217 communes pour les "
    "violences aux personnes), jamais comme l'absence de délinquance. Les départements, les "
    "régions et la France prennent les taux du SSMSI lui-même (base départementale et "
    "régionale 2023, mêmes regroupements de catégories), non des sommes de communes dont "
    "les petits nombres manquent.\n\n"
    "**Numérique.** Les scores de l'indice de fragilité numérique de la MedNum sont relatifs "
    "à la moyenne de la région (base 100) : ils ne sont comparés qu'au sein de chaque "
    "région, quel que soit le cadre choisi, et n'ont pas de valeur pour une région. Un score "
    "de 0 y signifie « pas de donnée » : il est lu comme manquant.\n\n"
    "**Populations.** Les dénominateurs sont les populations légales de l'INSEE du "
    "millésime le plus proche de celui du numérateur (2021, 2022 ou 2023) ; une commune "
    "nouvelle reçoit les valeurs de ses anciennes communes pondérées par leur population "
    "(ou leur superficie pour une part de surface).")
statuses = data.status_table()
st.caption("Nombre de valeurs de chaque sorte, par niveau, pour les indicateurs de "
           "l'atlas (tous indicateurs confondus).")
st.dataframe(statuses, hide_index=True, width="stretch", placeholder=french.MISSING)

st.subheader("Petits effectifs et valeurs extrêmes")
st.markdown(
    "- **Lissage bayésien empirique.** Les taux fondés sur des comptes (équipements, "
    "associations, France services, conseillers numériques, établissements…) "
    "sont, pour les communes, ramenés vers le taux de leur département d'autant plus que la "
    "commune est petite (estimateur des moments de Marshall, 1991). L'indice utilise la "
    "valeur lissée ; la valeur publiée reste affichée à côté (« Valeur publiée »).\n"
    "- **Faible effectif.** Une valeur est marquée « faible effectif » quand moins de 20 "
    "événements sont attendus au taux du département (seuil du NCHS/CDC, erreur relative "
    "d'au moins 22 %), ou, pour les autres indicateurs, quand son propre dénominateur est "
    "inférieur à 200 (conseil de l'INSEE).\n"
    "- **Valeurs extrêmes.** Avant un min-max ou un score z, un indicateur très asymétrique "
    "(asymétrie > 2 et kurtosis > 3,5) est écrêté sur au plus 5 valeurs, sinon passé au "
    "logarithme, comme le fait l'outil COINr du JRC ; le rang centile n'en a pas besoin.")
with st.expander("Indicateurs traités pour les valeurs extrêmes (communes, France "
                 "entière)"):
    st.dataframe(data.outlier_table(), hide_index=True, width="stretch", placeholder=french.MISSING)
estimation = data.estimation_note()
if estimation:
    st.subheader("Estimations sur petits domaines")
    st.markdown(estimation["method"])
    if estimation.get("validation"):
        st.caption("Erreur hors échantillon, par taille de commune (validation croisée "
                   "par EPCI).")
        st.dataframe(pd.DataFrame(estimation["validation"]), hide_index=True,
                     width="stretch", placeholder=french.MISSING)

# --- method ----------------------------------------------------------------------------
st.header("Méthode de calcul des indices")
default, variation = Method(), Variation()
share = default.min_share[0]
low, _, high = QUANTILES
st.markdown(
    f"1. **Indicateurs.** {len(indicators)} indicateurs officiels, chacun rattaché à un des "
    "16 domaines, regroupés en 4 dimensions (sociétale, économique, sociale, "
    "environnementale). Chaque niveau (communes, EPCI, départements, régions) est calculé "
    "à partir de ses propres valeurs, recalculées à partir des sommes des numérateurs et "
    "des dénominateurs : jamais en moyennant les taux ou les scores des communes. Quand le "
    "dénominateur d'un taux manque, la valeur des niveaux supérieurs est une moyenne "
    "pondérée, signalée comme approximation dans le tableau des indicateurs.\n"
    "2. **Sens.** Chaque indicateur est multiplié par son sens (+1 quand une valeur plus "
    "élevée signifie plus de fragilité, −1 sinon) : un score plus élevé veut toujours dire "
    "plus fragile.\n"
    "3. **Normalisation**, dans le cadre de comparaison (France entière ou région) : voir "
    "les options ci-dessous. Par défaut, le rang centile.\n"
    "4. **Agrégation.** Le score d'un domaine est la moyenne pondérée des scores de ses "
    "indicateurs, celui d'une dimension la moyenne de ses domaines, l'indice global la "
    "moyenne des 4 dimensions. Poids égaux par défaut dans chaque groupe ; un poids de 0 "
    "écarte l'élément ; les poids d'un groupe sont ramenés à une somme de 1.\n"
    f"5. **Données manquantes.** Un indicateur manquant est écarté et son poids réparti "
    f"entre les indicateurs présents, à condition qu'au moins la moitié "
    f"({french.percent(share)}, arrondi au supérieur : 3 sur 5) des indicateurs du domaine "
    "soit disponible ; la même règle vaut pour les domaines d'une dimension et les dimensions "
    f"de l'indice global. Sinon le score est « {french.MISSING} », avec la raison (par "
    "exemple « 2 indicateurs sur 5 disponibles (minimum 3) ») : jamais zéro.\n"
    "6. **Rangs.** Rang 1 = le territoire le plus fragile de son cadre ; les ex aequo "
    "partagent le meilleur rang.\n"
    f"7. **Signalements.** Un domaine est signalé quand le score du territoire atteint le "
    f"{french.number(100 * THRESHOLD, 0)}e centile de son cadre (rang centile ≥ "
    f"{french.number(THRESHOLD, 2)}), comme dans l'indice de vulnérabilité sociale (SVI) du "
    "CDC/ATSDR ; un bloc d'ex aequo à cheval sur le seuil n'est pas signalé, un cadre sans "
    "variation ne signale personne, un score manquant donne un signalement manquant. Le "
    "nombre de domaines signalés est donc toujours donné avec le nombre de domaines qui ont "
    "un score, par exemple « 2 signalés sur 14 domaines renseignés » : un domaine sans "
    "donnée n'est jamais compté comme « non signalé ».\n"
    f"8. **Incertitude.** Une simulation de Monte-Carlo calcule "
    f"{french.integer(variation.n_variants)} variantes de l'indice : normalisation tirée "
    "parmi rang centile, min-max et score z, agrégation arithmétique ou géométrique (le "
    "couple score z et moyenne géométrique est exclu), poids tirés d'une loi de Dirichlet "
    "centrée sur les poids de la méthode (concentration "
    f"{french.number(variation.concentration, 0)}), graine fixe ({variation.seed}) : le "
    "calcul est reproductible. Chaque territoire "
    f"reçoit son rang médian, un intervalle à {french.percent(high - low)} (du "
    f"{french.number(100 * low, 0)}e au {french.number(100 * high, 0)}e centile de ses rangs) "
    "et la part des variantes où il est signalé. La page « Territoire » et la fiche PDF en "
    f"tirent {french.integer(view.N_VARIANTS)} (mêmes lois, même graine) pour rester "
    "rapides : leurs intervalles sont un peu moins précis.\n\n"
    "Références : OCDE/JRC, *Handbook on Constructing Composite Indicators* (2008), "
    "sections 3 (données manquantes), 5 (normalisation), 6 (agrégation) et 7 "
    "(incertitude) ; CDC/ATSDR, documentation du SVI (rang centile, signalements).")

st.subheader("Un choix normatif : immigrés et étrangers")
st.markdown(
    "Dans le domaine « Diversité / handicap », une part plus élevée d'immigrés ou "
    "d'étrangers compte, par défaut, comme « plus fragile ». C'est un choix normatif, non un "
    "jugement sur les personnes : ces parts signalent des besoins d'inclusion (langue, accès "
    "aux droits, discriminations à l'embauche ou au logement) auxquels les politiques "
    "publiques doivent répondre. Il a des précédents : le thème des minorités (« minority "
    "status and language ») de l'indice de vulnérabilité sociale (SVI) du CDC/ATSDR, et la "
    "variable « nationalité étrangère » de la version française de l'indice européen de "
    "défavorisation (EDI). On peut aussi le refuser : la case « "
    f"{method.ORIGIN_LABEL} » du panneau latéral met leur poids à 0 dans toutes les pages, "
    "la fiche PDF et les commandes d'export. Le domaine ne repose alors que sur les "
    "allocataires de l'AAH, publiés pour les seules communes découpées en IRIS : ailleurs, il "
    "n'a plus de score. Les deux indicateurs restent consultables sur la carte.")

st.subheader("Vos choix actuels")
chosen = method.current()
(st.caption if method.is_default(chosen) else st.info)(
    method.describe(chosen) + " Ils se règlent dans le panneau latéral, « Méthode de "
    "calcul des indices », et s'appliquent à toutes les pages, à la fiche PDF d'un "
    "territoire et aux commandes d'export.")

st.subheader("Ce que veut dire chaque option")
options = pd.DataFrame([
    ("Normalisation", method.NORMALISATIONS["rank"],
     "Part des autres territoires du cadre dont la valeur est strictement plus faible, "
     "de 0 à 1 ; les ex aequo partagent le rang le plus bas (comme le SVI)."),
    ("Normalisation", method.NORMALISATIONS["minmax"],
     "(valeur − minimum) / (maximum − minimum) dans le cadre, de 0 à 1, après traitement "
     "des valeurs extrêmes : un indicateur très asymétrique (asymétrie > 2 et kurtosis > "
     "3,5) est écrêté sur au plus 5 valeurs, sinon passé au logarithme (méthode du JRC, "
     "COINr)."),
    ("Normalisation", method.NORMALISATIONS["zscore"],
     "(valeur − moyenne) / écart-type dans le cadre, après le même traitement des valeurs "
     "extrêmes : non borné, donc sans moyenne géométrique."),
    ("Normalisation", method.NORMALISATIONS["distance"],
     "(valeur − valeur nationale) / écart-type du cadre ; la valeur nationale est "
     "recalculée à partir des sommes des numérateurs et des dénominateurs : non borné, "
     "donc sans moyenne géométrique."),
    ("Cadre de comparaison", method.FRAMES["france"],
     "Chaque territoire est comparé à tous ceux de son niveau en France."),
    ("Cadre de comparaison", method.FRAMES["region"],
     "Chaque territoire est comparé aux seuls territoires de sa région : rangs et "
     "signalements sont régionaux."),
    ("Agrégation", method.AGGREGATIONS["arithmetic"],
     "Moyenne pondérée : un score faible compense entièrement un score élevé."),
    ("Agrégation", method.AGGREGATIONS["geometric"],
     "Moyenne géométrique des scores décalés de "
     f"{french.number(GEOMETRIC_OFFSET, 2)} : compensation limitée, un score nul pèse "
     "lourd sans tout effacer ; seulement avec le rang centile ou le min-max."),
    ("Poids", "0 ; 0,5 ; 1 (défaut) ; 2 ; 3",
     "Poids d'une dimension ou d'un domaine dans sa moyenne ; 0 l'écarte du calcul."),
    ("Immigrés et étrangers", method.ORIGIN_LABEL,
     "Poids 0 pour les parts d'immigrés et d'étrangers (choix normatif, voir ci-dessus)."),
], columns=["Réglage", "Option", "Signification"])
st.dataframe(options, hide_index=True, width="stretch", placeholder=french.MISSING)

# --- perceptions ------------------------------------------------------------------------
grand_debat.method_section()

# --- defects ----------------------------------------------------------------------------
st.header("Réserves connues sur les données")
caveats = catalogue_tables.caveats_table()
st.caption(f"{len(caveats)} réserves, tirées du catalogue des indicateurs : sources "
           "partielles, anciennes, soumises au secret statistique ou remises en forme par un "
           "tiers. Les défauts des contours des communes suivent.")
st.dataframe(caveats, hide_index=True, width="stretch", placeholder=french.MISSING)

st.header("Contours des communes")
st.subheader("Territoires")
counts = report["counts"]
columns = st.columns(len(counts))
for column, (level, count) in zip(columns, counts.items(), strict=True):
    column.metric(level_of(level).plural_title, french.integer(count))

st.subheader("Communes sans géométrie")
missing = pd.DataFrame(repair["without_geometry"], columns=["code", "name", "departement"])
st.warning(f"{len(missing)} communes n'ont aucune géométrie dans la source : elles ne sont "
           "pas dessinées sur les cartes et n'ont pas de superficie, mais elles restent "
           "dans les tableaux, la recherche et les totaux de population.")
st.dataframe(missing.assign(departement=missing["departement"].map(departement_label)),
             column_config={"code": "Code INSEE", "name": "Commune",
                                     "departement": "Département"},
             hide_index=True, width="stretch", placeholder=french.MISSING)

st.subheader("Réparations des géométries")
repairs = pd.DataFrame(repair["repairs"], columns=["code", "name", "action", "km2", "evidence"])
st.markdown(f"{len(repairs)} réparations, {french.area(repairs['km2'].sum(), 1)} "
            f"au total ; géométries invalides avant réparation : "
            f"{french.integer(repair['invalid_before'])}.")
st.dataframe(screen_tables.styled(  # French numbers, sorted as numbers
                 repairs.assign(action=repairs["action"].map(build_report.report_wording),
                                evidence=repairs["evidence"].map(build_report.report_wording)),
                 decimals={"km2": 3}),
             column_config={"code": "Code INSEE", "name": "Commune", "action": "Réparation",
                            "km2": st.column_config.NumberColumn("Surface (km²)"),
                            "evidence": "Justification"},
             hide_index=True, width="stretch", placeholder=french.MISSING)

st.subheader("Défauts restants")
quality = report["quality"]
st.markdown(
    f"- Trous restants dans le pavage de la métropole : {french.integer(quality['holes'])}, "
    f"{french.area(quality['holes_km2'], 3)} au total.\n"
    f"- Chevauchements entre communes voisines : {french.integer(quality['overlap_pairs'])} "
    f"paires, {french.area(quality['overlap_km2'], 3)}.\n"
    f"- Enclave étrangère : {french.area(quality['enclaves_km2'], 3)} (laissée vide, "
    "ce n'est pas un défaut).")
holes = pd.DataFrame(repair["holes_left"] + repair["foreign_enclaves"],
                     columns=["km2", "neighbours", "reason", "lon", "lat"])
st.dataframe(screen_tables.styled(
                 holes.assign(neighbours=holes["neighbours"].map(", ".join),
                              reason=holes["reason"].map(build_report.report_wording)),
                 decimals={"km2": 3, "lon": 4, "lat": 4}),
             column_config={"km2": st.column_config.NumberColumn("Surface (km²)"),
                            "neighbours": "Communes voisines", "reason": "Motif",
                            "lon": "Longitude", "lat": "Latitude"},
             hide_index=True, width="stretch", placeholder=french.MISSING)

st.subheader("Populations complétées")
filled = communes[communes["population_source"].notna()
                  & (communes["population_source"] != populations.PRIMARY_SOURCE)]
absent = communes[communes["population"].isna()]
st.markdown(f"La source principale n'a pas de population pour {len(filled)} communes : "
            f"elle vient du complément. Communes encore sans population : {len(absent)}.")
st.dataframe(filled.assign(population=filled["population"].map(french.integer),
                           departement=filled["departement"].map(departement_label))
             [["code", "name", "departement", "population", "population_source"]],
             column_config={"code": "Code INSEE", "name": "Commune",
                            "departement": "Département", "population": "Population",
                            "population_source": "Source"},
             hide_index=True, width="stretch", placeholder=french.MISSING)

st.subheader("Méthode de la carte")
tolerances = ", ".join(f"{view} : {french.number(tol, 3)}°"
                       for view, tol in simplify.VIEW_TOLERANCES.items())
st.markdown(
    "- Les contours sont simplifiés par `shapely.coverage_simplify`, qui simplifie chaque "
    f"frontière commune une seule fois : les voisins restent jointifs ({tolerances}). Les "
    "superficies sont calculées sur les géométries d'origine, dans une projection à "
    "surfaces exactes (ETRS89-LAEA en métropole, projections locales outre-mer).\n"
    "- Les cinq départements d'outre-mer sont déplacés dans des encarts, chacun à sa propre "
    "échelle.\n"
    f"- Classes de densité (hab./km²) : {' ; '.join(web_layers.density_legend())}. Une "
    f"population ou une superficie manquante donne une classe « {french.MISSING} » (gris), "
    "jamais zéro.\n"
    "- La carte fonctionne hors ligne : pas de fond de carte, Leaflet est servi depuis le "
    "paquet Python installé.")
