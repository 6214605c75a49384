"""The import contract of the layers, and dependencies declared exactly as imported.

- ``french`` (how figures are written) and ``geodata`` import nothing of the project;
- ``indicators`` imports only ``geodata`` and ``french``;
- the library (``atlas``, ``geodata``, ``indicators``) never imports the app layer
  (``app_pages``, ``streamlit_app``) nor Streamlit;
- every third-party module the code imports is a declared dependency, and every declared
  dependency is imported (or is an engine another library loads by name).

Imports inside functions count: the whole syntax tree of every module is read.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("french", "atlas", "geodata", "indicators", "app_pages", "streamlit_app")
ALLOWED = {
    "french": set(),
    "geodata": set(),
    "indicators": {"french", "geodata"},
    "atlas": {"french", "geodata", "indicators"},
    "app_pages": {"french", "geodata", "indicators", "atlas"},
    "streamlit_app": {"french", "geodata", "indicators", "atlas", "app_pages"},
}
"""Project packages each layer may import, besides itself."""
IMPORT_NAMES = {"scikit-learn": "sklearn", "pyyaml": "yaml"}
"""Distribution name → module name, where they differ."""
ENGINES = {
    "openpyxl": "pandas' Excel engine (read_excel, ExcelWriter)",
    "pyogrio": "geopandas' file engine (GeoPackage export)",
    "django-js-lib-leaflet": "Leaflet's files, found by importlib.util.find_spec",
}
"""Declared dependencies loaded by name rather than imported."""


def _modules(layer: str) -> list[Path]:
    path = ROOT / layer
    return [path.with_suffix(".py")] if layer == "streamlit_app" else sorted(path.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Top-level names of every absolute import in ``path``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", list(ALLOWED))
def test_each_layer_imports_only_the_layers_below_it(layer):
    for path in _modules(layer):
        project = (_imports(path) & set(PROJECT)) - {layer}
        assert project <= ALLOWED[layer], (path.relative_to(ROOT), project - ALLOWED[layer])
        if layer in ("french", "geodata", "indicators", "atlas"):
            assert "streamlit" not in _imports(path), path.relative_to(ROOT)


def test_the_contract_reads_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from app_pages import data\n    import streamlit as st\n")
    assert _imports(module) == {"app_pages", "streamlit"}


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {re.split(r"[<>=!\[ ;]", r.strip(), maxsplit=1)[0].lower()
            for r in project["dependencies"]}


def test_dependencies_are_declared_exactly_as_imported():
    imported = set()
    for layer in ALLOWED:
        for path in _modules(layer):
            imported |= _imports(path)
    third_party = imported - set(PROJECT) - set(sys.stdlib_module_names) - {"__future__"}
    declared = _declared()
    modules = {IMPORT_NAMES.get(name, name.replace("-", "_")): name for name in declared}
    assert third_party - set(modules) == set(), "imported but not declared"
    unused = {name for module, name in modules.items() if module not in third_party}
    assert unused == set(ENGINES), "declared but never imported"


def test_importing_the_library_changes_nothing_outside_it(tmp_path):
    """No matplotlib backend forced, no file written, at import."""
    import subprocess

    code = ("import matplotlib; matplotlib.use('svg'); "
            "import atlas.export_map, atlas.sheet_parts, atlas.sheet, app_pages.leaflet_map; "
            "print(matplotlib.get_backend())")
    env = {**__import__("os").environ, "ATLAS_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env=env, check=True)
    assert out.stdout.strip() == "svg"
    assert not (tmp_path / "cache").exists()


def test_the_territory_page_data_do_not_import_the_pdf_layout():
    import subprocess

    code = ("import sys, atlas.territory_view, atlas.territory_data; "
            "print(sorted(m for m in sys.modules if m.startswith(('matplotlib', 'atlas.sheet'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
