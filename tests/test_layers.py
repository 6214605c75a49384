"""The import contract of the layers, and dependencies declared exactly as imported.

- ``french`` (how figures are written) and ``geodata`` import nothing of the project;
- ``indicators`` imports only ``geodata`` and ``french``;
- the library (``atlas``, ``geodata``, ``indicators``) never imports the app layer
  (``app_pages``, ``streamlit_app``, ``atlas_app``) nor Streamlit;
- inside ``atlas``, ``index`` imports no other sub-package, ``perception`` and ``maps`` only
  ``index``, ``reports`` all three, ``cli`` everything (as each package's docstring says);
- inside ``app_pages``, the helpers (``app_pages.common``) never import a page;
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
PROJECT = ("french", "atlas", "geodata", "indicators", "app_pages", "streamlit_app",
           "atlas_app")
ALLOWED = {
    "french": set(),
    "geodata": set(),
    "indicators": {"french", "geodata"},
    "atlas": {"french", "geodata", "indicators"},
    "app_pages": {"french", "geodata", "indicators", "atlas"},
    "streamlit_app": {"french", "geodata", "indicators", "atlas", "app_pages"},
    "atlas_app": {"app_pages"},
}
"""Project packages each layer may import, besides itself."""
ATLAS_ALLOWED = {
    "index": set(),
    "perception": {"index"},
    "maps": {"index"},
    "reports": {"index", "perception", "maps"},
    "cli": {"index", "perception", "maps", "reports"},
}
"""Sub-packages of ``atlas`` each may import, besides itself."""
IMPORT_NAMES = {"scikit-learn": "sklearn", "pyyaml": "yaml"}
"""Distribution name → module name, where they differ."""
ENGINES = {
    "openpyxl": "pandas' Excel engine (read_excel, ExcelWriter)",
    "pyogrio": "geopandas' file engine (GeoPackage export)",
    "jinja2": "pandas' Styler (the French display of the app's tables)",
    "django-js-lib-leaflet": "Leaflet's files, found by importlib.util.find_spec",
}
"""Declared dependencies loaded by name rather than imported."""


def _modules(layer: str) -> list[Path]:
    path = ROOT / layer
    if layer in ("streamlit_app", "atlas_app"):
        return [path.with_suffix(".py")]
    return sorted(path.rglob("*.py"))


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


def _submodules(path: Path, package: str) -> set[str]:
    """Sub-packages of ``package`` imported by ``path`` (``atlas.maps.x`` → ``maps``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            dotted = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            dotted = [node.module] if node.module != package else [
                f"{package}.{alias.name}" for alias in node.names]
        else:
            continue
        names |= {name.split(".")[1] for name in dotted
                  if name.startswith(package + ".") and name.count(".") >= 1}
    return names


def test_atlas_sub_packages_are_exactly_the_declared_ones():
    packages = {p.parent.name for p in (ROOT / "atlas").glob("*/__init__.py")}
    assert packages == set(ATLAS_ALLOWED)
    assert [p.name for p in (ROOT / "atlas").glob("*.py")] == ["__init__.py"]


@pytest.mark.parametrize("package", list(ATLAS_ALLOWED))
def test_each_atlas_sub_package_imports_only_those_below_it(package):
    for path in sorted((ROOT / "atlas" / package).rglob("*.py")):
        used = _submodules(path, "atlas") - {package}
        assert used <= ATLAS_ALLOWED[package], (path.relative_to(ROOT), used)


def test_page_helpers_never_import_a_page():
    pages = {p.stem for p in (ROOT / "app_pages").glob("*.py")} - {"__init__"}
    for path in sorted((ROOT / "app_pages" / "common").rglob("*.py")):
        assert _submodules(path, "app_pages") & pages == set(), path.relative_to(ROOT)


def test_the_sub_package_contract_sees_every_import_form(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import atlas.maps.classify\nfrom atlas import reports\n"
                      "def f():\n    from atlas.cli.main import main\n")
    assert _submodules(module, "atlas") == {"maps", "reports", "cli"}


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
            "import atlas.maps.static_maps, atlas.reports.sheet_parts, atlas.reports.sheet, "
            "app_pages.common.leaflet_map; "
            "print(matplotlib.get_backend())")
    env = {**__import__("os").environ, "ATLAS_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env=env, check=True)
    assert out.stdout.strip() == "svg"
    assert not (tmp_path / "cache").exists()


def test_the_territory_page_data_do_not_import_the_pdf_layout():
    import subprocess

    code = ("import sys, atlas.reports.territory_profile, atlas.reports.territory_record; "
            "print(sorted(m for m in sys.modules "
            "if m.startswith(('matplotlib', 'atlas.reports.sheet'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
