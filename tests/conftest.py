"""Shared fixtures: the geometry artifacts, built once per machine into the cache."""

from __future__ import annotations

import pytest
from raw_data import require_raw

from geodata import store


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
