"""Page « Carte » : the régions of France, then a région's départements and communes."""

import hashlib
import re

import streamlit as st

from app_pages import cards, data
from app_pages.leaflet_map import Layer, Legend, leaflet_map
from atlas import mapped, webmap
from geodata.search import normalise

FRANCE = ""
MAP_KEY = "carte_clic"
LEGEND = Legend("Densité (hab./km²)", tuple(webmap.density_legend()))

st.session_state.setdefault("atlas_region", FRANCE)
st.session_state.setdefault("atlas_commune", None)
communes = data.table("communes")
regions = data.table("regions")
regions = regions.iloc[regions["name"].map(  # alphabetical order, ignoring the article
    lambda n: re.sub(r"^(la|le|les) ", "", normalise(n))).argsort()]
region_names = dict(zip(regions["code"], regions["name"], strict=True))


def on_map_click() -> None:
    """Select the clicked région, or show the clicked commune's card."""
    click = st.session_state.get(MAP_KEY) or {}
    if click.get("layer") == "regions":
        st.session_state.atlas_region, st.session_state.atlas_commune = click["code"], None
    elif click.get("layer") == "communes":
        st.session_state.atlas_commune = click["code"]


def on_region_pick() -> None:
    """Show the région chosen in the list."""
    st.session_state.atlas_region = st.session_state.region_select
    st.session_state.atlas_commune = None


def on_search_pick(key: str) -> None:
    """Show the commune picked among the search results, in its région."""
    code = st.session_state.get(key)
    row = communes[communes["code"] == code]
    if code and len(row):
        st.session_state.atlas_region = row["region"].iloc[0]
        st.session_state.atlas_commune = code


CHOICES = {c.key: c for c in mapped.choices()}


def legend_for(key: str, level: str) -> Legend:
    """Legend of the map of ``key`` at ``level``: class bounds and counts."""
    if key == mapped.DENSITY:
        return LEGEND
    found = data.classes(key, level)
    index = mapped.is_index(key)
    title = CHOICES[key].label + (" — score (foncé = plus fragile)" if index else "")
    labels = tuple(f"{label} ({count})" for label, count in
                   zip(found.labels, found.counts, strict=True))
    colours = mapped.FRAGILITY_COLOURS if index else mapped.VALUE_COLOURS
    return Legend(title, labels, colours=colours[:len(labels)])


st.title("Carte des territoires")
st.caption("Cliquez une région pour afficher ses départements et ses communes, puis une "
           "commune pour sa fiche. Les cinq départements d'outre-mer sont dessinés dans des "
           "encarts, à l'ouest de la Bretagne. Les scores sont classés en quintiles.")
what = st.selectbox(
    "Colorer la carte par", list(CHOICES), key="map_what",
    format_func=lambda k: f"{CHOICES[k].group} · {CHOICES[k].label}",
    help="Indice global, une des 4 dimensions, un des 16 domaines ou un indicateur. Les "
         "scores (0 à 1, plus élevé = plus fragile) sont des rangs centiles dans la France "
         "entière ; chaque niveau est calculé à partir de ses propres valeurs.")

search_col, region_col = st.columns([3, 2])
with search_col:
    query = st.text_input(
        "Rechercher une commune", key="search",
        placeholder="Nom ou code INSEE, par exemple « saint etienne » ou « 42218 »",
        help="Les accents, majuscules, tirets et apostrophes sont ignorés ; « st » vaut "
             "« saint ». Validez avec Entrée, puis choisissez la commune dans la liste.")
    if query.strip():
        hits = data.find_communes(query)
        if hits.empty:
            st.info(f"Aucune commune ne correspond à « {query.strip()} ».")
        else:
            labels = {c: f"{n} ({c}) – {region_names.get(r, '?')}" for c, n, r
                      in zip(hits["code"], hits["name"], hits["region"], strict=True)}
            hit_key = "search_hit_" + hashlib.sha1(normalise(query).encode()).hexdigest()[:10]
            st.selectbox(f"Communes trouvées ({len(hits)})", list(labels), index=None,
                         format_func=labels.get, key=hit_key, on_change=on_search_pick,
                         args=(hit_key,), placeholder="Choisissez une commune")
with region_col:
    st.session_state.region_select = st.session_state.atlas_region
    st.selectbox("Région", [FRANCE, *regions["code"]], key="region_select",
                 format_func=lambda c: region_names.get(c, "France entière"),
                 on_change=on_region_pick,
                 help="Ou cliquez directement une région sur la carte.")

map_col, card_col = st.columns([5, 2])
region = st.session_state.atlas_region
with map_col:
    if region == FRANCE:
        regions_json, frames_json = data.national_payloads(what)
        layers = [Layer("regions", regions_json, interactive=True, fit=True, weight=1.2),
                  Layer("frames", frames_json, style="frame", fit=True, weight=1.0)]
    else:
        communes_json, deps_json = data.region_payloads(region, what)
        layers = [Layer("communes", communes_json, interactive=True, fit=True, weight=0.3),
                  Layer("departements", deps_json, style="outline", weight=1.6)]
    level = "regions" if region == FRANCE else "communes"
    leaflet_map(layers, key=MAP_KEY, highlight=st.session_state.atlas_commune,
                legend=legend_for(what, level), height=600, on_change=on_map_click)
    cards.sources(what)
with card_col:
    if st.session_state.atlas_commune:
        cards.commune(st.session_state.atlas_commune)
        cards.score(what, "communes", st.session_state.atlas_commune)
        cards.explanation("communes", st.session_state.atlas_commune)
    elif region == FRANCE:
        st.info("Cliquez une région sur la carte, choisissez-la dans la liste ou "
                "recherchez une commune.")
    if region != FRANCE:
        cards.region(region)
        cards.score(what, "regions", region)
        cards.explanation("regions", region)
        st.button("Revenir à la France entière", on_click=lambda: st.session_state.update(
            atlas_region=FRANCE, atlas_commune=None))

if region != FRANCE:
    cards.departements(region)
