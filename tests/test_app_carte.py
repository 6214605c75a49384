"""The Carte page's choices: level, classification, palette, table, method and its effect."""

from pathlib import Path

import pandas as pd
import pytest
from app_support import carte_table, displayed, map_args, open_app
from streamlit.testing.v1 import AppTest

import french
from app_pages.common import map_click
from app_pages.common.leaflet_map import read_layer
from atlas.index import rank_change
from atlas.index.composite import Method
from atlas.maps import classify, map_table, palettes, subjects, web_layers
from geodata import store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app() -> AppTest:
    return open_app()


def layer(at: AppTest, i: int = 0) -> pd.DataFrame:
    args = map_args(at)
    return web_layers.decode_layer(read_layer(args["layers"][i]["url"]))


def shown_table(at: AppTest) -> pd.DataFrame:
    return carte_table(at)


def drawable(level: str) -> set[str]:
    shapes = store.web_geometries(level, "france")
    return set(shapes.loc[shapes.geometry.notna() & ~shapes.geometry.is_empty, "code"])


@pytest.mark.parametrize("level", ["regions", "departements", "epci", "communes"])
def test_every_level_of_all_france_is_drawn_with_its_table(app, level):
    app.selectbox(key="map_what").select("overall").run()
    app.segmented_control(key="map_level").set_value(level).run()
    assert not app.exception
    drawn = layer(app)
    assert set(drawn["code"]) == drawable(level)
    assert [layer["id"] for layer in map_args(app)["layers"]][0] == level
    table = shown_table(app)
    assert len(table) == len(store.attributes(level))  # also those without geometry
    scores = subjects.values("overall", level)
    sample = table.dropna(subset=["value"]).iloc[:50]
    assert sample["value"].to_numpy() == pytest.approx(scores[sample["code"]].to_numpy())
    # the tooltip carries the same rank as the table
    code, rank = sample["code"].iloc[0], int(sample["rank"].iloc[0])
    tip = drawn.set_index("code").loc[code, "name"]
    assert f"rang {rank:,}".replace(",", "\u202f") in tip
    for text in ("note", "reason"):  # empty cells, never « None »
        if text in table.columns:
            assert not table[text].isna().any() and "None" not in set(table[text])


def test_legend_counts_follow_the_classification_and_palette(app):
    app.selectbox(key="map_what").select("domain:health").run()
    app.segmented_control(key="map_level").set_value("departements").run()
    app.selectbox(key="map_scheme").select("fisher_jenks").run()
    app.select_slider(key="map_k").set_value(4).run()
    app.selectbox(key="map_palette").select("viridis").run()
    assert not app.exception
    legend = map_args(app)["legend"]
    expected = classify.classify(subjects.values("domain:health", "departements"),
                                 "fisher_jenks", 4)
    assert [label.rsplit(" (", 1)[0] for label in legend["labels"]] == list(expected.labels)
    assert legend["colours"] == list(palettes.colours("viridis", 4))
    counts = [int(label.rsplit("(", 1)[1].rstrip(")")) for label in legend["labels"]]
    drawn = layer(app)
    assert counts == [int((drawn["cls"] == i).sum()) for i in range(4)]
    assert legend["missing"].startswith("non disponible (")


def test_equal_intervals_differ_from_quantiles(app):
    app.selectbox(key="map_what").select("indicator:poverty_rate_2021").run()
    quantiles = map_args(app)["legend"]["labels"]
    app.selectbox(key="map_scheme").select("equal_interval").run()
    equal = map_args(app)["legend"]["labels"]
    assert quantiles != equal and len(equal) == 5
    assert "(%)" in map_args(app)["legend"]["title"]


def test_missing_values_are_explained_in_the_legend_and_tooltip(app):
    app.selectbox(key="map_what").select("overall").run()
    app.segmented_control(key="map_level").set_value("communes").run()
    legend = map_args(app)["legend"]
    missing = map_table.map_view("overall", "communes").table
    missing = missing[missing["value"].isna()]
    assert legend["missing"].startswith(f"non disponible ({len(missing)}) : ")
    drawn = layer(app).set_index("code")
    drawn_missing = drawn.loc[drawn.index.intersection(missing.index)]
    assert drawn_missing["cls"].isna().all()  # hatched, never the lowest class
    assert drawn_missing["name"].str.contains("non disponible").all()


def test_region_scope_shows_that_regions_territories(app):
    app.selectbox(key="region_select").select("76").run()
    assert app.segmented_control(key="map_level").value == "communes"  # drill-down
    app.segmented_control(key="map_level").set_value("epci").run()
    assert not app.exception
    drawn = layer(app)
    main_region = map_table.map_view("density", "epci").table["region"]
    assert set(drawn["code"]) <= set(main_region[main_region == "76"].index)
    assert len(drawn) > 50
    assert set(shown_table(app)["code"]) == set(main_region[main_region == "76"].index)
    assert [lay["id"] for lay in map_args(app)["layers"]] == ["epci", "departements"]


def test_clicks_drill_down_or_select():
    assert map_click.after_click({"layer": "communes", "code": "31555"}, "communes",
                                 "76") == {"atlas_selected": "31555"}
    assert map_click.after_click(None, "communes", "") == {}


def test_selected_territory_card_opens_its_sheet(app):
    app.text_input(key="search").input("toulouse").run()
    (hits,) = [s for s in app.selectbox if s.key.startswith("search_hit_")]
    hits.select("31555").run()
    assert app.session_state["atlas_territory_code"] == "31555"
    assert map_args(app)["highlight"] == "31555"
    app.button(key="open_sheet").click().run()
    assert not app.exception


def test_address_opens_the_asked_map():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.query_params.update({"niveau": "departements", "carte": "domain:housing",
                            "region": "84"})
    at.run()
    assert not at.exception
    assert at.segmented_control(key="map_level").value == "departements"
    assert at.selectbox(key="map_what").value == "domain:housing"
    assert set(layer(at)["code"]) == set(
        store.attributes("departements").query("region == '84'")["code"])


def test_a_method_change_is_noted_and_its_effect_mapped(app):
    app.radio(key="method_frame").set_value("region").run()
    assert any("Méthode modifiée" in i.value for i in app.info)
    app.selectbox(key="map_what").select("overall").run()
    app.segmented_control(key="map_level").set_value("departements").run()
    scores = subjects.values("overall", "departements", Method(frame="region"))
    table = shown_table(app).set_index("code")
    assert table["value"].to_numpy() == pytest.approx(scores[table.index].to_numpy(),
                                                      nan_ok=True)
    app.toggle(key="map_rank_change").set_value(True).run()
    assert not app.exception
    legend = map_args(app)["legend"]
    assert [label.rsplit(" (", 1)[0] for label in legend["labels"]] == list(rank_change.LABELS)
    assert len(set(layer(app)["cls"].dropna())) >= 3  # the frame moved départements
    app.button(key="method_reset").click().run()
    assert app.radio(key="method_frame").value == "france"
    assert not any("Méthode modifiée" in i.value for i in app.info)


def test_the_frame_chosen_on_the_map_is_the_sidebar_method(app):
    app.selectbox(key="map_what").select("overall").run()
    app.radio(key="map_frame").set_value("region").run()
    assert not app.exception
    assert app.radio(key="method_frame").value == "region"
    # each région alone in its frame: no score, and the page says why
    assert any("seule dans son cadre" in w.value for w in app.warning)
    assert layer(app)["cls"].isna().all()
    app.segmented_control(key="map_level").set_value("departements").run()
    assert "dans sa région" in map_table_note(app)
    app.radio(key="method_frame").set_value("france").run()
    assert app.radio(key="map_frame").value == "france"


def map_table_note(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption if "rang 1" in c.value.lower())


def test_rank_change_standing_is_frame_relative():
    ranks = pd.Series([1, 2, 1, 2, 3], index=list("abcde"), dtype="Int64")
    groups = pd.Series(["x", "x", "y", "y", "y"], index=list("abcde"))
    assert rank_change.standing(ranks, groups).tolist() == [1.0, 0.0, 1.0, 0.5, 0.0]
    moved = rank_change.change(pd.Series([0.5, 0.5]), pd.Series([0.9, 0.47]))
    assert rank_change.change_class(moved).tolist() == [4, 2]


def test_compare_ranks_says_how_far_each_territory_moved():
    before = pd.DataFrame({"name": ["A", "B", "C"], "region": ["x", "x", "y"],
                           "rank": pd.array([1, 3, 2], dtype="Int64")}, index=list("abc"))
    after = before.assign(rank=pd.array([2, 1, pd.NA], dtype="Int64"))
    rows = rank_change.compare_ranks(before, after, regional=True)
    # a: first of 3 in France (standing 1) to last of 2 in région x (standing 0)
    assert rows["change"].tolist()[:2] == [-100.0, 100.0]
    assert rows.loc["a", "tip"] == "A — \u2212100\u202fpoints (rang 1 → 2)"
    assert rows.loc["c", "tip"] == f"C — {french.MISSING}"
    assert rows["cls"].tolist()[:2] == [0, 4] and pd.isna(rows.loc["c", "cls"])


def test_the_table_caption_keeps_france_capitalised(app):
    app.selectbox(key="map_what").select("overall").run()
    captions = [c.value for c in app.caption]
    note = next(c for c in captions if c.startswith("Tableau de la carte ci-dessous"))
    assert "Rang 1 = le plus fragile en France" in note


def test_the_table_shows_french_numbers_and_sorts_on_numbers(app):
    """Density of the départements: « 1 234,5 », not « 1234.5 », whatever the browser."""
    app.segmented_control(key="map_level").set_value("departements").run()
    app.selectbox(key="map_what").select("density").run()
    table = shown_table(app)
    texts = displayed(app, "frame_size")
    assert pd.api.types.is_float_dtype(table["value"])  # the browser sorts on numbers
    decimals = {len(t.split(",")[1]) for t in texts["value"] if "," in t}
    assert len(decimals) <= 1  # the same decimals down the column
    places = decimals.pop() if decimals else 0
    for value, text in zip(table["value"], texts["value"], strict=True):
        assert text == french.number(value, places)  # « non disponible » when missing
    assert any(french.NNBSP in t for t in texts["value"])  # Paris: 20 000 and more per km²
    assert not any("." in t for t in texts["value"])
    app.selectbox(key="map_what").select("indicator:poverty_rate_2021").run()
    texts = displayed(app, "frame_size")
    shown = [t for t in texts["value"] if t != french.MISSING]
    assert shown and all("," in t and "." not in t for t in shown)  # « 14,5 »
    assert all(t.endswith("%") and "." not in t for t in texts["coverage"] if t)


def test_the_evolution_choice_maps_the_change_centred_on_zero(app):
    from atlas.maps import change_map
    from indicators.history import level_change

    app.selectbox(key="map_what").select("indicator:no_bac_share").run()
    assert not [t for t in app.toggle if t.key == "map_evolution"]  # one vintage only
    app.selectbox(key="map_what").select("indicator:unemployment_rate_2022").run()
    app.segmented_control(key="map_level").set_value("departements").run()
    app.toggle(key="map_evolution").set_value(True).run()
    assert not app.exception
    legend = map_args(app)["legend"]
    assert "évolution 2016-2022" in legend["title"]
    expected = change_map.change_classes(level_change("departements",
                                                      "unemployment_rate_2022")["change"],
                                         1, "%")
    assert [label.rsplit(" (", 1)[0] for label in legend["labels"]] == list(expected.labels)
    assert "variation de moins de" in legend["labels"][2]
    # symmetric bounds, one middle class: the classes drawn are those of the change
    drawn = layer(app).set_index("code")
    assert drawn["cls"].dropna().astype(int).to_dict() == {
        c: int(v) for c, v in expected.cls.dropna().items() if c in drawn.index}
    assert legend["missing"].startswith(french.MISSING) and "2016" in legend["missing"]
    assert "Comparabilité" in legend["note"]
    tip = drawn.loc["93", "name"]
    assert "2016 :" in tip and "→ 2022 :" in tip and "point" in tip
    assert "position relative : évolution" in tip
    assert any("cinq ans" in c.value for c in app.caption)
