"""Every example in a docstring of the library packages runs and gives what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import atlas
import geodata
import indicators

MODULES = sorted(
    ["french"] + [info.name for package in (atlas, geodata, indicators)
                  for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")]
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
