"""Time and peak memory of every catalogue source's loader, and of a 300 MB INSEE CSV.

Usage: python benchmarks/bench_loaders.py [--raw DIR] [--mb 300] [--skip-sources]

Each load runs in a fresh Python process, so that its peak resident set size (the process's
maximum RSS, read with ``resource``) is its own. The generated file is an INSEE-style commune
table (``;``, decimal comma, ``s`` secret cells) as wide as the national *Dossier complet*,
written to a temporary folder and deleted afterwards; the atlas reads 10 of its columns, as
the build does. The pre-check of the whole catalogue is timed too. Figures are printed, no
assertion is made.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT.parent / "shared" / "data"

CHILD = r"""
import importlib, json, resource, sys, time
from pathlib import Path
kind, arg = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if kind == "source":
    from indicators.catalogue import load_catalogue
    raw, source_id = arg.split("|")
    source = load_catalogue().sources[source_id]
    module, function = source.loader.split(".")
    loader = getattr(importlib.import_module(f"indicators.loaders.{module}"), function)
    t0 = time.perf_counter()
    result = loader(Path(raw) / source.file, **source.options)
    rows = len(result.table)
elif kind == "insee":
    from indicators.loaders.insee_csv import load_insee_csv
    path, columns = arg.split("|")
    t0 = time.perf_counter()
    result = load_insee_csv(path, columns=columns.split(",") if columns else None,
                            max_bytes=1 << 34)
    rows = len(result.table)
else:
    from indicators.precheck import check_sources
    t0 = time.perf_counter()
    rows = len(check_sources(arg).sources)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "rows": rows}))
"""


def measure(kind: str, arg: str) -> dict:
    """Run one load in a fresh process; return its time, peak RSS and rows."""
    out = subprocess.run([sys.executable, "-c", CHILD, kind, arg], capture_output=True,
                         text=True, cwd=ROOT)
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def generate(path: Path, megabytes: float, columns: int = 900) -> tuple[int, list[str]]:
    """Write an INSEE-style commune CSV of about ``megabytes`` MB; return rows and names."""
    rng = np.random.default_rng(0)
    names = [f"P21_V{j:04d}" for j in range(columns)]
    bodies = []
    for _ in range(500):
        values = rng.integers(0, 100_000, columns) / 100
        cells = [f"{v:.2f}".replace(".", ",") for v in values]
        for j in rng.integers(0, columns, columns // 20):
            cells[j] = "s"
        bodies.append(";".join(cells))
    width = len(bodies[0]) + 7
    rows = int(megabytes * 1e6 / width)
    codes = [f"{d:02d}{c:03d}" for d in range(1, 96) for c in range(1000)][:rows]
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("CODGEO;" + ";".join(names) + "\n")
        for i, code in enumerate(codes):
            handle.write(f"{code};{bodies[i % 500]}\n")
    return len(codes), names


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--raw", type=Path, default=RAW)
    parser.add_argument("--mb", type=float, default=300)
    parser.add_argument("--skip-sources", action="store_true")
    args = parser.parse_args()
    if not args.skip_sources:
        from indicators.catalogue import load_catalogue

        print(f"{'source':26} {'loader':46} {'MB':>6} {'rows':>7} {'s':>6} {'peak MB':>8}")
        for source in load_catalogue().sources.values():
            path = args.raw / source.file
            size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) \
                if path.is_dir() else path.stat().st_size
            got = measure("source", f"{args.raw}|{source.id}")
            if "error" in got:
                print(f"{source.id:26} {source.loader:46} error: {got['error']}")
                continue
            print(f"{source.id:26} {source.loader:46} {size / 1e6:6.1f} {got['rows']:7d} "
                  f"{got['seconds']:6.2f} {got['peak_mb']:8.0f}")
        got = measure("precheck", str(args.raw))
        print(f"pre-check of the {got['rows']} sources used: {got['seconds']:.2f} s, "
              f"peak {got['peak_mb']:.0f} MB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "base_cc_generated.csv"
        t0 = time.perf_counter()
        rows, names = generate(path, args.mb)
        size = path.stat().st_size
        print(f"generated {path.name}: {size / 1e6:.0f} MB, {rows} rows x {len(names) + 1} "
              f"columns in {time.perf_counter() - t0:.0f} s")
        for label, columns in (("10 columns (as the build reads)", ",".join(names[::90])),):
            got = measure("insee", f"{path}|{columns}")
            if "error" in got:
                print(f"load_insee_csv, {label}: error: {got['error']}")
                continue
            print(f"load_insee_csv, {label}: {got['seconds']:.1f} s, peak RSS "
                  f"{got['peak_mb']:.0f} MB, {got['rows']} rows")


if __name__ == "__main__":
    main()
