"""Where geometry artifacts are written and read."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir

CACHE_ENV = "ATLAS_CACHE_DIR"
"""Environment variable that overrides the default cache directory."""


def cache_dir() -> Path:
    """Return the root cache directory of the atlas.

    ``$ATLAS_CACHE_DIR`` when set, else the user's cache directory
    (``~/.cache/atlas-fragilites`` on Linux).
    """
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else Path(user_cache_dir("atlas-fragilites"))


def geodata_dir(root: Path | None = None) -> Path:
    """Return the folder holding the geometry artifacts (``<cache>/geodata``)."""
    return Path(root) if root is not None else cache_dir() / "geodata"
