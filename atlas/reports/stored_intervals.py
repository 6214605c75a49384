"""The default method's rank intervals, computed once per machine and kept on disk.

The 200-variant Monte Carlo of a level takes seconds (about 14 s for the communes): the
first commune sheet of every new app process used to wait for it. For the atlas's default
method the result is written under ``<cache>/intervals/`` at first use and read back by
every later process; the file's name holds a fingerprint of what the ranks rest on (the
indicator snapshot of the level, the geometry build, the variants asked for and
:data:`VERSION`), so a new snapshot or build is never read with old intervals. Other
methods are computed in memory only (they are many, and rarely asked twice).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from atlas.index.uncertainty import Uncertainty
from geodata import store
from geodata.paths import cache_dir
from indicators.build import snapshot_dir

VERSION = 1
"""Bump when the Monte Carlo's recipe changes without its inputs changing."""
PARTS = ("rank_median", "rank_low", "rank_high", "flag_share", "variants")


def fingerprint(level: str, n_variants: int, seed: int) -> str:
    """Short hash of everything the default method's intervals of ``level`` rest on."""
    digest = hashlib.sha256()
    digest.update(json.dumps([VERSION, level, n_variants, seed]).encode())
    digest.update((snapshot_dir() / f"{level}.parquet").read_bytes())
    digest.update(json.dumps(store.report().get("key")).encode())
    return digest.hexdigest()[:16]


def stored(level: str, n_variants: int, seed: int,
           compute: Callable[[], Uncertainty], folder: Path | None = None) -> Uncertainty:
    """The intervals read from disk, or ``compute()``-d and written there (atomically)."""
    folder = (folder or cache_dir() / "intervals") / (
        f"{level}-{fingerprint(level, n_variants, seed)}")
    if all((folder / f"{part}.parquet").is_file() for part in PARTS):
        return Uncertainty(*(pd.read_parquet(folder / f"{part}.parquet") for part in PARTS))
    result = compute()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    for part in PARTS:
        getattr(result, part).to_parquet(staging / f"{part}.parquet")
    try:
        os.replace(staging, folder)  # another process may have written it first: keep theirs
    except OSError:
        for file in staging.iterdir():
            file.unlink()
        staging.rmdir()
    return result
