"""Time the static report maps and measure their files.

Usage: python benchmarks/bench_exports.py [--what overall] [--size page] [--out DIR]

For the national maps of the régions, départements and communes, prints (per format PNG
at 200 dpi, SVG, PDF): the time to prepare the data (geometries, values, classes, insets),
the time to draw the figure, the time to write the file, and its size. Data preparation is
timed once per level (the second call of ``map_data``, warm caches).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt

from atlas.maps.static_maps import FORMATS, _style, draw, map_data, save

LEVELS = ("regions", "departements", "communes")


def main() -> None:
    """Print one line per level and format."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--what", default="overall")
    parser.add_argument("--size", default="page", choices=["page", "slide"])
    parser.add_argument("--out", type=Path, default=None, help="keep the files there")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"{'level':<13}{'format':<7}{'data s':>8}{'draw s':>8}{'write s':>9}"
          f"{'total s':>9}{'size':>10}")
    for level in LEVELS:
        map_data(level, args.what)  # warm-up: indices and artifacts read once
        start = time.perf_counter()
        data = map_data(level, args.what)
        prepared = time.perf_counter() - start
        for fmt in FORMATS:
            with _style():
                start = time.perf_counter()
                fig = draw(data, args.size, date=dt.date(2026, 12, 1))
                drawn = time.perf_counter() - start
                path = out / f"{level}.{fmt}"
                start = time.perf_counter()
                save(fig, path, fmt)
                written = time.perf_counter() - start
            plt.close(fig)
            total = prepared + drawn + written
            print(f"{level:<13}{fmt:<7}{prepared:>8.2f}{drawn:>8.2f}{written:>9.2f}"
                  f"{total:>9.2f}{_size(path.stat().st_size):>10}")
    print(f"files in {out}")


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


if __name__ == "__main__":
    main()
