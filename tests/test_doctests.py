"""Every example in a docstring of the project's modules runs and gives what it says.

The library packages (atlas, geodata, indicators) are walked whole; of app_pages, only the
helper modules that do not import Streamlit (a page script runs when imported). The last
test checks that no module with examples is left out, and that doctest finds every
example written (one in a comment, or in a function nested in another, would never run).
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import app_pages
import atlas
import french
import geodata
import indicators

ROOT = Path(__file__).resolve().parents[1]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _imports_streamlit(name: str) -> bool:
    source = Path(importlib.util.find_spec(name).origin).read_text(encoding="utf-8")
    return "import streamlit" in source or "from streamlit" in source


MODULES = sorted(
    ["french"]
    + [info.name for info in pkgutil.walk_packages(french.__path__, "french.")]
    + [info.name for package in (atlas, geodata, indicators)
       for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
       if not info.name.endswith(".__main__")]
    + [info.name for info in pkgutil.walk_packages(app_pages.__path__, "app_pages.")
       if not info.ispkg and not _imports_streamlit(info.name)])


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=FLAGS)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"


def test_every_example_written_is_run():
    written = {}
    for path in sorted(ROOT.glob("*.py")) + sorted(
            p for folder in ("atlas", "french", "geodata", "indicators", "app_pages")
            for p in (ROOT / folder).rglob("*.py")):
        count = path.read_text(encoding="utf-8").count(">>> ")
        if count:
            parts = path.relative_to(ROOT).with_suffix("").parts
            written[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = count
    assert set(written) <= set(MODULES), (
        f"examples in modules not run: {sorted(set(written) - set(MODULES))} (a page script "
        "cannot be imported: move the function to a helper module)")
    found = {name: sum(len(test.examples) for test in doctest.DocTestFinder().find(
        importlib.import_module(name))) for name in written}
    assert found == written
    assert len(written) >= 40
