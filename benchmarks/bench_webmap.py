"""Measure the web map in the served app, in a real headless Chromium, offline.

Usage: python benchmarks/bench_webmap.py [--repeat 3] [--url http://127.0.0.1:8501]

Without ``--url`` it starts ``streamlit run streamlit_app.py`` on a free port (with the
current ``ATLAS_CACHE_DIR``). Every request that is not to the local server is aborted.
Figures (warm: one warm-up, then the median of ``--repeat`` runs, each in a new page of
the same browser), timed inside the browser (``performance.now``; the time at which
Playwright notices is printed too):

- national map: from navigation start to the régions painted on the canvas;
- Occitanie: from the click on the région to its 4,446 communes painted;
- payload of each map: GeoJSON files (raw and as transferred), component arguments, and
  the websocket bytes received for the whole page;
- the server's resident memory (current and peak).

Budgets: national map and Occitanie under 3 s warm, each map's payload under 3 MB. The
exit code is 1 when a budget is exceeded.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from shapely.geometry import shape

from atlas import webmap
from geodata import store

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
BUDGET_SECONDS = 3.0
BUDGET_BYTES = 3_000_000
NATIONAL = "regions,frames"
REGION = "communes,departements"
TIMEOUT_MS = 120_000


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
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


def memory_mb(pid: int) -> tuple[float, float]:
    """Current and peak resident memory of a process (Linux /proc), in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


class Websocket:
    """Bytes received by a page over Streamlit's websocket."""

    def __init__(self, page):
        self.received = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        self.received += len(payload)


def layer_bytes(frame) -> tuple[int, int]:
    """Raw and transferred bytes of the layers shown (Resource Timing API of the iframe)."""
    return tuple(frame.evaluate("""() => {
        const urls = new Set(atlasMap.args.layers.map(l => new URL(l.url, location.href).href));
        let raw = 0, sent = 0;
        for (const e of performance.getEntriesByType('resource')) {
            if (urls.has(e.name)) { raw += e.decodedBodySize; sent += e.transferSize; }
        }
        return [raw, sent]; }"""))


def offline_page(context):
    page = context.new_page()
    blocked = []

    def only_local(route):
        url = route.request.url
        host = url.split("/")[2].rsplit(":", 1)[0] if "://" in url else ""
        if url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", only_local)
    return page, blocked


def map_frame(page):
    page.wait_for_selector("iframe[src*='leaflet_map']", timeout=TIMEOUT_MS)
    return next(f for f in page.frames if "leaflet_map" in f.url)


def wait_drawn(page, layers: str):
    frame = map_frame(page)
    frame.wait_for_selector(f"body[data-drawn='{layers}']", timeout=TIMEOUT_MS)
    if frame.evaluate("""() => { const c = document.querySelector('.leaflet-overlay-pane canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) return false; }
            return true; }"""):
        raise RuntimeError(f"layers {layers} reported drawn but the canvas is empty")
    return frame


def component_args_bytes(page) -> int:
    """Size of the JSON arguments the component received (measured in the iframe)."""
    frame = map_frame(page)
    return frame.evaluate("JSON.stringify(atlasMap.args).length")


def occitanie_point() -> tuple[float, float]:
    feature = next(f for f in json.loads(webmap.national_regions())["features"]
                   if f["properties"]["code"] == "76")
    point = shape(feature["geometry"]).representative_point()
    return point.y, point.x


def run_once(context, url: str, point: tuple[float, float]) -> dict:
    page, blocked = offline_page(context)
    websocket = Websocket(page)
    t0 = time.perf_counter()
    page.goto(url)
    page.get_by_role("heading", name="Carte des territoires").wait_for(timeout=TIMEOUT_MS)
    heading = time.perf_counter() - t0
    page.wait_for_selector("iframe[src*='leaflet_map']", timeout=TIMEOUT_MS)
    iframe = time.perf_counter() - t0
    frame = wait_drawn(page, NATIONAL)
    national = time.perf_counter() - t0
    # The same, timed inside the browser: from the page's navigation start to the canvas
    # painted (without the polling delay of Playwright).
    offset = frame.evaluate("performance.timeOrigin") - page.evaluate("performance.timeOrigin")
    national_browser = (offset + frame.evaluate("atlasMap.timings().drawn")) / 1000
    page.wait_for_timeout(300)  # let the last websocket events reach Python
    national_traffic = (*layer_bytes(frame), websocket.received, component_args_bytes(page))
    websocket.received = 0
    x, y = frame.evaluate("""([lat, lon]) => { const p = atlasMap.map.latLngToContainerPoint(
        [lat, lon]); return [p.x, p.y]; }""", list(point))
    box = page.locator("iframe[src*='leaflet_map']").bounding_box()
    t0 = time.perf_counter()
    page.mouse.click(box["x"] + x, box["y"] + y)
    frame = wait_drawn(page, REGION)
    region = time.perf_counter() - t0
    features = frame.evaluate("document.body.dataset.features")
    steps = frame.evaluate("atlasMap.timings()")
    region_browser = (steps["drawn"] - steps["click"]) / 1000
    page.wait_for_timeout(300)
    region_traffic = (*layer_bytes(frame), websocket.received, component_args_bytes(page))
    page.close()
    if blocked:
        raise RuntimeError(f"the page asked for non-local resources: {blocked}")
    return {"national": national, "heading": heading, "iframe": iframe,
            "national_browser": national_browser, "region_browser": region_browser,
            "region": region, "features": features, "steps": steps,
            "national_traffic": national_traffic, "region_traffic": region_traffic}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", help="an already served app (default: start one)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    store.ensure_built()
    process, url = (None, args.url) if args.url else start_server()
    try:
        point = occitanie_point()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            first = run_once(context, url, point)  # warm-up: server caches, browser cache
            runs = [run_once(context, url, point) for _ in range(args.repeat)]
            browser.close()
        rss = memory_mb(process.pid) if process else None
    finally:
        if process:
            process.terminate()
            process.wait(timeout=20)

    def median(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    def listed(key: str) -> list[float]:
        return [round(r[key], 2) for r in runs]

    national, region = median("national_browser"), median("region_browser")
    print(f"server {url}, {args.repeat} warm runs after one warm-up (Chromium, offline)")
    print(f"first load (cold server caches): national {first['national_browser']:.2f} s, "
          f"Occitanie {first['region_browser']:.2f} s")
    print(f"national map drawn (warm, median)   {national:5.2f} s   runs "
          f"{listed('national_browser')}; seen by Playwright {median('national'):.2f} s")
    print(f"Occitanie communes drawn (median)   {region:5.2f} s   runs "
          f"{listed('region_browser')}; seen by Playwright {median('region'):.2f} s; "
          f"features {runs[-1]['features']}")
    print(f"  national: page title shown {median('heading'):.2f} s, map iframe found "
          f"{median('iframe'):.2f} s (Playwright)")
    step = {k: statistics.median(r["steps"][b] - r["steps"][a] for r in runs)
            for k, (a, b) in {"rerun": ("click", "render"), "download": ("render", "parsed"),
                              "build": ("parsed", "built"), "draw": ("built", "drawn")}.items()}
    print("  Occitanie: click to new arguments (rerun) {rerun:.0f} ms, download and parse "
          "{download:.0f} ms, Leaflet layers {build:.0f} ms, canvas drawn {draw:.0f} ms"
          .format(**step))
    over = national > BUDGET_SECONDS or region > BUDGET_SECONDS
    for name, key in (("national map", "national_traffic"), ("Occitanie", "region_traffic")):
        raw, sent, websocket, component = first[key]
        print(f"payload {name:13} GeoJSON {raw / 1e6:5.2f} MB raw, {sent / 1e6:5.2f} MB "
              f"transferred (gzip); websocket {websocket / 1e3:5.1f} kB; "
              f"component args {component} B")
        over |= raw > BUDGET_BYTES
    if rss:
        print(f"server memory (RSS)                 {rss[0]:6.0f} MB now, {rss[1]:.0f} MB peak")
    print(f"budgets (<{BUDGET_SECONDS:.0f} s warm, <{BUDGET_BYTES / 1e6:.0f} MB per map): "
          f"{'exceeded' if over else 'met'}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
