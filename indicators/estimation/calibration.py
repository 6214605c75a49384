"""Calibrate the estimates of each EPCI's withheld communes on what INSEE's figures imply.

A poverty rate is a share of persons and a share of taxed households a share of households:
both add up over communes. INSEE publishes them for every EPCI; with the EPCI's published
communes, that gives the exact mean of its withheld communes (up to rounding):

``m = (v_E W_E - sum_published v_c w_c) / (W_E - sum_published w_c)``.

The model's mean of the same communes, ``m_hat``, may be off by an error ``u`` shared by an
EPCI's withheld communes (the model's regional errors). As in a Fay-Herriot model, the two
are combined with the weight ``gamma = s2_u / (s2_u + psi)``, where ``psi`` is the variance
of ``m`` due to the rounding of the published values (commune values to
:data:`COMMUNE_ROUNDING`, EPCI values to :data:`EPCI_ROUNDING`) and ``s2_u`` the variance of
``m - m_hat`` beyond ``psi`` (method of moments, on the EPCI where the withheld communes
weigh at least :data:`MOMENT_SHARE`). The withheld communes' logits are then shifted by the
same amount so that their weighted mean is ``m_hat + gamma (m - m_hat)``: their order within
the EPCI is the model's, their level INSEE's. An EPCI is left as it is when it is absent from
the file or when its weight does not add up (perimeter changed, within
:data:`PERIMETER_TOLERANCE` of the withheld weight). Intervals are shifted with their
estimate, not narrowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.estimation.covariates import expit, logit

COMMUNE_ROUNDING = 1.0
"""Resolution of the published commune rates (whole points in the Filosofi file read)."""
EPCI_ROUNDING = 0.1
"""Resolution of the EPCI rates."""
PERIMETER_TOLERANCE = 0.05
MOMENT_SHARE = 0.3


@dataclass
class Calibrated:
    """Calibrated values of one target and what the calibration did by EPCI."""

    values: pd.Series
    low: pd.Series
    high: pd.Series
    shift: pd.Series
    """Logit shift of each commune (0 where not calibrated)."""
    epci: pd.DataFrame
    """By EPCI: ``implied``, ``model``, ``psi``, ``gamma``, ``target``, ``shift``,
    ``withheld_share``; and ``s2_u`` in ``attrs``."""


def calibrate_on_epci(values: pd.Series, low: pd.Series, high: pd.Series,
                      estimated: pd.Series, weights: pd.Series, epci_of: pd.Series,
                      epci_value: pd.Series, epci_weight: pd.Series) -> Calibrated:
    """Shift each EPCI's estimates so that they agree with INSEE's EPCI value.

    Parameters
    ----------
    values, low, high
        By commune: value used (percent) and interval (NaN where published).
    estimated
        By commune: whether the value is an estimate.
    weights
        By commune: persons (poverty rate) or households (taxed share); where INSEE
        withholds them, a census count may stand in (they only weigh estimates).
    epci_of
        EPCI of each commune.
    epci_value, epci_weight
        By EPCI: INSEE's value and total weight.
    """
    frame = pd.DataFrame({"epci": epci_of, "value": values, "w": weights,
                          "est": estimated.astype(bool)})
    frame = frame[frame["epci"].notna() & frame["value"].notna()]
    known = frame[~frame["est"]]
    withheld = frame[frame["est"] & frame["w"].notna() & (frame["w"] > 0)]
    by = pd.DataFrame({
        "v_e": epci_value, "w_e": epci_weight,
        "pub_vw": (known["value"] * known["w"]).groupby(known["epci"]).sum(),
        "pub_w": known["w"].groupby(known["epci"]).sum(),
        "pub_w2": (known["w"] ** 2).groupby(known["epci"]).sum(),
        "est_vw": (withheld["value"] * withheld["w"]).groupby(withheld["epci"]).sum(),
        "est_w": withheld["w"].groupby(withheld["epci"]).sum()})
    by[["pub_vw", "pub_w", "pub_w2"]] = by[["pub_vw", "pub_w", "pub_w2"]].fillna(0.0)
    by = by.dropna(subset=["v_e", "w_e", "est_w"])
    unknown_weight = frame[frame["est"] & ~(frame["w"] > 0)]["epci"].unique()
    rest = by["w_e"] - by["pub_w"]
    fits = ((rest - by["est_w"]).abs() <= PERIMETER_TOLERANCE * by["est_w"]) & (rest > 0)
    by = by[fits & ~by.index.isin(unknown_weight)].copy()
    rest = by["w_e"] - by["pub_w"]
    by["implied"] = (by["v_e"] * by["w_e"] - by["pub_vw"]) / rest
    by["model"] = by["est_vw"] / by["est_w"]
    by["withheld_share"] = rest / by["w_e"]
    by["psi"] = (((EPCI_ROUNDING / 2) ** 2 / 3) * (by["w_e"] / rest) ** 2
                 + ((COMMUNE_ROUNDING / 2) ** 2 / 3) * by["pub_w2"] / rest ** 2)
    heavy = by[by["withheld_share"] >= MOMENT_SHARE]
    gap = heavy["implied"] - heavy["model"]
    s2_u = max(0.0, float((gap ** 2).mean() - heavy["psi"].mean())) if len(heavy) > 1 else 0.0
    by["gamma"] = s2_u / (s2_u + by["psi"]) if s2_u > 0 else 0.0
    by["target"] = (by["model"] + by["gamma"] * (by["implied"] - by["model"])).clip(0.01,
                                                                                  99.99)
    by["shift"] = _shifts(withheld, by["target"])
    by.attrs["s2_u"] = s2_u
    shift = pd.Series(0.0, index=values.index)
    calibrated = withheld.index[withheld["epci"].isin(by.index)]
    shift[calibrated] = withheld.loc[calibrated, "epci"].map(by["shift"]).to_numpy()

    def moved(series: pd.Series) -> pd.Series:
        out = series.copy()
        out[calibrated] = expit(logit(series[calibrated]) + shift[calibrated])
        return out

    table = by[["implied", "model", "withheld_share", "psi", "gamma", "target", "shift"]]
    return Calibrated(moved(values), moved(low), moved(high), shift, table)


def _shifts(withheld: pd.DataFrame, target: pd.Series, iterations: int = 50) -> pd.Series:
    """Logit shift of each EPCI's withheld communes giving their weighted mean ``target``.

    Newton's method on ``sum w expit(eta + d) = target sum w`` (increasing in ``d``),
    all EPCI at once.
    """
    rows = withheld[withheld["epci"].isin(target.index)]
    codes = pd.Categorical(rows["epci"], categories=target.index).codes
    eta = logit(rows["value"].to_numpy(dtype=float))
    w = rows["w"].to_numpy(dtype=float)
    goal = target.to_numpy(dtype=float) / 100 * np.bincount(codes, weights=w,
                                                            minlength=len(target))
    shift = np.zeros(len(target))
    for _ in range(iterations):
        p = expit(eta + shift[codes]) / 100
        gap = np.bincount(codes, weights=w * p, minlength=len(target)) - goal
        slope = np.bincount(codes, weights=w * p * (1 - p), minlength=len(target))
        step = np.divide(gap, slope, out=np.zeros_like(gap), where=slope > 0)
        shift -= np.clip(step, -2.0, 2.0)
        if np.abs(step).max() < 1e-12:
            break
    return pd.Series(shift, index=target.index)
