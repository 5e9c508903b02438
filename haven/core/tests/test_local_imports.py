"""An import inside a function says why (issue 9): start-up cost (Splink, DuckDB), the app
registry not yet full (AppConfig.ready), settings not yet chosen (the console entry point)…
Anything else belongs at the top of the module.

An import is explained by a comment on its line, or on the line just above the block of
imports it belongs to.
"""

import ast
from pathlib import Path

HAVEN = Path(__file__).resolve().parents[2]


def unexplained(source: str) -> list[int]:
    lines = source.splitlines()
    found = []
    for func in ast.walk(ast.parse(source)):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if "#" in lines[node.lineno - 1]:
                continue
            above = node.lineno - 2
            while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
                above -= 1
            if above < 0 or not lines[above].strip().startswith("#"):
                found.append(node.lineno)
    return sorted(set(found))


def test_every_function_local_import_says_why():
    missing = []
    for path in sorted(HAVEN.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(HAVEN).parts):
            continue
        missing += [f"{path.relative_to(HAVEN)}:{n}" for n in unexplained(path.read_text())]
    assert missing == []


def test_the_check_finds_an_unexplained_import_and_accepts_explained_ones():
    source = ("def a():\n    from x import y\n    return y\n\n"
              "def b():\n    # Splink loads in seconds: only when linking.\n"
              "    from x import y\n    from x import z\n    return y, z\n\n"
              "def c():\n    import json  # light, but circular at start-up\n    return json\n")
    assert unexplained(source) == [2]
