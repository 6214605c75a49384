"""Page scripts show nothing by accident: no bare string for Streamlit's « magic » to write.

Streamlit writes any expression standing alone in a page script (a string after an
assignment, meant as a docstring, ends up on screen): only the module's and functions'
own docstrings are skipped by it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([*(ROOT / "app_pages").glob("*.py"), ROOT / "streamlit_app.py"])


def bare_strings(tree: ast.Module) -> list[int]:
    """Lines of string expressions Streamlit's magic would show."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skipped.add(id(body[0]))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant | ast.JoinedStr)
            and id(node) not in skipped]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_bare_string_in_a_page_script(page):
    tree = ast.parse(page.read_text(encoding="utf-8"))
    assert bare_strings(tree) == [], f"{page.name}: bare strings shown by Streamlit's magic"


def test_the_check_finds_a_bare_string():
    tree = ast.parse('"""Doc."""\nX = 1\n"""Shown on screen."""\ndef f():\n    """Doc."""\n')
    assert bare_strings(tree) == [3]
