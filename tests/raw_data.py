"""Where the raw official files are, and what a test does without them.

Real-data tests read ``../shared/data`` (beside the clone), or the folder named by
``$ATLAS_RAW_DATA`` when it is set (point it at an empty or missing folder to check that the
fast tiers read no raw file). A newcomer without that folder gets a clean skip; under CI
(``CI=true``) its absence fails the test with a clear message, so that real-data tests never
skip silently there.

A test gets the folder from the ``raw_data`` fixture of ``conftest.py``; a module that
names its files in constants takes them from :data:`RAW` and marks its real-data tests
with :data:`tiers.needs_data` (which uses the fixture, so they skip or fail as above).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest

RAW_ENV = "ATLAS_RAW_DATA"
"""Environment variable that overrides the raw data folder (tests only)."""

DEFAULT_RAW = Path(__file__).resolve().parents[2] / "shared" / "data"
"""The raw data folder of the project's layout, ``../shared/data`` relative to the clone."""



def raw_folder(environ: Mapping[str, str] = os.environ) -> Path:
    """The raw data folder: ``$ATLAS_RAW_DATA`` if set and not empty, else the default."""
    return Path(environ.get(RAW_ENV) or DEFAULT_RAW)


RAW = raw_folder()
"""The raw data folder the tests read (see :func:`raw_folder`)."""

def in_ci() -> bool:
    """Whether the tests run under CI (``CI`` set to true, as CI services do)."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require_raw(path: Path = RAW) -> Path:
    """``path`` if it exists; else skip the test, or fail it under CI."""
    if path.exists():
        return path
    message = (f"raw data folder {path} absent: real-data tests need ../shared/data beside "
               f"the clone, or ${RAW_ENV} (see README, 'Data')")
    if in_ci():
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)
