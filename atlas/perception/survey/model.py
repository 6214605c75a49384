"""The survey data model: respondents ranking the 4 dimensions and/or the 16 domains.

Respondent-level data are one row per respondent (a :class:`pandas.DataFrame` with the
columns below); published tables come in the aggregated form (territory × item → weighted
share, unweighted n, effective n). Both carry whether they are simulated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from indicators.domains import DIMENSIONS, DOMAINS

ACTORS = {"citoyen": "Citoyens", "elu": "Élus / maires", "entreprise": "Dirigeants d'entreprise",
          "association": "Responsables associatifs"}
"""Actor types (id → French label)."""

TERRITORY_LEVELS = ("region", "departement", "commune")
MODES = ("CAWI", "CATI", "CAPI", "PAPI", "mixte")
"""Collection modes: online, telephone, face to face (computer, paper), mixed."""

DIMENSION_RANK = "rank_dim_"
DOMAIN_RANK = "rank_dom_"
DIMENSION_COLUMNS = tuple(DIMENSION_RANK + d.id for d in DIMENSIONS)
DOMAIN_COLUMNS = tuple(DOMAIN_RANK + d.id for d in DOMAINS)

RESPONDENT_COLUMNS = ("respondent_id", "actor", "wave", "territory_code", "territory_level",
                      "weight", *DIMENSION_COLUMNS, *DOMAIN_COLUMNS)
"""Columns of the respondent table, in order.

``respondent_id`` (str, unique), ``actor`` (a key of :data:`ACTORS`), ``wave`` (a wave id),
``territory_code`` (str: région ``"84"``, département ``"38"`` or commune ``"38185"``; a
mayor answers for their commune), ``territory_level`` (one of :data:`TERRITORY_LEVELS`),
``weight`` (float > 0), then one nullable integer rank per dimension (1 = first priority,
1..4) and per domain (1..16; missing = not ranked). A respondent may rank dimensions,
domains, or both; ranks of one respondent are distinct.
"""

AGGREGATE_COLUMNS = ("territory_code", "territory_level", "actor", "item", "measure",
                     "share", "n_unweighted", "n_effective")
"""Columns of the aggregated form.

``item`` is ``"dimension:<id>"`` or ``"domain:<id>"``; ``measure`` is ``"first"`` (share
ranking it first) or ``"first_or_second"``; ``share`` in [0, 1]; ``territory_code`` may be
``"FR"`` with level ``"france"`` for national tables; ``actor`` may be ``"tous"``.
"""


@dataclass(frozen=True)
class Wave:
    """One survey wave."""

    id: str
    name: str
    start: date
    end: date
    mode: str
    actors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Survey:
    """Respondents of one or several waves, with where they come from.

    ``simulated`` is True for the atlas's illustrative sample: every screen, export and
    sheet that shows it then says « données simulées à titre d'illustration ».
    """

    respondents: pd.DataFrame
    waves: tuple[Wave, ...]
    source: str
    simulated: bool
    notes: tuple[str, ...] = field(default=())


SIMULATED_LABEL = "données simulées à titre d'illustration"
"""The words shown wherever simulated survey data appear."""
