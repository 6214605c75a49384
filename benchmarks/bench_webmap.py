"""Build time and size of the web map layers of :func:`atlas.maps.web_layers.map_layer`.

Usage: python benchmarks/bench_webmap.py [--repeat 5]

For each level and scope (France: régions, départements, EPCI, communes; Occitanie:
départements, EPCI, communes) it prints:

- cold: the first build (geometries read from the artifacts, moved into the insets for
  France, quantised and encoded), the geometry cache emptied before;
- warm: a build with the geometry cached, new classes and tooltips (what a rerun with another
  indicator costs), median of ``--repeat``;
- payload size, raw and gzipped (level 6, as served), without and with tooltip texts of
  the length the Carte page sends (name, value, rank);
- features and vertices, and the same layer as plain GeoJSON (:func:`atlas.maps.web_layers.geojson`,
  four decimals) for comparison.

The time for the browser to draw them is measured by ``bench_webmap_browser.py``.
Budget: national communes under 6 MB raw. The exit code is 1 when it is exceeded.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from atlas.maps import web_layers  # noqa: E402
from geodata import store  # noqa: E402

CASES = [(level, None) for level in web_layers.LEVELS] + [
    (level, "76") for level in ("departements", "epci", "communes")]
BUDGET_BYTES = 6_000_000


def classes_and_tips(level: str) -> tuple[pd.Series, pd.Series]:
    """Density classes (a few missing), and tooltip texts like the Carte page's."""
    table = store.attributes(level)
    cls = web_layers.density_class(table["population"], table["area_km2"])
    n = len(table)
    tips = [f"{name} — 0,{i % 97:02d} · rang {i + 1:,}/{n:,}".replace(",", "\u202f")
            for i, name in enumerate(table["name"])]
    codes = table["code"].to_numpy()
    return pd.Series(cls.to_numpy(), index=codes), pd.Series(tips, index=codes)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    store.ensure_built()
    over = False
    print(f"{'scope':9} {'level':13} {'features':>8} {'vertices':>9}  {'cold':>6} "
          f"{'warm':>6}  {'raw':>8} {'gzip':>8}  {'with tips: raw':>14} {'gzip':>8}  "
          f"{'GeoJSON raw':>11}")
    for level, region in CASES:
        classes, tips = classes_and_tips(level)
        web_layers._encoded_layer.cache_clear()
        t0 = time.perf_counter()
        plain = web_layers.map_layer(level, region)
        cold = time.perf_counter() - t0
        warm = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            tipped = web_layers.map_layer(level, region, classes=classes, tips=tips)
            warm.append(time.perf_counter() - t0)
        features = len(json.loads(plain)["code"])
        shapes = web_layers._layer_territories(level, region, None)
        vertices = int(np.sum(web_layers.shapely.get_num_coordinates(shapes.geometry.to_numpy())))
        reference = len(web_layers.geojson(shapes.assign(cls=1), ("code", "name", "cls")).encode())
        raw, tipped_raw = len(plain.encode()), len(tipped.encode())
        print(f"{'France' if region is None else 'Occitanie':9} {level:13} {features:8,} "
              f"{vertices:9,}  {cold:5.2f}s {statistics.median(warm):5.3f}s  "
              f"{raw / 1e6:6.3f}MB {len(gzip.compress(plain.encode(), 6)) / 1e6:6.3f}MB  "
              f"{tipped_raw / 1e6:12.3f}MB {len(gzip.compress(tipped.encode(), 6)) / 1e6:6.3f}MB"
              f"  {reference / 1e6:9.2f}MB")
        if level == "communes" and region is None:
            over |= tipped_raw > BUDGET_BYTES
    print(f"budget (national communes < {BUDGET_BYTES / 1e6:.0f} MB raw): "
          f"{'exceeded' if over else 'met'}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
