"""Tests of atlas.maps.web_layers on the real geometry artifacts.

The compact layers of :func:`atlas.maps.web_layers.map_layer` are read back with the Python decoder
:func:`atlas.maps.web_layers.decode_layer`, checked against the JavaScript decoder of ``main.js``
(run with node, when installed), and drawn by ``main.js`` in headless Chromium (``browser``
marker).
"""

import functools
import http.server
import json
import shutil
import subprocess
import threading
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from tiers import needs_geometry

from atlas.maps import web_layers
from geodata import insets, store
from geodata.hierarchy import members, overseas_departement_of_region
from geodata.levels import LEVELS

ROOT = Path(__file__).resolve().parents[1]
MAIN_JS = ROOT / "app_pages" / "common" / "leaflet_map" / "frontend" / "main.js"

CANTAL_WITHOUT_GEOMETRY = {"15031", "15035", "15047", "15171"}

pytestmark = needs_geometry  # every test reads the artifacts (built first)


def features(payload: str) -> list[dict]:
    collection = json.loads(payload)
    assert collection["type"] == "FeatureCollection"
    return collection["features"]


def test_every_overseas_region_has_its_inset_departement():
    departement = overseas_departement_of_region()
    assert departement == {"01": "971", "02": "972", "03": "973", "04": "974", "06": "976"}
    assert sorted(departement.values()) == sorted(i.departement for i in insets.INSETS)


def test_layer_payload_is_lean():
    payload = web_layers.map_layer("regions")
    assert set(json.loads(payload)) == {"type", "version", "scale", "bbox", "code", "name",
                                        "cls", "geometry"}
    assert ": " not in payload and ", " not in payload
    occitanie = web_layers.map_layer("communes", "76")
    communes = store.attributes("communes")
    inside = communes[communes["region"] == "76"][["code", "name"]]
    naive = store.web_geometries("communes", "region").merge(inside, on="code").to_json()
    assert len(occitanie) < 0.25 * len(naive)


def test_density_classes_on_the_map():
    communes = store.attributes("communes").set_index("code")
    classes = web_layers.density_class(communes["population"], communes["area_km2"])
    decoded = web_layers.decode_layer(web_layers.map_layer("communes", "76", classes=classes))
    toulouse = decoded.set_index("code").loc["31555"]
    # 479,553 inhabitants on 118.2 km²: 4,056 per km², in [1,000, 5,000): class 5.
    assert (toulouse["name"], toulouse["cls"]) == ("Toulouse", 5)
    assert set(decoded["cls"].dropna()) <= set(range(len(web_layers.DENSITY_BREAKS) + 1))


def test_communes_without_geometry_are_left_out_not_broken():
    codes = set(web_layers.decode_layer(web_layers.map_layer("communes", "84"))["code"])
    communes = store.attributes("communes")
    inside = set(communes.loc[communes["region"] == "84", "code"])
    assert inside >= CANTAL_WITHOUT_GEOMETRY
    assert codes == inside - CANTAL_WITHOUT_GEOMETRY


def test_inset_frames():
    feats = features(web_layers.inset_frames())
    assert [f["properties"]["name"] for f in feats] == [i.name for i in insets.INSETS]


def test_geojson_drops_missing_geometries_and_writes_null_properties():
    gdf = gpd.GeoDataFrame(
        {"code": ["a", "b", "c"], "cls": pd.array([1, pd.NA, 2], dtype="Int64")},
        geometry=[shapely.box(0.123456, 1, 2, 3), shapely.box(0, 0, 1, 1), None],
        crs="EPSG:4326")
    payload = web_layers.geojson(gdf, ("code", "cls"))
    feats = features(payload)
    assert [f["properties"] for f in feats] == [{"code": "a", "cls": 1},
                                                {"code": "b", "cls": None}]
    assert "0.1235" in payload and "0.123456" not in payload


def test_geojson_refuses_other_crs_and_unknown_columns():
    gdf = gpd.GeoDataFrame({"code": ["a"]}, geometry=[shapely.box(0, 0, 1, 1)],
                           crs="EPSG:2154")
    with pytest.raises(ValueError, match="EPSG:4326"):
        web_layers.geojson(gdf, ("code",))
    with pytest.raises(ValueError, match="name"):
        web_layers.geojson(gdf.set_crs("EPSG:4326", allow_override=True), ("code", "name"))


def test_density_classes_by_hand():
    population = pd.Series([10, 20, 49, 6000, 5000, None, 100], dtype="Int64")
    area = pd.Series([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0])
    # 10 → <20: 0; 20 → [20, 50): 1; 49 → 1; 6000 → ≥5000: 6; 5000 → 6; missing → NA;
    # zero area → NA (never class 0).
    assert web_layers.density_class(population, area).tolist() == [0, 1, 1, 6, 6, pd.NA, pd.NA]


def test_density_legend_has_one_label_per_class():
    labels = web_layers.density_legend()
    assert len(labels) == len(web_layers.DENSITY_BREAKS) + 1
    assert labels[0] == "moins de 20" and labels[-1] == "5\u202f000 et plus"


# --- map_layer: the compact layers of any level, for France or one région -------------------


@functools.cache
def layer(level: str, region: str | None = None):
    return web_layers.decode_layer(web_layers.map_layer(level, region))


def drawable(level: str) -> set[str]:
    """Codes of the territories of ``level`` that have a geometry."""
    shapes = store.web_geometries(level, web_layers.NATIONAL_VIEW)
    return set(shapes.loc[shapes.geometry.notna() & ~shapes.geometry.is_empty, "code"])


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("region", [None, "76"])
def test_map_layer_has_code_name_cls_for_every_drawable_territory(level, region):
    payload = web_layers.map_layer(level, region)
    data = json.loads(payload)
    assert data["type"] == web_layers.LAYER_TYPE
    n = len(data["code"])
    assert n == len(data["name"]) == len(data["cls"]) == len(data["geometry"]) > 0
    assert data["scale"] == (1000 if region is None else 10000)
    decoded = layer(level, region)
    assert list(decoded.columns) == ["code", "name", "cls", "geometry"]
    assert decoded["cls"].isna().all()  # no classes given
    names = store.attributes(level).set_index("code")["name"]
    assert decoded["name"].tolist() == names.loc[decoded["code"]].tolist()
    expected = drawable(level)
    if region is not None:
        expected &= set(members(level, "regions", region))
    assert set(decoded["code"]) == expected
    assert decoded["code"].is_unique
    assert decoded.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()


def test_national_communes_count_and_size():
    payload = web_layers.map_layer("communes")
    decoded = layer("communes")
    communes = store.attributes("communes")
    assert len(decoded) == len(drawable("communes")) == len(communes) - 4 == 34_871
    assert len(payload.encode()) < 3_000_000  # budget 6 MB, with room for long tooltips
    occitanie = web_layers.map_layer("communes", "76")
    assert len(occitanie.encode()) < 600_000
    assert len(layer("communes", "76")) == 4446


def test_region_layers_hold_the_territories_of_the_region():
    deps = store.attributes("departements")
    assert set(layer("departements", "76")["code"]) == set(
        deps.loc[deps["region"] == "76", "code"])
    assert layer("regions", "76")["code"].tolist() == ["76"]
    # An EPCI belongs to the région of most of its inhabitants (geodata.hierarchy).
    from geodata.hierarchy import parent_of

    main = parent_of("epci", "regions")
    assert set(layer("epci", "76")["code"]) == set(main[main == "76"].index) & drawable("epci")


def test_national_layers_move_the_overseas_into_their_insets():
    box = {i.departement: shapely.box(*i.box) for i in insets.INSETS}
    by_code = layer("communes").set_index("code").geometry
    assert box["974"].contains(by_code["97411"])  # Saint-Denis (La Réunion)
    assert box["971"].contains(by_code["97105"])  # Basse-Terre
    assert by_code["75056"].contains(shapely.Point(2.34, 48.86))  # Paris stays in place
    deps = layer("departements").set_index("code").geometry
    assert box["973"].contains(deps["973"])
    assert box["976"].contains(layer("epci").set_index("code").geometry["200050532"])
    # In a région view, the overseas stay where they are.
    assert layer("regions", "04").geometry.iloc[0].contains(shapely.Point(55.45, -21.1))


def test_classes_are_mapped_by_code_and_missing_gives_null():
    classes = pd.Series({"31555": 5, "34172": 3, "09122": pd.NA, "99999": 1},
                        dtype="Int64")
    decoded = web_layers.decode_layer(web_layers.map_layer("communes", "76", classes=classes))
    cls = decoded.set_index("code")["cls"]
    assert cls["31555"] == 5 and cls["34172"] == 3
    assert pd.isna(cls["09122"]) and pd.isna(cls["81004"])  # missing, absent
    assert cls.notna().sum() == 2
    data = json.loads(web_layers.map_layer("communes", "76", classes=classes))
    assert data["cls"].count(None) == 4444  # written as JSON null
    floats = pd.Series({"11": 2.0, "84": float("nan")})  # any numeric dtype
    regions = web_layers.decode_layer(web_layers.map_layer("regions", classes=floats))
    assert regions.set_index("code")["cls"].to_dict()["11"] == 2
    assert pd.isna(regions.set_index("code")["cls"]["84"])


def test_tips_replace_names_and_missing_tips_fall_back_to_the_name():
    tips = pd.Series({"31555": "Toulouse — 0,53 · rang 12/4\u202f446\nsignalé",
                      "34172": None, "11": "<b>not html</b>"})
    decoded = web_layers.decode_layer(web_layers.map_layer("communes", "76", tips=tips))
    name = decoded.set_index("code")["name"]
    assert name["31555"] == "Toulouse — 0,53 · rang 12/4\u202f446\nsignalé"
    assert name["34172"] == "Montpellier"
    assert name["81004"] == "Albi"
    payload = web_layers.map_layer("regions", tips=tips)
    assert "<b>not html</b>" in payload  # sent as text; main.js never parses it as HTML
    assert web_layers.decode_layer(payload).set_index("code")["name"]["11"] == "<b>not html</b>"


@pytest.mark.parametrize(("level", "region"), [("communes", "76"), ("departements", None),
                                               ("epci", None)])
@pytest.mark.filterwarnings("ignore:Geometry is in a geographic CRS")
def test_decoded_geometries_match_within_the_grid(level, region):
    original = web_layers._layer_territories(level, region, None)
    decoded = layer(level, region)
    assert decoded["code"].tolist() == original["code"].tolist()
    scale = web_layers.VIEW_SCALES["region" if region else "france"]
    tolerance = 0.5 * 2**0.5 / scale * 1.01  # half a grid cell's diagonal
    # Every decoded vertex is within the tolerance of the original shape…
    assert decoded.geometry.within(original.geometry.buffer(tolerance)).all()
    # …and every original shape is covered, except tiny parts that collapsed on the grid.
    left_out = original.geometry.difference(decoded.geometry.buffer(tolerance)).area
    assert (left_out < 12 / scale**2).all(), left_out.max() * scale**2  # in grid cells
    assert (left_out == 0).mean() > 0.95


def test_encoding_by_hand():
    # A square of 2 x 1 cells with a hole, and an island: two polygons, holes kept.
    square = shapely.Polygon([(0, 0), (0.004, 0), (0.004, 0.004), (0, 0.004)],
                             [[(0.001, 0.001), (0.002, 0.001), (0.002, 0.002)]])
    island = shapely.box(0.01, 0.01, 0.011, 0.011)
    (text,) = web_layers.encode_geometries([shapely.MultiPolygon([square, island])], 1000)
    assert text.count(";") == 1 and text.count(",") == 1
    # First vertex absolute (0, 0) → "AA", then (4, 0) → zigzag 8 → "I", 0 → "A".
    assert text.startswith("AAIA")
    back = web_layers._decode_geometry(text, 1000)
    assert back.equals(shapely.MultiPolygon([square, island]))
    # Large deltas take several characters; negative coordinates survive.
    far = shapely.box(-61.8, 14.4, -60.8, 16.5)
    (text,) = web_layers.encode_geometries([far], 10000)
    assert web_layers._decode_geometry(text, 10000).equals(far)


def test_encoding_drops_collapsed_parts_but_never_empties_a_feature():
    tiny = shapely.box(0.0001, 0.0001, 0.0002, 0.0002)  # one point on the 1e-3 grid
    big = shapely.box(0, 0, 0.01, 0.01)
    texts = web_layers.encode_geometries([shapely.MultiPolygon([big, tiny]), tiny], 1000)
    assert ";" not in texts[0]  # the tiny island is dropped
    assert web_layers._decode_geometry(texts[0], 1000).equals(big)
    assert texts[1]  # alone, it is kept (degenerate) rather than lost
    assert not web_layers._decode_geometry(texts[1], 1000).is_empty
    assert web_layers.encode_geometries([], 1000) == []


def test_map_layer_rejects_unknown_level_and_region():
    valid = "communes, epci, departements, regions$"
    with pytest.raises(ValueError, match=rf"unknown level 'iris'; valid levels: {valid}"):
        web_layers.map_layer("iris")
    with pytest.raises(ValueError, match=r"unknown région '99'"):
        web_layers.map_layer("communes", "99")
    with pytest.raises(ValueError, match="not a AtlasLayer"):
        web_layers.decode_layer(web_layers.inset_frames())


def test_map_layer_geometry_is_cached_but_classes_are_not():
    first = web_layers.map_layer("departements", "76", classes=pd.Series({"31": 1}))
    second = web_layers.map_layer("departements", "76", classes=pd.Series({"31": 2}))
    assert first != second
    assert json.loads(first)["geometry"] == json.loads(second)["geometry"]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_javascript_decoder_agrees_with_python():
    script = MAIN_JS.read_text(encoding="utf-8")
    start = script.index("  var DIGIT = ")
    end = script.index("  // A uniform grid over the features' boxes")
    payload = json.loads(web_layers.map_layer("communes", "76"))
    sample = {"scale": payload["scale"], "geometry": payload["geometry"][:300]}
    # The decoder of main.js: into typed arrays of Web Mercator units (decodeShapes),
    # turned back into degrees here.
    program = (
        script[start:end]
        + "var data = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "var s = decodeShapes(data), shapes = [];\n"
        "for (var f = 0; f < s.count; f++) {\n"
        "  var polygons = [];\n"
        "  for (var r = s.featureRing[f]; r < s.featureRing[f + 1]; r++) {\n"
        "    if (s.polygonStart[r]) { polygons.push([]); }\n"
        "    var ring = [];\n"
        "    for (var i = s.ringStart[r]; i < s.ringStart[r + 1]; i++) {\n"
        "      var u = s.xy[2 * i], v = s.xy[2 * i + 1];\n"
        "      ring.push([u * 360 - 180,\n"
        "                 Math.atan(Math.sinh(Math.PI * (1 - 2 * v))) * 180 / Math.PI]);\n"
        "    }\n"
        "    polygons[polygons.length - 1].push(ring);\n"
        "  }\n"
        "  shapes.push(polygons);\n"
        "}\n"
        "process.stdout.write(JSON.stringify([shapes]));\n")
    result = subprocess.run(["node", "-e", program], input=json.dumps(sample),
                            capture_output=True, text=True, check=True, timeout=60)
    for from_js in json.loads(result.stdout):
        for text, polygons in zip(sample["geometry"], from_js, strict=True):
            expected = web_layers._decode_geometry(text, sample["scale"])
            parts = getattr(expected, "geoms", [expected])
            assert len(parts) == len(polygons)
            for part, rings in zip(parts, polygons, strict=True):
                want = [part.exterior, *part.interiors]
                assert len(want) == len(rings)
                for ring, got in zip(want, rings, strict=True):
                    flat = [v for c in ring.coords[:-1] for v in c]
                    assert flat == pytest.approx([v for c in got for v in c], abs=1e-9)


# --- main.js in headless Chromium, without Streamlit ----------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def standalone(tmp_path_factory):
    """The component folder served over HTTP, and a function writing render arguments."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    pytest.importorskip("playwright.sync_api")
    from app_pages.common.leaflet_map import component_args, component_dir

    folder = component_dir(tmp_path_factory.mktemp("component"))
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def page_url(name, layers, **kwargs):
        (folder / f"{name}.json").write_text(json.dumps(component_args(layers, folder,
                                                                       **kwargs)))
        return f"http://127.0.0.1:{server.server_port}/index.html?atlasArgs={name}.json"

    yield page_url
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.browser
def test_main_js_draws_compact_layers_hatches_missing_and_shows_text_tooltips(standalone):
    from playwright.sync_api import sync_playwright

    from app_pages.common.leaflet_map import Layer, Legend

    classes = pd.Series({"31555": 6, "34172": 2})  # all other communes: missing
    tips = pd.Series({"31555": "<img src=x onerror=alert(1)>Toulouse\nrang 1",
                      "34172": "Montpellier"})
    layers = [Layer("communes", web_layers.map_layer("communes", "76", classes, tips),
                    interactive=True, fit=True, weight=0.3),
              Layer("departements", web_layers.map_layer("departements", "76"),
                    style="outline", weight=1.6)]
    legend = Legend("Classes", tuple(str(i) for i in range(7)),
                    missing="non disponible (4 444) : moins de la moitié des indicateurs")
    url = standalone("occitanie", layers, legend=legend, height=600)
    decoded = layer("communes", "76").set_index("code").geometry
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        blocked = []
        page.route("**/*", lambda route: route.continue_()
                   if route.request.url.startswith("http://127.0.0.1")
                   else (blocked.append(route.request.url), route.abort()))
        page.goto(url)
        page.wait_for_selector("body[data-drawn='communes,departements']", timeout=60_000)
        assert page.evaluate("document.body.dataset.features") == "4446,13"
        assert page.evaluate("document.body.dataset.featureCount") == "4459"

        def pixel(code):
            point = decoded[code].representative_point()
            return page.evaluate(
                """([lat, lon]) => {
                    const p = atlasMap.map.latLngToContainerPoint([lat, lon]);
                    const c = document.querySelector('.leaflet-overlay-pane canvas');
                    const r = c.getBoundingClientRect();
                    const m = document.getElementById('map').getBoundingClientRect();
                    const k = c.width / r.width;
                    const x = Math.round((p.x + m.left - r.left) * k);
                    const y = Math.round((p.y + m.top - r.top) * k);
                    return Array.from(c.getContext('2d').getImageData(x - 3, y - 3, 7, 7)
                                      .data);
                }""", [point.y, point.x])

        # Toulouse: class 6, #bd0026; a missing commune: grey hatching (two greys).
        red = pixel("31555")
        assert abs(red[0] - 0xBD) < 12 and red[1] < 30
        hatch = pixel("81004")  # Albi, missing
        greys = {tuple(hatch[i:i + 3]) for i in range(0, len(hatch), 4)}
        assert all(abs(r - g) < 8 and abs(g - b) < 8 for r, g, b in greys)
        assert max(r for r, _, _ in greys) - min(r for r, _, _ in greys) > 40
        swatch = page.locator(".atlas-legend-missing i")
        assert "repeating-linear-gradient" in swatch.evaluate(
            "e => getComputedStyle(e).backgroundImage")
        page.get_by_text("non disponible (4 444) : moins de la moitié").wait_for()

        # Tooltip: plain text (the markup shows as text, no <img> is made), lines kept.
        point = decoded["31555"].representative_point()
        x, y = page.evaluate("""([lat, lon]) => { const p = atlasMap.map
            .latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }""", [point.y, point.x])
        page.mouse.move(x, y)
        tip = page.wait_for_selector(".leaflet-tooltip", timeout=10_000)
        assert tip.query_selector("img") is None
        text = tip.inner_text()
        assert "<img src=x onerror=alert(1)>Toulouse" in text and "rang 1" in text
        assert "31555" in text
        # Moving onto another commune changes the text of the one tooltip.
        point = decoded["34172"].representative_point()
        x, y = page.evaluate("""([lat, lon]) => { const p = atlasMap.map
            .latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }""", [point.y, point.x])
        page.mouse.move(x, y, steps=4)
        page.wait_for_selector(".leaflet-tooltip:has-text('Montpellier (34172)')",
                               timeout=10_000)
        assert page.locator(".leaflet-tooltip").count() == 1

        # A click sends {code, layer, t} (posted to this window: there is no Streamlit).
        page.evaluate("""() => { window.sent = []; window.addEventListener('message', e => {
            if (e.data.type === 'streamlit:setComponentValue') sent.push(e.data.value); }); }""")
        page.mouse.click(x, y)
        page.wait_for_function("window.sent.length > 0", timeout=10_000)
        value = page.evaluate("window.sent[0]")
        assert (value["code"], value["layer"]) == ("34172", "communes") and value["t"] > 0

        # A highlight chosen elsewhere outlines the commune and zooms to it.
        zoom = page.evaluate("atlasMap.map.getZoom()")
        page.evaluate("""() => window.postMessage({type: 'streamlit:render',
            args: Object.assign({}, atlasMap.args, {highlight: '31555'})}, '*')""")
        page.wait_for_selector("body[data-highlight='31555']", timeout=10_000)
        assert page.evaluate("atlasMap.map.getZoom()") > zoom + 1
        assert page.evaluate("atlasMap.map.getBounds().contains([43.6, 1.44])")
        browser.close()
    assert blocked == []
