"""Page « Données et méthode » : sources, repairs and defects left in the geometries."""

import pandas as pd
import streamlit as st

from app_pages import data, fmt
from atlas import webmap
from geodata import populations, simplify

report = data.report()
repair = report["repair"]
communes = data.table("communes")
departements = data.table("departements").set_index("code")["name"]


def departement_label(code: str) -> str:
    """« Cantal (15) »."""
    return f"{departements.get(code, '?')} ({code})"


st.title("Données et méthode")

st.header("Sources et millésimes")
st.markdown("\n".join(f"- **{fmt.SOURCE_LABELS.get(key, key)}** : {source}"
                       for key, source in report["sources"].items()))
st.caption(f"Géométries construites le {fmt.date(report['built_at'])} "
           f"(en {fmt.decimal(report['build_seconds'], 1)} s).")

st.header("Indicateurs")
indicators = data.indicator_table()
st.caption(f"{len(indicators)} indicateurs officiels sur les 16 domaines. La couverture est la "
           "part des communes (et de la population) qui ont une valeur ; une source faible, "
           "ancienne, partielle ou remise en forme par un tiers le dit dans « Réserves ».")
st.dataframe(indicators, hide_index=True, width="stretch", column_config={
    "Communes couvertes": st.column_config.ProgressColumn(format="percent", min_value=0,
                                                          max_value=1),
    "Population couverte": st.column_config.ProgressColumn(format="percent", min_value=0,
                                                           max_value=1)})

st.header("Territoires")
counts = report["counts"]
columns = st.columns(len(counts))
for column, (level, count) in zip(columns, counts.items(), strict=True):
    column.metric(fmt.LEVEL_LABELS.get(level, level), fmt.integer(count))

st.header("Communes sans géométrie")
missing = pd.DataFrame(repair["without_geometry"], columns=["code", "name", "departement"])
st.warning(f"{len(missing)} communes n'ont aucune géométrie dans la source : elles ne sont "
           "pas dessinées sur les cartes et n'ont pas de superficie, mais elles restent "
           "dans les tableaux, la recherche et les totaux de population.")
st.dataframe(missing.assign(departement=missing["departement"].map(departement_label)),
             column_config={"code": "Code INSEE", "name": "Commune",
                                     "departement": "Département"},
             hide_index=True, width="stretch")

st.header("Réparations des géométries")
repairs = pd.DataFrame(repair["repairs"], columns=["code", "name", "action", "km2", "evidence"])
st.markdown(f"{len(repairs)} réparations, {fmt.decimal(repairs['km2'].sum(), 1)} km² "
            f"au total ; géométries invalides avant réparation : "
            f"{fmt.integer(repair['invalid_before'])}.")
st.dataframe(repairs.assign(action=repairs["action"].map(fmt.report_wording),
                            evidence=repairs["evidence"].map(fmt.report_wording)),
             column_config={"code": "Code INSEE", "name": "Commune", "action": "Réparation",
                            "km2": st.column_config.NumberColumn("Surface (km²)",
                                                                 format="%.3f"),
                            "evidence": "Justification"},
             hide_index=True, width="stretch")

st.header("Défauts restants")
quality = report["quality"]
st.markdown(
    f"- Trous restants dans le pavage de la métropole : {fmt.integer(quality['holes'])}, "
    f"{fmt.decimal(quality['holes_km2'])} km² au total.\n"
    f"- Chevauchements entre communes voisines : {fmt.integer(quality['overlap_pairs'])} "
    f"paires, {fmt.decimal(quality['overlap_km2'])} km².\n"
    f"- Enclave étrangère : {fmt.decimal(quality['enclaves_km2'])} km² (laissée vide, "
    "ce n'est pas un défaut).")
holes = pd.DataFrame(repair["holes_left"] + repair["foreign_enclaves"],
                     columns=["km2", "neighbours", "reason", "lon", "lat"])
st.dataframe(holes.assign(neighbours=holes["neighbours"].map(", ".join),
                          reason=holes["reason"].map(fmt.report_wording)),
             column_config={"km2": st.column_config.NumberColumn("Surface (km²)",
                                                                 format="%.3f"),
                            "neighbours": "Communes voisines", "reason": "Motif",
                            "lon": "Longitude", "lat": "Latitude"},
             hide_index=True, width="stretch")

st.header("Populations complétées")
filled = communes[communes["population_source"].notna()
                  & (communes["population_source"] != populations.PRIMARY_SOURCE)]
absent = communes[communes["population"].isna()]
st.markdown(f"La source principale n'a pas de population pour {len(filled)} communes : "
            f"elle vient du complément. Communes encore sans population : {len(absent)}.")
st.dataframe(filled.assign(population=filled["population"].map(fmt.integer),
                           departement=filled["departement"].map(departement_label))
             [["code", "name", "departement", "population", "population_source"]],
             column_config={"code": "Code INSEE", "name": "Commune",
                            "departement": "Département", "population": "Population",
                            "population_source": "Source"},
             hide_index=True, width="stretch")

st.header("Méthode de la carte")
tolerances = ", ".join(f"{view} : {fmt.decimal(tol, 3)}°"
                       for view, tol in simplify.VIEW_TOLERANCES.items())
st.markdown(
    "- Les contours sont simplifiés par `shapely.coverage_simplify`, qui simplifie chaque "
    f"frontière commune une seule fois : les voisins restent jointifs ({tolerances}). Les "
    "superficies sont calculées sur les géométries d'origine, dans une projection à "
    "surfaces exactes (ETRS89-LAEA en métropole, projections locales outre-mer).\n"
    "- Les cinq départements d'outre-mer sont déplacés dans des encarts, chacun à sa propre "
    "échelle.\n"
    f"- Classes de densité (hab./km²) : {' ; '.join(webmap.density_legend())}. Une "
    "population ou une superficie manquante donne une classe « non disponible » (gris), "
    "jamais zéro.\n"
    "- La carte fonctionne hors ligne : pas de fond de carte, Leaflet est servi depuis le "
    "paquet Python installé.")
