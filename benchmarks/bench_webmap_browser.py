"""Time the web map in a real headless Chromium, offline: navigation to polygons painted.

Usage: python benchmarks/bench_webmap_browser.py [--repeat 3] [--batch 64] [--app | --only-app]
    [--screenshots DIR]

Standalone (default, independent of the app's pages): the component's own files
(``index.html``, ``main.js``, Leaflet) are assembled in a temporary folder with the layers
of :func:`atlas.maps.web_layers.map_layer` and the render arguments of
:func:`app_pages.common.leaflet_map.component_args`, served by a small local HTTP server (gzip,
ETag revalidation, as Streamlit serves component files), and opened as
``index.html?atlasArgs=<arguments>``: ``main.js`` renders them without Streamlit. Every
request that is not to the local server is aborted.

For each map (national communes, national régions, Occitanie communes) it prints:

- cold: a new browser context (empty cache), from navigation start to ``body[data-drawn]``
  (set two animation frames after the layers are added, i.e. once the canvas is painted),
  timed in the page (``performance.now``) and as seen by Playwright;
- warm: reloads in the same context (HTTP cache revalidated), median of ``--repeat``;
- the steps of the warm load (download and JSON parse, decode and Leaflet layers, paint);
- payload bytes (raw, as transferred) and the JS heap after drawing (after a GC);
- the redraw after a zoom and a pan, and the canvas hit test of a mouse move (tooltip).

``--app`` also opens the real app (``streamlit run atlas_app.py``) at
``/?niveau=communes`` and times the map in it (needs the Carte page's query parameters).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import http.server
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app_pages.common.leaflet_map import Layer, Legend, component_args, component_dir  # noqa: E402
from atlas.maps import web_layers  # noqa: E402
from geodata import store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--enable-precise-memory-info"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}
TIMEOUT_MS = 120_000
BUDGET_SECONDS = 5.0
BUDGET_BYTES = 6_000_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with gzip and ETag revalidation (``Cache-Control: no-cache``)."""

    cache: dict[Path, tuple[bytes, bytes, str]] = {}

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = Path(self.translate_path(self.path.split("?", 1)[0]))
        if not path.is_file():
            self.send_error(404)
            return
        if path not in self.cache:
            raw = path.read_bytes()
            self.cache[path] = (raw, gzip.compress(raw, 6),
                                '"' + hashlib.sha1(raw).hexdigest() + '"')
        raw, packed, etag = self.cache[path]
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        body = packed if "gzip" in self.headers.get("Accept-Encoding", "") else raw
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("ETag", etag)
        if body is packed:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        self.wfile.write(body)


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    port = free_port()

    def handler(*args, **kwargs):
        return Handler(*args, directory=str(folder), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}"


def density_classes(level: str) -> pd.Series:
    table = store.attributes(level)
    return pd.Series(web_layers.density_class(table["population"], table["area_km2"]).to_numpy(),
                     index=table["code"].to_numpy())


def tips(level: str) -> pd.Series:
    """Tooltip texts of the length the Carte page sends (name, value, rank)."""
    table = store.attributes(level)
    n = len(table)
    text = [f"{name} — 0,{i % 97:02d} · rang {i + 1:,}/{n:,}".replace(",", "\u202f")
            for i, name in enumerate(table["name"])]
    return pd.Series(text, index=table["code"].to_numpy())


def scenarios() -> dict[str, list[Layer]]:
    """Layer sets of the three maps timed, as the Carte page would send them."""
    frames = Layer("frames", web_layers.inset_frames(), style="frame", fit=True, weight=1.0)
    communes, regions = density_classes("communes"), density_classes("regions")
    return {
        "national communes": [
            Layer("communes", web_layers.map_layer("communes", None, communes, tips("communes")),
                  interactive=True, fit=True, weight=0.3),
            frames,
            Layer("regions_outline", web_layers.map_layer("regions"), style="outline",
                  weight=1.0)],
        "national régions": [
            Layer("regions", web_layers.map_layer("regions", None, regions, tips("regions")),
                  interactive=True, fit=True, weight=1.2),
            frames],
        "Occitanie communes": [
            Layer("communes", web_layers.map_layer("communes", "76", communes, tips("communes")),
                  interactive=True, fit=True, weight=0.3),
            Layer("departements", web_layers.map_layer("departements", "76"), style="outline",
                  weight=1.6)],
    }


def offline_page(context):
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


PAINTED = """() => { const c = document.querySelector('.leaflet-overlay-pane canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
    return n / (d.length / 4); }"""

TRAFFIC = """() => { let raw = 0, sent = 0;
    for (const e of performance.getEntriesByType('resource')) {
        if (e.name.includes('/data/')) { raw += e.decodedBodySize; sent += e.transferSize; } }
    return [raw, sent]; }"""


def measure(page, frame, layers: str, t0: float) -> dict:
    frame.wait_for_selector(f"body[data-drawn='{layers}']", timeout=TIMEOUT_MS)
    seen = time.perf_counter() - t0
    steps = frame.evaluate("atlasMap.timings()")
    offset = frame.evaluate("performance.timeOrigin") - page.evaluate("performance.timeOrigin")
    return {"drawn": (offset + steps["drawn"]) / 1000, "seen": seen, "steps": steps,
            "features": frame.evaluate("document.body.dataset.features"),
            "painted": frame.evaluate(PAINTED)}


ZOOM = """() => new Promise(done => {
    const map = atlasMap.map, t0 = performance.now();
    map.setZoom(map.getZoom() + 1, {animate: false});
    requestAnimationFrame(() => requestAnimationFrame(() => {
        const zoom = performance.now() - t0, t1 = performance.now();
        map.panBy([200, 120], {animate: false});
        requestAnimationFrame(() => requestAnimationFrame(() => {
            const pan = performance.now() - t1;
            map.setZoom(map.getZoom() - 1, {animate: false});
            map.panBy([-200, -120], {animate: false});
            done([zoom, pan]); })); })); })"""

HOVER = """() => { const map = atlasMap.map, c = map.getContainer();
    const box = c.getBoundingClientRect();
    const t0 = performance.now(); let n = 0;
    for (let x = 300; x < 1000; x += 35) { for (let y = 150; y < 600; y += 45) {
        map.getRenderer(atlasMap.shown()[0].geo.getLayers()[0])._onMouseMove({
            clientX: box.left + x, clientY: box.top + y, type: 'mousemove',
            target: c}); n++; } }
    return (performance.now() - t0) / n; }"""


def heap_mb(context, page) -> float:
    session = context.new_cdp_session(page)
    session.send("HeapProfiler.collectGarbage")
    used = session.send("Runtime.getHeapUsage")["usedSize"]
    session.detach()
    return used / 1e6


def run_standalone(browser, base: str, name: str, args_url: str, layers: str,
                   repeat: int, screenshots: Path | None = None) -> dict:
    url = f"{base}/index.html?atlasArgs={args_url}"
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = offline_page(context)
    t0 = time.perf_counter()
    page.goto(url)
    cold = measure(page, page.main_frame, layers, t0)
    traffic = page.evaluate(TRAFFIC)
    warm = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        page.reload()
        warm.append(measure(page, page.main_frame, layers, t0))
    if screenshots:
        screenshots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=screenshots / f"webmap-{name.replace(' ', '-')}.png")
    zoom, pan = page.evaluate(ZOOM)
    hover = page.evaluate(HOVER)
    heap = heap_mb(context, page)
    blocked = page.blocked
    context.close()
    if blocked:
        raise RuntimeError(f"{name}: the page asked for non-local resources: {blocked}")
    return {"cold": cold, "warm": warm, "traffic": traffic, "heap": heap, "zoom": zoom,
            "pan": pan, "hover": hover}


def start_app() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "atlas_app.py",
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"streamlit did not start on port {port}") from None
            time.sleep(0.3)


def run_app(browser, repeat: int) -> None:
    """The real app at ``/?niveau=communes``: navigation to the communes painted."""
    process, url = start_app()
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        results = []
        for attempt in range(repeat + 1):  # the first one fills the server's caches
            page = offline_page(context)
            t0 = time.perf_counter()
            page.goto(f"{url}/?niveau=communes")
            page.wait_for_selector("iframe[src*='leaflet_map']", timeout=TIMEOUT_MS)
            frame = next(f for f in page.frames if "leaflet_map" in f.url)
            frame.wait_for_function(
                "() => Number((document.body.dataset.features || '0').split(',')[0]) > 30000",
                timeout=TIMEOUT_MS)
            seen = time.perf_counter() - t0
            offset = (frame.evaluate("performance.timeOrigin")
                      - page.evaluate("performance.timeOrigin"))
            steps = frame.evaluate("atlasMap.timings()")
            drawn = (offset + steps["drawn"]) / 1000
            results.append((drawn, seen))
            print(f"  app run {attempt}: drawn {drawn:.2f} s (Playwright {seen:.2f} s)"
                  f"{' (cold server)' if attempt == 0 else ''}: map iframe loaded "
                  f"{offset / 1000:.2f} s, arguments received "
                  f"{(offset + steps['render']) / 1000:.2f} s, then layers downloaded "
                  f"{(steps['parsed'] - steps['render']) / 1000:.2f} s,"
                  f" built {(steps['built'] - steps['parsed']) / 1000:.2f} s, painted "
                  f"{(steps['drawn'] - steps['built']) / 1000:.2f} s")
            if page.blocked:
                raise RuntimeError(f"the app asked for non-local resources: {page.blocked}")
            page.close()
        context.close()
        warm = statistics.median(r[0] for r in results[1:])
        print(f"real app, national communes (/?niveau=communes): warm median {warm:.2f} s")
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=None,
                        help="override main.js BATCH (features per canvas path)")
    parser.add_argument("--app", action="store_true", help="also time the real app")
    parser.add_argument("--only-app", action="store_true", help="time the real app only")
    parser.add_argument("--screenshots", type=Path, help="save a screenshot of each map here")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    store.ensure_built()
    over = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = component_dir(Path(tmp))
        script = folder / "main.js"
        text = script.read_text(encoding="utf-8")
        if args.batch is not None:
            text = re.sub(r"var BATCH = \d+;", f"var BATCH = {args.batch};", text)
        script.write_text(text, encoding="utf-8")
        legend = Legend("Densité (hab./km²)", tuple(web_layers.density_legend()),
                        missing="non disponible (4)")
        pages = {}
        for name, layers in scenarios().items():
            arguments = component_args(layers, folder, legend=legend, height=700)
            file = f"args-{hashlib.sha1(name.encode()).hexdigest()[:8]}.json"
            (folder / file).write_text(json.dumps(arguments), encoding="utf-8")
            pages[name] = (file, ",".join(layer.id for layer in layers),
                           sum(len(layer.geojson.encode()) for layer in layers))
        server, base = serve(folder)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=CHROMIUM_ARGS)
                print(f"headless Chromium {browser.version}, offline, {args.repeat} warm "
                      f"reloads per map (standalone page {base}/index.html)")
                for name, (file, layers, size) in pages.items():
                    if args.only_app:
                        break
                    result = run_standalone(browser, base, name, file, layers, args.repeat,
                                            args.screenshots)
                    cold, warm = result["cold"], result["warm"]
                    median = statistics.median(w["drawn"] for w in warm)
                    first = layers.split(",")[0]

                    def step(of, warm=warm, first=first):
                        return statistics.median(of(w["steps"], w["steps"]["layers"][first])
                                                 for w in warm)

                    download = step(lambda s, f: f["download"])
                    parse = step(lambda s, f: f["parse"])
                    build = step(lambda s, f: f["build"])
                    add = step(lambda s, f: s["shown"] - s["built"])
                    paint = step(lambda s, f: s["paint"])
                    raw, sent = result["traffic"]
                    print(f"{name:19} cold {cold['drawn']:5.2f} s (Playwright "
                          f"{cold['seen']:.2f} s)  warm {median:5.2f} s (runs "
                          f"{[round(w['drawn'], 2) for w in warm]})  features "
                          f"{cold['features']}, canvas painted {cold['painted']:.0%}")
                    print(f"{'':19} warm steps of layer {first!r}: download {download:.0f} "
                          f"ms, JSON parse {parse:.0f} ms, decode and build {build:.0f} ms; "
                          f"all layers: add to map (project) {add:.0f} ms, paint "
                          f"{paint:.0f} ms")
                    print(f"{'':19} payload {size / 1e6:.2f} MB raw, "
                          f"{sent / 1e6:.2f} MB transferred (gzip, cold; resource timing "
                          f"{raw / 1e6:.2f} MB); JS heap {result['heap']:.0f} MB")
                    print(f"{'':19} redraw after zoom in {result['zoom']:.0f} ms, after pan "
                          f"{result['pan']:.0f} ms; hover hit test "
                          f"{result['hover']:.2f} ms per mouse move")
                    over |= median > BUDGET_SECONDS or size > BUDGET_BYTES
                if args.app or args.only_app:
                    run_app(browser, args.repeat)
                browser.close()
        finally:
            server.shutdown()
    print(f"budgets (< {BUDGET_SECONDS:.0f} s warm, < {BUDGET_BYTES / 1e6:.0f} MB raw per map):"
          f" {'exceeded' if over else 'met'}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
