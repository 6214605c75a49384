"""Page « Export » : report maps and territory sheets to download.

Files are built only when a download button is clicked (a callable as ``data``), by
:mod:`atlas.reports.downloads`; the equivalent command lines are shown at the bottom.
"""

import hashlib
from functools import partial

import streamlit as st

import french
from app_pages.common import data, links, method, selection, user_text
from atlas.maps import map_frames, subjects
from atlas.maps.classify import SCHEME_LABELS, SCHEMES
from atlas.maps.static_maps import texts
from atlas.reports import downloads as options
from geodata import search
from geodata.levels import LEVELS
from geodata.levels import level as level_of

FRANCE = ""
CHOICES = subjects.choices_by_key()

regions = data.table("regions")
regions = search.sort_names(regions)
region_names = dict(zip(regions["code"], regions["name"], strict=True))


@st.cache_data(show_spinner=False, max_entries=256)
def map_texts(level: str, what: str, scope: str, chosen) -> tuple[str, str, str]:
    """Title, subtitle and source line of the map (:func:`atlas.maps.static_maps.texts`)."""
    return texts(level, what, method=chosen, within=scope or None)


def scope_of(key: str) -> str:
    """The ``LEVEL:CODE`` of a choice of « Territoire couvert » (a région's is its code)."""
    return key if ":" in key or not key else f"regions:{key}"


def _plural_title(level: str) -> str:
    return level_of(level).plural_title


def territory_name(level: str, code: str) -> str:
    """Name of a territory, or its code when it is unknown."""
    table = data.table(level)
    names = table.loc[table["code"] == code, "name"]
    return str(names.iloc[0]) if len(names) else code


def find_territories(level: str, query: str):
    """Territories of ``level`` matching ``query`` (name or code), best first."""
    if level == "communes":
        return data.find_communes(query)
    return search.find(data.table(level), query, limit=12)


st.title("Exporter des cartes et des fiches")
links.copy_link("export", links.publish({}))
st.caption("Les fichiers sont fabriqués au moment où vous cliquez sur « Télécharger » : "
           "comptez quelques secondes, une dizaine pour une carte des communes de toute la "
           "France.")
chosen_method = method.current()
if (picked := selection.selected()) and "export_region" not in st.session_state:
    # start from the territory the user is looking at: its région's map
    level_picked, code_picked = picked
    row = data.table(level_picked).set_index("code")
    st.session_state.export_region = (code_picked if level_picked == "regions" else
                                      str(row["region"].get(code_picked, FRANCE) or FRANCE))

# --- map ---------------------------------------------------------------------------------
# « Territoire couvert »: France, each région, and the département of the territory selected
scopes = {FRANCE: "France entière", **region_names}
if picked:
    for kind, code in map_frames.home_scopes(*picked):
        if kind == "departements":
            scopes = {FRANCE: scopes.pop(FRANCE),
                      f"{kind}:{code}": f"Département : {territory_name(kind, code)} ({code})",
                      **scopes}
if st.session_state.get("export_region", FRANCE) not in scopes:  # another selection since
    st.session_state.export_region = FRANCE
one_departement = st.session_state.get("export_region", "").startswith("departements:")
map_levels = ["epci", "communes"] if one_departement else list(LEVELS[::-1])
if st.session_state.get("export_level") not in map_levels:  # départements first
    st.session_state.export_level = "communes" if one_departement else "departements"

st.header("Carte pour un rapport")
left, right = st.columns(2)
with left:
    level = st.selectbox("Niveau", map_levels, format_func=_plural_title, key="export_level",
                         help="La carte d'un département montre ses communes ou ses EPCI.")
    what = st.selectbox("Carte de", list(CHOICES), index=list(CHOICES).index(subjects.OVERALL),
                        format_func=lambda k: f"{CHOICES[k].group} · {CHOICES[k].label}",
                        key="export_what",
                        help="Indice global, une des 4 dimensions, un des 16 domaines, un "
                             "indicateur ou la densité, comme sur la page Carte.")
    region = st.selectbox("Territoire couvert", list(scopes), format_func=scopes.get,
                          key="export_region",
                          help="France entière (outre-mer en encarts), une seule région, "
                               "ou le département du territoire sélectionné.")
    scope = scope_of(region)
    outlined = None
    if picked and map_frames.lies_in(*picked, map_frames.read_scope(within=scope or None)):
        name = territory_name(*picked)
        if st.checkbox(f"Entourer et nommer {name} sur la carte", value=True,
                       key="export_highlight",
                       help="Contour épais et foncé, nom écrit sur la carte."):
            outlined = (f"{picked[0]}:{picked[1]}", name)
with right:
    scheme = st.radio("Classes (5)", list(SCHEMES), format_func=SCHEME_LABELS.get,
                      key="export_scheme")
    fmt = st.radio("Format", list(options.FORMAT_LABELS),
                   format_func=options.FORMAT_LABELS.get, key="export_format",
                   horizontal=True)
    size = st.radio("Taille", list(options.SIZE_LABELS), format_func=options.SIZE_LABELS.get,
                    key="export_size", horizontal=True, disabled=fmt == "html",
                    help="La carte HTML s'adapte à la fenêtre : on y zoome et se déplace.")
    north_arrow = st.checkbox("Flèche du nord", key="export_north_arrow",
                              disabled=fmt == "html")

scores = subjects.is_index(what)
title, subtitle, source = map_texts(level, what, scope, chosen_method if scores else None)
st.caption(f"**Contenu de la carte**  \nTitre : {title}  \nSous-titre : {subtitle}  \n"
           + (f"Contour : {outlined[1]}, nommé sur la carte  \n" if outlined else "")
           + f"Légende : {SCHEME_LABELS[scheme].lower()}, 5 classes et "
           f"« {french.MISSING.capitalize()} » "
           f"(gris hachuré)  \nPied de page : {source}.")
if scores and not method.is_default(chosen_method):
    st.info(f"{method.describe(chosen_method)} Elle s'applique à cette carte et son "
            "sous-titre la nomme.", icon=":material/tune:")
scope_name = territory_name(*scope.split(":")) if scope else None
map_name = options.map_filename(level, what, fmt, scope_name, outlined and outlined[1])
frame = {"within": scope or None, "highlight": outlined and outlined[0]}
st.download_button(
    f"Télécharger la carte ({fmt.upper()})",
    data=partial(options.map_bytes, level, what, None, fmt, size=size,
                 scheme=scheme, north_arrow=north_arrow,
                 method=chosen_method if scores else None, **frame),
    file_name=map_name, mime=options.MIME_TYPES[fmt], key="export_map_download",
    on_click="ignore", icon=":material/download:", type="primary")
st.caption(f"Fichier : `{map_name}`")

# --- sheet -------------------------------------------------------------------------------
st.header("Fiche d'un territoire")
st.caption("Deux pages A4 en PDF : identité du territoire, profil sur les 16 domaines, "
           "scores et rangs, explications, priorités perçues (échantillon simulé) et "
           "tableau des indicateurs. Elle est calculée avec la méthode choisie dans la barre "
           "latérale"
           + (" (la méthode par défaut)." if method.is_default(chosen_method)
              else " ; sa note de méthode la décrit."))
current = selection.selected()
other = True
if current:
    current_label = (f"{territory_name(*current)} ({level_of(current[0]).label}, "
                     f"code {current[1]}), le territoire sélectionné")
    other = st.radio("Fiche de", ["selected", "other"], key="export_sheet_mode",
                     format_func={"selected": current_label,
                                  "other": "Un autre territoire"}.get) == "other"
target = None if other else current
if other:
    level_col, query_col = st.columns([1, 3])
    sheet_level = level_col.selectbox("Niveau du territoire", LEVELS,
                                      format_func=_plural_title, key="export_sheet_level")
    query = query_col.text_input("Rechercher un territoire", key="export_sheet_search",
                                 max_chars=user_text.SEARCH_LIMIT,
                                 placeholder="Nom ou code, par exemple « saint etienne » "
                                             "ou « 42218 »",
                                 help="Les accents, majuscules, tirets et apostrophes sont "
                                      "ignorés. Validez avec Entrée, puis choisissez dans "
                                      "la liste.")
    if query.strip():
        hits = find_territories(sheet_level, query)
        if hits.empty:
            st.info(user_text.no_match("Aucun territoire", query))
        else:
            labels = dict(zip(hits["code"], hits["name"] + " (" + hits["code"] + ")",
                              strict=True))
            digest = hashlib.sha1(f"{sheet_level}|{query}".encode()).hexdigest()[:10]
            picked = st.selectbox(f"Territoires trouvés ({len(hits)})", list(labels),
                                  format_func=labels.get, key=f"export_sheet_hit_{digest}")
            target = (sheet_level, picked) if picked else None
if target:
    sheet_name = options.sheet_filename(*target)
    st.download_button(
        f"Télécharger la fiche de {territory_name(*target)} (PDF)",
        data=partial(options.sheet_bytes, *target, chosen_method), file_name=sheet_name,
        mime="application/pdf", key="export_sheet_download", on_click="ignore",
        icon=":material/download:", type="primary")
    st.caption(f"Fichier : `{sheet_name}`")
elif other:
    st.caption("Recherchez un territoire pour télécharger sa fiche.")

# --- regional report ---------------------------------------------------------------------
st.header("Rapport régional")
st.caption("Une dizaine de pages A4 en PDF, avec sommaire : profil structurel, profil de "
           "fragilité sur 16 domaines avec cartes des départements et des communes, "
           "fragilité objective et perçue (Grand Débat 2019 et échantillon simulé, chacun "
           "signalé), dynamiques d'alliance, méthode et sources. Comptez une quinzaine de "
           "secondes.")
home_region = None
if current:
    row = data.table(current[0]).set_index("code")
    home_region = current[1] if current[0] == "regions" else row["region"].get(current[1])
    home_region = str(home_region) if home_region in region_names else None
if home_region and st.session_state.get("export_report_home") != home_region:
    st.session_state.export_report_region = home_region  # a new selection: its région
st.session_state.export_report_home = home_region
if st.session_state.get("export_report_region") not in region_names:
    st.session_state.export_report_region = next(iter(region_names))
report_region = st.selectbox(
    "Région du rapport", list(region_names), format_func=region_names.get,
    key="export_report_region",
    help="Par défaut, la région du territoire sélectionné.")
report_name = options.region_report_filename(report_region, region_names[report_region])
st.download_button(
    f"Télécharger le rapport régional : {region_names[report_region]} (PDF)",
    data=partial(options.region_report_bytes, report_region, chosen_method),
    file_name=report_name, mime="application/pdf", key="export_report_download",
    on_click="ignore", icon=":material/download:", type="primary")
st.caption(f"Fichier : `{report_name}`")

# --- command line ------------------------------------------------------------------------
with st.expander("Ligne de commande"):
    st.markdown("Les mêmes fichiers, sans l'application, avec la commande `atlas` du "
                "paquet (`pip install -e .`). Carte choisie ci-dessus :")
    map_method = chosen_method if scores else None
    st.code(options.map_command(level, what, fmt, map_name,
                                None if one_departement else region or None, size, scheme,
                                north_arrow, map_method,
                                within=scope if one_departement else None,
                                highlight=outlined and outlined[0]),
            language="bash", wrap_lines=True)
    if fmt != "html":  # one interactive map per file: no batch of régions
        st.markdown("La même carte pour chacune des 18 régions, dans le dossier `cartes` :")
        st.code(options.maps_command(level, what, fmt, size, scheme, north_arrow,
                                     method=map_method), language="bash", wrap_lines=True)
    st.markdown("La fiche du territoire choisi ci-dessus :" if target
                else "La fiche d'un territoire (exemple : Saint-Étienne) :")
    sheet_level, sheet_code = target or ("communes", "42218")
    st.code(options.sheet_command(sheet_level, sheet_code, method=chosen_method),
            language="bash", wrap_lines=True)
    st.markdown("Le rapport régional choisi ci-dessus (`--all --out-dir DOSSIER` : les 18 "
                "régions ; `atlas report france --out FICHIER.pdf` : le rapport national) :")
    st.code(options.region_report_command(report_region, report_name, chosen_method),
            language="bash", wrap_lines=True)
    if method.without_origin(chosen_method):
        st.caption("Les parts d'immigrés et d'étrangers sont exclues de l'indice (case du "
                   "panneau latéral) : les commandes le disent par "
                   + ", ".join(f"`--weight {i}=0`" for i in method.ORIGIN_INDICATORS) + ".")
