"""Smoke and behaviour tests of the Streamlit app with AppTest (no browser).

The Leaflet component draws nothing here, but the arguments it receives are checked: which
layers, from which files, with which highlighted commune.
"""

import json
from pathlib import Path

import pandas as pd
import pytest
from app_support import map_args, open_app, table_with
from streamlit.testing.v1 import AppTest

from app_pages.common.leaflet_map import (
    LEAFLET_FILES,
    Layer,
    component_args,
    component_dir,
    leaflet_static_dir,
    publish,
    read_layer,
)
from atlas.maps import web_layers
from atlas.reports import build_report
from geodata import build, store

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["app_pages/carte.py", "app_pages/territoire.py", "app_pages/donnees.py",
         "app_pages/objectif_percu.py", "app_pages/autodiagnostic.py", "app_pages/export.py"]
NNBSP = "\u202f"


@pytest.fixture
def app() -> AppTest:
    return open_app()


def layer_features(args: dict, i: int = 0) -> list[dict]:
    """Features (``properties`` only) of layer ``i``, whatever its encoding."""
    text = read_layer(args["layers"][i]["url"])
    if json.loads(text).get("type") == web_layers.LAYER_TYPE:
        decoded = web_layers.decode_layer(text)
        return [{"properties": {"code": c, "name": n, "cls": None if pd.isna(k) else int(k)}}
                for c, n, k in zip(decoded["code"], decoded["name"], decoded["cls"],
                                   strict=True)]
    return json.loads(text)["features"]


def card_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(app, page):
    app.switch_page(page).run()
    assert not app.exception
    assert len(app.title) == 1
    assert "Sources" in card_text(app)  # the shared sidebar is on every page


def test_national_map_by_default(app):
    assert not app.exception
    assert app.title[0].value == "Carte des territoires"
    assert len(app.selectbox(key="region_select").options) == 19  # France + 18 régions
    args = map_args(app)
    assert [layer["id"] for layer in args["layers"]] == ["regions", "frames"]
    assert args["highlight"] is None
    assert len(layer_features(args)) == 18


def test_choosing_a_region_shows_its_communes_and_departements(app):
    app.selectbox(key="region_select").select("76").run()
    assert not app.exception
    assert app.session_state["atlas_region"] == "76"
    assert [s.value for s in app.subheader][0] == "Occitanie"
    args = map_args(app)
    assert [layer["id"] for layer in args["layers"]] == ["communes", "departements"]
    assert len(layer_features(args)) == 4446
    departements = table_with(app, "area_km2")
    assert len(departements) == 13 and "Haute-Garonne" in set(departements["name"])
    assert f"6{NNBSP}124{NNBSP}653{NNBSP}hab." in card_text(app)  # populations légales 2023

    app.button(key="back_to_france").click().run()
    assert app.session_state["atlas_region"] == ""
    assert [layer["id"] for layer in map_args(app)["layers"]] == [
        "communes", "frames", "regions_outline"]  # the level chosen stays


def test_every_region_opens_with_all_its_drawable_communes(app):
    communes = store.attributes("communes")
    without_geometry = {c["code"] for c in store.report()["repair"]["without_geometry"]}
    regions = store.attributes("regions")
    code_of = dict(zip(regions["name"], regions["code"], strict=True))
    for region in app.selectbox(key="region_select").options[1:]:
        code = code_of[region]
        app.selectbox(key="region_select").select(code).run()
        assert not app.exception, region
        drawn = layer_features(map_args(app))
        members = set(communes.loc[communes["region"] == code, "code"])
        assert {f["properties"]["code"] for f in drawn} == (
            members - without_geometry), region


def search(at: AppTest, query: str, code: str) -> AppTest:
    at.text_input(key="search").input(query).run()
    (hits,) = [s for s in at.selectbox if s.key.startswith("search_hit_")]
    return hits.select(code).run()


def test_search_finds_saint_etienne_and_shows_its_card(app):
    app.text_input(key="search").input("saint etienne").run()
    (hits,) = [s for s in app.selectbox if s.key.startswith("search_hit_")]
    assert hits.options[0] == "Saint-Étienne (42218) – Auvergne-Rhône-Alpes"
    hits.select("42218").run()
    assert not app.exception
    assert app.session_state["atlas_region"] == "84"
    assert app.selectbox(key="region_select").value == "84"
    assert app.subheader[0].value == "Saint-Étienne"
    text = card_text(app)
    assert "Loire (42)" in text and f"173{NNBSP}136{NNBSP}hab." in text  # PL 2023
    assert f"80,2{NNBSP}km²" in text
    args = map_args(app)
    assert args["highlight"] == "42218"
    assert [layer["id"] for layer in args["layers"]] == ["communes", "departements"]


def test_search_by_code_of_a_commune_without_geometry(app):
    search(app, "15031", "15031")
    assert app.subheader[0].value == "Celles"
    assert "**Superficie** : non disponible" in card_text(app)
    assert any("pas de géométrie" in w.value for w in app.warning)


def test_population_from_the_supplement_is_labelled(app):
    app.selectbox(key="map_what").select("density").run()  # Mayotte has no index
    search(app, "mamoudzou", "97611")
    assert app.session_state["atlas_region"] == "06"
    assert any("complément" in c.value for c in app.caption)
    assert "non disponible" not in card_text(app)


def test_search_without_match(app):
    app.text_input(key="search").input("xyzzy").run()
    assert any("Aucune commune" in i.value for i in app.info)


def test_data_page_lists_sources_repairs_and_missing_geometries(app):
    app.switch_page("app_pages/donnees.py").run()
    assert not app.exception
    report = store.report()
    tables = {tuple(df.value.columns): df.value for df in app.dataframe}
    missing = tables[("code", "name", "departement")]
    assert set(missing["code"]) == {"15031", "15035", "15047", "15171"}
    repairs = tables[("code", "name", "action", "km2", "evidence")]
    assert len(repairs) == len(report["repair"]["repairs"])
    assert "reconstituée à partir de ses communes déléguées" in set(repairs["action"])
    holes = tables[("km2", "neighbours", "reason", "lon", "lat")]
    assert "enclave étrangère : Llívia (Espagne)" in set(holes["reason"])
    filled = tables[("code", "name", "departement", "population", "population_source")]
    assert len(filled) == 17 and "97611" in set(filled["code"])  # Mayotte's 2017 census
    assert set(missing["departement"]) == {"Cantal (15)"}
    text = card_text(app)
    assert all(source in text for source in report["sources"].values())


def test_missing_artifacts_are_built_first(monkeypatch):
    calls = []
    monkeypatch.setattr(build, "is_built", lambda root=None: False)
    monkeypatch.setattr(store, "ensure_built", lambda root=None: calls.append(root))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    assert not at.exception
    assert calls == [None]


def test_component_folder_has_leaflet_from_the_installed_package():
    folder = component_dir()
    for name in LEAFLET_FILES:
        assert (folder / name).read_bytes() == (leaflet_static_dir() / name).read_bytes()
    for name in ("index.html", "main.js"):
        text = (folder / name).read_text(encoding="utf-8")
        assert "https://" not in text and "//unpkg" not in text and "//cdn" not in text
    assert "preferCanvas: true" in (folder / "main.js").read_text(encoding="utf-8")


def test_only_clicks_send_a_value_back():
    script = (ROOT / "app_pages/common/leaflet_map/frontend/main.js").read_text(encoding="utf-8")
    send = 'post("streamlit:setComponentValue"'
    assert script.count(send) == 1  # no value on pan, zoom or hover
    click = script.index('geo.on("click"')
    assert click < script.index(send) < click + 300


def test_layers_are_published_once_by_content(tmp_path):
    (tmp_path / "data").mkdir()
    first = publish('{"type":"FeatureCollection","features":[]}', tmp_path)
    again = publish('{"type":"FeatureCollection","features":[]}', tmp_path)
    other = publish('{"type":"FeatureCollection","features":[ ]}', tmp_path)
    assert first == again != other
    assert len(list((tmp_path / "data").iterdir())) == 2
    # stored compressed once (served as they are), read back intact
    assert (tmp_path / first).read_bytes()[:2] == b"\x1f\x8b" and first.endswith(".json.gz")
    assert read_layer(other, tmp_path) == '{"type":"FeatureCollection","features":[ ]}'
    args = component_args([Layer("communes", web_layers.map_layer("communes", "76"))], tmp_path)
    assert len(json.dumps(args)) < 1000  # the geometries travel as files, not as arguments


def test_layer_style_is_checked():
    with pytest.raises(ValueError, match="valid styles"):
        Layer("x", "{}", style="heatmap")
    with pytest.raises(ValueError, match="frames carry their labels"):
        Layer("frames", web_layers.map_layer("regions"), style="frame")


def test_build_report_wording():
    assert build_report.report_wording("100% covered by delegated communes of 56102") == (
        f"couvert à 100{NNBSP}% par des communes déléguées de 56102")
    assert build_report.report_wording("something new") == "something new"


@pytest.mark.parametrize("key", ["overall", "dimension:social", "domain:health",
                                 "indicator:poverty_rate_2021"])
def test_map_coloured_by_an_index_or_indicator_shows_its_sources(app, key):
    from atlas.maps import subjects

    app.selectbox(key="map_what").select(key).run()
    assert not app.exception
    args = map_args(app)
    legend = args["legend"]
    assert legend["colours"] == list(
        (subjects.FRAGILITY_COLOURS if subjects.is_index(key) else subjects.VALUE_COLOURS)
        [:len(legend["labels"])])
    counts = [int(label.rsplit("(", 1)[1].rstrip(")")) for label in legend["labels"]]
    classes = [f["properties"]["cls"] for f in layer_features(args)]
    assert sum(counts) == sum(c is not None for c in classes)
    sources = [e for e in app.expander if "Sources de cette carte" in e.label]
    text = "\n".join(m.value for m in sources[0].markdown)
    for indicator in subjects.indicators_of(key):
        assert f"{indicator.source.dataset} ({indicator.source.vintage})" in text


def test_region_view_classes_communes_against_france(app):
    app.selectbox(key="map_what").select("domain:housing").run()
    app.selectbox(key="region_select").select("11").run()
    assert not app.exception
    args = map_args(app)
    classes = {f["properties"]["cls"] for f in layer_features(args)}
    assert classes <= {0, 1, 2, 3, 4, None} and len(classes - {None}) >= 3
    assert "rang" in card_text(app)  # the région's own score and rank


def test_commune_card_explains_its_most_and_least_fragile_domains(app):
    search(app, "saint etienne", "42218")
    assert not app.exception
    why = [e for e in app.expander if e.label.startswith("Pourquoi")]
    assert why
    text = "\n".join(m.value for m in why[0].markdown)
    assert "Plus fragiles" in text and "Moins fragiles" in text
    assert text.count("rang ") == 6


def test_data_page_lists_every_indicator_with_its_coverage(app):
    from indicators.catalogue import load_catalogue

    app.switch_page("app_pages/donnees.py").run()
    assert not app.exception
    (table,) = [d for d in app.dataframe if "Communes couvertes" in d.value.columns
                and "Indicateur" in d.value.columns]
    assert len(table.value) == len(load_catalogue().indicators)
    assert table.value["Communes couvertes"].between(0, 1).all()
    assert (table.value["Millésime"].str.len() > 0).all()


def test_tables_shared_between_users_cannot_be_changed_through_a_copy():
    from app_pages.common import data

    first = data.table("regions")
    first["name"] = "changé"
    first.loc[first.index[0], "population"] = -1
    again = data.table("regions")
    assert "changé" not in set(again["name"]) and (again["population"] > 0).all()
    view = data.map_view("overall", "regions")
    view.table.loc[view.table.index[0], "value"] = -5.0
    assert (data.map_view("overall", "regions").table["value"].dropna() >= 0).all()
    assert data.table("regions") is not data.table("regions")  # a new copy each time
