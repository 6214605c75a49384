"""Cards of the map page: one commune, one région, a région's départements."""

from functools import partial

import pandas as pd
import streamlit as st

import french
from app_pages.common import data, method
from atlas.index.composite import Method
from atlas.index.explain import explain
from atlas.maps import map_table as map_views
from atlas.maps import subjects
from french import screen_tables
from geodata import populations
from geodata.levels import level as level_of
from indicators.snapshot import snapshot_catalogue


def _name(level: str, code: str) -> str:
    names = data.table(level).set_index("code")["name"]
    return names.get(code, "?") if isinstance(code, str) else "?"


def commune(code: str) -> None:
    """Name, codes, population and area of one commune; says so when it is not drawn."""
    communes = data.table("communes")
    row = communes[communes["code"] == code].iloc[0]
    st.subheader(row["name"])
    st.markdown(
        f"**Code INSEE** : {code}  \n"
        f"**Département** : {_name('departements', row['departement'])} "
        f"({row['departement']})  \n"
        f"**Région** : {_name('regions', row['region'])} ({row['region']})  \n"
        f"**Population** : {french.population(row['population'])}  \n"
        f"**Superficie** : {french.area(row['area_km2'])}")
    source = row["population_source"]
    if isinstance(source, str) and source != populations.PRIMARY_SOURCE:
        st.caption(f"Population tirée du complément : {source}")
    if pd.isna(row["area_km2"]):
        st.warning("Cette commune n'a pas de géométrie dans la source : elle n'est pas "
                   "dessinée sur la carte (voir « Méthode & données »).")


def region(code: str) -> None:
    """Name, code, population, area and number of communes of one région."""
    regions = data.table("regions")
    row = regions[regions["code"] == code].iloc[0]
    st.subheader(row["name"])
    st.markdown(
        f"**Code région** : {code}  \n"
        f"**Population** : {french.population(row['population'])}  \n"
        f"**Superficie** : {french.area(row['area_km2'])}  \n"
        f"**Communes** : {french.integer(row['n_communes'])}")


def departements(code: str) -> None:
    """Table of the départements of one région: code, name, population, area."""
    deps = data.table("departements")
    deps = deps[deps["region"] == code]
    st.subheader(f"Départements – {_name('regions', code)}")
    st.dataframe(
        deps.assign(population=deps["population"].map(french.integer),
                    area_km2=deps["area_km2"].map(lambda v: french.area(v, 0)))
        [["code", "name", "population", "area_km2"]],
        column_config={"code": "Code", "name": "Département", "population": "Population",
                       "area_km2": "Superficie"},
        hide_index=True, width="stretch", placeholder=french.MISSING)


def territory(level: str, code: str) -> None:
    """The card of one territory of any level."""
    if level == "communes":
        commune(code)
    elif level == "regions":
        region(code)
    else:
        table = data.table(level)
        row = table[table["code"] == code].iloc[0]
        st.subheader(row["name"])
        kind = "Département" if level == "departements" else "EPCI"
        st.markdown(
            f"**Code {kind.lower() if level == 'departements' else 'SIREN'}** : {code}  \n"
            f"**Population** : {french.population(row['population'])}  \n"
            f"**Superficie** : {french.area(row['area_km2'])}  \n"
            f"**Communes** : {french.integer(row['n_communes'])}")


def score(key: str, level: str, code: str) -> None:
    """The mapped value of one territory, with its rank and flags when it is a score."""
    if key == subjects.DENSITY:
        return
    view = data.map_view(key, level, method.current())
    label = subjects.choices_by_key()[key].label
    if code not in view.table.index:
        return
    row = view.table.loc[code]
    if pd.isna(row["value"]):
        reason = f" ({row['reason']})" if isinstance(row["reason"], str) else ""
        st.markdown(f"**{label}** : {french.MISSING}{reason}")
        return
    text = f"**{label}** : {map_views.value_text(view, row['value'])}"
    if not pd.isna(row["rank"]):
        text += f" — {map_views.rank_text(view, code)}"
    st.markdown(text)
    if key.startswith("domain:"):
        if not pd.isna(row["flagged"]) and row["flagged"]:
            st.markdown(":red-badge[Signalé] ce domaine est parmi les 10 % les plus "
                        "fragiles de son cadre de comparaison.")
        return
    if pd.isna(row["flagged"]):
        return
    flagged, possible = int(row["flagged"]), map_views.domain_count(key)
    scored = possible if pd.isna(row["scored"]) else int(row["scored"])
    out_of = (f", sur {french.integer(scored)} domaine{'s' if scored > 1 else ''} "
              f"renseigné{'s' if scored > 1 else ''} ({french.integer(possible - scored)} sans "
              "score faute de données)") if scored < possible else ""
    if flagged:
        plural = "s" if flagged > 1 else ""
        st.markdown(f":red-badge[Signalé] {french.integer(flagged)} domaine{plural} parmi les "
                    f"10 % les plus fragiles de son cadre de comparaison{out_of}.")
    elif out_of:
        st.caption(f"Aucun domaine parmi les 10 % les plus fragiles{out_of} : un domaine "
                   "sans score n'est ni signalé ni « non signalé ».")


TABLE_KEY = "map_table_shown"
STYLED_ROWS = 5_000
"""Largest map table whose numbers are written the French way on the server."""


def map_table(key: str, level: str, region: str | None, current: Method) -> None:
    """The map's data as a sortable table (same values, ranks and flags as the map)."""
    view = data.map_view(key, level, current)
    rows = map_views.in_region(view, region)
    label = subjects.choices_by_key()[key].label
    scope = "France entière" if region is None else _name("regions", region)
    st.subheader(f"Tableau de la carte — {label}, {level_of(level).plural}, {scope}")
    if not st.toggle(f"Afficher le tableau ({french.integer(len(rows))} territoires)",
                     key=TABLE_KEY, help="Le tableau n'est envoyé au navigateur que s'il "
                     "est affiché : la carte reste rapide quand plusieurs personnes "
                     "l'utilisent."):
        download_level(level, current)
        return
    columns = ["code", "name", "value", "note", "rank", "frame_size", "flagged", "scored",
               "coverage", "reason"]
    shown = rows.reset_index()[[c for c in columns if c in rows.columns or c == "code"]]
    for text in ("note", "reason"):  # an empty cell, never « None »
        if text in shown.columns:
            shown[text] = shown[text].astype(object).where(shown[text].notna(), "")
    index = subjects.is_index(key)
    # French numbers that still sort as numbers (french.screen_tables), with no `format`
    # below. The Styler writes each cell in Python (3 s for the 35,000 communes at every
    # run): above STYLED_ROWS rows, Streamlit writes the numbers in the browser's language.
    styled = len(shown) <= STYLED_ROWS
    number = None if styled else "localized"
    st.dataframe(
        screen_tables.styled(  # a blank rank or count where the value is missing
            shown, percent=["coverage"], missing="",
            writers={"value": partial(french.number, decimals=view.decimals)})
        if styled else shown,
        hide_index=True, width="stretch", height=320,
        column_config={
            "code": "Code", "name": "Territoire",
            "value": st.column_config.NumberColumn(
                "Score" if index else f"Valeur ({view.unit})", format=number),
            "note": st.column_config.TextColumn(
                "Repose sur", help="Valeur officielle, recalculée (part de la population "
                "couverte), estimée (intervalle), faible effectif, indice partiel ; vide "
                "pour une valeur publiée telle quelle."),
            "rank": st.column_config.NumberColumn("Rang", help=map_views.rank_note(view)),
            "frame_size": st.column_config.NumberColumn("Sur"),
            "flagged": st.column_config.NumberColumn(
                "Domaines signalés",
                help="Domaines parmi les 10 % les plus fragiles du cadre de comparaison, "
                     "comptés parmi les domaines renseignés (colonne suivante)"),
            "scored": st.column_config.NumberColumn(
                "Domaines renseignés",
                help="Domaines qui ont un score : un domaine sans données n'est compté ni "
                     "comme signalé ni comme non signalé"),
            "coverage": st.column_config.NumberColumn(
                "Couverture", format=None if styled else "percent",
                help="Part de la population du territoire sur laquelle repose la valeur."),
            "reason": f"Si {french.MISSING} : pourquoi"},
        column_order=None if key != subjects.DENSITY else ["code", "name", "value", "reason"],
        placeholder=french.MISSING)
    st.caption(f"{french.integer(len(rows))} territoires ; cliquez un en-tête de colonne pour "
               "trier.")
    download_level(level, current)


def download_level(level: str, current: Method) -> None:
    """Download every territory of ``level`` (indicators, scores, sources), built on click."""
    choices = {"xlsx": ("Excel (feuilles données, sources, lecture)", "application/"
                        "vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
               "csv": ("CSV (zip avec les sources)", "application/zip", "zip"),
               "parquet": ("Parquet (zip avec les sources)", "application/zip", "zip"),
               "gpkg": ("GeoPackage (avec les contours)", "application/geopackage+sqlite3",
                        "gpkg")}
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    fmt_key = left.selectbox("Format", list(choices), format_func=lambda k: choices[k][0],
                             key=f"download_format_{level}")
    right.download_button(
        f"Télécharger les données des {level_of(level).plural}",
        data=lambda: data.level_file(level, fmt_key, current),
        file_name=f"atlas_{level}.{choices[fmt_key][2]}", mime=choices[fmt_key][1],
        on_click="ignore", icon=":material/download:", key=f"download_level_{level}",
        help="Une ligne par territoire : valeur utilisée de chaque indicateur, son statut et "
             "sa couverture, scores des domaines, dimensions et indice global (avec le "
             "nombre de domaines), rang ; les sources et une notice de lecture "
             "accompagnent le fichier.")


def sources(key: str) -> None:
    """Sources and vintages of the indicators behind the map, one click away."""
    if key == subjects.DENSITY:
        st.caption("Population : INSEE, populations légales 2023 (Mayotte : recensement "
                   "2017) ; superficie calculée sur les géométries.")
        return
    indicators = subjects.indicators_of(key)
    with st.expander(f"Sources de cette carte ({len(indicators)} indicateur"
                     f"{'s' if len(indicators) > 1 else ''})"):
        lines = sorted({subjects.source_line(i) for i in indicators})
        st.markdown("\n".join(f"- {line}" for line in lines))
        if len(indicators) <= 6:
            st.markdown("\n".join(f"- **{i.label}** ({i.unit}) : {i.description}"
                                   for i in indicators))


def domain_lines(items: list, fragile: bool) -> str:
    """Markdown list of the most (``fragile``) or least fragile domains and their drivers."""
    catalogue = snapshot_catalogue()
    lines = []
    for item in (i for i in items if i.fragile is fragile):
        drivers = " ; ".join(
            f"{catalogue.by_id(d.indicator).label} : "
            f"{french.quantity(d.value, catalogue.by_id(d.indicator).unit)}"
            for d in item.drivers)
        lines.append(f"- **{item.label}** — rang {french.rank(item.rank, item.frame_size)}. "
                     f"{drivers}")
    return "\n".join(lines) or "- aucun"


def explanation(level: str, code: str) -> None:
    """The territory's three most and least fragile domains, and the indicators behind."""
    result = data.indices(level, method.current())
    if code not in result.domain_scores.index:
        return
    items = explain(result, code)
    if not items:
        st.caption("Aucun domaine n'a assez de données pour ce territoire.")
        return
    with st.expander("Pourquoi ? Domaines les plus et les moins fragiles", expanded=False):
        for fragile in (True, False):
            st.markdown("**Plus fragiles**" if fragile else "**Moins fragiles**")
            st.markdown(domain_lines(items, fragile))
        st.caption("Rang 1 = le plus fragile du cadre de comparaison pour ce niveau ; "
                   "pour chaque domaine, les indicateurs qui pèsent le plus.")
