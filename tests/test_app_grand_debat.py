"""The Grand Débat in the app (AppTest): « Objectif vs perçu », « Territoire », « Méthode »."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from app_support import open_app
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

import french
from app_pages.common.grand_debat import PROVENANCE_LABEL
from app_pages.common.leaflet_map import read_layer
from atlas.maps import web_layers
from atlas.perception.grand_debat.coverage import REAL, SIMULATED
from atlas.perception.grand_debat.questions import CLOSED, OPEN
from atlas.perception.grand_debat.reading import CAVEAT, SOURCE_LABEL
from atlas.perception.survey.model import SIMULATED_LABEL

GAP_PAGE, TERRITORY_PAGE = "app_pages/objectif_percu.py", "app_pages/territoire.py"
METHOD_PAGE = "app_pages/donnees.py"


def plain(text: str) -> str:
    return text.replace(french.NNBSP, " ").replace(french.NBSP, " ")


def maps(at: AppTest) -> dict[str, dict]:
    """Arguments of each Leaflet map of the run, by the id of its first layer."""
    found = {}
    for component in at.get("component_instance"):
        args = json.loads(component.proto.json_args)
        found[args["layers"][0]["id"]] = args
    return found


def drawn_layer(args: dict):
    """The first layer as the browser receives it (a compact AtlasLayer payload)."""
    payload = read_layer(args["layers"][0]["url"])
    return web_layers.decode_layer(payload)


def with_column(at: AppTest, column: str):
    """The one table of the run that has ``column``."""
    (found,) = [d for d in at.dataframe if column in d.value.columns]
    return found


def shown(element) -> pd.DataFrame:
    """The values a styled table displays (its raw values stay numbers, to sort)."""
    return dataframe_util.convert_arrow_bytes_to_pandas_df(
        element.proto.arrow_data.styler.display_values)


def warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning)


@pytest.fixture(scope="module")
def real() -> AppTest:
    at = open_app(GAP_PAGE)
    assert not at.exception
    return at


def test_real_source_is_the_default_with_its_caveat(real):
    assert real.radio(key="gap_source").value == REAL
    assert real.session_state["gap_level"] == "region"
    assert CAVEAT in warnings(real) and SIMULATED_LABEL not in warnings(real)
    assert PROVENANCE_LABEL in [e.label for e in real.expander]
    args = maps(real)["gd_share"]
    layer = drawn_layer(args)
    assert len(layer) == 18 and layer["code"].is_unique  # every région, insets included
    legend = args["legend"]
    assert CAVEAT in legend["note"] and SOURCE_LABEL in legend["note"]
    assert len(legend["labels"]) == len(legend["colours"])
    assert "insuffisantes" in legend["missing"]


def test_bretagne_share_of_q11_in_the_table(real):
    real.selectbox(key="gap_domain").select("mobility").run()
    real.selectbox(key="gd_question_mobility").select("transition:Q11").run()
    assert not real.exception
    element = with_column(real, "fragile")
    raw, text = element.value, shown(element)
    row = raw.index[raw["region_name"] == "Bretagne"][0]
    assert (raw.loc[row, "fragile"], raw.loc[row, "answered"]) == (3012, 6062)
    position = list(raw.index).index(row)
    assert text.iloc[position]["share"] == french.percent(3012 / 6062, 1) == "49,7\u202f%"
    assert plain(text.iloc[position]["answered"]) == "6 062"
    assert plain(text.iloc[position]["fragile"]) == "3 012"
    assert raw["share"].dropna().is_monotonic_decreasing  # numbers underneath: sortable
    tips = drawn_layer(maps(real)["gd_share"]).set_index("code")["name"]
    assert plain(tips["53"]).startswith("Bretagne\n49,7 % [48,4 % ; 50,9 %]")
    lines = "\n".join(m.value for m in real.markdown)
    assert "13 régions métropolitaines : ρ = " in lines and "n = 13" in lines
    assert any("corrélation faible" in c.value for c in real.caption)


def test_open_question_profile_of_the_chosen_region(real):
    real.selectbox(key="gd_region").select("53").run()
    assert not real.exception
    keywords = with_column(real, "Mots comptés").value
    assert keywords["Domaine"].iloc[0] == "Mobilité / transports"
    assert "Minorants" in warnings(real)


def test_author_type_changes_the_map(real):
    real.selectbox(key="gd_actor").select("entreprise").run()
    assert not real.exception
    layer = drawn_layer(maps(real)["gd_share"])
    assert len(layer) == 18 and layer["cls"].isna().any()  # suppressed régions hatched
    assert "organisations à but lucratif" in maps(real)["gd_share"]["legend"]["note"]


def test_switching_to_the_simulated_sample():
    at = open_app(GAP_PAGE)
    at.radio(key="gap_source").set_value(SIMULATED).run()
    assert not at.exception
    assert any(SIMULATED_LABEL in w.value for w in at.warning)
    assert CAVEAT not in warnings(at)
    assert set(maps(at)) == {"gap"}


@pytest.mark.parametrize(("state", "says"), [
    ({"gap_domain": "housing"}, "Aucune question du Grand Débat"),
    ({"gap_level": "departement"}, "ne publie que la région"),
])
def test_without_a_real_source_the_page_says_so_and_shows_the_simulated_one(state, says):
    at = open_app(GAP_PAGE, **state)
    assert not at.exception
    assert any(says in i.value and "échantillon simulé" in i.value for i in at.info)
    assert any(SIMULATED_LABEL in w.value for w in at.warning)
    assert not at.get("radio") or "gap_source" not in [r.key for r in at.radio]
    assert set(maps(at)) == {"gap"}


# --- Territoire -------------------------------------------------------------------------

def territory(level: str, code: str) -> AppTest:
    at = open_app(TERRITORY_PAGE, atlas_territory_level=level, atlas_territory_code=code)
    assert not at.exception
    return at


def test_territory_page_of_a_region_shows_its_figures_beside_france():
    at = territory("regions", "53")
    assert SOURCE_LABEL in [s.value for s in at.subheader]
    assert CAVEAT in warnings(at)
    table = with_column(at, "Contributeurs (région)").value
    assert list(table.columns) == ["Question", "Bretagne", "France",
                                   "Contributeurs (région)", "Estimation"]
    assert len(table) == len(CLOSED)
    q11 = table[table["Question"].str.startswith("Alternatives à la voiture")].iloc[0]
    assert plain(q11["Bretagne"]) == "49,7 % [48,4 % ; 50,9 %]"
    assert plain(q11["Contributeurs (région)"]) == "8 084"


def test_territory_page_of_a_departement_labels_its_regions_figures():
    at = territory("departements", "29")  # Finistère, in Bretagne
    table = with_column(at, "Contributeurs (région)").value
    assert "Valeur de sa région (Bretagne)" in table.columns
    assert any("celles de la région Bretagne" in i.value for i in at.info)
    assert CAVEAT in warnings(at)


# --- Méthode & données -------------------------------------------------------------------

def test_method_page_explains_the_source():
    at = open_app(METHOD_PAGE)
    assert not at.exception
    assert "Perceptions réelles : le Grand Débat national (2019)" in [h.value for h in at.header]
    text = "\n".join(m.value for m in at.markdown)
    for question in (*CLOSED, *OPEN):
        assert question.rationale in text, question.id
    assert "95\u202f669 contributeurs sur 153\u202f809" in text
    assert CAVEAT in warnings(at)
    files = [d.value for d in at.dataframe if "SHA-256" in d.value.columns]
    assert len(files) == 1 and len(files[0]) == 4
    assert any("Mots rattachés" in d.value.columns for d in at.dataframe)
    assert any("Pourquoi elle n'est pas retenue" in d.value.columns for d in at.dataframe)
