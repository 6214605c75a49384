"""The « Méthode & données » page (AppTest) and its tables (:mod:`indicators.catalogue_tables`)."""

from __future__ import annotations

import pandas as pd
import pytest
from app_support import displayed, open_app, table_with
from streamlit.testing.v1 import AppTest

import french
from geodata import store
from geodata.search import search_key
from indicators import catalogue_tables
from indicators.catalogue import load_catalogue
from indicators.domains import DOMAINS

PAGE = "app_pages/donnees.py"


@pytest.fixture
def page() -> AppTest:
    return open_app(PAGE)


def catalogue_table(at: AppTest) -> pd.DataFrame:
    return table_with(at, "Identifiant")


def count_caption(at: AppTest) -> str:
    (caption,) = [c.value for c in at.caption if "affiché" in c.value]
    return caption


def test_page_title_and_sections(page):
    assert not page.exception
    assert page.title[0].value == "Méthode & données"
    headers = [h.value for h in page.header]
    for header in ("Indicateurs", "Sources et millésimes", "Couverture par domaine",
                   "Méthode de calcul des indices", "Réserves connues sur les données",
                   "Contours des communes"):
        assert header in headers
    assert "Sources des indicateurs" in [h.value for h in page.subheader]
    n = len(load_catalogue().indicators)
    assert len(catalogue_table(page)) == n
    assert count_caption(page).startswith(f"{n} indicateurs affichés sur {n}")


@pytest.mark.parametrize("query", ["chômage", "chomage", "CHÔMAGE"])
def test_filter_is_accent_and_case_insensitive(page, query):
    page.text_input(key="donnees_filter").input(query).run()
    assert not page.exception
    shown = catalogue_table(page)
    assert 0 < len(shown) < len(load_catalogue().indicators)
    haystack = shown[list(catalogue_tables.SEARCHED)].astype(str).agg(" ".join, axis=1)
    assert haystack.map(search_key).str.contains("chomage").all()
    assert count_caption(page).startswith(f"{len(shown)} indicateurs affichés")


def test_filter_by_id_source_and_nothing_found(page):
    page.text_input(key="donnees_filter").input("unemployment_rate_2022").run()
    assert catalogue_table(page)["Identifiant"].tolist() == ["unemployment_rate_2022",
                                                             "youth_unemployment_rate_2022"]
    page.text_input(key="donnees_filter").input("drees").run()
    assert catalogue_table(page)["Source"].str.contains("DREES").all()
    page.text_input(key="donnees_filter").input("xyzzy").run()
    assert catalogue_table(page).empty
    assert count_caption(page).startswith("0 indicateur affiché sur")


def test_domain_and_dimension_filters(page):
    page.multiselect(key="donnees_domains").select("Santé").run()
    shown = catalogue_table(page)
    expected = len(load_catalogue().in_domain("health"))
    assert len(shown) == expected and set(shown["Domaine"]) == {"Santé"}
    page.multiselect(key="donnees_domains").unselect("Santé")
    page.multiselect(key="donnees_dimensions").select("Environnementale").run()
    assert set(catalogue_table(page)["Dimension"]) == {"Environnementale"}


def test_sources_table_has_licences_urls_and_counts(page):
    sources = table_with(page, "Jeu de données")
    assert "Licence" in sources.columns
    catalogue = load_catalogue()
    assert len(sources) == len(catalogue.sources)
    assert (sources["Licence"].str.len() > 0).all()
    assert sources["Indicateurs"].sum() == len(catalogue.indicators)
    with_url = sum(bool(s.url) for s in catalogue.sources.values())
    assert (sources["Adresse"] != "non disponible").sum() == with_url
    assert sources["Adresse"].str.startswith(("https://", "http://", "non disponible")).all()


def test_coverage_by_domain_has_the_16_domains(page):
    (domains,) = [d.value for d in page.dataframe
                  if list(d.value.columns)[:2] == ["Domaine", "Dimension"]
                  and "Identifiant" not in d.value.columns]
    assert len(domains) == 16
    assert domains["Domaine"].tolist() == [d.label for d in DOMAINS]
    assert domains["Communes couvertes"].between(0, 1).all()
    assert domains["Population couverte"].between(0, 1).all()
    assert domains["Indicateurs"].sum() == len(load_catalogue().indicators)


def test_method_section_names_the_rules_and_the_current_choices(page):
    text = "\n".join(m.value for m in page.markdown)
    for rule in ("au moins la moitié", "90e centile", "intervalle à 90", "1\u202f000 variantes",
                 "Dirichlet"):
        assert rule in text, rule
    assert any("Méthode par défaut" in c.value for c in page.caption)
    page.session_state["method_frame"] = "region"
    page.run()
    assert any("comparaison au sein de la région" in i.value and "Ils se règlent" in i.value
               for i in page.info)
    options = table_with(page, "Signification")
    assert set(options["Réglage"]) == {"Normalisation", "Cadre de comparaison",
                                       "Agrégation", "Poids", "Immigrés et étrangers"}


def test_the_normative_choice_on_origin_is_stated_with_its_precedents(page):
    text = "\n".join(m.value for m in page.markdown)
    assert "Un choix normatif : immigrés et étrangers" in [s.value for s in page.subheader]
    for words in ("choix normatif", "SVI) du CDC/ATSDR", "« nationalité étrangère »",
                  "défavorisation (EDI)", "Exclure de l'indice les parts d'immigrés et "
                  "d'étrangers", "2 signalés sur 14 domaines renseignés"):
        assert words in text, words


def test_known_defects_come_from_the_catalogue_and_the_geometries(page):
    caveats = table_with(page, "Réserve")
    catalogue = load_catalogue()
    expected = (sum(bool(s.caveats) for s in catalogue.sources.values())
                + sum(bool(i.caveats) for i in catalogue.indicators))
    assert len(caveats) == expected > 0
    assert any("secret statistique" in r for r in caveats["Réserve"])
    repairs = table_with(page, "evidence")
    assert repairs.shape[0] == len(store.report()["repair"]["repairs"])
    surfaces = displayed(page, "evidence")["km2"]  # « 0,123 » on screen, numbers behind
    assert list(surfaces) == [french.number(v, 3) for v in repairs["km2"]]


def test_filter_table_on_a_tiny_frame():
    table = pd.DataFrame({"Indicateur": ["Taux de chômage", "Médecins généralistes (APL)"],
                          "Domaine": ["Emploi / chômage / insertion", "Santé"],
                          "Dimension": ["Économique", "Sociétale"],
                          "Source": ["INSEE, RP", "DREES, APL"],
                          "Identifiant": ["unemployment_rate", "apl"]})
    assert catalogue_tables.filter_table(table)["Identifiant"].tolist() == [
        "unemployment_rate", "apl"]
    assert catalogue_tables.filter_table(table, "sante")["Identifiant"].tolist() == ["apl"]
    assert catalogue_tables.filter_table(table, "Généralistes drees")["Identifiant"].tolist() == [
        "apl"]
    assert catalogue_tables.filter_table(table, "insee sante").empty
    assert catalogue_tables.filter_table(table, dimensions=("Sociétale",))[
        "Identifiant"].tolist() == ["apl"]


def test_with_ids_refuses_a_table_of_another_length():
    with pytest.raises(ValueError, match="rows for"):
        catalogue_tables.with_ids(pd.DataFrame({"Indicateur": ["x"]}))


def test_series_and_their_comparability_are_listed_with_counts_per_domain(page):
    catalogue = load_catalogue()
    assert "Évolutions dans le temps" in [h.value for h in page.header]
    series = table_with(page, "Comparabilité")
    assert len(series) == len(catalogue.series)
    vacancy = series.set_index("Indicateur").loc["Taux de logements vacants"]
    assert vacancy["Millésimes"] == "2018, 2021" and vacancy["Évolution calculée"] == "2018-2021"
    assert vacancy["Comparabilité"] == "à interpréter avec prudence"
    assert "cinq ans" in vacancy["Note"]
    crime = series.set_index("Indicateur").loc["Violences aux personnes pour 1 000 habitants"]
    assert "renommé des catégories" in crime["Note"]  # the SSMSI grouping is said
    (line,) = [m.value for m in page.markdown if "millésimes comparables" in m.value]
    assert line.startswith(f"{len(catalogue.series)} indicateurs") and "(4)" in line
