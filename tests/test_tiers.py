"""The tier markers: every test gets one from what it needs (see tiers.py)."""

from __future__ import annotations

import importlib
import types

import pytest
import test_raw_data
from hypothesis import settings
from tiers import TIERS, drives_the_app, examples, tiers


def app_support():
    """The AppTest helpers (imported here, at module level they would make this an app module)."""
    return importlib.import_module("app_support")


def item(fixtures=(), marks=(), module=test_raw_data):
    """A stand-in for a collected test: its fixtures, explicit markers and module."""
    marks = [getattr(pytest.mark, name).mark for name in marks]
    return types.SimpleNamespace(fixturenames=list(fixtures), module=module,
                                 iter_markers=lambda: iter(marks))


def test_modules_driving_the_app_are_recognised():
    assert drives_the_app(app_support())
    assert not drives_the_app(test_raw_data)
    by_name = types.ModuleType("by_name")
    by_name.open_app = app_support().open_app
    assert drives_the_app(by_name)
    direct = types.ModuleType("direct")
    direct.AppTest = app_support().AppTest
    assert drives_the_app(direct)


@pytest.mark.parametrize(("fixtures", "marks", "app", "expected"), [
    ((), (), False, {"unit"}),
    (("tmp_path",), ("slow",), False, {"unit"}),
    (("raw_data",), (), False, {"data"}),
    (("communes", "geodata_root"), (), False, {"geometry"}),
    (("raw_data", "geodata_root"), (), False, {"data", "geometry"}),
    ((), ("geometry",), False, {"geometry"}),
    ((), ("unit",), False, {"unit"}),
    (("geodata_root",), (), True, {"app"}),
    (("geodata_root",), ("browser",), False, {"browser"}),
])
def test_tiers_follow_what_a_test_uses(fixtures, marks, app, expected):
    module = app_support() if app else test_raw_data
    assert tiers(item(fixtures, marks, module)) == expected


def test_every_collected_test_has_a_tier(request):
    items = request.session.items
    assert request.node in items
    missing = [i.nodeid for i in items if not {m.name for m in i.iter_markers()} & set(TIERS)]
    assert not missing
    assert request.node.get_closest_marker("unit") is not None


def test_examples_are_all_under_ci_and_a_tenth_under_dev():
    ci, dev = settings.get_profile("ci"), settings.get_profile("dev")
    assert [examples(n, ci) for n in (3, 60, 150)] == [3, 60, 150]
    assert [examples(n, dev) for n in (3, 20, 60, 150)] == [3, 5, 6, 15]
    assert dev.max_examples == 10 and dev.deadline is None and ci.deadline is None
    assert examples(60) == examples(60, settings.default)
