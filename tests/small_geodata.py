"""A few real territories as geometry-free artifacts, for tests that only need their codes.

The survey importers check territory codes, and the survey estimates roll communes and
départements up to their régions, through :func:`geodata.store.attributes`. Their tests
read these tables instead of the full geometry build; ``test_survey_importers.py`` checks
that they agree with the real artifacts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from geodata import build

COMMUNES = pd.DataFrame(
    [("01001", "L'Abergement-Clémenciat", "01", "84"), ("01138", "Culoz-Béon", "01", "84"),
     ("2A004", "Ajaccio", "2A", "94"),
     ("38185", "Grenoble", "38", "84"), ("75056", "Paris", "75", "11"),
     ("97411", "Saint-Denis", "974", "04")],
    columns=["code", "name", "departement", "region"])
DEPARTEMENTS = pd.DataFrame(
    [("01", "Ain", "84"), ("2A", "Corse-du-Sud", "94"), ("38", "Isère", "84"),
     ("69", "Rhône", "84"), ("75", "Paris", "11"), ("84", "Vaucluse", "93"),
     ("971", "Guadeloupe", "01"), ("974", "La Réunion", "04")],
    columns=["code", "name", "region"])
REGIONS = pd.DataFrame(
    [("01", "Guadeloupe"), ("04", "La Réunion"), ("11", "Île-de-France"),
     ("84", "Auvergne-Rhône-Alpes"), ("93", "Provence-Alpes-Côte d'Azur"), ("94", "Corse")],
    columns=["code", "name"])
TABLES = {"communes": COMMUNES, "departements": DEPARTEMENTS, "regions": REGIONS}
"""Level → its territories (code, name and the codes of the levels above)."""


def write(folder: Path) -> Path:
    """Write :data:`TABLES` where :mod:`geodata.store` reads its artifacts; return ``folder``.

    Only the attribute tables are there (no geometry, no simplified layers): enough for
    :func:`geodata.store.attributes`, nothing else.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for level, table in TABLES.items():
        table.to_parquet(folder / f"{level}.parquet", index=False)
    (folder / build.REPORT).write_text(json.dumps({"note": "a few territories, for tests"}),
                                       encoding="utf-8")
    return folder
