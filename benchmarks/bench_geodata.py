"""Measure the geometry build and how fast its artifacts read back.

Usage: python benchmarks/bench_geodata.py [--rebuild]

Without ``--rebuild`` it measures the artifacts in the cache (building them if needed);
with it, it rebuilds from scratch into a temporary folder and reports that build's time and
peak memory (the process's maximum resident set size).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from geodata import build, store
from geodata.paths import geodata_dir


def _timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if args.rebuild:
        root = Path(tempfile.mkdtemp()) / "geodata"
        t0 = time.perf_counter()
        build.build(root, progress=lambda line: None)
        print(f"build from scratch          {time.perf_counter() - t0:6.1f} s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"build peak memory (RSS)     {peak:6.0f} MB")
        t0 = time.perf_counter()
        build.build(root, progress=lambda line: None)
        print(f"build when already built    {time.perf_counter() - t0:6.2f} s")
    else:
        root = store.ensure_built()
    root = geodata_dir(root)
    print(f"artifacts in {root}")
    for level in ("communes", "epci", "departements", "regions"):
        size = (root / f"{level}.parquet").stat().st_size / 1e6
        seconds = _timed(lambda level=level: store.territories(level, root))
        print(f"read {level:13} original  {seconds:6.3f} s  ({size:5.1f} MB)")
    for view in ("france", "region", "departement"):
        path = build.artifact_path(root, "communes", view)
        seconds = _timed(lambda view=view: store.web_geometries("communes", view, root))
        size = path.stat().st_size / 1e6
        print(f"read communes web-{view:11} {seconds:6.3f} s  ({size:5.1f} MB)")
    seconds = _timed(lambda: store.attributes("communes", root))
    print(f"read commune attributes      {seconds:6.3f} s")
    report = store.report(root)
    print(f"recorded build time          {report['build_seconds']:6.1f} s")
    for key, value in report["vertices"].items():
        print(f"vertices {key:26} {value:>9,}")


if __name__ == "__main__":
    sys.exit(main())
