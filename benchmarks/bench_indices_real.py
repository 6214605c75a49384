"""The index benchmark on the atlas's real data: the committed indicator snapshot.

Usage: python benchmarks/bench_indices_real.py [--variants 1000] [--frame france|region]

Same measurements and targets as ``bench_indices.py`` (default index on the four levels
under 1 s; Monte Carlo of 1,000 variants on the communes under 20 s and 2 GB), with the 65
real indicators of ``indicators/snapshot`` instead of synthetic values.
"""

from __future__ import annotations

import time

import pandas as pd
from bench_indices import main

from atlas.index.level_indices import level_inputs


def real(level: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Values, indicator table and région of every territory of ``level``."""
    values, meta, region, _ = level_inputs(level)
    return values, meta, region


if __name__ == "__main__":
    t0 = time.perf_counter()
    for level in ("communes", "epci", "departements", "regions"):
        real(level)
    print(f"reading the snapshot, four levels   {time.perf_counter() - t0:.3f} s")
    main(real)
