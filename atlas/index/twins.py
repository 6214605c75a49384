"""Statistical twins: the territories of the same level most alike in structure.

Structure is described by four features (:data:`FEATURES`): population and density (both
on a log scale, so that 1,000 and 2,000 inhabitants are as far apart as 100,000 and
200,000), the share of people aged 65 or over and the median disposable income. Each
feature is standardised (z-score over the territories that have all four), and the twins
of a territory are its nearest neighbours in Euclidean distance. Territories with a missing
feature are left out (never filled): :func:`twins` cannot find them, and says so through
:func:`excluded`.

Standardising makes the result independent of the features' units: multiplying a
feature by a positive constant, or adding one to it, changes no distance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FEATURES = {
    "log_population": "Population (log)",
    "log_density": "Densité (log)",
    "over_65_share": "Part des 65 ans ou plus",
    "median_income": "Revenu disponible médian",
}
"""Feature column → French label."""
AGE_INDICATOR = "over_65_share_2020"
INCOME_INDICATOR = "median_income_2021"


def complete(features: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``features`` without any missing value (the territories compared)."""
    return features[features.notna().all(axis=1)]


def excluded(features: pd.DataFrame) -> pd.Index:
    """Codes of the territories left out because a feature is missing."""
    return features.index[features.isna().any(axis=1)]


def standardise(features: pd.DataFrame) -> pd.DataFrame:
    """Z-scores of every column; a column without spread becomes 0 (it separates no one).

    >>> z = standardise(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [5.0, 5.0, 5.0]}))
    >>> z["a"].round(3).tolist(), z["b"].tolist()
    ([-1.225, 0.0, 1.225], [0.0, 0.0, 0.0])
    """
    centred = features - features.mean()
    spread = features.std(ddof=0)
    spread = spread.where(features.max() > features.min())
    return (centred / spread).fillna(0.0)  # constant columns only: no data is missing here


def distances(features: pd.DataFrame, code: str) -> pd.Series:
    """Standardised Euclidean distance from ``code`` to every other complete territory.

    See :func:`twins` for the parameters and errors; the result is named ``distance`` and
    indexed by code, in the order of ``features``.
    """
    if code not in features.index:
        raise KeyError(f"unknown territory {code!r}")
    own = features.loc[code]
    if own.isna().any():
        raise ValueError(f"territory {code!r} lacks features {list(own.index[own.isna()])}")
    z = standardise(complete(features).astype("float64"))
    diff = z.to_numpy() - z.loc[code].to_numpy()
    distance = pd.Series(np.sqrt((diff**2).sum(axis=1)), index=z.index, name="distance")
    return distance.drop(code)


def twins(features: pd.DataFrame, code: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` territories nearest to ``code`` in standardised structure.

    Parameters
    ----------
    features
        Territories (index: code) × numeric features, e.g. :func:`structure_features`.
        Rows with a missing value are left out before standardising.
    code
        The territory whose twins are wanted; it is never one of them.
    n
        Number of twins (fewer if fewer territories are complete).

    Returns
    -------
    pandas.DataFrame
        The twins, nearest first (ties by code), with column ``distance`` then the
        features as given.

    Raises
    ------
    KeyError
        ``code`` is not in ``features``.
    ValueError
        ``code`` has a missing feature (the message names them), or ``n`` < 1.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [0.0, 1.0, 5.0, 1.5]}, index=["a", "b", "c", "d"])
    >>> twins(frame, "b", n=2).index.tolist()
    ['d', 'a']
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    distance = distances(features, code)
    order = np.lexsort((distance.index.astype(str).to_numpy(), distance.to_numpy()))
    nearest = distance.index[order[:n]]
    return pd.concat([distance.loc[nearest], features.loc[nearest]], axis=1)


def structure_features(level: str) -> pd.DataFrame:
    """The four structure features of every territory of ``level``, from the atlas's data.

    Population and area come from :func:`geodata.store.attributes`; the share of people
    aged 65 or over (2020) and the median disposable income (2021) from the indicator
    snapshot. A population or area that is missing or not positive gives a missing
    feature, not a zero.
    """
    from geodata import store
    from indicators import snapshot

    table = store.attributes(level).set_index("code")
    population = table["population"].astype("float64")
    area = table["area_km2"].astype("float64")
    population = population.where(population > 0)
    density = population / area.where(area > 0)
    values = snapshot.values(level).reindex(table.index)
    return pd.DataFrame({
        "log_population": np.log10(population),
        "log_density": np.log10(density),
        "over_65_share": values[AGE_INDICATOR].astype("float64"),
        "median_income": values[INCOME_INDICATOR].astype("float64"),
    }, index=table.index.astype(str))
