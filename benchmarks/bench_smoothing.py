"""Small numbers on the real snapshot: empirical Bayes rates, « faible effectif », outliers.

Usage: python benchmarks/bench_smoothing.py

Prints, from the committed indicator snapshot (``indicators/snapshot``):

1. for each ``empirical_bayes`` indicator: communes with a value, the largest published
   and smoothed values (and where), the communes marked « faible effectif », the
   départements where the prior variance was negative (full shrinkage) and the time taken;
2. the extreme communes quoted in the brief, before and after;
3. the « faible effectif » marks of the ``denominator`` indicators;
4. what the min-max / z-score outlier treatment does in the France frame, on the values
   the index would use (smoothed where declared), and the median min-max score of the
   treated indicators without and with the treatment;
5. the cost of the treatment in ``normalise`` (communes, all indicators).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from atlas.index.level_indices import indicator_meta
from atlas.index.normalize import _minmax, _per_frame, normalise, outlier_treatments
from indicators import snapshot
from indicators.catalogue import load_catalogue
from indicators.smoothing import small_numbers_marks, smooth_indicators

QUOTED = [("06100", "associations_per_1000"), ("06100", "culture_associations_per_1000"),
          ("26274", "culture_sport_facilities_per_1000"),
          ("26274", "establishments_per_1000"), ("66157", "france_services_per_10000"),
          ("14202", "health_facilities_per_1000"), ("50353", "establishments_per_1000"),
          ("05066", "unemployment_rate_2018"), ("55139", "vacancy_rate_2021"),
          ("2B052", "employment_change_2013_2018"), ("2B356", "ageing_index")]


def main() -> None:
    catalogue = load_catalogue()
    t0 = time.perf_counter()
    table = snapshot.level_table("communes")
    print(f"reading the commune snapshot            {time.perf_counter() - t0:.2f} s")

    t0 = time.perf_counter()
    smoothed = smooth_indicators(table, catalogue)
    took = time.perf_counter() - t0
    print(f"\n1. empirical Bayes ({len(smoothed)} indicators, {took:.2f} s in all)")
    print(f"{'indicator':36s} {'values':>6s} {'max raw':>9s} {'at':>6s} {'max smoothed':>12s} "
          f"{'at':>6s} {'faible eff.':>11s} {'full shr.':>9s}")
    for ind, s in smoothed.items():
        present = int(s.raw.notna().sum())
        print(f"{ind:36s} {present:6d} {s.raw.max():9.1f} {s.raw.idxmax():>6s} "
              f"{s.smoothed.max():12.1f} {s.smoothed.idxmax():>6s} "
              f"{int(s.low_count.sum()):5d} {s.low_count.sum() / present:5.0%} "
              f"{int(s.groups['full_shrinkage'].sum()):9d}")

    marks = small_numbers_marks(table, catalogue)
    values = snapshot.values("communes", catalogue=catalogue)
    print("\n2. quoted communes: published -> smoothed (weight, département rate), mark")
    for code, ind in QUOTED:
        mark = "faible effectif" if marks.loc[code, ind] else "-"
        if ind in smoothed:
            r = smoothed[ind].to_frame().loc[code]
            print(f"  {code} {ind:36s} {r['raw']:9.1f} -> {r['smoothed']:7.1f} "
                  f"(w {r['weight']:.3f}, dép. {r['prior']:.1f}) {mark}")
        else:
            print(f"  {code} {ind:36s} {values.loc[code, ind]:9.1f}  not smoothed      {mark}")

    print("\n3. « faible effectif » of the 'denominator' indicators (own denominator < 200)")
    for ind in [i.id for i in catalogue.indicators if i.small_numbers == "denominator"]:
        present = int(values[ind].notna().sum())
        print(f"  {ind:36s} {int(marks[ind].sum()):6d} of {present:6d} "
              f"({marks[ind].sum() / present:.0%})")

    used = values.copy()
    for ind, s in smoothed.items():
        used[ind] = s.smoothed.reindex(used.index)
    table_treated = outlier_treatments(used)
    treated = table_treated[table_treated["treatment"] != "none"]
    print(f"\n4. outlier treatment, France frame, values the index would use: "
          f"{len(treated)} of {len(table_treated)} indicators treated")
    meta = indicator_meta()
    direction = meta["direction"].reindex(used.columns)
    untreated = _per_frame(_minmax)(used * direction, None, None)
    with_treatment = normalise(used, direction, "minmax")
    print(f"  {'indicator':36s} {'skew':>7s} {'kurt':>8s} {'treatment':>10s} {'pts':>3s} "
          f"{'skew after':>10s}  median min-max: untreated -> treated")
    for _, row in treated.iterrows():
        ind = row["indicator"]
        print(f"  {ind:36s} {row['skewness']:7.1f} {row['kurtosis']:8.1f} "
              f"{row['treatment']:>10s} {row['points']:3d} {row['skewness_after']:10.1f}  "
              f"{untreated[ind].median():.3f} -> {with_treatment[ind].median():.3f}")
    published = outlier_treatments(values)
    print(f"  (on the published values: {int((published['treatment'] != 'none').sum())} "
          f"treated, {int((published['treatment'] == 'log').sum())} by log)")

    print("\n5. cost of the treatment (communes, all indicators, France frame)")
    oriented = used * direction
    for name, run in (("minmax without treatment", lambda: _per_frame(_minmax)(
            oriented, None, None)), ("minmax with treatment", lambda: normalise(
                used, direction, "minmax"))):
        best = min(_timed(run) for _ in range(3))
        print(f"  {name:28s} {best:.3f} s")


def _timed(run) -> float:
    t0 = time.perf_counter()
    run()
    return time.perf_counter() - t0


if __name__ == "__main__":
    pd.set_option("display.width", 120)
    np.seterr(all="ignore")
    main()
