"""Page « Carte » : any level, any indicator or index, France or one région, with its table."""

import hashlib

import streamlit as st

import french
from app_pages.common import cards, data, links, method, selection, user_text
from app_pages.common.leaflet_map import Layer, Legend, leaflet_map
from app_pages.common.map_click import FRANCE, after_click
from atlas.index import rank_change
from atlas.maps import palettes, subjects
from atlas.maps.classify import SCHEME_LABELS
from geodata.levels import LEVELS
from geodata.levels import level as level_of
from geodata.search import search_key, sort_names
from indicators.history import series_of

MAP_KEY = "carte_clic"
PALETTES = {"auto": "Automatique", **{k: v[0] for k, v in palettes.SEQUENTIAL.items()}}
CHOICES = subjects.choices_by_key()

st.session_state.setdefault("atlas_region", FRANCE)
st.session_state.setdefault("atlas_selected", None)
st.session_state.setdefault("map_level", "regions")
st.session_state.setdefault("map_what", subjects.OVERALL)  # the atlas opens on its index
communes = data.table("communes")
regions = data.table("regions")
regions = sort_names(regions)
region_names = dict(zip(regions["code"], regions["name"], strict=True))


def read_query_params() -> None:
    """Open the map asked for by the address (``?niveau=communes&region=76&carte=overall``)."""
    params = links.arrival("carte")
    problems = []
    for name, valid, key in (("niveau", LEVELS, "map_level"),
                             ("region", [*region_names, "france"], "atlas_region"),
                             ("carte", CHOICES, "map_what")):
        if name not in params:
            continue
        if params[name] in valid:
            st.session_state[key] = FRANCE if params[name] == "france" else params[name]
        else:
            problems.append(f"{name}={params[name]}")
    links.unknown(problems)


def on_map_click() -> None:
    """Open the clicked région (national map of régions), else select the clicked territory."""
    updates = after_click(st.session_state.get(MAP_KEY), st.session_state.map_level,
                          st.session_state.atlas_region)
    st.session_state.update(updates)
    if updates.get("atlas_selected"):
        selection.select(st.session_state.map_level, updates["atlas_selected"])


def on_region_pick() -> None:
    """Show the région chosen in the list (its communes, when the map showed régions)."""
    st.session_state.atlas_region = st.session_state.region_select
    st.session_state.atlas_selected = None
    if st.session_state.atlas_region and st.session_state.map_level == "regions":
        st.session_state.map_level = "communes"


def on_frame_pick() -> None:
    """The frame chosen on the map is the method's frame (sidebar), for every page."""
    st.session_state[method.KEYS["frame"]] = st.session_state.map_frame


def on_level_pick() -> None:
    """A new level: the selected territory no longer belongs to the map."""
    st.session_state.atlas_selected = None


def on_search_pick(key: str) -> None:
    """Show the commune picked among the search results, in its région, at commune level."""
    code = st.session_state.get(key)
    row = communes[communes["code"] == code]
    if code and len(row):
        st.session_state.atlas_region = row["region"].iloc[0]
        st.session_state.map_level = "communes"
        st.session_state.atlas_selected = code
        selection.select("communes", code)


def show_france() -> None:
    """Back to the national map."""
    st.session_state.atlas_region, st.session_state.atlas_selected = FRANCE, None


def legend(key: str, level: str, region: str | None, scheme: str, k: int,
           colours: tuple[str, ...]) -> Legend:
    """Legend of the map: class bounds, count of territories on this map, missing reason."""
    view = data.map_view(key, level, method.current())
    if key == subjects.DENSITY:
        return Legend("Densité (hab./km²)", data.density_labels(level, region),
                      missing=data.missing_note(key, level, region, method.current()))
    found = data.classes(key, level, scheme, k, method.current())
    shown = data.shown_counts(key, level, region, scheme, k, method.current())
    index = subjects.is_index(key)
    title = CHOICES[key].label + (" — score (foncé = plus fragile)" if index else
                                  f" ({view.unit})")
    labels = tuple(f"{label} ({french.integer(count)})"
                   for label, count in zip(found.labels, shown, strict=True))
    return Legend(title, labels, colours=colours[:len(labels)],
                  missing=data.missing_note(key, level, region, method.current()))


def class_colours(key: str, palette: str, k: int) -> tuple[str, ...]:
    """Colours of the ``k`` classes: the palette chosen, or the default of the map's kind."""
    if palette == "auto":
        if k == 5:
            return subjects.FRAGILITY_COLOURS if subjects.is_index(key) else subjects.VALUE_COLOURS
        palette = palettes.DEFAULT_INDEX if subjects.is_index(key) else palettes.DEFAULT_VALUE
    return palettes.colours(palette, k)


read_query_params()
st.title("Carte des territoires", help=(
    "Choisissez le niveau et ce qui colore la carte ; cliquez une région pour afficher ses "
    "communes, un territoire pour sa fiche. Les cinq départements d'outre-mer sont dessinés "
    "dans des encarts, à l'ouest de la Bretagne."))

level_col, what_col, region_col = st.columns([5, 4, 3])
level = level_col.segmented_control("Niveau", LEVELS[::-1], key="map_level",
                                    required=True, format_func=lambda lv: level_of(lv).plural_title,
                                    on_change=on_level_pick)
what = what_col.selectbox(
    "Colorer la carte par", list(CHOICES), key="map_what",
    format_func=lambda k: f"{CHOICES[k].group} · {CHOICES[k].label}",
    help="Indice global, une des 4 dimensions, un des 16 domaines ou un indicateur. Les "
         "scores (0 à 1, plus élevé = plus fragile) sont calculés pour chaque niveau à "
         "partir de ses propres valeurs, avec la méthode choisie dans la barre latérale.")
with region_col:
    st.session_state.region_select = st.session_state.atlas_region
    st.selectbox("Région", [FRANCE, *regions["code"]], key="region_select",
                 format_func=lambda c: region_names.get(c, "France entière"),
                 on_change=on_region_pick,
                 help="Ou cliquez directement une région sur la carte de France.")

search_col, options_col = st.columns([8, 3], vertical_alignment="bottom")
with search_col:
    query = st.text_input(
        "Rechercher une commune", key="search", max_chars=user_text.SEARCH_LIMIT,
        placeholder="Nom ou code INSEE, par exemple « saint etienne » ou « 42218 »",
        help="Les accents, majuscules, tirets et apostrophes sont ignorés ; « st » vaut "
             "« saint ». Validez avec Entrée, puis choisissez la commune dans la liste.")
with options_col.popover("Cadre, classes, palette", icon=":material/palette:",
                         width="stretch", disabled=what == subjects.DENSITY):
    st.session_state.map_frame = st.session_state[method.KEYS["frame"]]
    st.radio("Comparer chaque territoire à", list(method.FRAMES), key="map_frame",
             format_func=method.FRAMES.get, on_change=on_frame_pick, horizontal=True,
             help="Le même réglage que « Cadre de comparaison » dans la méthode de la "
                  "barre latérale : il vaut pour toutes les pages.")
    scheme = st.selectbox("Classes", list(SCHEME_LABELS), key="map_scheme",
                          format_func=SCHEME_LABELS.get,
                          help="Bornes des classes calculées sur tous les territoires du "
                               "niveau en France (mapclassify ; Fisher-Jenks sur 500 "
                               "quantiles au-delà de 500 territoires).")
    k = st.select_slider("Nombre de classes", [3, 4, 5, 6, 7], value=5, key="map_k")
    palette = st.selectbox(
        "Palette (adaptée aux daltoniens)", list(PALETTES), key="map_palette",
        format_func=PALETTES.get,
        help="Automatique : jaune → rouge pour les scores, bleus pour les valeurs.")
if query.strip():
    hits = data.find_communes(query)
    if hits.empty:
        st.info(user_text.no_match("Aucune commune", query))
    else:
        labels = {c: f"{n} ({c}) – {region_names.get(r, '?')}" for c, n, r
                  in zip(hits["code"], hits["name"], hits["region"], strict=True)}
        hit_key = "search_hit_" + hashlib.sha1(search_key(query).encode()).hexdigest()[:10]
        st.selectbox(f"Communes trouvées ({len(hits)})", list(labels), index=None,
                     format_func=labels.get, key=hit_key, on_change=on_search_pick,
                     args=(hit_key,), placeholder="Choisissez une commune")

region = st.session_state.atlas_region or None
selected = st.session_state.atlas_selected
current = method.current()
address = links.publish({"niveau": level, "carte": what, "region": region or "france"})
links.copy_link("carte", address)
if not method.is_default(current):
    st.info(method.describe(current), icon=":material/tune:")
if current.frame == "region" and level == "regions" and what != subjects.DENSITY \
        and not what.startswith("indicator:"):
    st.warning("Comparées au sein de leur région, les régions n'ont pas de score : chacune "
               "est seule dans son cadre de comparaison. Choisissez un autre niveau ou la "
               "France entière comme cadre.", icon=":material/info:")
show_change = (not method.is_default(current) and subjects.is_index(what)
               and st.toggle("Montrer l'effet de la méthode : évolution de la position de "
                             "chaque territoire par rapport à la méthode par défaut",
                             key="map_rank_change"))

indicator_id = what.partition(":")[2] if what.startswith("indicator:") else None
series = series_of(indicator_id) if indicator_id else None
show_evolution = series is not None and st.toggle(
    f"Évolution {series.change[0]}-{series.change[1]}", key="map_evolution",
    help="Carte de l'évolution de l'indicateur entre deux millésimes, sur les communes de "
         "2025 (une commune fusionnée depuis reçoit la somme de ses parties). Communes : "
         "valeurs publiées (ou estimées, avec leur intervalle) ; autres niveaux : valeurs "
         "recalculées à partir des communes les deux années. Un rang n'a changé que si ses "
         "intervalles des deux années ne se recouvrent pas (« évolution significative »).")

map_col, card_col = st.columns([5, 2])
with map_col:
    if show_evolution:
        payload = data.change_payload(indicator_id, level, region)
        colours = palettes.diverging(5)
        title, labels, missing = data.change_legend(indicator_id, level, region, colours)
        map_legend = Legend(title, labels, colours=colours, missing=missing,
                            note=f"Comparabilité : {series.comparability_label}.")
    elif show_change:
        payload = data.rank_change_payload(what, level, region, current)
        colours = palettes.diverging(5)
        counts = data.rank_change_counts(what, level, region, current)
        map_legend = Legend(f"{CHOICES[what].label} — évolution de la position (points de "
                            "centile)", tuple(f"{label} ({french.integer(n)})" for label, n
                                              in zip(rank_change.LABELS, counts, strict=True)),
                            colours=colours,
                            missing=f"{french.MISSING} avec l'une des méthodes")
    else:
        payload = data.layer_payload(what, level, region, scheme, k, current)
        colours = class_colours(what, palette, k)
        map_legend = legend(what, level, region, scheme, k, colours)
    layers = [Layer(level, payload, interactive=True, fit=True,
                    weight=0.2 if level == "communes" and region is None else 0.4)]
    if region is None:
        layers.append(Layer("frames", data.inset_frames(), style="frame", fit=True,
                            weight=1.0))
        if level != "regions":
            layers.append(Layer("regions_outline", data.outline_payload("regions", None),
                                style="outline", weight=1.2))
    elif level in ("communes", "epci"):
        layers.append(Layer("departements", data.outline_payload("departements", region),
                            style="outline", weight=1.6))
    leaflet_map(layers, key=MAP_KEY, highlight=selected, legend=map_legend, height=470,
                on_change=on_map_click)
    note = data.rank_note(what, level, current)
    st.caption(("Tableau de la carte ci-dessous (triable). " + note[:1].upper() + note[1:] +
                " ; « signalé » : domaine parmi les 10 % les plus fragiles.") if note
               else "Tableau de la carte ci-dessous (triable).")
    if show_evolution:
        st.caption(f"Évolution {series.change[0]}-{series.change[1]}, "
                   f"{series.comparability_label} : {series.note}")
    cards.sources(what)
with card_col:
    if selected:
        cards.territory(level, selected)
        cards.score(what, level, selected)
        cards.explanation(level, selected)
        if st.button("Ouvrir la fiche du territoire", key="open_sheet", type="primary",
                     icon=":material/description:"):
            selection.open_sheet(level, selected)
    elif region is None:
        st.info("Cliquez un territoire sur la carte, choisissez une région dans la liste "
                "ou recherchez une commune.")
    if region is not None:
        if not selected:
            cards.region(region)
            cards.score(what, "regions", region)
            cards.explanation("regions", region)
        st.button("Revenir à la France entière", on_click=show_france, key="back_to_france")

cards.map_table(what, level, region, current)
if region is not None and level == "communes":
    cards.departements(region)
