"""Time the index computation and the Monte Carlo on a full-size set of territories.

Usage: python benchmarks/bench_indices.py [--variants 1000] [--frame france|region]
                                          [--jobs N] [--seed 0] [--dimensions]
                                          [--tracemalloc]

Targets: the default index (rank, France, arithmetic, equal weights) for the communes and
the three other levels under 1 s in all; the Monte Carlo (1,000 variants on the communes)
under 20 s and 2 GB on a 2-core machine. Memory is the peak resident set size of the
process (``ru_maxrss``); ``--tracemalloc`` also traces allocations, which slows the run.
The load average is printed: on a shared machine, other processes lengthen the time.

The data come from :func:`synthetic`: 45 indicators in the 16 domains (2 to 4 each),
values correlated within a dimension, 5 % missing at random. To run on real data, pass
another function with the same signature as ``source`` to :func:`main`: it returns, for
a level, the values (territory × indicator), the indicator table (domain, dimension,
direction) and the région of each territory.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

from atlas.index.composite import Method, compute_indices
from atlas.index.uncertainty import Variation, simulate
from indicators.domains import DOMAINS

LEVELS = {"communes": 34_875, "epci": 1_254, "departements": 101, "regions": 18}
PER_DOMAIN = [4, 3, 2, 3, 3, 2, 4, 3, 3, 4, 3, 2, 2, 3, 2, 2]  # 45 indicators
Source = Callable[[str], tuple[pd.DataFrame, pd.DataFrame, pd.Series]]


def synthetic(level: str, seed: int = 0, missing: float = 0.05,
              ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Synthetic values, indicator table and régions for ``level`` (sizes of 2024).

    Indicators of a dimension share a latent fragility (signed by their direction);
    ``missing`` of the values are missing at random.
    """
    rng = np.random.default_rng(seed)
    n = LEVELS[level]
    ids, domains, dimensions = [], [], []
    for domain, count in zip(DOMAINS, PER_DOMAIN, strict=True):
        for k in range(count):
            ids.append(f"{domain.id}_{k + 1}")
            domains.append(domain.id)
            dimensions.append(domain.dimension)
    meta = pd.DataFrame({"domain": domains, "dimension": dimensions,
                         "direction": rng.choice([1, -1], size=len(ids))}, index=ids)
    codes = [f"{k:05d}" for k in range(n)]
    dimension_ids = sorted(set(dimensions))
    latent = rng.normal(size=(n, len(dimension_ids)))
    which = [dimension_ids.index(d) for d in dimensions]
    signal = latent[:, which] * meta["direction"].to_numpy()
    # rates in %, skewed (a logistic of a normal, centred between 2 % and 50 %), with one
    # decimal as published (so with ties)
    centre = rng.uniform(-4, 0, size=len(ids))
    logit = centre + 0.6 * signal + rng.normal(scale=0.8, size=(n, len(ids)))
    values = np.round(100 / (1 + np.exp(-logit)), 1)
    values[rng.random(values.shape) < missing] = np.nan
    sizes = rng.dirichlet(np.full(18, 3.0))
    regions = rng.choice([f"{r:02d}" for r in range(11, 95, 4)][:18], size=n, p=sizes)
    return (pd.DataFrame(values, index=codes, columns=ids), meta,
            pd.Series(regions, index=codes))


def _median_time(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(source: Source = synthetic) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variants", type=int, default=1000)
    parser.add_argument("--frame", choices=["france", "region"], default="france")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dimensions", action="store_true",
                        help="also rank the four dimensions in the Monte Carlo")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace allocations (peak of numpy's memory; slower)")
    args = parser.parse_args()

    data = {level: source(level) for level in LEVELS}
    method = Method(frame=args.frame)
    total = 0.0
    for level, (values, meta, region) in data.items():
        seconds = _median_time(lambda v=values, m=meta, r=region: compute_indices(
            v, meta=m, method=method, region=r))
        total += seconds
        print(f"index {level:13} {values.shape[0]:6} × {values.shape[1]} indicators "
              f"{seconds:6.3f} s")
    print(f"index, all four levels      {total:6.3f} s   (target < 1 s)")

    values, meta, region = data["communes"]
    variation = Variation(n_variants=args.variants, seed=args.seed)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]
    if args.tracemalloc:  # every allocation is then traced: slower, hence not the default
        tracemalloc.start()
    t0, cpu0 = time.perf_counter(), time.process_time()
    result = simulate(values, meta, method, variation, region, dimensions=args.dimensions,
                      n_jobs=args.jobs)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    levels = "16 domains, 4 dimensions" if args.dimensions else "16 domains"
    print(f"Monte Carlo {args.variants} variants × {len(values)} communes × {levels} "
          f"+ overall (frame {args.frame}, {os.cpu_count()} CPUs, load average {load:.1f} "
          f"at the start)")
    print(f"  time                      {seconds:6.1f} s   (target < 20 s)")
    print(f"  CPU time, all threads     {cpu:6.1f} s")
    print(f"  peak RSS of the process   {rss:6.0f} MB  (target < 2048 MB; "
          f"{rss_before:.0f} MB before the Monte Carlo)")
    if args.tracemalloc:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  peak traced allocations   {peak / 2**20:6.0f} MB")
    width = (result.rank_high - result.rank_low)["overall"]
    print(f"  overall 90 % rank interval: median width {width.median():.0f} ranks, "
          f"robustly flagged (share >= 0.9): "
          f"{int((result.flag_share['overall'] >= 0.9).sum())} communes")


if __name__ == "__main__":
    main()
