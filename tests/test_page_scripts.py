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


def test_every_table_says_missing_in_french():
    """Streamlit draws a missing cell as « None » (whatever a Styler wrote for it) unless the
    table has a ``placeholder``: every ``st.dataframe`` of the pages has French's."""
    for path in [ROOT / "streamlit_app.py", *sorted((ROOT / "app_pages").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "dataframe"):
                found = {k.arg: k.value for k in node.keywords}
                assert "placeholder" in found, f"{path.name}:{node.lineno}"
                assert ast.unparse(found["placeholder"]) == "french.MISSING", \
                    f"{path.name}:{node.lineno}"
