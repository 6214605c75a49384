"""The « Territoire » page with AppTest: search, content of a sheet, method, twins."""

from pathlib import Path

import pandas as pd
import pytest
from app_support import displayed
from streamlit.testing.v1 import AppTest

import french
from atlas.index.composite import Method
from atlas.index.level_indices import level_indices
from atlas.reports import territory_profile as view
from atlas.reports.territory import describe
from geodata import store
from geodata.hierarchy import parent_of
from indicators import snapshot

ROOT = Path(__file__).resolve().parents[1]
PAGE = "app_pages/territoire.py"


@pytest.fixture(scope="module", autouse=True)
def built():
    store.ensure_built()


def open_page(level: str | None = None, code: str | None = None, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300).run()
    at.switch_page(PAGE)
    if level:
        at.session_state["atlas_territory_level"] = level
        at.session_state["atlas_territory_code"] = code
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception
    return at


KEY_COLUMNS = {"profile": "Ce territoire", "scores": "Intervalle de rang à 90 %",
               "indicators": "Source et millésime", "twins": "Distance",
               "perceived": "Score de priorité"}


def frames(at: AppTest, table: str) -> list:
    """The tables of one kind, recognised by a column of their own."""
    return [d.value for d in at.dataframe if KEY_COLUMNS[table] in d.value.columns]


def frame(at: AppTest, table: str):
    (found,) = frames(at, table)
    return found


def texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                     + [s.value for s in at.subheader] + [w.value for w in at.warning]
                     + [i.value for i in at.info])


@pytest.fixture(scope="module")
def saint_etienne() -> AppTest:
    return open_page("communes", "42218")


def test_without_a_territory_the_page_offers_the_search():
    at = open_page()
    assert at.title[0].value == "Fiche du territoire"
    assert at.text_input(key="territoire_search")
    assert "Recherchez un territoire" in at.info[0].value
    assert not at.header


def test_search_by_name_then_pick(saint_etienne):
    at = open_page()
    at.text_input(key="territoire_search").input("saint etienne").run()
    hits = at.selectbox(key="territoire_search_hit")
    assert hits.options[0] == "Saint-Étienne (42218) – commune"  # exact name first
    assert any("Saint-Etienne Métropole" in option for option in hits.options)  # an EPCI
    hits.set_value("communes:42218").run()
    assert not at.exception
    assert at.session_state["atlas_territory_code"] == "42218"
    assert at.header[0].value == "Saint-Étienne"
    # Opening a twin's sheet clears the pick, so that the list does not contradict it.
    twin = frame(at, "twins")["Code"].iloc[0]
    at.button(key=f"territoire_twin_{twin}").click().run()
    assert at.session_state["atlas_territory_code"] == twin
    assert at.selectbox(key="territoire_search_hit").value is None


def test_search_by_code_finds_every_level():
    at = open_page()
    at.text_input(key="territoire_search").input("42").run()
    options = at.selectbox(key="territoire_search_hit").options
    assert options[0] == "Loire (42) – département"
    at.selectbox(key="territoire_search_hit").set_value("departements:42").run()
    assert at.header[0].value == "Loire"
    at.text_input(key="territoire_search").input("zzzz").run()
    assert any("Aucun territoire" in i.value for i in at.info)


def test_header(saint_etienne):
    text = texts(saint_etienne)
    assert saint_etienne.header[0].value == "Saint-Étienne"
    assert "code 42218" in text
    assert "Loire (42)" in text and "Auvergne-Rhône-Alpes (84)" in text
    territory = describe("communes", "42218")
    assert french.population(territory.population) in text
    assert french.area(territory.area_km2) in text


def test_profile_against_departement_region_and_france(saint_etienne):
    profile = frame(saint_etienne, "profile")
    assert len(profile) == 16
    assert list(profile.columns) == [
        "Domaine", "Ce territoire", "Médiane des communes du département (Loire)",
        "Médiane des communes de la région (Auvergne-Rhône-Alpes)",
        "Médiane des communes de France"]
    result = level_indices("communes")
    health = profile.set_index("Domaine").loc["Santé"]
    assert health["Ce territoire"] == french.number(result.domain_scores.loc["42218",
                                                                           "health"], 2)
    assert health["Médiane des communes de France"] == french.number(
        result.domain_scores["health"].median(), 2)
    assert "médiane des scores de domaine" in texts(saint_etienne)
    charts = [c for c in saint_etienne.get("vega_lite_chart") if '"score"' in c.proto.spec]
    assert len(charts) == 1  # the profile (the series of « Évolution » are another chart)
    legend = [h.proto.body for h in saint_etienne.get("html") if "Ce territoire" in h.proto.body]
    assert len(legend) == 1 and "Département&nbsp;: Loire" in legend[0]  # whole on a phone


def test_scores_ranks_intervals_and_flags(saint_etienne):
    scores = frame(saint_etienne, "scores").set_index("Score")
    assert list(scores.index) == ["Sociétale", "Économique", "Sociale", "Environnementale",
                                  "Indice global"]
    result = level_indices("communes")
    rank = int(result.ranks.loc["42218", "overall"])
    overall = scores.loc["Indice global"]
    assert overall["Valeur"] == french.number(result.overall.loc["42218"], 2)
    assert overall["Rang"].startswith(f"{french.integer(rank)} sur ")
    size = int(overall["Rang"].split(" sur ")[1].replace(french.NNBSP, ""))
    assert overall["Lecture"] == french.rank_reading(rank, size, "communes")
    assert overall["Lecture"].startswith("parmi les ")
    low, high = (int(v.replace(french.NNBSP, "")) for v in
                 overall["Intervalle de rang à 90 %"].split(" à "))
    assert 1 <= low <= high <= 34_875
    text = texts(saint_etienne)
    assert "200 variantes" in text
    assert "Domaines signalés" in text and "Sécurité / délinquance" in text


def test_explanations(saint_etienne):
    text = texts(saint_etienne)
    assert "Les plus fragiles" in text and "Les moins fragiles" in text
    assert text.count("— rang ") >= 6


def test_indicator_table_with_sources(saint_etienne):
    table = frame(saint_etienne, "indicators")
    assert {"Valeur", "Unité", "Région", "France", "Source et millésime",
            "Millésime"} <= set(table.columns)
    assert (table["Millésime"].str.len() > 0).all()
    assert all(vintage in source for vintage, source in
               zip(table["Millésime"], table["Source et millésime"], strict=True))
    assert (table["Indicateur"] == "Revenu disponible médian par unité de consommation").any()
    # Numbers sort as numbers and read in French; missing values are said, never written 0.
    values = level_indices("communes").values.loc["42218"]
    shown = displayed(saint_etienne, "Millésime")
    assert pd.api.types.is_float_dtype(table["Valeur"])
    assert table["Valeur"].isna().sum() == values.isna().sum()
    assert (shown["Valeur"] == french.MISSING).sum() == values.isna().sum()
    for value, text in zip(table["Valeur"], shown["Valeur"], strict=True):
        assert text == french.indicator_value(value) and "." not in text
    assert all("." not in text for text in shown["France"])


def test_twins(saint_etienne):
    twins = frame(saint_etienne, "twins")
    assert len(twins) == 5
    shown = displayed(saint_etienne, "Distance")
    assert pd.api.types.is_numeric_dtype(twins["Population"])  # sorted as numbers
    assert all(french.NNBSP in text for text in shown["Population"])  # « 45 123 »
    assert all("," in text and "." not in text for text in shown["Distance"])
    assert "42218" not in set(twins["Code"])
    assert "exclus faute" in texts(saint_etienne)
    first = twins["Code"].iloc[0]
    saint_etienne.button(key=f"territoire_twin_{first}").click().run()
    assert saint_etienne.session_state["atlas_territory_code"] == first
    assert saint_etienne.header[0].value == twins["Territoire"].iloc[0]
    saint_etienne.session_state["atlas_territory_code"] = "42218"
    saint_etienne.run()


def test_perceived_priorities_are_labelled_simulated(saint_etienne):
    (section,) = [s.value for s in saint_etienne.subheader if "Priorités perçues" in s.value]
    assert "données simulées" in section
    assert any("simulées" in w.value for w in saint_etienne.warning)
    tables = frames(saint_etienne, "perceived")
    assert 1 <= len(tables) <= 2  # its département (where estimable) and its région
    assert all(1 <= len(t) <= 5 for t in tables)
    assert all(set(t["Estimation"]) <= {"fiable", "fragile (petit effectif)"} for t in tables)
    titles = [m.value for m in saint_etienne.markdown if m.value.startswith("**Citoyens")]
    assert titles and all(t.startswith(("**Citoyens du département", "**Citoyens de la région"))
                          for t in titles)


def test_pdf_and_data_download_buttons(saint_etienne):
    pdf, data = saint_etienne.get("download_button")
    assert pdf.proto.label.startswith("Télécharger la fiche PDF")
    assert data.proto.label == "Télécharger les données du territoire (JSON)"
    for button in (pdf, data):
        assert button.proto.deferred_file_id  # built on click, not at every run


def test_non_default_method_is_applied_and_said():
    at = open_page("communes", "31555", method_normalisation="minmax")
    assert not at.exception
    assert any("Méthode modifiée" in i.value for i in at.info)
    result = level_indices("communes", Method(normalisation="minmax"))
    scores = frame(at, "scores").set_index("Score")
    assert scores.loc["Indice global", "Valeur"] == french.number(result.overall.loc["31555"], 2)
    assert "La fiche PDF et les données sont calculées avec la méthode modifiée" in texts(at)


@pytest.mark.parametrize("level, code, name, references", [
    ("epci", "244200770", "Saint-Etienne Métropole", 2),
    ("departements", "42", "Loire", 2),
    ("regions", "84", "Auvergne-Rhône-Alpes", 1),
])
def test_other_levels(level, code, name, references):
    at = open_page(level, code)
    assert at.header[0].value == name
    profile = frame(at, "profile")
    assert len(profile.columns) == 2 + references
    twins = frame(at, "twins")
    assert len(twins) == 5 and code not in set(twins["Code"])
    assert ("Région" in frame(at, "indicators").columns) is (level != "regions")


def test_unknown_territory():
    at = open_page("communes", "99999")
    assert "Territoire inconnu" in at.error[0].value


def test_no_code_comment_leaks_onto_the_page(saint_etienne):
    # Streamlit's "magic" writes any bare string of the page script: none may be left.
    assert not any(word in m.value for m in saint_etienne.markdown
                   for word in ("SVG", "Vega", "Streamlit"))


def test_a_commune_without_geometry_nor_score():
    at = open_page("communes", "15031")  # Celles (Cantal): no geometry in the source
    assert at.header[0].value == "Celles"
    assert f"**Superficie** : {french.MISSING}" in texts(at)
    assert (frame(at, "scores")["Valeur"] == french.MISSING).all()
    assert "Pas de jumeaux" in texts(at) and "densité" in texts(at)


# --- the computations behind the page (atlas.reports.territory_profile) ---------------------------

def test_peers_of_a_commune():
    communes = store.attributes("communes").set_index("code")
    groups = view.peers(describe("communes", "42218"), parent_of("communes", "regions"),
                        communes["departement"])
    assert [label for label, _ in groups] == [
        "Médiane des communes du département (Loire)",
        "Médiane des communes de la région (Auvergne-Rhône-Alpes)",
        "Médiane des communes de France"]
    sizes = [len(codes) for _, codes in groups]
    assert sizes == [(communes["departement"] == "42").sum(),
                     (communes["region"] == "84").sum(), len(communes)]


def test_profile_medians_are_taken_over_the_group():
    result = level_indices("departements")
    territory = describe("departements", "42")
    groups = view.peers(territory, parent_of("departements", "regions"))
    profile = view.domain_profile(result, territory, groups)
    deps = store.attributes("departements")
    ara = deps.loc[deps["region"] == "84", "code"]
    expected = result.domain_scores.loc[ara, "housing"].median()
    assert profile.loc["housing", groups[0][0]] == pytest.approx(expected)
    assert profile.loc["housing", "score"] == result.domain_scores.loc["42", "housing"]
    long = view.long_profile(profile)
    assert set(long["series"]) == {"Ce territoire", *(label for label, _ in groups)}


def test_score_table_ranks_and_intervals():
    result = level_indices("regions")
    uncertainty = view.rank_intervals("regions", n_variants=20)
    table = view.score_table(result, "84", uncertainty)
    assert list(table.index) == ["societal", "economic", "social", "environmental",
                                 "overall"]
    scored = [*result.dimension_scores.notna().sum(), result.overall.notna().sum()]
    assert table["frame_size"].tolist() == scored  # régions with a score (overseas lack some)
    assert ((table["rank_low"] >= 1) & (table["rank_low"] <= table["rank_high"])
            & (table["rank_high"] <= table["frame_size"])).all()
    assert table.loc["overall", "rank"] == result.ranks.loc["84", "overall"]
    # the rank shown always lies in its interval
    ranked = table["rank"].notna()
    assert ((table["rank_low"] <= table["rank"]) & (table["rank"] <= table["rank_high"])
            )[ranked].all()


def test_interval_is_widened_to_the_rank_shown():
    result = level_indices("communes")
    uncertainty = view.rank_intervals("communes", n_variants=20)
    rank = result.ranks["overall"].astype("float64")
    outside = ((rank < uncertainty.rank_low["overall"])
               | (rank > uncertainty.rank_high["overall"]))
    assert outside.sum() > 0  # the method's own rank is not always in the central 90 %
    code = outside[outside].index[0]
    low, high = view.rank_interval(uncertainty, code, "overall", rank[code])
    assert low <= rank[code] <= high
    assert (low, high) != (uncertainty.rank_low.loc[code, "overall"],
                           uncertainty.rank_high.loc[code, "overall"])


def test_indicator_table_references():
    rows = view.indicator_table("communes", "42218", "84")
    regions = snapshot.values("regions")
    income = rows.set_index("id").loc["median_income_2021"]
    assert income["region_value"] == pytest.approx(regions.loc["84", "median_income_2021"])
    assert "Filosofi" in income["source"]
    assert view.indicator_table("regions", "84", "84")["region_value"].isna().all()


def test_search_text_is_shown_as_typed_not_as_markdown():
    at = open_page()
    assert at.text_input(key="territoire_search").max_chars == 100
    at.text_input(key="territoire_search").input("![x](https://example.org/a.png) **gras** "
                                                 ":red[rouge] $x^2$").run()
    message = next(i.value for i in at.info if "Aucun territoire" in i.value)
    assert message == ("Aucun territoire ne correspond à « \\!\\[x\\]\\(https\u2060\\:"
                       "//example\\.org/a\\.png\\) \\*\\*gras\\*\\* \\:red\\[rouge\\] "
                       "\\$x\\^2\\$ ».")


def test_series_of_every_indicator_with_several_vintages():
    """Saint-Denis (93066) absorbed Pierrefitte (93059) in 2025: its series are those of
    the 2025 commune, the two communes' counts summed."""
    import json

    from streamlit import dataframe_util

    at = open_page("communes", "93066")
    (chart,) = [c for c in at.get("vega_lite_chart") if '"vintage"' in c.proto.spec]
    spec = json.loads(chart.proto.spec)
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    (dataset,) = chart.proto.datasets
    points = dataframe_util.convert_arrow_bytes_to_pandas_df(dataset.data.data)
    vacancy = points[points["indicator"] == "Taux de logements vacants (%)"]
    assert vacancy["vintage"].tolist() == [2018, 2021]
    summed = 100 * (682.616 + 3004.187) / (11351.974 + 48627.848)
    assert vacancy["value"].iloc[0] == pytest.approx(summed, abs=1e-3)
    assert vacancy["text"].iloc[0] == french.quantity(vacancy["value"].iloc[0], "%")
    unemployment = points[points["indicator"] == "Taux de chômage des 15-64 ans (%)"]
    assert unemployment["vintage"].tolist() == [2011, 2016, 2018, 2022]
    population = points[points["indicator"] == "Population municipale (habitants)"]
    assert population["value"].tolist() == [146321, 148907, 149077]  # 93059 + 93066
    (changes,) = [d.value for d in at.dataframe if "Comparabilité" in d.value.columns]
    row = changes.set_index("Indicateur").loc["Taux de logements vacants"]
    assert row["Années"] == "2018-2021"
    assert row["Évolution"] == french.signed(vacancy["value"].iloc[1] - summed, 2,
                                             unit="points")
    assert row["Comparabilité"] == "à interpréter avec prudence"
    median = changes.set_index("Indicateur").loc["Revenu disponible médian par unité de "
                                                 "consommation"]
    assert median["Rang"].startswith("évolution de rang non évaluée")
    assert any("ne se recouvrent pas" in c.value for c in at.caption)
