"""Shared fixtures (geometry artifacts, raw data folder); every test gets its tier marker.

The tiers (``unit``, ``geometry``, ``data``, ``app``, ``browser``) and how they are assigned
are described in :mod:`tiers`.
"""

from __future__ import annotations

import os

import pytest
import small_geodata
from raw_data import require_raw
from tiers import FORBID_GEOMETRY_ENV, forbid_geometry, load_hypothesis_profile, tiers

from geodata import store

load_hypothesis_profile()

if os.environ.get(FORBID_GEOMETRY_ENV) == "1":
    forbid_geometry()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every test the tier markers of :func:`tiers` it does not carry yet."""
    for item in items:
        present = {mark.name for mark in item.iter_markers()}
        for name in sorted(tiers(item) - present):
            item.add_marker(name)


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
    """The raw data folder; skips without it, fails under CI (see :mod:`raw_data`)."""
    return require_raw()


@pytest.fixture(scope="session")
def few_territories(tmp_path_factory):
    """Geometry-free artifacts of a few territories (see :mod:`small_geodata`): a folder
    that ``geodata.store.attributes`` reads, standing for ``geodata_root`` in unit tests."""
    return small_geodata.write(tmp_path_factory.mktemp("cache") / "geodata")
