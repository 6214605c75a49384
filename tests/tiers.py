"""Test tiers: what each test needs, told by a marker (see the README, "Test tiers").

``unit``
    nothing but the code and the committed files: no geometry build, no raw data,
    no AppTest, no browser;
``geometry``
    the geometry artifacts (built once per machine into the cache, about a minute);
``data``
    the real raw files of ``../shared/data`` (a test may need both ``data`` and
    ``geometry``);
``app``
    the Streamlit app run through ``AppTest`` (it reads the geometry too);
``browser``
    the served app in headless Chromium (the geometry too).

``conftest.py`` gives every collected test its markers through :func:`tiers`: ``data`` to
a test that uses the ``raw_data`` fixture, ``geometry`` to one that uses a geometry fixture
(all of them rest on ``geodata_root``), ``app`` to the tests of a module that imports
``AppTest`` (directly or through ``app_support``), ``unit`` to the rest. A test or fixture
that reaches the artifacts some other way (an atlas function reading :mod:`geodata.store`)
asks for ``geodata_root`` anyway, or carries :data:`needs_geometry`: the artifacts are then
built before it runs, and it is marked.

Property tests (hypothesis) run a tenth of their examples outside CI, under the ``dev``
profile, so that the fast tiers stay fast; under CI (``CI=true``, as ``.ci/run`` sets) the
``ci`` profile runs all of them. ``--hypothesis-profile=ci`` runs all of them locally. A test
asks for ``examples(n)``: ``n`` examples under ``ci`` (see :func:`examples`).

``ATLAS_FORBID_GEOMETRY_BUILD=1`` makes the artifacts unavailable (:func:`forbid_geometry`)
and ``ATLAS_RAW_DATA=/nowhere`` hides the raw files (see :mod:`raw_data`): with both,
``pytest -m unit`` shows that no unit test needs either.
"""

from __future__ import annotations

import os
import tempfile
from types import ModuleType

import pytest
from hypothesis import settings
from raw_data import in_ci

from geodata import build, paths

TIERS = ("unit", "geometry", "data", "app", "browser")
"""Markers saying what a test needs (declared in pyproject.toml)."""

FORBID_GEOMETRY_ENV = "ATLAS_FORBID_GEOMETRY_BUILD"
"""Set to ``1``: the geometry artifacts are unavailable and any build raises."""

HYPOTHESIS_PROFILES = {"ci": 100, "dev": 10}
"""Hypothesis profiles → examples of a test that does not say (hypothesis's default, 100,
under ``ci``); a test's own ``examples(n)`` is scaled in the same ratio."""

needs_geometry = pytest.mark.usefixtures("geodata_root")
"""Mark of a test that reads the geometry artifacts without a fixture argument."""

needs_data = pytest.mark.usefixtures("raw_data")
"""Mark of a test that reads :data:`raw_data.RAW` (skip, or fail under CI, without it)."""


def forbid_geometry() -> None:
    """Point the cache at a new empty folder and make :func:`geodata.build.build` raise."""
    os.environ[paths.CACHE_ENV] = tempfile.mkdtemp(prefix="atlas-no-geometry-")

    def refuse(*args, **kwargs):
        raise RuntimeError(f"{FORBID_GEOMETRY_ENV}=1: this test builds the geometry "
                           "artifacts, so it must carry the `geometry` marker")

    build.build = refuse


def drives_the_app(module: ModuleType) -> bool:
    """Whether a test module imports Streamlit's ``AppTest`` or the ``app_support`` helpers."""
    def origin(value) -> str:
        return str(getattr(value, "__module__", None) or getattr(value, "__name__", ""))

    return any(origin(value).startswith(("streamlit.testing", "app_support"))
               for value in vars(module).values())


def tiers(item: pytest.Item) -> set[str]:
    """The tier markers a collected test needs (its explicit ones included).

    ``browser`` and ``app`` tests carry only that marker, though they read the geometry
    too: ``-m geometry`` is the tier of the library's tests on the artifacts.
    """
    explicit = {mark.name for mark in item.iter_markers()} & set(TIERS)
    if "browser" in explicit:
        return {"browser"}
    module = getattr(item, "module", None)
    if "app" in explicit or (module is not None and drives_the_app(module)):
        return {"app"}
    fixtures = set(getattr(item, "fixturenames", ()))
    needs = explicit - {"unit"}
    if "raw_data" in fixtures:
        needs.add("data")
    if "geodata_root" in fixtures:
        needs.add("geometry")
    return needs or {"unit"}


def load_hypothesis_profile() -> str:
    """Register the profiles and load ``ci`` under CI, ``dev`` otherwise; return its name.

    No profile has a deadline: no timing is asserted in the tests (speed is measured by
    ``benchmarks/``), and a per-example deadline would only turn a busy machine into a
    failing test. ``--hypothesis-profile`` loads another one after this.
    """
    for name, count in HYPOTHESIS_PROFILES.items():
        settings.register_profile(name, deadline=None, max_examples=count)
    name = "ci" if in_ci() else "dev"
    settings.load_profile(name)
    return name


def examples(n: int, profile: settings | None = None) -> int:
    """Examples for a property test that asks for ``n`` of them under the ``ci`` profile.

    Scaled like the default of ``profile`` (the loaded one if not given) against the
    ``ci`` profile's (a tenth under ``dev``), never below 5 nor above ``n``.
    """
    profile = profile or settings.default
    scaled = round(n * profile.max_examples / HYPOTHESIS_PROFILES["ci"])
    return min(n, max(5, scaled))
