"""The indicator table of a territory: value used, published value, what it rests on.

One row per indicator of the catalogue, shared by the Territoire page, the PDF sheet and the
territory record.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators import snapshot


def indicator_rows(level: str, code: str) -> pd.DataFrame:
    """Indicator table of the territory: one row per indicator of the catalogue.

    Columns: ``id``, ``domain``, ``label``, ``unit``, ``direction`` (+1 when a higher
    value is more fragile, -1 otherwise), ``value`` (the value used), ``published`` (the
    source's value: before smoothing for a commune, the official value above), ``france``,
    ``coverage`` (share of the population the value rests on), ``status``
    (:class:`indicators.status.Status`), ``small`` (« faible effectif »), ``smoothed``,
    ``low``/``high`` (interval of an estimate), ``note`` and ``short`` (what the value
    rests on, in words and in a few letters), ``reason`` (why it is missing),
    ``approximate`` (recomputed as a weighted mean of commune values), ``producer``,
    ``third_party`` (official data reshaped by a third party), ``dataset`` and
    ``vintage``.
    """
    from indicators import value_notes
    from indicators.snapshot import snapshot_catalogue
    from indicators.status import Status

    catalogue = snapshot_catalogue()
    found = snapshot.details(level, catalogue=catalogue)
    france = snapshot.values("france").iloc[0]
    rows = []
    for indicator in catalogue.indicators:
        ident = indicator.id
        status = Status(int(found.status.loc[code, ident]))
        value, published = found.value.loc[code, ident], found.published.loc[code, ident]
        coverage = float(found.coverage.loc[code, ident])
        small = bool(found.small.loc[code, ident])
        smoothed = (level == "communes" and indicator.smoothed and not status.missing
                    and not np.isclose(value, published, rtol=1e-3, equal_nan=True))
        low, high = found.low.loc[code, ident], found.high.loc[code, ident]
        rows.append({
            "id": ident, "domain": indicator.domain, "label": indicator.label,
            "unit": indicator.unit, "direction": indicator.direction,
            "value": float(value), "published": float(published),
            "france": float(france[ident]),
            "coverage": coverage, "status": int(status), "small": small,
            "smoothed": smoothed, "low": float(low), "high": float(high),
            "note": value_notes.qualifier(status, coverage, low, high, small),
            "short": value_notes.short(status, coverage, small, smoothed),
            "reason": (value_notes.label(status, coverage) if status.missing else ""),
            "approximate": (status is Status.COMPUTED
                            and indicator.aggregation.approximate),
            "producer": indicator.source.producer,
            "third_party": indicator.source.third_party, "dataset": indicator.source.dataset,
            "vintage": indicator.source.vintage})
    return pd.DataFrame(rows)
