"""pyproject.toml and environment.yml stay in step; only the app layer imports Streamlit."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!\[ ;]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_every_dependency_with_the_same_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r): r.replace(" ", "") for r in
              project["dependencies"] + project["optional-dependencies"]["test"]}
    listed = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        item = line.strip()
        if item.startswith("- ") and not item.endswith(":") and item != "- pip":
            requirement = item[2:].strip()
            listed[_name(requirement)] = requirement.replace(" ", "")
    listed.pop("python", None)
    assert listed == wanted


def test_streamlit_is_imported_only_by_the_app_layer():
    pattern = re.compile(r"^\s*(import streamlit|from streamlit)", re.MULTILINE)
    for package in ("atlas", "geodata", "indicators"):
        for path in (ROOT / package).rglob("*.py"):
            assert not pattern.search(path.read_text(encoding="utf-8")), path
