"""The served app in headless Chromium, with every non-local request blocked.

Run with ``pytest -m browser``; skipped when ``/usr/bin/chromium`` is absent.
"""

import ipaddress
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from atlas.maps import web_layers
from geodata import store

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TIMEOUT_MS = 90_000
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


GUARD = Path(__file__).resolve().parent / "offline_guard"
"""``sitecustomize`` that blocks and records the served app's outside connections."""


def start_server(port: int, outside_log: Path, *options: str) -> subprocess.Popen:
    """``streamlit run atlas_app.py`` on ``port`` with outside traffic blocked (logged)."""
    env = dict(os.environ, ATLAS_OUTSIDE_LOG=str(outside_log),
               PYTHONPATH=os.pathsep.join(filter(None, [str(GUARD),
                                                        os.environ.get("PYTHONPATH")])))
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "atlas_app.py",
         "--server.port", str(port), "--server.fileWatcherType", "none", *options],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_healthy(process: subprocess.Popen, url: str) -> None:
    """Wait until the server answers its health check (fail after a minute)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.poll() is not None else ""
                pytest.fail(f"streamlit did not start at {url}: {output}")
            time.sleep(0.3)


def stop(process: subprocess.Popen) -> str:
    """Stop the server; its output."""
    process.terminate()
    output, _ = process.communicate(timeout=20)
    return output.decode(errors="replace")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    pytest.importorskip("playwright.sync_api")
    store.ensure_built()
    port = free_port()
    outside = tmp_path_factory.mktemp("server") / "outside.log"
    process = start_server(port, outside)
    url = f"http://localhost:{port}"
    try:
        wait_healthy(process, url)
        yield url
    finally:
        stop(process)
    attempts = outside.read_text() if outside.exists() else ""
    assert attempts == "", f"the served app tried to reach outside: {attempts}"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def offline_page(context):
    """A new page of ``context`` that may only talk to the local server.

    Any other request is aborted and its address appended to ``page.blocked``.
    """
    page = context.new_page()
    page.blocked = []

    def only_local(route):
        url = route.request.url
        host = url.split("/")[2].rsplit(":", 1)[0] if "://" in url else ""
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            page.blocked.append(url)
            route.abort()

    page.route("**/*", only_local)
    return page


@pytest.fixture
def page(browser, server):
    """A page that may only talk to the local server: anything else is aborted."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = offline_page(context)
    page.goto(server)
    yield page
    context.close()


def map_frame(page):
    page.wait_for_selector("iframe[src*='leaflet_map']", timeout=TIMEOUT_MS)
    return next(f for f in page.frames if "leaflet_map" in f.url)


def wait_drawn(page, layers: str):
    frame = map_frame(page)
    frame.wait_for_selector(f"body[data-drawn='{layers}']", timeout=TIMEOUT_MS)
    return frame


def pixel_at(frame, lat: float, lon: float) -> list[int]:
    """RGBA of the Leaflet canvas at a geographic point."""
    return frame.evaluate(
        """([lat, lon]) => {
            const point = atlasMap.map.latLngToContainerPoint([lat, lon]);
            const canvas = document.querySelector('.leaflet-overlay-pane canvas');
            const origin = canvas.getBoundingClientRect();
            const box = document.getElementById('map').getBoundingClientRect();
            const ratio = canvas.width / origin.width;
            const x = Math.round((point.x + box.left - origin.left) * ratio);
            const y = Math.round((point.y + box.top - origin.top) * ratio);
            return Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data);
        }""", [lat, lon])


def painted_share(frame) -> float:
    """Share of the canvas pixels that are not transparent (the background is the page)."""
    return frame.evaluate(
        """() => {
            const canvas = document.querySelector('.leaflet-overlay-pane canvas');
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width,
                                                               canvas.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted++; }
            return painted / (data.length / 4);
        }""")


def click_at(page, frame, lat: float, lon: float) -> None:
    """Click the map at a geographic point, as a user would."""
    x, y = frame.evaluate(
        """([lat, lon]) => { const p = atlasMap.map.latLngToContainerPoint([lat, lon]);
                             return [p.x, p.y]; }""", [lat, lon])
    box = page.locator("iframe[src*='leaflet_map']").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def inside(level: str, code: str, region: str | None = None) -> tuple[float, float]:
    """A (lat, lon) point inside territory ``code`` as the map draws it (insets moved)."""
    shapes = web_layers.decode_layer(web_layers.map_layer(level, region))
    point = shapes.set_index("code").geometry[code].representative_point()
    return point.y, point.x


def renders(frame) -> int:
    return int(frame.evaluate("document.body.dataset.renders"))


SETTLED = """() => !document.querySelector("[data-stale='true']")
    && document.fonts.status === "loaded"
    && document.getAnimations().every((a) => a.playState !== "running"
                                      || a.effect.getComputedTiming().iterations === Infinity)"""
"""The page is still: no element left stale by a rerun, fonts loaded, no transition running."""


def settle(page, timeout: int = TIMEOUT_MS) -> None:
    """Wait until the app's run is over (its « Stop » status gone) and the page is still."""
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=timeout)
    page.wait_for_function(SETTLED, timeout=timeout)


RECORD_VALUES = """() => {
    window.atlasValues = [];
    window.addEventListener("message", (event) => {
        if (event.data && event.data.type === "streamlit:setComponentValue") {
            window.atlasValues.push(event.data.value.code);
        }
    });
}"""
"""Record the code of every value the map posts to the app (each one reruns it)."""

PANNED = """() => {
    window.panned = false;
    atlasMap.map.once("moveend", () => { window.panned = true; });
}"""


def test_national_map_is_drawn_offline(page, server):
    page.goto(f"{server}/?carte=density")  # a shared link to the density map, opened cold
    frame = wait_drawn(page, "regions,frames")
    frame.wait_for_selector(".atlas-legend:has-text('Densité')", timeout=TIMEOUT_MS)
    assert frame.evaluate("document.body.dataset.features") == "18,5"
    assert painted_share(frame) > 0.08  # France and the insets fill about an eighth
    # Île-de-France (12.2 M inhabitants on 12,070 km²: class 5) is painted in the colour of
    # its class, computed in JavaScript: #f03b20 at fill opacity 0.88.
    red, green, blue, alpha = pixel_at(frame, 48.85, 2.35)
    assert (abs(red - 0xF0) <= 3, abs(green - 0x3B) <= 3, abs(blue - 0x20) <= 3) == (
        True, True, True)
    assert alpha > 200
    # La Réunion is drawn in its inset west of Brittany, not in the Indian Ocean.
    assert pixel_at(frame, *inside("regions", "04"))[3] > 200
    assert page.blocked == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "carte-france.png", full_page=True)


def test_clicking_a_region_draws_its_communes(page):
    frame = wait_drawn(page, "regions,frames")
    click_at(page, frame, *inside("regions", "76"))
    frame = wait_drawn(page, "communes,departements")
    assert frame.evaluate("document.body.dataset.features") == "4446,13"
    assert painted_share(frame) > 0.08  # France and the insets fill about an eighth
    page.get_by_role("heading", name="Occitanie").first.wait_for(timeout=TIMEOUT_MS)

    # Hover: tooltip; panning does not rerun the app; clicking a commune shows its card.
    toulouse = inside("communes", "31555", region="76")
    before = renders(frame)
    page.evaluate(RECORD_VALUES)
    centre = frame.evaluate("atlasMap.map.getCenter().toString()")
    frame.evaluate(PANNED)  # set when the drag to come, and its inertia, are over
    box = page.locator("iframe[src*='leaflet_map']").bounding_box()
    page.mouse.move(box["x"] + 200, box["y"] + 300)
    page.mouse.down()
    page.mouse.move(box["x"] + 260, box["y"] + 340, steps=8)
    page.mouse.up()
    frame.wait_for_function("window.panned", timeout=TIMEOUT_MS)
    assert frame.evaluate("atlasMap.map.getCenter().toString()") != centre
    assert renders(frame) == before
    x, y = frame.evaluate(
        """([lat, lon]) => { const p = atlasMap.map.latLngToContainerPoint([lat, lon]);
                             return [p.x, p.y]; }""", list(toulouse))
    page.mouse.move(box["x"] + x, box["y"] + y)
    frame.wait_for_selector(".leaflet-tooltip:has-text('Toulouse')", timeout=TIMEOUT_MS)
    click_at(page, frame, *toulouse)
    page.get_by_role("heading", name="Toulouse").wait_for(timeout=TIMEOUT_MS)
    frame.wait_for_selector("body[data-highlight='31555']", timeout=TIMEOUT_MS)
    # the click's value is the only one the map posted (values arrive in order): the drag
    # and the hover posted none, so they did not rerun the app
    assert page.evaluate("window.atlasValues") == ["31555"]
    assert page.blocked == []
    page.screenshot(path=SCREENSHOTS / "carte-occitanie.png", full_page=True)


def test_search_selects_the_commune_and_its_region(page):
    wait_drawn(page, "regions,frames")
    page.get_by_role("textbox", name="Rechercher une commune").fill("saint etienne")
    page.keyboard.press("Enter")
    page.get_by_text("Communes trouvées").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("combobox", name=re.compile("Communes trouvées")).click()
    page.get_by_role("option", name="Saint-Étienne (42218)").click()
    frame = wait_drawn(page, "communes,departements")
    frame.wait_for_selector("body[data-highlight='42218']", timeout=TIMEOUT_MS)
    page.get_by_role("heading", name="Saint-Étienne").wait_for(timeout=TIMEOUT_MS)
    # The map zoomed to the commune: its highlighted outline is in the middle of the view.
    assert frame.evaluate("atlasMap.map.getZoom()") >= 9
    assert page.blocked == []
    page.screenshot(path=SCREENSHOTS / "carte-recherche.png", full_page=True)


def test_data_page_offline(page, server):
    page.goto(f"{server}/donnees")
    for title in ("Sources et millésimes", "Communes sans géométrie",
                  "Réparations des géométries", "Défauts restants", "Populations complétées"):
        page.get_by_role("heading", name=title).wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("4 communes n'ont aucune géométrie").wait_for(timeout=TIMEOUT_MS)
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_test_id("stMetricValue").first.inner_text() == "34\u202f875"
    page.locator("[data-testid='stDataFrame'] canvas").first.wait_for(timeout=TIMEOUT_MS)
    settle(page)
    assert page.blocked == []
    page.screenshot(path=SCREENSHOTS / "donnees.png", full_page=True)


def test_map_coloured_by_the_overall_index(page):
    from atlas.maps import subjects

    wait_drawn(page, "regions,frames")  # the atlas opens on its overall index
    frame = map_frame(page)
    frame.wait_for_selector(".atlas-legend:has-text('Indice global')", timeout=TIMEOUT_MS)
    wait_drawn(page, "regions,frames")
    palette = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))
               for c in subjects.FRAGILITY_COLOURS]
    red, green, blue, _ = pixel_at(frame, 48.85, 2.35)  # Île-de-France
    assert any(abs(red - r) <= 4 and abs(green - g) <= 4 and abs(blue - b) <= 4
               for r, g, b in palette)
    page.get_by_text("Sources de cette carte").click()
    page.get_by_text("INSEE, Filosofi 2021").first.wait_for(timeout=TIMEOUT_MS)
    assert page.blocked == []
    page.screenshot(path=SCREENSHOTS / "carte-indice-global.png", full_page=True)


def test_a_shared_territory_link_opened_cold(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = offline_page(context)
    page.goto(f"{server}/territoire?territoire=communes:15187&normalisation=minmax")
    page.get_by_role("heading", name="Saint-Flour").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Méthode modifiée").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Copier le lien").click()
    link = page.get_by_test_id("stCode").filter(has_text="territoire=communes")
    link.wait_for(timeout=TIMEOUT_MS)
    assert "territoire=communes%3A15187" in link.inner_text()
    assert "normalisation=minmax" in link.inner_text()
    assert page.blocked == []
    context.close()


def test_objectif_percu_shows_the_grand_debat_by_default(page, server):
    from atlas.perception.grand_debat.reading import CAVEAT

    page.goto(f"{server}/objectif-percu")
    frame = wait_drawn(page, "gd_share,frames")
    assert frame.evaluate("document.body.dataset.features") == "18,5"  # régions, insets
    assert painted_share(frame) > 0.08
    frame.wait_for_selector(".atlas-legend-note:has-text('non représentatives')",
                            timeout=TIMEOUT_MS)
    caveat = page.get_by_test_id("stAlertContentWarning").filter(has_text=CAVEAT).first
    caveat.wait_for(state="visible", timeout=TIMEOUT_MS)
    # La Réunion is drawn in its inset, coloured by its share (or hatched, never absent)
    assert pixel_at(frame, *inside("regions", "04"))[3] > 200
    page.locator("[data-testid='stDataFrame'] canvas").first.wait_for(timeout=TIMEOUT_MS)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=TIMEOUT_MS)
    settle(page)
    assert page.blocked == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "objectif-percu-grand-debat.png", full_page=True)


CONTRAST = """() => {
    // WCAG 2.1 contrast of every visible text against its (blended) background.
    const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92
                                                        : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const blend = (top, bottom) => {
        const a = top.length > 3 ? top[3] : 1;
        return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a));
    };
    const background = (el) => {
        const layers = [];
        for (let e = el; e; e = e.parentElement) {
            const c = parse(getComputedStyle(e).backgroundColor);
            if (c.length && (c.length === 3 || c[3] > 0)) { layers.push(c); }
            if (c.length === 3 || (c.length > 3 && c[3] === 1)) { break; }
        }
        return layers.reverse().reduce((under, c) => blend(c, under), [255, 255, 255]);
    };
    const failures = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        const el = node.parentElement;
        if (!text || !el || !el.checkVisibility({opacityProperty: true,
                                                  visibilityProperty: true})) { continue; }
        // disabled controls are exempt (WCAG 1.4.3)
        if (el.closest("[disabled], [aria-disabled='true']")) { continue; }
        const style = getComputedStyle(el);
        const bg = background(el);
        const fg = blend(parse(style.color), bg);
        const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        const ratio = (l1 + 0.05) / (l2 + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight) >= 700);
        const icon = /Material/.test(style.fontFamily);  // graphics: 3:1 (WCAG 1.4.11)
        if (ratio < (large || icon ? 3 : 4.5)) {
            failures.push(`${text.slice(0, 40)} (${ratio.toFixed(2)}, ${style.color})`);
        }
    }
    return failures;
}"""


@pytest.fixture
def laptop(browser, server):
    """A 1366 × 768 page that may only talk to the local server."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    yield offline_page(context)
    context.close()


def test_all_communes_of_france_on_a_laptop_screen(laptop, server):
    laptop.goto(f"{server}/?niveau=communes&carte=overall")
    frame = wait_drawn(laptop, "communes,frames,regions_outline")
    drawn = int(frame.evaluate("document.body.dataset.features").split(",")[0])
    shapes = store.web_geometries("communes", "france")
    assert drawn == int((shapes.geometry.notna() & ~shapes.geometry.is_empty).sum())
    # the map is on screen without scrolling, beside the card column
    box = laptop.locator("iframe[src*='leaflet_map']").bounding_box()
    assert box["y"] < 400 and box["x"] + box["width"] <= 1366
    # hovering Paris shows its score and rank (the tooltip comes from the payload)
    x, y = frame.evaluate("""() => { const p = atlasMap.map.latLngToContainerPoint(
                                         [48.8566, 2.3522]); return [p.x, p.y]; }""")
    laptop.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = frame.wait_for_selector(".leaflet-tooltip", timeout=TIMEOUT_MS)
    assert re.search(r"score \d,\d\d · rang [\d\u202f]+/", tooltip.inner_text())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    laptop.screenshot(path=SCREENSHOTS / "carte-communes-france-1366.png")


def test_text_contrast_is_aa_and_search_works_from_the_keyboard(laptop, server):
    laptop.goto(server)
    frame = wait_drawn(laptop, "regions,frames")
    assert laptop.evaluate(CONTRAST) == []
    assert frame.evaluate(CONTRAST) == []  # legend, zoom buttons, inset labels
    search = laptop.get_by_role("textbox", name="Rechercher une commune")
    search.focus()
    laptop.keyboard.type("toulouse")
    laptop.keyboard.press("Enter")
    hits = laptop.get_by_role("combobox", name=re.compile("Communes trouvées"))
    hits.wait_for(timeout=TIMEOUT_MS)
    hits.focus()
    laptop.keyboard.press("ArrowDown")
    laptop.get_by_role("option", name=re.compile(r"^Toulouse \(31555\)")).wait_for()
    laptop.keyboard.press("Enter")
    laptop.get_by_role("heading", name="Toulouse").wait_for(timeout=TIMEOUT_MS)
    assert laptop.evaluate(CONTRAST) == []


@pytest.mark.parametrize("path", ["territoire", "objectif-percu", "autodiagnostic",
                                  "donnees", "export"])
def test_every_page_has_aa_text_contrast(laptop, server, path):
    laptop.goto(f"{server}/{path}")
    laptop.locator("h1").first.wait_for(timeout=TIMEOUT_MS)
    laptop.wait_for_load_state("networkidle")
    settle(laptop)
    assert laptop.evaluate(CONTRAST) == []


def listening_addresses(port: int) -> set[str]:
    """Local addresses listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table, size in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, size, 4))
                found.add(str(ipaddress.ip_address(words)))
    return found


def test_server_listens_on_this_machine_only_and_reaches_nothing_outside(tmp_path):
    store.ensure_built()
    port = free_port()
    outside = tmp_path / "outside.log"
    process = start_server(port, outside)  # the settings of .streamlit/config.toml only
    try:
        wait_healthy(process, f"http://localhost:{port}")
        addresses = listening_addresses(port)
    finally:
        output = stop(process)
    assert addresses and all(ipaddress.ip_address(a).is_loopback for a in addresses), addresses
    assert not outside.exists() or outside.read_text() == ""
    assert "External URL" not in output and "Network URL" not in output


def test_search_text_is_shown_as_plain_text(page, server):
    typed = "![x](https://example.org/a.png) **gras** :red[rouge] $x^2$ <b>b</b>"
    page.goto(f"{server}/territoire")
    page.get_by_role("heading", name="Fiche du territoire").wait_for(timeout=TIMEOUT_MS)
    field = page.get_by_role("textbox", name="Rechercher un territoire")
    field.fill(typed)
    page.get_by_test_id("InputInstructions").first.wait_for(state="attached",
                                                           timeout=TIMEOUT_MS)
    # Streamlit's English hint is hidden by the page's style (once that run has drawn it)
    page.get_by_text("Press Enter").first.wait_for(state="hidden", timeout=TIMEOUT_MS)
    field.press("Enter")
    alert = page.get_by_test_id("stAlertContentInfo").filter(has_text="Aucun territoire")
    alert.wait_for(timeout=TIMEOUT_MS)
    shown = alert.inner_text().strip().replace("\u2060", "")  # word joiners break links
    assert shown == f"Aucun territoire ne correspond à « {typed} »."
    assert alert.locator("img, a, strong, b, .katex, [data-testid='stIconMaterial']").count() \
        == 0
    assert page.blocked == []
    assert len(field.input_value()) <= 100


def test_an_unknown_page_gets_a_french_page_with_a_way_back(page, server):
    page.goto(f"{server}/nimporte")
    page.get_by_text("Page introuvable : l'adresse « /nimporte »").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("link", name="Chercher un territoire").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("heading", name="Carte des territoires").wait_for(timeout=TIMEOUT_MS)
    settle(page)
    # Streamlit's English modal: hidden by the page's style, which comes with each run
    page.get_by_text("Page not found").first.wait_for(state="hidden", timeout=TIMEOUT_MS)
    assert page.blocked == []


def test_a_nested_path_gets_the_french_page_not_a_blank_one(page, server):
    """Streamlit alone shows a blank page forever at ``/territoire/saint-flour``."""
    page.goto(f"{server}/territoire/saint-flour")
    page.get_by_text("Page introuvable : l'adresse « /territoire/saint-flour »").wait_for(
        timeout=TIMEOUT_MS)
    assert urlsplit(page.url).path == "/territoire"
    page.get_by_role("heading", name="Fiche du territoire").wait_for(timeout=TIMEOUT_MS)
    settle(page)
    page.get_by_text("Page not found").first.wait_for(state="hidden", timeout=TIMEOUT_MS)
    assert page.blocked == []


def test_the_html_map_opens_from_disk_offline(browser, tmp_path):
    from atlas.maps.html_map import export_html

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    out = export_html("departements", "overall", out=tmp_path / "carte.html")
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    blocked = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("file:", "data:")) else (blocked.append(route.request.url), route.abort()))
    page.goto(out.as_uri())
    page.wait_for_selector("path.leaflet-interactive", timeout=TIMEOUT_MS)
    assert page.locator("path.leaflet-interactive").count() == 101  # 96 + 5 overseas
    page.get_by_text("Classes (nombre de territoires)").wait_for(timeout=TIMEOUT_MS)
    assert blocked == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "carte-html-departements.png")
    context.close()
