"""Where the raw official files are, and what a test does without them.

Real-data tests read ``../shared/data`` (beside the clone). A newcomer without that folder
gets a clean skip; under CI (``CI=true``) its absence fails the test with a clear message,
so that real-data tests never skip silently there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

RAW = Path(__file__).resolve().parents[2] / "shared" / "data"
"""The raw data folder, ``../shared/data`` relative to the clone."""


def in_ci() -> bool:
    """Whether the tests run under CI (``CI`` set to true, as CI services do)."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require_raw(path: Path = RAW) -> Path:
    """``path`` if it exists; else skip the test, or fail it under CI."""
    if path.exists():
        return path
    message = (f"raw data folder {path} absent: real-data tests need ../shared/data beside "
               "the clone (see README, 'Data')")
    if in_ci():
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)
