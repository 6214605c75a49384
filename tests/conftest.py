"""Shared fixtures: the geometry artifacts, built once per machine into the cache."""

from __future__ import annotations

import pytest
from hypothesis import settings
from raw_data import require_raw

from geodata import store

# No timing is asserted in the tests (speed is measured by benchmarks/): hypothesis's
# per-example deadline would only turn a busy machine into a failing test.
settings.register_profile("atlas", deadline=None)
settings.load_profile("atlas")


@pytest.fixture(scope="session")
def geodata_root():
    """Folder of up-to-date geometry artifacts (built on first use, about a minute)."""
    return store.ensure_built()


@pytest.fixture(scope="session")
def communes(geodata_root):
    return store.territories("communes", geodata_root)


@pytest.fixture(scope="session")
def departements(geodata_root):
    return store.territories("departements", geodata_root)


@pytest.fixture(scope="session")
def regions(geodata_root):
    return store.territories("regions", geodata_root)


@pytest.fixture(scope="session")
def epci(geodata_root):
    return store.territories("epci", geodata_root)


@pytest.fixture(scope="session")
def report(geodata_root):
    return store.report(geodata_root)


@pytest.fixture(scope="session")
def raw_data():
    """The raw data folder; skips without it, fails under CI (see :mod:`tests.raw_data`)."""
    return require_raw()
