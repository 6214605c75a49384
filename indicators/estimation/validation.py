"""Out-of-sample errors of the estimates by commune size, and an aggregate check by EPCI."""

from __future__ import annotations

import pandas as pd

from indicators.estimation.intervals import BANDS

BAND_LABELS = ("< 100", "100-500", "500-1 000", "1 000-2 000", "2 000-5 000",
               "5 000-20 000", ">= 20 000")
"""Size bands, in households (fiscal households where published, else census 2018)."""
ALL_SIZES = "toutes tailles"


def size_band(households: pd.Series) -> pd.Series:
    """The size band of each commune (a categorical of :data:`BAND_LABELS`)."""
    return pd.cut(households, list(BANDS), labels=list(BAND_LABELS), right=False)


def band_table(out_of_fold: pd.DataFrame) -> pd.DataFrame:
    """Errors of the cross-validated predictions by target, feature set and size band.

    Parameters
    ----------
    out_of_fold
        One row per fitted commune: ``target``, ``feature_set``, ``households``,
        ``published``, ``predicted``, ``low``, ``high`` (see
        :class:`indicators.estimation.small_area.Result`).

    Returns
    -------
    pandas.DataFrame
        ``target``, ``feature_set``, ``band`` (and :data:`ALL_SIZES`), ``communes``,
        ``mae`` (mean absolute error), ``median_ae``, ``bias`` (mean of predicted minus
        published), ``coverage`` (share of published values inside the interval),
        ``median_width`` (of the interval), in the target's unit.
    """
    if out_of_fold.empty:
        return pd.DataFrame(columns=["target", "feature_set", "band", "communes", "mae",
                                     "median_ae", "bias", "coverage", "median_width"])
    data = out_of_fold.assign(
        band=size_band(out_of_fold["households"]).astype(str),
        error=out_of_fold["predicted"] - out_of_fold["published"],
        inside=(out_of_fold["low"] <= out_of_fold["published"])
        & (out_of_fold["published"] <= out_of_fold["high"]),
        width=out_of_fold["high"] - out_of_fold["low"])
    rows = []
    for (target, feature_set), group in data.groupby(["target", "feature_set"], sort=False):
        parts = [(band, part) for band in BAND_LABELS
                 if not (part := group[group["band"] == band]).empty]
        for band, part in [*parts, (ALL_SIZES, group)]:
            rows.append({"target": target, "feature_set": feature_set, "band": band,
                         "communes": len(part), "mae": part["error"].abs().mean(),
                         "median_ae": part["error"].abs().median(),
                         "bias": part["error"].mean(), "coverage": part["inside"].mean(),
                         "median_width": part["width"].median()})
    return pd.DataFrame(rows)


def epci_check(values: pd.DataFrame, estimated: pd.DataFrame, weights: pd.DataFrame,
               epci_of: pd.Series, epci_values: pd.DataFrame, epci_weights: pd.DataFrame,
               tolerance: float = 0.01) -> pd.DataFrame:
    """Compare the estimates of each EPCI's withheld communes with what INSEE implies.

    For a value that adds up over communes with a known weight (a poverty rate over
    persons, a share of taxed households over households), an EPCI's published value and its
    published communes give the exact mean of its withheld communes:
    ``(v_E W_E - sum_published v_c w_c) / (W_E - sum_published w_c)``. That mean is compared
    with the weighted mean of their estimates. Only EPCI whose withheld communes are all
    estimated with a known weight, and whose weight adds up (within ``tolerance`` of the
    withheld communes' weight: same perimeter), are compared.

    Parameters
    ----------
    values, estimated
        Commune × target: value used, and whether it is an estimate.
    weights
        Commune × target: weight of each commune (persons or households), NaN if unknown.
    epci_of
        EPCI of each commune.
    epci_values, epci_weights
        EPCI × target: published value and total weight.

    Returns
    -------
    pandas.DataFrame
        One row per (target, EPCI) compared: ``withheld_share`` (of the EPCI's weight),
        ``implied`` (the exact mean of the withheld communes), ``estimated`` (the weighted
        mean of their estimates), ``difference`` (estimated minus implied).
    """
    rows = []
    for target in epci_values.columns:
        w = weights[target]
        est = estimated[target]
        frame = pd.DataFrame({"epci": epci_of, "w": w, "vw": values[target] * w,
                              "est": est, "unknown": values[target].isna() | w.isna()})
        by = frame.groupby("epci")
        published = frame[~frame["est"]].groupby("epci")[["vw", "w"]].sum()
        withheld = frame[frame["est"]].groupby("epci")[["vw", "w"]].sum()
        table = pd.DataFrame({
            "value_e": epci_values[target], "weight_e": epci_weights[target],
            "pub_vw": published["vw"], "pub_w": published["w"],
            "est_vw": withheld["vw"], "est_w": withheld["w"], "unknown": by["unknown"].any()})
        table[["pub_vw", "pub_w"]] = table[["pub_vw", "pub_w"]].fillna(0.0)
        table = table.dropna()
        table = table[(table["est_w"] > 0) & ~table["unknown"].astype(bool)]
        gap = (table["weight_e"] - table["pub_w"] - table["est_w"]).abs() / table["est_w"]
        table = table[gap <= tolerance]
        implied = (table["value_e"] * table["weight_e"] - table["pub_vw"]) / table["est_w"]
        mean = table["est_vw"] / table["est_w"]
        rows.append(pd.DataFrame({
            "target": target, "epci": table.index,
            "withheld_share": (table["est_w"] / table["weight_e"]).to_numpy(),
            "implied": implied.to_numpy(), "estimated": mean.to_numpy(),
            "difference": (mean - implied).to_numpy()}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def epci_summary(check: pd.DataFrame, min_share: float = 0.5) -> pd.DataFrame:
    """Mean difference and mean absolute difference where withheld communes weigh much.

    EPCI where the withheld communes hold less than ``min_share`` of the weight are left
    out: there the implied mean is dominated by the rounding of published values (to 0.1
    point), not by the estimates.
    """
    kept = check[check["withheld_share"] >= min_share]
    return kept.groupby("target").agg(
        epci=("epci", "size"), mean_difference=("difference", "mean"),
        mean_absolute_difference=("difference", lambda d: d.abs().mean()),
        median_absolute_difference=("difference", lambda d: d.abs().median()))


def departement_check(values: pd.Series, estimated: pd.Series, weights: pd.Series,
                      departement_of: pd.Series, official: pd.Series) -> pd.DataFrame:
    """Roll the poverty rate up to the départements and compare with INSEE's rates.

    ``official`` is INSEE's poverty rate of each département (a transcribed reference,
    ``insee/filosofi_2021_dep_pauvrete``). The département's persons are the sum of its
    communes' ``weights`` (fiscal persons; census population where withheld, an
    approximation of the few withheld persons counts). Besides the roll-up of all values, the
    mean of the withheld communes that the official rate implies is compared with the mean
    of their estimates.

    Returns
    -------
    pandas.DataFrame
        Indexed by département: ``official``, ``rolled_up``, ``withheld_share`` (of the
        persons), ``implied``, ``estimated``, ``difference`` (estimated minus implied).
    """
    frame = pd.DataFrame({"dep": departement_of, "w": weights, "vw": values * weights,
                          "est": estimated}).dropna(subset=["w", "vw"])
    total = frame.groupby("dep")[["vw", "w"]].sum()
    withheld = frame[frame["est"]].groupby("dep")[["vw", "w"]].sum()
    table = pd.DataFrame({"official": official, "rolled_up": total["vw"] / total["w"],
                          "withheld_share": withheld["w"] / total["w"]}).dropna(
        subset=["official", "rolled_up"])
    table["withheld_share"] = table["withheld_share"].fillna(0.0)
    published_vw = total["vw"] - withheld["vw"].reindex(total.index).fillna(0.0)
    implied = (table["official"] * total["w"] - published_vw) / withheld["w"]
    table["implied"] = implied
    table["estimated"] = withheld["vw"] / withheld["w"]
    table["difference"] = table["estimated"] - table["implied"]
    return table
