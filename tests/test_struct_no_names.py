"""No organisation or place named in the data files' name lists appears in the code of ingest/: names belong
in ingest/data/*.toml. Docstrings and comments may quote an example; string literals and regular
expressions may not."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ingest.names import NAMES
from ingest.text import fold

INGEST = Path(__file__).resolve().parents[1] / "ingest"
NAME_LISTS = ("compound_names", "pilot_subjects", "regions")  # organisations and places of names.toml


def _names() -> list[str]:
    return sorted({n for key in NAME_LISTS for n in NAMES[key] if len(n) >= 4})


def _literals(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _pattern(name: str) -> re.Pattern:
    """The folded name as written in a literal: words apart by spaces, hyphens or regex escapes ("\\s+")."""
    words = re.findall(r"[a-z0-9]+", fold(name))
    return re.compile(r"\b" + r"(?:[\s\-'’/]|\\s[+*]?|\\ )+".join(words) + r"\b")


def test_the_lists_are_not_empty() -> None:
    assert len(_names()) > 20 and "Pôle emploi" in NAMES["pilot_subjects"]


def test_no_listed_name_in_ingest_code() -> None:
    patterns = {name: _pattern(name) for name in _names()}
    found = []
    for path in sorted(INGEST.rglob("*.py")):
        for line, text in _literals(path):
            key = fold(text)
            found += [f"{path.relative_to(INGEST)}:{line}: {n}" for n, p in patterns.items() if p.search(key)]
    assert not found, found


def test_the_check_finds_a_name(tmp_path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""Pôle emploi in a docstring is fine."""\nX = r"Pôle\\s+emploi|Occitanie"\n')
    literals = [text for _, text in _literals(module)]
    assert literals == ["Pôle\\s+emploi|Occitanie"]
    assert _pattern("Pôle emploi").search(fold(literals[0]))
