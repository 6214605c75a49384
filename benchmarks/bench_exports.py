"""Time the static report maps and measure their files.

Usage: python -m benchmarks.bench_exports [--what overall] [--size page] [--out DIR]
(or ``PYTHONPATH=. python benchmarks/bench_exports.py``).

Prints three tables:

1. the first map of a process (cold caches: indices computed, geometries read, projected,
   moved into insets and turned into paths), the communes of France in PNG;
2. for the national maps of each level and format (PNG at 200 dpi, SVG, PDF): the time to
   prepare the data (second call of ``map_data``, warm caches), to draw the figure, to write
   the file, and its size;
3. what the Export page waits for once its server has made one map (``export_map`` end to
   end, warm caches): maps of a région or a département with a territory outlined and
   named, and France with a commune outlined.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt

from atlas.maps.static_maps import FORMATS, draw, export_map, map_data, save, style

DATE = dt.date(2026, 12, 1)
LEVELS = ("regions", "departements", "epci", "communes")
OUTLINED = (  # (label, level, within, highlight)
    ("communes 84 +42218", "communes", "regions:84", "communes:42218"),
    ("communes 15 +15187", "communes", "departements:15", "communes:15187"),
    ("epci 42 +244200770", "epci", "departements:42", "epci:244200770"),
    ("deps FR +42218", "departements", None, "communes:42218"),
    ("communes FR +42218", "communes", None, "communes:42218"),
)


def main() -> None:
    """Print the three tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--what", default="overall")
    parser.add_argument("--size", default="page", choices=["page", "slide"])
    parser.add_argument("--out", type=Path, default=None, help="keep the files there")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    out.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    path = export_map("communes", args.what, out=out / "cold.png", size=args.size, date=DATE)
    print(f"first map of the process (communes, France, PNG): "
          f"{time.perf_counter() - start:.2f} s, {_size(path.stat().st_size)}\n")

    print(f"{'level':<13}{'format':<7}{'data s':>8}{'draw s':>8}{'write s':>9}"
          f"{'total s':>9}{'size':>10}")
    for level in LEVELS:
        map_data(level, args.what)  # warm-up: indices and artifacts read once
        start = time.perf_counter()
        data = map_data(level, args.what)
        prepared = time.perf_counter() - start
        for fmt in FORMATS:
            with style():
                start = time.perf_counter()
                fig = draw(data, args.size, date=DATE)
                drawn = time.perf_counter() - start
                path = out / f"{level}.{fmt}"
                start = time.perf_counter()
                save(fig, path, fmt)
                written = time.perf_counter() - start
            plt.close(fig)
            total = prepared + drawn + written
            print(f"{level:<13}{fmt:<7}{prepared:>8.2f}{drawn:>8.2f}{written:>9.2f}"
                  f"{total:>9.2f}{_size(path.stat().st_size):>10}")

    print(f"\n{'outlined map (export_map)':<28}{'format':<7}{'total s':>9}{'size':>10}")
    for label, level, within, highlight in OUTLINED:
        for fmt in FORMATS:
            path = out / f"{label.replace(' ', '_')}.{fmt}"
            start = time.perf_counter()
            export_map(level, args.what, within=within, highlight=highlight, fmt=fmt,
                       out=path, size=args.size, date=DATE)
            total = time.perf_counter() - start
            print(f"{label:<28}{fmt:<7}{total:>9.2f}{_size(path.stat().st_size):>10}")
    print(f"files in {out}")


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


if __name__ == "__main__":
    main()
