"""Small-area estimates of the withheld Filosofi 2021 values: time, validation, coverage.

Usage: python benchmarks/bench_estimation.py [--raw ../shared/data] [--all-sets]

Prints the time taken by :func:`indicators.estimation.estimate_filosofi` (target: under
60 s), the out-of-sample validation table (errors by commune size of the feature sets that
estimate at least 100 communes; ``--all-sets`` for every one), the EPCI check of the model,
the calibration on the EPCI, the département check of the poverty rate before and after it,
and the share of communes whose poverty and living-standards domains can be scored (at least
half of each domain's indicators) with the committed snapshot alone and with the estimates.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from pathlib import Path

import pandas as pd

from geodata import store
from indicators import snapshot
from indicators.catalogue import load_catalogue
from indicators.estimation import (
    estimate_from_inputs,
    indicator_columns,
    problem_of,
    read_inputs,
    target_specs,
)
from indicators.estimation.small_area import Problem, estimate
from indicators.estimation.validation import band_table, epci_summary

RAW = Path(__file__).resolve().parents[2] / "shared" / "data"
DOMAINS = ("poverty", "living_standards", "employment")


def validation_table(estimates, all_sets: bool) -> pd.DataFrame:
    """The validation rows of the feature sets to show."""
    fits = estimates.fits.sort_values(["target", "estimated_communes"],
                                      ascending=[True, False])
    shown = fits if all_sets else fits[fits["estimated_communes"] >= 100]
    keys = set(zip(shown["target"], shown["feature_set"], strict=True))
    table = estimates.validation
    rows = [(t, f) in keys for t, f in zip(table["target"], table["feature_set"],
                                           strict=True)]
    out = table[rows].copy()
    counts = fits.set_index(["target", "feature_set"])["estimated_communes"]
    out.insert(2, "estimates", [counts[(t, f)] for t, f in zip(out["target"],
                                                               out["feature_set"],
                                                               strict=True)])
    return out


def extrapolation(inputs, target: str, cut: float) -> pd.DataFrame:
    """Fit on the communes of at least ``cut`` households only, test on the smaller ones.

    The values of the published communes under ``cut`` households are hidden and estimated
    with the target's main feature set (the ``detail`` block, published with the deciles,
    is left out), as the withheld communes are: this measures the extrapolation to smaller
    communes of the point estimates and of the intervals (whose width below the fitted
    sizes rests on the ``kappa / n`` term).
    """
    problem = problem_of(inputs)
    truth = problem.published[target]
    small = truth.notna() & (problem.households < cut)
    published = problem.published.copy()
    published.loc[small, target] = float("nan")
    blocks = {k: v for k, v in problem.blocks.items() if k != "detail"}
    hidden = Problem(problem.features, blocks, published, problem.departement,
                     problem.groups, problem.households)
    result = estimate(hidden, target_specs([target]))
    oof = pd.DataFrame({
        "target": target, "feature_set": result.feature_set.loc[small, target],
        "households": problem.households[small], "published": truth[small],
        "predicted": result.values.loc[small, target], "low": result.low.loc[small, target],
        "high": result.high.loc[small, target]})
    return band_table(oof.dropna(subset=["predicted"]))


def scorable(estimates) -> pd.DataFrame:
    """Share of communes whose domains have at least half of their indicators."""
    catalogue = load_catalogue()
    values = snapshot.values("communes", catalogue=catalogue)
    with_estimates = values.copy()
    for indicator, column in indicator_columns(catalogue).items():
        with_estimates[indicator] = estimates.values[column].reindex(values.index)
    rows = []
    for domain in DOMAINS:
        members = [i.id for i in catalogue.in_domain(domain)]
        needed = max(1, math.ceil(0.5 * len(members) - 1e-9))
        before = (values[members].notna().sum(axis=1) >= needed).mean()
        after = (with_estimates[members].notna().sum(axis=1) >= needed).mean()
        rows.append({"domain": domain, "indicators": len(members), "needed": needed,
                     "published only": f"{before:.1%}", "with estimates": f"{after:.1%}"})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=RAW)
    parser.add_argument("--all-sets", action="store_true")
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 500)
    pd.set_option("display.max_colwidth", 60)
    load = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    inputs = read_inputs(args.raw, store.attributes("communes", store.ensure_built()))
    read, read_cpu = time.perf_counter() - start, time.process_time() - cpu
    estimates = estimate_from_inputs(inputs)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"estimate_filosofi: {seconds:.1f} s, of which reading the inputs {read:.1f} s "
          f"(CPU time {cpu:.1f} s, of which reading {read_cpu:.1f} s; target < 60 s; load "
          f"average {load:.1f} on {os.cpu_count()} cores at the start)")
    print(f"\nestimated values per target (of {len(estimates.values)} communes):")
    print(pd.DataFrame({"published": (estimates.values.notna()
                                      & ~estimates.estimated).sum(),
                        "estimated": estimates.estimated.sum(),
                        "missing": estimates.values.isna().sum()}).to_string())
    print(f"\nvalidation (grouped 5-fold CV by EPCI; coverage of the {estimates.level:.0%} "
          "intervals calibrated on the other folds):")
    print(validation_table(estimates, args.all_sets).round(3).to_string(index=False))
    print("\nEPCI check: mean of the withheld communes implied by INSEE's EPCI and "
          "published values, minus the mean of their estimates (EPCI where they weigh "
          ">= 50 %):")
    print(epci_summary(estimates.epci_check).round(3).to_string())
    print("\ncalibration on the EPCI (by target: EPCI calibrated, mean and quartiles of the "
          "logit shift, between-EPCI variance s2_u of the model's error):")
    for target, table in estimates.calibration.items():
        shifts = table["shift"].describe()
        print(f"  {target}: {len(table)} EPCI, shift mean {shifts['mean']:+.3f}, quartiles "
              f"{shifts['25%']:+.3f} / {shifts['50%']:+.3f} / {shifts['75%']:+.3f}, s2_u "
              f"{table.attrs['s2_u']:.3f} pt²")
    after = estimates.departement_check
    for name, deps in (("before calibration", after.attrs.get("before", after)),
                       ("after calibration", after)):
        heavy = deps[deps["withheld_share"] >= 0.3]
        print(f"\ndépartement check of the poverty rate, {name}: {len(deps)} départements, "
              f"roll-up minus official: mean {(deps['rolled_up'] - deps['official']).mean():+.3f}"
              f" pt, mean absolute {(deps['rolled_up'] - deps['official']).abs().mean():.3f} pt;"
              f" withheld communes' mean, estimated minus implied, in the {len(heavy)} "
              f"départements where they hold >= 30 % of persons: mean "
              f"{heavy['difference'].mean():+.3f} pt, mean absolute "
              f"{heavy['difference'].abs().mean():.3f} pt; largest:")
        print(heavy.reindex(heavy["difference"].abs().sort_values(ascending=False).index)
              .head(6).round(2).to_string())
    print("\nextrapolation test: fitted on communes of >= 2 000 households only (MED21: "
          ">= 200), estimated for the smaller published ones:")
    for target, cut in (("TP6021", 2000), ("PPSOC21", 2000), ("PIMP21", 2000),
                        ("D121", 2000), ("MED21", 200)):
        table = extrapolation(inputs, target, cut)
        print(table[table["communes"] >= 20].round(3).to_string(index=False))
    print("\nscorable communes (at least half of each domain's indicators):")
    print(scorable(estimates).to_string(index=False))
    print("\nfits:")
    print(estimates.fits.drop(columns=["band_edges", "conformal_quantiles"])
          .round(4).to_string(index=False))


if __name__ == "__main__":
    main()
